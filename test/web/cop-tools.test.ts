/**
 * The COP's work surfaces and tools end to end in Debian chromium: panels that do not rebuild under the user,
 * confirmations and Escape, keyboard and screen-reader roles, a phone-sized layout with long-press, symbol
 * hygiene, search and go to, follow, measure, night mode, trails by time and the page's own position.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESENCE_STALE_MS } from '../../src/transports/web/page-events.js';
import { PRESENCE_EVERY_MS, rangeBearing, resolvePlace } from '../../web/src/tools.js';
import { EntityStore } from '../../web/src/entities.js';
import { CotClient } from '../helpers/app.js';
import { pli } from './cop-events.js';
import {
  addNationUsers,
  launch,
  offlineContext,
  shot,
  signIn,
  startWeb,
  type WebHarness,
} from './harness.js';

type W = {
  __bw: {
    store: { all: Map<string, { e: { lon: number; lat: number } }>; trailWindowMs: number };
    view: {
      map: {
        getCenter(): { lng: number; lat: number };
        jumpTo(o: unknown): void;
        project(p: [number, number]): { x: number; y: number };
        getSource(id: string): {
          getData(): Promise<{ features: { properties: Record<string, unknown> }[] }>;
        };
        getPaintProperty(l: string, p: string): unknown;
        getZoom(): number;
      };
      onSelect(uid: string | null): void;
      follow(uid: string | null): void;
      following: string | null;
    };
    live: { send(m: unknown): boolean };
    tools: { own: { sent: number } };
  };
};
const centre = (page: Page) => page.evaluate(() => (window as unknown as W).__bw.view.map.getCenter());
const near = async (page: Page, lon: number, lat: number) => {
  const c = await centre(page);
  return Math.abs(c.lng - lon) + Math.abs(c.lat - lat);
};

describe('COP work surfaces and tools', () => {
  let web: WebHarness;
  let browser: Browser;
  let tak: CotClient;
  let page: Page;

  beforeAll(async () => {
    web = await startWeb({ users: addNationUsers });
    browser = await launch();
    tak = await CotClient.connect(web.app.ports.tcp!);
    tak.send(pli('ANDROID-viper', 'VIPER', 54.69, 25.28));
    const { context } = await offlineContext(browser);
    page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await signIn(page, web.url, 'anna', 'anna-pass-1');
  }, 120_000);

  afterAll(async () => {
    tak?.close();
    await browser?.close();
    await web?.stop();
  });

  const has = (uid: string) => page.evaluate((u) => (window as unknown as W).__bw.store.all.has(u), uid);

  it('details and list are updated in place: an open XML element, the row under the pointer survive updates', async () => {
    await expect.poll(() => has('ANDROID-viper'), { timeout: 20_000 }).toBe(true);
    await page.evaluate(() => (window as unknown as W).__bw.view.onSelect('ANDROID-viper'));
    const first = page.locator('#tab-details details').first();
    await first.locator('summary').click();
    await page.evaluate(
      () => ((document.querySelector('#tab-details details') as unknown as { mark: number }).mark = 1),
    );
    for (let i = 0; i < 3; i++) {
      tak.send(pli('ANDROID-viper', 'VIPER', 54.69 + i / 1000, 25.28));
      await page.waitForTimeout(1100);
    }
    expect(await first.getAttribute('open')).toBe('');
    expect(
      await page.evaluate(
        () => (document.querySelector('#tab-details details') as unknown as { mark?: number }).mark,
      ),
    ).toBe(1);
    await page.getByRole('tab', { name: 'List' }).click();
    const row = page.locator('tbody tr[data-uid="ANDROID-viper"]');
    await row.evaluate((el) => ((el as unknown as { mark: number }).mark = 2));
    tak.send(pli('ANDROID-viper', 'VIPER', 54.7, 25.28));
    await page.waitForTimeout(2200);
    expect(await row.evaluate((el) => (el as unknown as { mark?: number }).mark)).toBe(2);
  }, 60_000);

  it('tabs, rows and rooms are reachable by keyboard with roles for screen readers', async () => {
    expect(await page.getByRole('tablist').count()).toBe(1);
    expect(await page.getByRole('tab', { name: 'List' }).getAttribute('aria-selected')).toBe('true');
    const row = page.locator('tbody tr[data-uid="ANDROID-viper"]');
    expect(await row.getAttribute('tabindex')).toBe('0');
    await page.evaluate(() => (window as unknown as W).__bw.view.onSelect(null));
    await row.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('detail-callsign').textContent()).toBe('VIPER');
    expect(await page.getByTestId('alerts').getAttribute('role')).toBe('alert');
    expect(await page.getByTestId('lag').getAttribute('role')).toBe('status');
    await page.getByRole('tab', { name: /Chat/ }).click();
    expect(await page.getByTestId('chat-log').getAttribute('aria-live')).toBe('polite');
    expect(await page.getByRole('button', { name: 'All Chat Rooms' }).getAttribute('tabindex')).toBe('0');
    expect(await page.getByLabel('Message').count()).toBe(1);
    expect(await page.getByLabel('Search and go to').count()).toBe(1);
  });

  it('no course arrow at speed 0; a visible selection ring', async () => {
    const course = await page.evaluate(async () => {
      const d = await (window as unknown as W).__bw.view.map.getSource('detail').getData();
      return d.features.find((f) => f.properties.uid === 'ANDROID-viper')?.properties.course;
    });
    expect(course).toBe(-1); // the PLI says course 90, speed 0
    const w = await page.evaluate(() =>
      (window as unknown as W).__bw.view.map.getPaintProperty('selection', 'circle-stroke-width'),
    );
    expect(w).toBeGreaterThanOrEqual(3);
  });

  it('Delete asks first; Escape closes the question; confirming deletes', async () => {
    await page.evaluate(() =>
      (window as unknown as W).__bw.live.send({
        t: 'marker',
        ref: 'm1',
        lat: 54.6,
        lon: 25.2,
        callsign: 'DEL-ME',
      }),
    );
    const uidOf = () =>
      page.evaluate(() => {
        for (const [u, t] of (window as unknown as W).__bw.store.all)
          if ((t.e as { callsign?: string }).callsign === 'DEL-ME') return u;
        return '';
      });
    await expect.poll(uidOf, { timeout: 20_000 }).not.toBe('');
    const uid = await uidOf();
    await page.evaluate((u) => (window as unknown as W).__bw.view.onSelect(u), uid);
    await page.getByTestId('detail-delete').click();
    await expect.poll(() => page.getByTestId('confirm-yes').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#dialog').isHidden()).toBe(true);
    await page.waitForTimeout(1000);
    expect(await has(uid)).toBe(true);
    await page.getByTestId('detail-delete').click();
    await page.getByTestId('confirm-yes').click();
    await expect.poll(() => has(uid), { timeout: 20_000 }).toBe(false);
  }, 60_000);

  it('search goes to a callsign, a uid, an MGRS reference and coordinates', async () => {
    const search = page.getByTestId('search');
    await page.evaluate(() => (window as unknown as W).__bw.view.map.jumpTo({ center: [10, 50], zoom: 6 }));
    await search.fill('viper');
    await search.press('Enter');
    await expect.poll(() => near(page, 25.28, 54.7)).toBeLessThan(0.02);
    await expect.poll(() => page.getByTestId('detail-callsign').textContent()).toBe('VIPER');
    await search.fill('35U LA 88461 60557');
    await search.press('Enter');
    await expect.poll(() => near(page, 25.27, 54.68), { timeout: 10_000 }).toBeLessThan(0.01);
    await search.fill('56.95, 24.1');
    await search.press('Enter');
    await expect.poll(() => near(page, 24.1, 56.95), { timeout: 10_000 }).toBeLessThan(0.001);
    // Unit level: uid, partial callsign, and nothing.
    const store = new EntityStore();
    store.upsert({ uid: 'U-1', callsign: 'Bravo 2', lon: 1, lat: 2 } as never);
    expect(resolvePlace('U-1', store)).toMatchObject({ uid: 'U-1' });
    expect(resolvePlace('brav', store)).toMatchObject({ uid: 'U-1' });
    expect(resolvePlace('nobody', store)).toBeUndefined();
  }, 60_000);

  it('follows a unit until the map is dragged', async () => {
    await page.evaluate(() => (window as unknown as W).__bw.view.onSelect('ANDROID-viper'));
    await page.getByRole('tab', { name: 'Details' }).click();
    await page.getByTestId('detail-follow').click();
    tak.send(pli('ANDROID-viper', 'VIPER', 54.9, 25.6));
    await expect.poll(() => near(page, 25.6, 54.9), { timeout: 15_000 }).toBeLessThan(0.01);
    expect(await page.evaluate(() => (window as unknown as W).__bw.view.following)).toBe('ANDROID-viper');
  }, 60_000);

  it('measures range and bearing between clicked points', async () => {
    expect(rangeBearing([25, 54], [25, 55]).range).toBeCloseTo(111_195, -2);
    expect(rangeBearing([25, 54], [26, 54]).bearing).toBeCloseTo(89.6, 0);
    // The previous test left the map following a unit; stop that so nothing moves the map under the clicks.
    await page.evaluate(() => (window as unknown as W).__bw.view.follow(null));
    await page.evaluate(() => (window as unknown as W).__bw.view.map.jumpTo({ center: [25, 54.5], zoom: 8 }));
    await page.getByTestId('measure').click();
    // A map that moves between projecting and clicking (framing, a late layout) measures other points: try again.
    let readout = '';
    for (let attempt = 0; attempt < 3 && !/^11\.\d\d km @ 0°/.test(readout); attempt++) {
      if (attempt > 0) {
        await page.keyboard.press('Escape');
        await page.getByTestId('measure').click();
      }
      await mapStandsStill(page);
      const box = (await page.locator('#map').boundingBox())!;
      const [a, b] = await page.evaluate(() => {
        const m = (window as unknown as W).__bw.view.map;
        return [m.project([25, 54.45]), m.project([25, 54.55])];
      });
      await page.mouse.click(box.x + a!.x, box.y + a!.y);
      await page.mouse.click(box.x + b!.x, box.y + b!.y);
      await expect.poll(() => page.getByTestId('measure-readout').textContent()).toMatch(/km @/);
      readout = (await page.getByTestId('measure-readout').textContent()) ?? '';
    }
    expect(readout).toMatch(/^11\.\d\d km @ 0°/);
    await shot(page, 'cop-measure');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('measure-readout').isHidden()).toBe(true);
  }, 60_000);

  it('night mode, trail window, and the own position drawn and re-sent before it goes stale', async () => {
    await page.getByTestId('toggle-night').check();
    expect(await page.evaluate(() => document.body.classList.contains('night'))).toBe(true);
    await shot(page, 'cop-night');
    await page.getByTestId('toggle-night').uncheck();
    await page.getByTestId('trail-window').selectOption('60000');
    expect(await page.evaluate(() => (window as unknown as W).__bw.store.trailWindowMs)).toBe(60_000);
    // Right click → "Set my position here": a blue dot, and TAK clients get the browser's position report.
    await page.locator('#map').click({ button: 'right', position: { x: 300, y: 300 } });
    await page.getByRole('button', { name: 'Set my position here' }).click();
    await expect.poll(() => page.locator('.self-dot').count()).toBe(1);
    await tak.waitFor(
      (es) => es.some((e) => e.uid.startsWith('BW-WEB.') && e.type === 'a-f-G-U-C'),
      20_000,
      'presence',
    );
    expect(PRESENCE_EVERY_MS).toBeLessThan(PRESENCE_STALE_MS / 2);
  }, 60_000);

  it('on a 390x844 phone: no sideways scroll, a usable map, Sign out visible, long-press drops a marker', async () => {
    const { context } = await offlineContext(browser);
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
    });
    await context.close();
    await phone.route('**/*', (r) => {
      const u = new URL(r.request().url());
      return ['127.0.0.1', 'localhost', ''].includes(u.hostname) ? r.continue() : r.abort();
    });
    const p = await phone.newPage();
    await signIn(p, web.url, 'anna', 'anna-pass-1');
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const map = (await p.locator('#map').boundingBox())!;
    expect(map.width).toBeGreaterThanOrEqual(380);
    expect(map.height).toBeGreaterThan(400);
    const out = (await p.locator('#signout').boundingBox())!;
    expect(out.x + out.width).toBeLessThanOrEqual(390);
    await shot(p, 'cop-phone');
    const cdp = await phone.newCDPSession(p);
    const at = { x: map.x + 150, y: map.y + 200 };
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at] });
    await p.waitForTimeout(900);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await expect.poll(() => p.getByTestId('marker-drop').isVisible()).toBe(true);
    await shot(p, 'cop-phone-longpress');
    await phone.close();
  }, 90_000);
});

/** Resolve once two projections 300 ms apart agree (the page may still be framing its picture or laying out panels). */
async function mapStandsStill(page: Page): Promise<void> {
  let last = '';
  await expect
    .poll(
      async () => {
        const now = await page.evaluate(() => {
          const m = (window as unknown as W).__bw.view.map;
          return JSON.stringify([m.project([25, 54.45]), m.project([25, 54.55]), m.getZoom()]);
        });
        const still = now === last;
        last = now;
        return still;
      },
      { interval: 300, timeout: 10_000 },
    )
    .toBe(true);
}
