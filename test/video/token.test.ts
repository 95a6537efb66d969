/**
 * Video watch tokens are short-lived and checked on each use: over mutual TLS an enrolled ATAK phone gets a token
 * valid `video.tokenMinutes`; when its user's clearance changes, or its certificate is revoked, the same URL is
 * refused with 401 `BW_VIDEO_TOKEN_REVOKED`, and a watch already open with the token is closed.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { X509Certificate } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePki } from '../../src/trust/pki/store.js';
import { createUserStore } from '../../src/trust/users.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { https } from '../trust/https.js';
import { enroll, type Phone } from './helpers/enroll.js';
import { feedDatagrams, freeUdpPort, sendUdp } from './helpers/feed.js';

async function waitFor(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Open a stream URL; resolves with the response once headers arrive. */
function open(url: URL): Promise<{ req: ClientRequest; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, (res) => resolve({ req, res }));
    req.on('error', reject);
    req.end();
  });
}

async function body(res: IncomingMessage): Promise<string> {
  let s = '';
  for await (const d of res) s += String(d);
  return s;
}

describe('video watch tokens', { timeout: 90_000 }, () => {
  let app: TestApp;
  let kestas: Phone;
  let rasa: Phone;
  let port: number;
  const tokenUrl = async (p: Phone) => {
    const r = await https(app.ports.api!, '/Marti/api/video', p);
    const list = JSON.parse(r.body) as { videoConnections: { feeds: { url: string }[] }[] };
    return new URL(list.videoConnections[0]!.feeds[0]!.url);
  };

  beforeAll(async () => {
    port = await freeUdpPort();
    app = await startTestApp({
      'trust.enrollment.enabled': true,
      'trust.enrollment.port': 0,
      'trust.enrollment.host': '127.0.0.1',
      'trust.api.enabled': true,
      'trust.api.port': 0,
      'trust.api.host': '127.0.0.1',
      'video.tokenMinutes': 3,
      'video.feeds': [{ id: 'cam4', url: `udp://127.0.0.1:${port}` }],
    });
    kestas = await enroll(app, 'kestas', 'LTU');
    rasa = await enroll(app, 'rasa', 'LTU');
  });
  afterAll(() => app?.stop());

  it('makes tokens valid for video.tokenMinutes', async () => {
    const before = Date.now();
    const url = await tokenUrl(kestas);
    const claims = JSON.parse(
      Buffer.from(url.searchParams.get('token')!.split('.')[0]!, 'base64url').toString(),
    ) as { x: number };
    expect(claims.x).toBeGreaterThanOrEqual(before + 3 * 60_000);
    expect(claims.x).toBeLessThanOrEqual(Date.now() + 3 * 60_000);
    const { req, res } = await open(url);
    expect(res.statusCode).toBe(200);
    req.destroy();
  });

  it("refuses a token once its user's clearance changed, and closes the watch it opened", async () => {
    const url = await tokenUrl(rasa);
    const { res } = await open(url);
    expect(res.statusCode).toBe(200);
    let ended = false;
    res.on('data', () => {});
    res.on('close', () => (ended = true));
    await sendUdp(port, feedDatagrams(3));
    const users = createUserStore(app.store, app.config.trust.enrollment);
    const spec = users.get('rasa')!;
    await users.add({ ...spec, clearance: 'RESTRICTED' });
    await waitFor(() => ended, 5000, 'the open watch to close');
    const again = await open(url);
    expect(again.res.statusCode).toBe(401);
    expect(JSON.parse(await body(again.res))).toMatchObject({ code: 'BW_VIDEO_TOKEN_REVOKED' });
  });

  it('refuses a token once its certificate is revoked', async () => {
    const url = await tokenUrl(kestas);
    const pki = await ensurePki(app.dir, app.config.trust, pino({ level: 'silent' }));
    try {
      await pki.revoke(new X509Certificate(kestas.cert).serialNumber.toLowerCase(), 'keyCompromise');
    } finally {
      pki.close();
    }
    const end = Date.now() + 10_000;
    let status = 0;
    let text = '';
    while (Date.now() < end) {
      const r = await open(url);
      status = r.res.statusCode!;
      if (status !== 200) {
        text = await body(r.res);
        break;
      }
      r.req.destroy();
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(status).toBe(401);
    expect(JSON.parse(text)).toMatchObject({ code: 'BW_VIDEO_TOKEN_REVOKED' });
    const refused = (await app.video!.metrics.tokenRefused.get()).values.map((v) => v.labels.reason);
    expect(refused).toEqual(expect.arrayContaining(['revoked', 'identity-changed']));
  });
});
