/**
 * MAVLink-announced video streams in a real hub with the real MAVLink gateway: an unsigned announcement is refused
 * (no port bound), a URL outside `video.announced.allowHosts` is refused, and a signed one becomes a feed in the
 * gateway's groups and nation whose label is never below the vehicle's current label in the picture.
 */
import { createSocket } from 'node:dgram';
import { common, minimal } from 'node-mavlink';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame } from '../../src/gateways/mavlink/encode.js';
import { signingKeyBytes, signingTimestampNow } from '../../src/gateways/mavlink/signing.js';
import { hostAllowed } from '../../src/video/announce.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { withLabel } from '../../src/trust/ingress.js';
import { makeEvent } from '../helpers/events.js';
import { freeUdpPort } from './helpers/feed.js';

const KEY = { id: 'uav7', passphrase: 'kalvarija-camera', sysids: [7, 8] };

async function waitFor(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('MAVLink-announced video streams', () => {
  let app: TestApp;
  const cam = createSocket('udp4');
  let seq = 0;
  const announce = (sysid: number, uri: string, signed: boolean) => {
    const vsi = new common.VideoStreamInformation();
    vsi.streamId = 1;
    vsi.count = 1;
    vsi.type = common.VideoStreamType.MPEG_TS;
    vsi.uri = uri;
    vsi.name = 'EO';
    const hb = new minimal.Heartbeat();
    hb.type = minimal.MavType.CAMERA;
    hb.autopilot = minimal.MavAutopilot.INVALID;
    hb.mavlinkVersion = 3;
    for (const m of [hb, vsi]) {
      // Each signed frame needs a newer timestamp than the last on its link.
      const sign = { key: signingKeyBytes(KEY), linkId: 1, timestamp: signingTimestampNow() + seq };
      cam.send(
        encodeFrame(m, { sysid, compid: 100, seq: seq++ & 0xff, ...(signed ? { sign } : {}) }),
        app.ports.mavlink!,
        '127.0.0.1',
      );
    }
  };
  const refused = async () =>
    ((await app.video!.metrics.announceRefused.get()).values ?? []).map((v) => [v.labels.reason, v.value]);

  beforeAll(async () => {
    app = await startTestApp({
      'mavlink.enabled': true,
      'mavlink.port': 0,
      'mavlink.host': '127.0.0.1',
      'mavlink.groups': ['recce'],
      'mavlink.nation': 'LTU',
      'mavlink.signing.keys': [KEY],
      'video.announced.allowHosts': ['127.0.0.0/8'],
    });
    await new Promise<void>((r) => cam.bind(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => {
    cam.close();
    await app?.stop();
  });

  it('reads host allow-list entries as names, addresses and CIDR blocks', () => {
    expect(hostAllowed('127.0.0.1', ['127.0.0.0/8'])).toBe(true);
    expect(hostAllowed('10.1.2.3', ['127.0.0.0/8', 'cam.local'])).toBe(false);
    expect(hostAllowed('CAM.local', ['cam.local'])).toBe(true);
    expect(hostAllowed('fd00::5', ['fd00::/8'])).toBe(true);
    expect(hostAllowed('fd00::5', ['10.0.0.0/8'])).toBe(false);
  });

  it('refuses an unsigned announcement: no feed, no port bound', async () => {
    const port = await freeUdpPort();
    announce(9, `udp://0.0.0.0:${port}`, false);
    const end = Date.now() + 5000;
    while ((await refused()).length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(await refused()).toEqual([['unsigned', 1]]);
    expect(app.video!.list()).toEqual([]);
    const probe = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.bind(port, '0.0.0.0', () => resolve());
    });
    probe.close();
  });

  it('refuses a signed announcement of a host outside video.announced.allowHosts', async () => {
    announce(8, 'rtsp://10.20.30.40:8554/internal', true);
    const end = Date.now() + 5000;
    while ((await refused()).length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(await refused()).toEqual([
      ['unsigned', 1],
      ['not-allowed', 1],
    ]);
    expect(app.video!.list()).toEqual([]);
  });

  it("adds a signed announcement in the gateway's groups and nation, at least at the vehicle's label", async () => {
    // The vehicle's track is already in the picture with a SECRET label.
    const who = {
      id: 'ops',
      kind: 'operator' as const,
      clearance: 'SECRET' as const,
      categories: [],
      groups: ['recce'],
    };
    const s = app.hub.open(
      { write: () => true, close: () => undefined },
      { transport: 'internal', protocol: 'web', identity: who, format: 'cot-xml', noPicture: true },
    );
    const label = { policy: 'NATO', classification: 'SECRET' as const, categories: [] };
    const track = withLabel(makeEvent({ uid: 'MAVLINK-7-1', type: 'a-f-A-M-F-Q' }), label);
    expect(app.hub.ingest(s, track).ok).toBe(true);
    expect(app.hub.state.get('MAVLINK-7-1')?.event.label.classification).toBe('SECRET');

    const port = await freeUdpPort();
    announce(7, `udp://127.0.0.1:${port}`, true);
    await waitFor(() => app.video!.list().length === 1, 5000, 'the announced feed');
    const feed = app.video!.get('MAVLINK-7-1')!;
    expect(feed.origin).toBe('mavlink');
    expect(feed.cfg.groups).toEqual(['recce']);
    expect(feed.cfg.nation).toBe('LTU');
    expect(feed.cfg.platformUid).toBe('MAVLINK-7-1');
    expect(feed.label.classification).toBe('SECRET');
    expect(app.video!.portOf('MAVLINK-7-1')).toBe(port);
    // A viewer outside the gateway's groups, or not cleared for SECRET, is refused by the gate.
    const sink = { buffered: () => 0, send: () => {}, close: () => {} };
    const outsider = { ...who, id: 'x', groups: ['__ANON__'] };
    expect(app.video!.watch(feed.id, outsider, sink)).toMatchObject({ ok: false });
    const uncleared = { ...who, id: 'y', clearance: 'RESTRICTED' as const };
    expect(app.video!.watch(feed.id, uncleared, sink)).toMatchObject({ ok: false });
    const ok = app.video!.watch(feed.id, who, sink);
    expect(ok.ok).toBe(true);
    if (ok.ok) ok.stop();
  });
});
