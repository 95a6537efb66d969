/**
 * Shared pieces of the MAVLink tests: a UDP sender, a hub stand-in that records what the gateway ingests, and a raw
 * CoT TCP client that collects decoded events.
 */
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { CotFramer, decodeCot } from '../../src/codecs/cot/index.js';
import type { Event } from '../../src/model/index.js';
import type { GatewayHub } from '../../src/gateways/mavlink/index.js';

/** A hub stand-in for the gateway: every ingested event lands in `events`. */
export function recorderHub(): { hub: GatewayHub; events: Event[] } {
  const events: Event[] = [];
  const hub = {
    open: () => ({}) as never,
    close: () => {},
    ingest: (_s: unknown, e: Event) => {
      events.push(e);
      return { ok: true as const };
    },
  } as unknown as GatewayHub;
  return { hub, events };
}

export function udpSender() {
  const s = createSocket('udp4');
  return {
    send: (buf: Buffer, port: number) =>
      new Promise<void>((resolve, reject) =>
        s.send(buf, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
      ),
    close: () => s.close(),
  };
}

export interface CotClient {
  events: Event[];
  waitFor(pred: (e: Event) => boolean, timeoutMs?: number): Promise<Event>;
  close(): void;
}

/** A raw TCP client that speaks CoT XML the way ATAK's streaming TCP connection does. */
export async function cotClient(port: number): Promise<CotClient> {
  const sock: Socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  const framer = new CotFramer({ maxEventBytes: 1 << 20 });
  const events: Event[] = [];
  const waiters: { pred: (e: Event) => boolean; resolve: (e: Event) => void }[] = [];
  sock.on('data', (chunk) => {
    for (const item of framer.push(chunk)) {
      if (item instanceof Error) continue;
      const e = decodeCot(item);
      events.push(e);
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i]!.pred(e)) {
          waiters[i]!.resolve(e);
          waiters.splice(i, 1);
        }
      }
    }
  });
  return {
    events,
    waitFor(pred, timeoutMs = 5000) {
      const have = events.find(pred);
      if (have) return Promise.resolve(have);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('timed out waiting for a CoT event')), timeoutMs);
        waiters.push({
          pred,
          resolve: (e) => {
            clearTimeout(t);
            resolve(e);
          },
        });
      });
    },
    close: () => sock.destroy(),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
