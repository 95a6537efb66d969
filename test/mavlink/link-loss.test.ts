/**
 * Link loss: when a drone's frames stop, its entity goes stale on time (no timer needed, the stale time travels
 * with each event). Bad datagrams are counted and change nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { localOperator } from '../../src/model/identity.js';
import { mavlinkConfig } from '../../src/gateways/mavlink/config.js';
import { encodeFrame, startMavlinkGateway, type MavlinkGateway } from '../../src/gateways/mavlink/index.js';
import * as msg from '../../src/sim/drone-messages.js';
import { waitFor } from '../helpers/wait.js';
import { udpSender } from './helpers.js';

let app: TestApp | undefined;
let gw: MavlinkGateway | undefined;
const udp = udpSender();

afterAll(async () => {
  udp.close();
  await gw?.close();
  await app?.stop();
});

describe('link loss', () => {
  it('the drone leaves the picture staleSeconds after its last frame; garbage is counted', async () => {
    app = await startTestApp({ 'udp.enabled': false, 'http.enabled': false });
    gw = await startMavlinkGateway({
      cfg: mavlinkConfig.parse({ port: 0, staleSeconds: 1 }),
      hub: app.hub,
      log: app.log,
    });
    const t = {
      lat: 54.3,
      lon: 23.1,
      altMsl: 200,
      relativeAlt: 80,
      vn: 5,
      ve: 0,
      vd: 0,
      heading: 0,
      timeBootMs: 1,
    };
    await udp.send(encodeFrame(msg.heartbeat(2), { sysid: 9, compid: 1, seq: 0 }), gw.port);
    await udp.send(encodeFrame(msg.globalPositionInt(t), { sysid: 9, compid: 1, seq: 1 }), gw.port);
    await udp.send(Buffer.from('not mavlink at all'), gw.port);
    const corrupt = encodeFrame(msg.globalPositionInt({ ...t, lat: 10 }), { sysid: 9, compid: 1, seq: 2 });
    corrupt[15] = corrupt[15]! ^ 0x55;
    await udp.send(corrupt, gw.port);
    const uids = () => app!.hub.picture(localOperator(), 'rest').map((e) => e.uid);
    // Datagrams on loopback arrive in order: once the corrupt (last) frame is counted, all four were read.
    await waitFor(
      () => gw!.stats().frames['crc'] === 1 && uids().includes('MAVLINK-9-1'),
      10_000,
      'the position and the corrupt frame',
    );
    expect(uids()).toContain('MAVLINK-9-1');
    const e = app.hub.picture(localOperator(), 'rest').find((x) => x.uid === 'MAVLINK-9-1')!;
    expect(e.point.lat).toBeCloseTo(54.3, 6); // the corrupt frame (lat 10) changed nothing
    expect(e.stale - e.time).toBe(1000);
    expect(gw.stats().frames['garbage']).toBe(1);
    expect(gw.stats().frames['crc']).toBe(1);
    // No more frames: the drone leaves the picture when its report goes stale, one second after it was made.
    await waitFor(() => !uids().includes('MAVLINK-9-1'), 10_000, 'the silent drone to go stale');
    expect(uids()).not.toContain('MAVLINK-9-1');
  });
});
