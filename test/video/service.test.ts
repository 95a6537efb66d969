/**
 * The video service end to end in a real hub: a UDP feed with KLV becomes a labelled platform, footprint and SPI
 * in the picture (ST 0102 label: RESTRICTED, releasable to LTU); an LTU viewer watches it over WebSocket and HTTP,
 * an LVA viewer is refused by the egress gate and sees neither the feed nor its entities; every watch is audited.
 */
import { get as httpGet } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Identity } from '../../src/model/identity.js';
import { createAudit } from '../../src/trust/audit.js';
import { vcmXml, videoCollections } from '../../src/video/index.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { feedDatagrams, freeUdpPort, sendUdp, telemetry } from './helpers/feed.js';

async function waitFor(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('video service', () => {
  let app: TestApp;
  let port: number;
  let url: string;
  const cookies: Record<string, string> = {};
  const login = async (user: string, nation: string) => {
    const r = await fetch(`${url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user, password: '', nation, clearance: 'SECRET' }),
    });
    expect(r.status).toBe(200);
    return r.headers.get('set-cookie')!.split(';')[0]!;
  };

  beforeAll(async () => {
    port = await freeUdpPort();
    app = await startTestApp({
      'web.devMode': true,
      'video.feeds': [{ id: 'cam1', url: `udp://127.0.0.1:${port}`, name: 'Test camera' }],
    });
    url = `http://127.0.0.1:${app.ports.http}`;
    cookies.ltu = await login('lt-officer', 'LTU');
    cookies.lva = await login('lv-officer', 'LVA');
    const sec = { security: { classification: 2, releasing: 'LTU' } };
    await sendUdp(
      port,
      feedDatagrams(20, (i) => telemetry(i, sec)),
    );
    await waitFor(() => app.hub.state.size >= 3, 5000, 'KLV entities in the hub');
  });
  afterAll(() => app?.stop());

  it('puts the platform, its footprint and the frame centre into the picture with the ST 0102 label', () => {
    const uids = [...app.hub.state.values()].map((e) => e.event.uid).sort();
    expect(uids).toEqual(['KLV-cam1', 'KLV-cam1.SPI1', 'KLV-cam1.footprint']);
    const p = [...app.hub.state.values()].find((e) => e.event.uid === 'KLV-cam1')!.event;
    expect(p.type).toBe('a-f-A-M-F-Q');
    expect(p.label.classification).toBe('RESTRICTED');
    expect(p.releasableTo).toBe('LTU');
    expect(p.point.lat).toBeCloseTo(54.9019, 3);
    const names = p.detail.elements.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['contact', 'track', 'sensor', '__footprint', '__video']));
    const video = p.detail.elements.find((e) => e.name === '__video')!.xml;
    expect(video).toContain(`url="http://127.0.0.1:${app.ports.http}/api/video/feeds/cam1/stream.ts"`);
    expect(p.detail.contact?.callsign).toBe('LTU-UAV-7');
  });

  it('lists the feed only to whom it is releasable', async () => {
    const get = (c: string) =>
      fetch(`${url}/api/video/feeds`, { headers: { cookie: c } }).then((r) => r.json());
    const ltu = (await get(cookies.ltu!)) as {
      id: string;
      label: string;
      labelFrom: string;
      klv: { sensor: { slantRange: number } };
    }[];
    expect(ltu.map((f) => [f.id, f.label, f.labelFrom])).toEqual([
      ['cam1', 'NATO RESTRICTED // REL TO LTU', 'st0102'],
    ]);
    expect(ltu[0]!.klv.sensor.slantRange).toBeCloseTo(1000, 0);
    expect(await get(cookies.lva!)).toEqual([]);
    const pic = (await fetch(`${url}/api/picture`, { headers: { cookie: cookies.lva! } }).then((r) =>
      r.json(),
    )) as { features: unknown[] };
    expect(pic.features).toEqual([]);
  });

  it('streams the TS to a permitted WebSocket viewer and refuses another nation; both audited', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${app.ports.http}/api/video/feeds/cam1/ws`, {
      headers: { cookie: cookies.ltu! },
    });
    let got = 0;
    ws.on('message', (d: Buffer) => (got += d.length));
    await new Promise((r) => ws.once('open', r));
    await new Promise((r) => setTimeout(r, 100));
    await sendUdp(
      port,
      feedDatagrams(5, (i) => telemetry(i, { security: { classification: 2, releasing: 'LTU' } })),
    );
    await waitFor(() => got > 5000, 5000, 'bytes at the viewer');
    expect(got % 188).toBe(0);
    ws.close();

    const bad = new WebSocket(`ws://127.0.0.1:${app.ports.http}/api/video/feeds/cam1/ws`, {
      headers: { cookie: cookies.lva! },
    });
    const code = await new Promise<number>((r) => bad.once('close', (c) => r(c)));
    expect(code).toBe(4403);

    const audit = createAudit(app.store);
    await waitFor(
      () => audit.query({ kind: 'video-watch' }).some((r) => r.detail?.['to'] !== undefined),
      5000,
      'the watch audit',
    );
    const watches = audit.query({ kind: 'video-watch' });
    expect(watches.every((w) => w.actor === 'lt-officer' && w.ref === 'cam1')).toBe(true);
    const end = watches.find((w) => w.detail?.['to'])!;
    expect(Number(end.detail!['bytes'])).toBeGreaterThan(5000);
    // The refusal is audited by the gate's own listener as egress-deny (batched by the audit module), not as a watch.
  });

  it('serves HTTP-TS to a permitted viewer and 403 to another nation', async () => {
    // node:http without an agent: destroying the request closes the connection (a live stream never ends).
    const first = await new Promise<{ status: number; type: string; byte: number }>((resolve, reject) => {
      const req = httpGet(
        `${url}/api/video/feeds/cam1/stream.ts`,
        { headers: { cookie: cookies.ltu! }, agent: false },
        (res) => {
          res.once('data', (d: Buffer) => {
            resolve({ status: res.statusCode!, type: String(res.headers['content-type']), byte: d[0]! });
            req.destroy();
          });
          void sendUdp(port, feedDatagrams(3));
        },
      );
      req.on('error', reject);
    });
    expect(first).toEqual({ status: 200, type: 'video/mp2t', byte: 0x47 });
    const no = await fetch(`${url}/api/video/feeds/cam1/stream.ts`, { headers: { cookie: cookies.lva! } });
    expect(no.status).toBe(403);
    expect(((await no.json()) as { code: string }).code).toBe('BW_VIDEO_NOT_RELEASABLE');
  });

  it('lists the feed for TAK clients (Marti vcm and api/video) with a watch-token URL, by label', async () => {
    const ltu: Identity = {
      id: 'atak-1',
      kind: 'device',
      nation: 'LTU',
      clearance: 'SECRET',
      categories: [],
      groups: ['__ANON__'],
      // A TAK client's identity comes from its certificate (the token's use checks the serial against the CRL).
      certSerial: '5a17c0ffee',
    };
    const lva: Identity = { ...ltu, id: 'atak-2', nation: 'LVA' };
    const xml = vcmXml(app.video!, ltu);
    expect(xml).toMatch(
      /^<\?xml[^>]*\?><videoConnections><feed><address>127\.0\.0\.1<\/address><alias>Test camera<\/alias>/,
    );
    expect(xml).toContain('<protocol>http</protocol><range>');
    expect(xml).toContain('<type>VIDEO</type><uuid>cam1</uuid>');
    expect(vcmXml(app.video!, lva)).not.toContain('<feed>');
    const v2 = videoCollections(app.video!, ltu) as {
      videoConnections: { uid: string; classification: string; feeds: { url: string }[] }[];
    };
    expect(v2.videoConnections.map((c) => [c.uid, c.classification])).toEqual([
      ['cam1', 'NATO RESTRICTED // REL TO LTU'],
    ]);
    expect((videoCollections(app.video!, lva) as { videoConnections: unknown[] }).videoConnections).toEqual(
      [],
    );
    // The token URL opens the stream without a cookie; a token for another feed or a forged one does not.
    const tokenUrl = v2.videoConnections[0]!.feeds[0]!.url;
    const status = (u: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpGet(u, { agent: false }, (res) => {
          resolve(res.statusCode!);
          req.destroy();
        });
        req.on('error', reject);
      });
    expect(await status(tokenUrl)).toBe(200);
    // A forged token is no credential: the route guard answers as to any caller without a session.
    expect(await status(tokenUrl.replace(/token=[^.]+/, 'token=eyJmIjoiY2FtMSJ9'))).toBe(401);
    expect(await status(tokenUrl.replace(/\?.*$/, ''))).toBe(401);
  });

  it('counts bad input and carries on', async () => {
    const klvFaults = () =>
      Object.entries(app.video!.metrics.issues)
        .filter(([k]) => k.startsWith('klv-'))
        .reduce((a, [, n]) => a + n, 0);
    const before = klvFaults();
    const dgs = feedDatagrams(2);
    const broken = dgs.map((d) => Buffer.from(d));
    // corrupt one byte inside every KLV packet's value (PID 0x101 payloads)
    for (const d of broken)
      for (let i = 0; i < d.length; i += 188)
        if ((((d[i + 1]! & 0x1f) << 8) | d[i + 2]!) === 0x101 && d[i + 1]! & 0x40)
          d[i + 60] = d[i + 60]! ^ 0x01;
    await sendUdp(port, broken);
    await sendUdp(port, [Buffer.from('not a transport stream at all')]);
    await waitFor(() => klvFaults() > before, 5000, 'KLV fault counted');
    await waitFor(() => (app.video!.metrics.issues['rtp-malformed'] ?? 0) > 0, 5000, 'bad datagram counted');
    expect(app.video!.get('cam1')!.state).toBe('live');
  });
});
