/** Start a real hub on ephemeral ports with a temp data dir, and raw CoT clients for it. */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startApp, type App } from '../../src/app/index.js';
import { validateConfig, setPath } from '../../src/app/config.js';
import { CotFramer, decodeCot } from '../../src/codecs/cot/index.js';
import { TakStreamFramer, decodeTakMessage, encodeTakStream } from '../../src/codecs/takproto/index.js';
import type { Event } from '../../src/model/event.js';
import type { Classification } from '../../src/model/label.js';
import { createUserStore } from '../../src/trust/users.js';

export interface TestApp extends App {
  dir: string;
  stop(): Promise<void>;
}

/** Overrides are dotted paths: { 'limits.ratePerClient': 5 }. */
export async function startTestApp(overrides: Record<string, unknown> = {}, dir?: string): Promise<TestApp> {
  const dataDir = dir ?? mkdtempSync(join(tmpdir(), 'bw-test-'));
  const raw: Record<string, unknown> = {};
  const base: Record<string, unknown> = {
    dataDir,
    'log.level': 'silent',
    'tcp.port': 0,
    'udp.port': 0,
    'http.port': 0,
    'tls.enabled': false,
    'trust.enrollment.enabled': false,
    'trust.api.enabled': false,
    'mavlink.enabled': false,
    // Every connection on a decode thread from its first byte (the hub's default moves only busy senders there);
    // suites that run twice (see stream-hub-thread.test.ts) choose where CoT XML is decoded.
    'decode.fromBytesPerSecond': 0,
    ...(process.env['BW_TEST_DECODE_THREADS']
      ? { 'decode.threads': Number(process.env['BW_TEST_DECODE_THREADS']) }
      : {}),
    ...overrides,
  };
  for (const [k, v] of Object.entries(base)) setPath(raw, k.split('.'), v);
  const config = validateConfig(raw);
  const app = await startApp(config, { log: pino({ level: 'silent' }) });
  return {
    ...app,
    dir: dataDir,
    async stop() {
      await app.close();
      if (!dir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Overrides for the mutual-TLS stream (8089) and the Marti API (8443), on ephemeral loopback ports. */
export const TLS_AND_API = {
  'tls.enabled': true,
  'tls.port': 0,
  'tls.host': '127.0.0.1',
  'trust.api.enabled': true,
  'trust.api.port': 0,
  'trust.api.host': '127.0.0.1',
} as const;

/** Overrides for the enrollment listener (8446), on an ephemeral loopback port. */
export const ENROLLMENT = {
  'trust.enrollment.enabled': true,
  'trust.enrollment.port': 0,
  'trust.enrollment.host': '127.0.0.1',
} as const;

/** Add a user (web sign-in and enrollment) of `nation` and `clearance`; returns the app's user store. */
export async function addUser(
  app: App,
  id: string,
  nation: string,
  clearance: Classification,
  password: string,
): Promise<ReturnType<typeof createUserStore>> {
  const users = createUserStore(app.store, app.config.trust.enrollment);
  await users.add({ id, kind: 'user', nation, clearance, categories: [], groups: ['__ANON__'] }, password);
  return users;
}

/** A raw TCP client that speaks CoT XML (and TAK protocol after negotiate()). */
export class CotClient {
  readonly socket: net.Socket;
  readonly events: Event[] = [];
  raw = Buffer.alloc(0);
  closed = false;
  private cot: CotFramer | undefined = new CotFramer({ maxEventBytes: 4 << 20 });
  private tak: TakStreamFramer | undefined;
  private waiters: (() => void)[] = [];

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.raw = Buffer.concat([this.raw, chunk]);
      const frames = this.tak ? this.tak.push(chunk) : this.cot!.push(chunk);
      for (const f of frames) {
        if (f instanceof Error) continue;
        const e = this.tak ? decodeTakMessage(f).event : decodeCot(f);
        if (e) this.events.push(e);
        if (e?.type === 't-x-takp-r' && /status="true"/.test(e.detail.elements[0]?.xml ?? '')) {
          this.tak = new TakStreamFramer({ maxMessageBytes: 4 << 20 });
          this.cot = undefined;
        }
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<CotClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new CotClient(s)));
      s.once('error', reject);
    });
  }

  get protobuf(): boolean {
    return this.tak !== undefined;
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  sendEvent(e: Event): void {
    this.socket.write(encodeTakStream(e));
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Wait until `pred` holds over the received events (or the connection closes), up to `ms`. */
  async waitFor(pred: (events: Event[]) => boolean, ms = 5000, what = 'condition'): Promise<void> {
    const end = Date.now() + ms;
    while (!pred(this.events)) {
      if (Date.now() > end)
        throw new Error(
          `timed out waiting for ${what}; got ${this.events.map((e) => e.type + ':' + e.uid).join(', ')}`,
        );
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  async waitUid(uid: string, ms = 5000): Promise<Event> {
    await this.waitFor((es) => es.some((e) => e.uid === uid), ms, `uid ${uid}`);
    return this.events.find((e) => e.uid === uid)!;
  }

  async waitClosed(ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (!this.closed) {
      if (Date.now() > end) throw new Error('timed out waiting for close');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Read a counter's value by name and labels from the app's registry. */
export async function counter(app: App, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = (await app.metrics.registry.getMetricsAsJSON()).find((x) => x.name === name);
  if (!m) return 0;
  let total = 0;
  for (const v of m.values as { value: number; labels: Record<string, string | number> }[]) {
    if (Object.entries(labels).every(([k, val]) => String(v.labels[k]) === val)) total += v.value;
  }
  return total;
}

/** A fixture's XML with time/start/stale moved to now (stale in `staleS` seconds) and optionally a new uid. */
export function freshXml(
  xml: string | Buffer,
  opts: { uid?: string; staleS?: number; callsign?: string } = {},
): string {
  const now = Date.now();
  let s = xml.toString().trim();
  s = s.replace(/<\?xml[^>]*\?>\s*/, '');
  s = s.replace(/\btime=(['"])[^'"]*\1/, `time="${new Date(now).toISOString()}"`);
  s = s.replace(/\bstart=(['"])[^'"]*\1/, `start="${new Date(now).toISOString()}"`);
  s = s.replace(
    /\bstale=(['"])[^'"]*\1/,
    `stale="${new Date(now + (opts.staleS ?? 600) * 1000).toISOString()}"`,
  );
  if (opts.uid) s = s.replace(/(<event[^>]*\buid=)(['"])[^'"]*\2/, `$1"${opts.uid}"`);
  if (opts.callsign) s = s.replace(/callsign=(['"])[^'"]*\1/, `callsign="${opts.callsign}"`);
  return s;
}
