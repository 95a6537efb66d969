/**
 * The COP over HTTPS on the trust module's API listener (8443 by default), next to the TAK clients' Marti routes:
 * browsers come without a client certificate, the Marti routes still refuse such peers; sign-in sets a `Secure`
 * cookie; REST and the live socket are gated for the signed-in identity; a valid client certificate signs in by
 * itself; and Debian's chromium loads the page over https://, signs in and sees a raw CoT TCP client's position.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '../../src/transports/web/protocol.js';
import { ensurePki } from '../../src/trust/pki/store.js';
import { CotClient, counter } from '../helpers/app.js';
import { waitFor } from '../helpers/wait.js';
import { https } from '../trust/https.js';
import {
  addNationUsers,
  launch,
  mapFeature,
  offlineContext,
  shot,
  signIn,
  startWeb,
  type WebHarness,
} from './harness.js';

const iso = (ms: number) => new Date(ms).toISOString();
function cot(uid: string, type: string, lat: number, lon: number, attrs = ''): string {
  const now = Date.now();
  return (
    `<event version="2.0" uid="${uid}" type="${type}" how="m-g" time="${iso(now)}" start="${iso(now)}" ` +
    `stale="${iso(now + 600_000)}"${attrs}><point lat="${lat}" lon="${lon}" hae="10" ce="5" le="5"/>` +
    `<detail><contact callsign="${uid}"/></detail></event>`
  );
}

describe('the COP over HTTPS on the Marti API listener', { timeout: 120_000 }, () => {
  let web: WebHarness;
  let port: number;
  let ca: string;
  let tak: CotClient;
  let browser: Browser | undefined;

  beforeAll(async () => {
    web = await startWeb({
      https: true,
      users: addNationUsers,
    });
    port = web.app.ports.api!;
    ca = readFileSync(join(web.app.dir, 'pki', 'ca.pem'), 'utf8');
    tak = await CotClient.connect(web.app.ports.tcp!);
    tak.send(cot('LTU-ONLY', 'a-f-G-U-C', 54.6, 25.2, ' releasableTo="LTU"'));
    tak.send(cot('FOR-ALL', 'a-h-G', 54.7, 25.3));
    await waitFor(
      () => ['LTU-ONLY', 'FOR-ALL'].every((u) => web.app.hub.state.get(u)),
      20_000,
      'the hub to hold the two test entities',
    );
  }, 120_000);

  afterAll(async () => {
    tak?.close();
    await browser?.close();
    await web?.stop();
  });

  async function login(user: string, password: string): Promise<{ cookie: string; setCookie: string }> {
    const r = await https(port, '/api/login', {
      method: 'POST',
      ca,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user, password }),
    });
    expect(r.status).toBe(200);
    const setCookie = String(r.headers['set-cookie']);
    return { cookie: setCookie.split(';')[0]!, setCookie };
  }

  it('refuses a Marti request without a client certificate, as the handshake did, and audits it', async () => {
    const before = await counter(web.app, 'bw_tls_refused_total', { reason: 'NO_CLIENT_CERT' });
    await expect(https(port, '/Marti/api/version', { ca })).rejects.toThrow();
    await expect(https(port, '/Marti/api/clientEndPoints', { ca })).rejects.toThrow();
    expect(await counter(web.app, 'bw_tls_refused_total', { reason: 'NO_CLIENT_CERT' })).toBe(before + 2);
    await expect
      .poll(() =>
        web.app.store.db.prepare("SELECT count(*) n FROM trust_audit WHERE rule='NO_CLIENT_CERT'").get(),
      )
      .toMatchObject({ n: 2 });
  });

  it('serves the Marti routes to a client certificate and refuses a revoked one on every path', async () => {
    const pki = await ensurePki(web.app.dir, web.app.config.trust, pino({ level: 'silent' }));
    try {
      const c = await pki.issueClient({
        id: 'vilkas',
        kind: 'user',
        nation: 'LTU',
        clearance: 'SECRET',
        categories: [],
        groups: ['__ANON__'],
      });
      const r = await https(port, '/Marti/api/version', { ca, cert: c.cert, key: c.key });
      expect(r.status).toBe(200);
      // Sign-in by certificate: no form, no cookie, the certificate's identity, gated like everyone else.
      const s = await https(port, '/api/session', { ca, cert: c.cert, key: c.key });
      expect([s.status, JSON.parse(s.body).id, JSON.parse(s.body).nation]).toEqual([200, 'vilkas', 'LTU']);
      const pic = JSON.parse((await https(port, '/api/picture', { ca, cert: c.cert, key: c.key })).body);
      expect(pic.features.map((f: { id: string }) => f.id).sort()).toEqual(['FOR-ALL', 'LTU-ONLY']);
      await pki.revoke(c.serial);
      // The hub reloads the CRL within a second: from then on the certificate is refused.
      const refused = () =>
        https(port, '/', { ca, cert: c.cert, key: c.key }).then(
          () => false,
          () => true,
        );
      await waitFor(refused, 15_000, 'the revoked certificate to be refused');
      await expect(https(port, '/', { ca, cert: c.cert, key: c.key })).rejects.toThrow();
    } finally {
      pki.close();
    }
  });

  it('serves the page and signs in with a Secure, __Host- cookie; the picture is gated per nation', async () => {
    const page = await https(port, '/', { ca });
    expect([page.status, page.body]).toEqual([200, expect.stringContaining('<html')]);
    expect((await https(port, '/api/picture', { ca })).status).toBe(401);
    const anna = await login('anna', 'anna-pass-1');
    expect(anna.setCookie).toMatch(/^__Host-bw_session=/);
    expect(anna.setCookie).toMatch(/; Secure/);
    expect(anna.setCookie).toMatch(/; HttpOnly/);
    const ids = async (cookie: string) =>
      JSON.parse((await https(port, '/api/picture', { ca, headers: { cookie } })).body)
        .features.map((f: { id: string }) => f.id)
        .sort();
    expect(await ids(anna.cookie)).toEqual(['FOR-ALL', 'LTU-ONLY']);
    expect(await ids((await login('bert', 'bert-pass-1')).cookie)).toEqual(['FOR-ALL']);
    // An HTTPS session is not a plain-HTTP one (and the reverse).
    const plain = await fetch(`${web.url}/api/session`, {
      headers: { cookie: anna.cookie.replace('__Host-', '') },
    });
    expect(plain.status).toBe(401);
    expect((await https(port, '/api/openapi.json', { ca })).status).toBe(200);
  });

  it('audits sign-ins, refused sign-ins and sign-outs, never the password', async () => {
    type Row = { kind: string; actor: string; nation: string | null; path: string };
    // Audit rows are written in batches, and other tests sign bert in too: look at this test's rows by their
    // order around the only sign-out.
    const rows = (): Row[] =>
      web.app.store.db
        .prepare(
          "SELECT kind, actor, nation, path FROM trust_audit WHERE kind LIKE 'web-%' AND actor IN ('bert', 'nobody') ORDER BY id",
        )
        .all() as Row[];
    const refused = await https(port, '/api/login', {
      method: 'POST',
      ca,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'nobody', password: 'not-the-password-42' }),
    });
    expect(refused.status).toBe(401);
    const bert = await login('bert', 'bert-pass-1');
    const out = await https(port, '/api/logout', { method: 'POST', ca, headers: { cookie: bert.cookie } });
    expect(out.status).toBe(204);
    await expect.poll(() => rows().some((r) => r.kind === 'web-logout'), { timeout: 5000 }).toBe(true);
    const got = rows();
    expect(got.slice(-3).map((r) => [r.kind, r.actor, r.path])).toEqual([
      ['web-login-refused', 'nobody', 'web-https'],
      ['web-login', 'bert', 'web-https'],
      ['web-logout', 'bert', 'web-https'],
    ]);
    expect(got.at(-2)!.nation).toBe('LVA');
    const all = JSON.stringify(web.app.store.db.prepare('SELECT * FROM trust_audit').all());
    expect(all).not.toContain('not-the-password-42');
    expect(all).not.toContain('bert-pass-1');
  });

  it('streams the gated picture and live deltas over wss://', async () => {
    const { cookie } = await login('bert', 'bert-pass-1');
    const messages: ServerMessage[] = [];
    const ws = new WebSocket(`wss://127.0.0.1:${port}/api/live`, {
      headers: { cookie },
      ca,
    });
    ws.on('message', (d) => {
      for (const line of d.toString().split('\n')) if (line) messages.push(JSON.parse(line) as ServerMessage);
    });
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    const seen = (uid: string) => messages.some((m) => m.t === 'entity' && m.e.uid === uid);
    await expect.poll(() => messages[0]?.t).toBe('hello');
    await expect.poll(() => seen('FOR-ALL')).toBe(true);
    tak.send(cot('LVA-LIVE', 'a-f-G', 56.9, 24.1, ' releasableTo="LVA"'));
    tak.send(cot('LTU-LIVE', 'a-f-G', 54.9, 24.1, ' releasableTo="LTU"'));
    // One connection's events reach a socket in order: once the later LVA-AFTER is here, LTU-LIVE would be too.
    tak.send(cot('LVA-AFTER', 'a-f-G', 56.9, 24.2, ' releasableTo="LVA"'));
    await expect.poll(() => seen('LVA-LIVE') && seen('LVA-AFTER')).toBe(true);
    expect(seen('LTU-ONLY') || seen('LTU-LIVE')).toBe(false);
    ws.close();
  });

  it('loads in chromium over https://, signs in and shows a raw CoT TCP position', async () => {
    browser = await launch();
    const { context, blocked } = await offlineContext(browser, { ignoreHTTPSErrors: true });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await signIn(page, web.httpsUrl!, 'anna', 'anna-pass-1');
    expect(page.url()).toMatch(/^https:/);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === '__Host-bw_session')?.secure).toBe(true);
    tak.send(cot('ANDROID-https', 'a-h-G-U-C-I', 54.69, 25.28));
    await expect.poll(() => mapFeature(page, 'ANDROID-https'), { timeout: 20_000 }).not.toBeNull();
    const f = (await mapFeature(page, 'ANDROID-https'))!;
    expect([f.sidc, f.lon, f.lat]).toEqual([
      'SHGPUCI--------',
      expect.closeTo(25.28, 6),
      expect.closeTo(54.69, 6),
    ]);
    await page.evaluate(() => {
      const w = window as unknown as { __bw: { view: { map: { jumpTo(o: object): void } } } };
      w.__bw.view.map.jumpTo({ center: [25.28, 54.69], zoom: 9 });
    });
    await page.waitForFunction(() => {
      const w = window as unknown as { __bw: { view: { map: { loaded(): boolean; isMoving(): boolean } } } };
      return w.__bw.view.map.loaded() && !w.__bw.view.map.isMoving();
    });
    await shot(page, 'cop-https');
    expect(blocked).toEqual([]);
    await context.close();
  });
});
