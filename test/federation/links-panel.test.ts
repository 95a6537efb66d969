/**
 * Link state for operators: GET /api/federation/links behind the web session and the egress gate, and the COP's
 * links panel showing it in a real browser (Debian chromium).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CotClient, startTestApp, type TestApp } from '../helpers/app.js';
import { addNationUsers, ensureBuilt, launch, offlineContext, signIn, STATIC_DIR } from '../web/harness.js';
import { addFederate } from '../../src/federation/admin.js';
import { position } from './harness.js';

async function login(url: string, user: string, password: string): Promise<string> {
  const r = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password }),
  });
  expect(r.status).toBe(200);
  return r.headers.get('set-cookie')!.split(';')[0]!;
}

describe('links panel and /api/federation/links', () => {
  let app: TestApp;
  let url: string;
  let browser: Browser | undefined;

  beforeAll(async () => {
    await ensureBuilt();
    app = await startTestApp({
      hubId: 'lt',
      'local.nation': 'LTU',
      'local.clearance': 'SECRET',
      'web.staticDir': STATIC_DIR,
      'federation.enabled': true,
      'federation.host': '127.0.0.1',
      'federation.port': 0,
    });
    await addNationUsers(app);
    await addFederate(app.dir, { name: 'lv-hub', role: 'inbound', nations: ['LVA'], clearance: 'SECRET' });
    for (let i = 0; i < 100 && !app.federation!.links().length; i++)
      await new Promise((r) => setTimeout(r, 50));
    // Something waits for the peer, which is not connected.
    const c = await CotClient.connect(app.ports.tcp!);
    c.send(position('LT-Q-1'));
    for (let i = 0; i < 100 && !app.federation!.links()[0]!.queued.position; i++)
      await new Promise((r) => setTimeout(r, 50));
    c.close();
    url = `http://127.0.0.1:${app.ports.http}`;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('asks for a session, and releases link state only to whom its label allows', async () => {
    expect((await fetch(`${url}/api/federation/links`)).status).toBe(401);
    const anna = await login(url, 'anna', 'anna-pass-1'); // LTU: the hub's own nation
    const a = (await (await fetch(`${url}/api/federation/links`, { headers: { cookie: anna } })).json()) as {
      links: { name: string; connected: boolean; queued: { position: number } }[];
    };
    expect(a.links.map((l) => l.name)).toEqual(['lv-hub']);
    expect(a.links[0]!.connected).toBe(false);
    expect(a.links[0]!.queued.position).toBeGreaterThan(0);
    const bert = await login(url, 'bert', 'bert-pass-1'); // LVA: link state is REL TO LTU
    const b = (await (await fetch(`${url}/api/federation/links`, { headers: { cookie: bert } })).json()) as {
      links: unknown[];
    };
    expect(b.links).toEqual([]);
  });

  it('shows the link in the COP', async () => {
    browser = await launch();
    const { context } = await offlineContext(browser);
    const page = await context.newPage();
    await signIn(page, url, 'anna', 'anna-pass-1');
    await page.waitForSelector('#bw-links:not([hidden]) tr[data-link="lv-hub"]', { timeout: 15_000 });
    const text = await page.textContent('#bw-links');
    expect(text).toMatch(/lv-hub/);
    expect(text).toMatch(/down/);
    expect(text).toMatch(/queued .*pos/);
  }, 90_000);
});
