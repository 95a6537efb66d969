/**
 * What an ATAK client sees, over the wire: two phones enroll like ATAK (one LTU, one LVA user) and call the
 * mutual-TLS Marti API with their certificates. The LTU phone finds the feed (ST 0102: RESTRICTED, releasable to
 * LTU) in TAK Server's video lists (`/Marti/vcm` XML, `/Marti/api/video` JSON, `/Marti/api/video/{uid}`), opens the
 * listed URL without a cookie and gets the TS, and fetches a snapshot marker's attachment from
 * `/Marti/sync/content?hash=`; the LVA phone finds no feed, no connection and no content.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { https } from '../trust/https.js';
import { enroll, type Phone } from './helpers/enroll.js';
import { feedDatagrams, freeUdpPort, sendUdp, telemetry } from './helpers/feed.js';

describe('an ATAK client and the video lists', { timeout: 90_000 }, () => {
  let app: TestApp;
  let ltu: Phone;
  let lva: Phone;
  let port: number;

  beforeAll(async () => {
    port = await freeUdpPort();
    app = await startTestApp({
      'trust.enrollment.enabled': true,
      'trust.enrollment.port': 0,
      'trust.enrollment.host': '127.0.0.1',
      'trust.api.enabled': true,
      'trust.api.port': 0,
      'trust.api.host': '127.0.0.1',
      'video.feeds': [{ id: 'cam3', url: `udp://127.0.0.1:${port}`, name: 'Reaper EO' }],
    });
    await sendUdp(
      port,
      feedDatagrams(20, (i) => telemetry(i, { security: { classification: 2, releasing: 'LTU' } })),
    );
    const end = Date.now() + 10_000;
    while (!app.hub.state.get('KLV-cam3.SPI1') && Date.now() < end)
      await new Promise((r) => setTimeout(r, 20));
    ltu = await enroll(app, 'vilkas', 'LTU');
    lva = await enroll(app, 'ozols', 'LVA');
  });
  afterAll(() => app?.stop());

  const get = (p: Phone, path: string) => https(app.ports.api!, path, p);

  it('lists the feed to the LTU phone in both of TAK Server video lists, and opens its URL', async () => {
    const vcm = await get(ltu, '/Marti/vcm');
    expect(vcm.status).toBe(200);
    expect(String(vcm.headers['content-type'])).toMatch(/^application\/xml/);
    const feed = /<feed>(.*?)<\/feed>/.exec(vcm.body)![1]!;
    const field = (k: string) => new RegExp(`<${k}>([^<]*)</${k}>`).exec(feed)?.[1];
    expect(field('alias')).toBe('Reaper EO');
    expect(field('uuid')).toBe('cam3');
    expect(field('protocol')).toBe('http');
    expect(field('type')).toBe('VIDEO');

    const v2 = await get(ltu, '/Marti/api/video');
    const list = JSON.parse(v2.body) as {
      videoConnections: { uid: string; classification: string; feeds: { url: string }[] }[];
    };
    expect(list.videoConnections.map((c) => [c.uid, c.classification])).toEqual([
      ['cam3', 'NATO RESTRICTED // REL TO LTU'],
    ]);
    const one = await get(ltu, '/Marti/api/video/cam3');
    expect((JSON.parse(one.body) as { uid: string }).uid).toBe('cam3');

    // The client opens the URL the list gave it (no cookie, the watch token in it) and gets TS packets. The v1
    // list gives the same stream as address + port + path
    const url = new URL(list.videoConnections[0]!.feeds[0]!.url);
    // (each list makes its own token, with its own expiry).
    const v1 = `${field('address')}:${field('port')}${field('path')?.replace(/&amp;/g, '&')}`;
    expect(v1.replace(/token=.*$/, '')).toBe(`${url.hostname}:${url.port}${url.pathname}?`);
    expect(url.searchParams.get('token')).toMatch(/^[\w-]+\.[\w-]+$/);
    const first = await new Promise<{ status: number; sync: number }>((resolve, reject) => {
      const req = httpRequest(url, { agent: false }, (res) => {
        res.once('data', (d: Buffer) => {
          resolve({ status: res.statusCode!, sync: d[0]! });
          req.destroy();
        });
        void sendUdp(port, feedDatagrams(3));
      });
      req.on('error', reject);
      req.end();
    });
    expect(first).toEqual({ status: 200, sync: 0x47 });
  });

  it('lists nothing to the LVA phone', async () => {
    const vcm = await get(lva, '/Marti/vcm');
    expect(vcm.status).toBe(200);
    expect(vcm.body).not.toContain('<feed>');
    expect(JSON.parse((await get(lva, '/Marti/api/video')).body)).toEqual({ videoConnections: [] });
    expect((await get(lva, '/Marti/api/video/cam3')).status).toBe(404);
  });

  it('serves a snapshot attachment to the LTU phone only', async () => {
    const who = { id: 'vilkas', kind: 'user' as const, nation: 'LTU', clearance: 'SECRET' as const };
    const jpeg = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
      Buffer.alloc(64, 7),
      Buffer.from([0xff, 0xd9]),
    ]);
    const r = app.video!.snapshot('cam3', { ...who, categories: [], groups: ['__ANON__'] }, jpeg);
    expect(r.ok).toBe(true);
    const sha = (r as { sha256: string }).sha256;
    const ok = await get(ltu, `/Marti/sync/content?hash=${sha}`);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('image/jpeg');
    expect((await get(lva, `/Marti/sync/content?hash=${sha}`)).status).toBe(404);
    // The marker carries the attachment for the LTU phone's picture, and the label keeps it from LVA.
    const marker = app.hub.state.get((r as { uid: string }).uid)!.event;
    expect(marker.releasableTo).toBe('LTU');
  });
});
