/**
 * Message signing through the real gateway socket: signed frames accepted, unsigned / wrongly signed / replayed /
 * out-of-date frames rejected when signing is required, and every outcome counted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { mavlinkConfig } from '../../src/gateways/mavlink/config.js';
import {
  encodeFrame,
  signingKeyBytes,
  signingTimestampNow,
  startMavlinkGateway,
  type MavlinkGateway,
} from '../../src/gateways/mavlink/index.js';
import * as msg from '../../src/sim/drone-messages.js';
import { waitFor } from '../helpers/wait.js';
import { recorderHub, udpSender } from './helpers.js';

const KEY_HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const key = Buffer.from(KEY_HEX, 'hex');
const wrong = signingKeyBytes({ passphrase: 'not the key' });

const telemetry = (sysid: number) => ({
  lat: 54.5 + sysid / 1000,
  lon: 23.5,
  altMsl: 200,
  relativeAlt: 100,
  vn: 1,
  ve: 0,
  vd: 0,
  heading: 0,
  timeBootMs: 10,
});

let gw: MavlinkGateway | undefined;
const udp = udpSender();
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

/**
 * Wait until the gateway has a verdict (accepted or a refusal reason) for each of the `n` frames sent so far:
 * datagrams on loopback arrive in order, so the last verdict means every frame before it was handled.
 */
async function verdicts(g: { stats(): { frames: Record<string, number> } }, n: number): Promise<void> {
  const count = () => Object.values(g.stats().frames).reduce((a, b) => a + b, 0);
  await waitFor(() => count() >= n, 10_000, `verdicts for ${n} frames`);
}

async function start(requireSigning: boolean, sysids: number[] = []) {
  const { hub, events } = recorderHub();
  const registry = new Registry();
  gw = await startMavlinkGateway({
    cfg: mavlinkConfig.parse({
      port: 0,
      maxRateHz: 50,
      signing: { requireSigning, keys: [{ id: 'ltu-uas', hex: KEY_HEX, sysids }] },
    }),
    hub,
    log: pino({ level: 'silent' }),
    metrics: { registry },
  });
  return { events, registry, gw };
}

describe('MAVLink signing', () => {
  it('required: accepts signed frames; rejects unsigned, wrong key, replayed and stale ones; counts each', async () => {
    const { events, registry, gw } = await start(true);
    let ts = signingTimestampNow();
    const pos = (sysid: number, sign?: { key: Buffer; timestamp: number }) =>
      encodeFrame(msg.globalPositionInt(telemetry(sysid)), {
        sysid,
        compid: 1,
        seq: 0,
        ...(sign ? { sign: { ...sign, linkId: 1 } } : {}),
      });
    const good = pos(1, { key, timestamp: ++ts });
    await udp.send(good, gw.port);
    await udp.send(pos(2), gw.port); // unsigned
    await udp.send(
      encodeFrame(msg.globalPositionInt(telemetry(3)), { sysid: 3, compid: 1, seq: 0, version: 1 }),
      gw.port,
    );
    await udp.send(pos(4, { key: wrong, timestamp: ++ts }), gw.port);
    await udp.send(good, gw.port); // exact replay
    await udp.send(pos(1, { key, timestamp: ts - 500 }), gw.port); // older than the stream's last: a replay too
    await udp.send(pos(5, { key, timestamp: signingTimestampNow(Date.now() - 120_000) }), gw.port); // 2 min old
    await udp.send(pos(1, { key, timestamp: ts + 1 }), gw.port); // a fresh one on the same stream
    await verdicts(gw, 8);
    const f = gw.stats().frames;
    expect(f['accepted']).toBe(2);
    expect(f['unsigned']).toBe(2);
    expect(f['bad-signature']).toBe(1);
    expect(f['replay']).toBe(2);
    expect(f['old-timestamp']).toBe(1);
    expect(gw.stats().signedOk).toBe(2);
    expect(new Set(events.map((e) => e.uid))).toEqual(new Set(['MAVLINK-1-1']));
    const scraped = await registry.getSingleMetricAsString('bw_mavlink_frames_total');
    expect(scraped).toContain('result="unsigned"} 2');
    expect(scraped).toContain('result="bad-signature"} 1');
  });

  it('not required: unsigned frames pass, badly signed ones are still refused', async () => {
    const { events, gw } = await start(false);
    await udp.send(
      encodeFrame(msg.globalPositionInt(telemetry(8)), { sysid: 8, compid: 1, seq: 0 }),
      gw.port,
    );
    const bad = encodeFrame(msg.globalPositionInt(telemetry(9)), {
      sysid: 9,
      compid: 1,
      seq: 0,
      sign: { key: wrong, linkId: 0, timestamp: signingTimestampNow() },
    });
    await udp.send(bad, gw.port);
    await verdicts(gw, 2);
    expect(events.map((e) => e.uid)).toEqual(['MAVLINK-8-1']);
    expect(gw.stats().frames['bad-signature']).toBe(1);
  });

  it('a key limited to some system ids does not sign for others', async () => {
    const { hub } = recorderHub();
    gw = await startMavlinkGateway({
      cfg: mavlinkConfig.parse({
        port: 0,
        signing: { requireSigning: true, keys: [{ passphrase: 'vilkas', sysids: [10] }] },
      }),
      hub,
      log: pino({ level: 'silent' }),
    });
    const k = signingKeyBytes({ passphrase: 'vilkas' });
    const frame = (sysid: number) =>
      encodeFrame(msg.heartbeat(2), {
        sysid,
        compid: 1,
        seq: 0,
        sign: { key: k, linkId: 0, timestamp: signingTimestampNow() },
      });
    await udp.send(frame(10), gw.port);
    await udp.send(frame(11), gw.port);
    await verdicts(gw, 2);
    expect(gw.stats().frames['accepted']).toBe(1);
    expect(gw.stats().frames['key-not-for-sysid']).toBe(1);
  });

  describe('once signed, always signed (signing not required)', () => {
    const frame = (sysid: number, opts: { sign?: number; linkId?: number; lat?: number } = {}) =>
      encodeFrame(msg.globalPositionInt({ ...telemetry(sysid), ...(opts.lat ? { lat: opts.lat } : {}) }), {
        sysid,
        compid: 1,
        seq: 0,
        ...(opts.sign !== undefined ? { sign: { key, linkId: opts.linkId ?? 0, timestamp: opts.sign } } : {}),
      });

    it('refuses and counts unsigned frames for a sysid listed under a key', async () => {
      const { events, registry, gw } = await start(false, [20, 21]);
      await udp.send(frame(20), gw.port); // unsigned: refused although signing is not required
      await udp.send(frame(21, { sign: signingTimestampNow() }), gw.port);
      await udp.send(frame(30), gw.port); // not listed, never signed: unsigned is fine
      await verdicts(gw, 3);
      expect(gw.stats().frames['unsigned']).toBe(1);
      expect(new Set(events.map((e) => e.uid))).toEqual(new Set(['MAVLINK-21-1', 'MAVLINK-30-1']));
      expect(await registry.getSingleMetricAsString('bw_mavlink_frames_total')).toContain(
        'result="unsigned"} 1',
      );
    });

    it('refuses unsigned frames from a sysid that has signed once', async () => {
      const { events, gw } = await start(false);
      await udp.send(frame(40, { sign: signingTimestampNow() }), gw.port);
      await verdicts(gw, 1);
      await udp.send(frame(40, { lat: 10 }), gw.port); // a spoofed unsigned position for the signed drone
      await verdicts(gw, 2);
      expect(gw.stats().frames['unsigned']).toBe(1);
      expect(events.map((e) => e.uid)).toEqual(['MAVLINK-40-1']);
      expect(events.every((e) => e.point.lat > 50)).toBe(true);
    });

    it('treats timestamps as the C library does: reuse is a replay, a new stream may be ahead of the clock', async () => {
      const { gw } = await start(false);
      const ahead = signingTimestampNow(Date.now() + 10 * 60_000); // ten minutes ahead
      await udp.send(frame(50, { sign: ahead }), gw.port); // new stream ahead of the clock: accepted
      await udp.send(frame(50, { sign: ahead, lat: 54.7 }), gw.port); // same timestamp, other bytes: replay
      await udp.send(frame(50, { sign: ahead + 1 }), gw.port); // next timestamp: accepted
      // Another link id is another stream: its own first timestamp may be behind the first stream's, within a
      // minute of our timestamp, which has moved up to the newest accepted one (as signing->timestamp does).
      await udp.send(frame(50, { sign: ahead - 30 * 100_000, linkId: 1 }), gw.port);
      await udp.send(frame(50, { sign: signingTimestampNow(), linkId: 2 }), gw.port); // ten minutes behind it: old
      await verdicts(gw, 5);
      const f = gw.stats().frames;
      expect(f['replay']).toBe(1);
      expect(f['accepted']).toBe(3);
      expect(f['old-timestamp']).toBe(1);
    });
  });
});
