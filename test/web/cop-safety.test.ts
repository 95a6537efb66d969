/**
 * The COP's safety items end to end (real hub and TCP listener, Debian chromium offline): ATAK emergencies raise
 * a banner that cannot be missed and a cancel clears it; the classification banner marks everything the page
 * holds; the page says when its data is behind; under overload it coalesces to the newest state.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CotClient } from '../helpers/app.js';
import { emergency, emergencyCancel, pli } from './cop-events.js';
import {
  addNationUsers,
  launch,
  offlineContext,
  shot,
  signIn,
  startWeb,
  type WebHarness,
} from './harness.js';

interface SafetyWindow {
  __bw: {
    store: { all: Map<string, { e: { lon: number; lat: number } }> };
    view: { map: { getCenter(): { lng: number; lat: number }; jumpTo(o: unknown): void } };
    alerts: { beeps: number; sounding: boolean; active: Map<string, unknown> };
    live: { coalesced: number };
  };
}
const bw = (page: Page) => page.evaluate(() => (window as unknown as SafetyWindow).__bw !== undefined);

describe('COP safety: alerts, banners, lag, overload', () => {
  let web: WebHarness;
  let browser: Browser;
  let tak: CotClient;
  let page: Page;
  let blocked: string[];

  beforeAll(async () => {
    web = await startWeb({ users: addNationUsers });
    browser = await launch();
    tak = await CotClient.connect(web.app.ports.tcp!);
    tak.send(pli('ANDROID-jenny', 'JENNY', 54.68, 25.27));
    const ctx = await offlineContext(browser);
    blocked = ctx.blocked;
    page = await ctx.context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await signIn(page, web.url, 'anna', 'anna-pass-1');
    expect(await bw(page)).toBe(true);
  }, 120_000);

  afterAll(async () => {
    tak?.close();
    await browser?.close();
    await web?.stop();
  });

  it('a 911 alert raises a banner with caller, time and MGRS, sounds until silenced, highlights the list, goes to the caller, and a cancel clears it', async () => {
    await expect
      .poll(
        () => page.evaluate(() => (window as unknown as SafetyWindow).__bw.store.all.has('ANDROID-jenny')),
        {
          timeout: 20_000,
        },
      )
      .toBe(true);
    tak.send(emergency('ANDROID-jenny', 'JENNY', '911 Alert', 54.68, 25.27));
    const alert = page.getByTestId('alert');
    await expect.poll(() => alert.count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByTestId('alerts').getAttribute('role')).toBe('alert');
    const text = await alert.textContent();
    expect(text).toContain('911 ALERT');
    expect(text).toContain('JENNY');
    expect(await alert.locator('[data-field=mgrs]').textContent()).toMatch(/^35U LA \d{5} \d{5}$/);
    expect(await alert.locator('[data-field=time]').textContent()).toMatch(/^\d{4}-\d\d-\d\dT/);
    // Not a friendly medical symbol on top of the caller: a red alert ring (GeoJSON), not a WebGL symbol.
    const drawnAsSymbol = await page.evaluate(
      () =>
        (
          window as unknown as { __bw: { view: { layer: { info(u: string): unknown } } } }
        ).__bw.view.layer.info('ANDROID-jenny-9-1-1') !== undefined,
    );
    expect(drawnAsSymbol).toBe(false);
    // The audible cue runs until silenced.
    await expect
      .poll(() => page.evaluate(() => (window as unknown as SafetyWindow).__bw.alerts.beeps))
      .toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as SafetyWindow).__bw.alerts.sounding)).toBe(true);
    // The list highlights the alert and the caller, first.
    await page.getByRole('tab', { name: 'List' }).click();
    await expect.poll(() => page.locator('tr.alerting').count()).toBe(2);
    expect(await page.locator('tbody tr').first().getAttribute('class')).toContain('alerting');
    await shot(page, 'cop-alert');
    await page.getByTestId('alert-silence').click();
    expect(await page.evaluate(() => (window as unknown as SafetyWindow).__bw.alerts.sounding)).toBe(false);
    const beeps = await page.evaluate(() => (window as unknown as SafetyWindow).__bw.alerts.beeps);
    await page.waitForTimeout(3000);
    expect(await page.evaluate(() => (window as unknown as SafetyWindow).__bw.alerts.beeps)).toBe(beeps);
    // Go to: the map centres on the caller and the details show the alert.
    await page.evaluate(() =>
      (window as unknown as SafetyWindow).__bw.view.map.jumpTo({ center: [10, 50], zoom: 5 }),
    );
    await page.getByTestId('alert-goto').click();
    await expect
      .poll(async () => {
        const c = await page.evaluate(() => (window as unknown as SafetyWindow).__bw.view.map.getCenter());
        return Math.abs(c.lng - 25.27) + Math.abs(c.lat - 54.68);
      })
      .toBeLessThan(0.01);
    // The cancel clears the banner, the highlight and the alert on the map.
    tak.send(emergencyCancel('ANDROID-jenny', 'JENNY', 54.68, 25.27));
    await expect.poll(() => page.getByTestId('alerts').isHidden(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => page.locator('tr.alerting').count()).toBe(0);
    expect(
      await page.evaluate(() =>
        (window as unknown as SafetyWindow).__bw.store.all.has('ANDROID-jenny-9-1-1'),
      ),
    ).toBe(false);
  }, 90_000);

  it('ring the bell, troops in contact and geo-fence breached each raise an alert; cancels clear them', async () => {
    const callers = [
      ['ANDROID-bell', 'BELL', 'Ring The Bell', 56.95, 24.1],
      ['ANDROID-tic', 'TIC', 'Troops In Contact', 59.43, 24.75],
      ['ANDROID-fence', 'FENCE', 'Geo-fence Breached', 55.0, 24.0],
    ] as const;
    for (const [uid, cs, kind, lat, lon] of callers) {
      tak.send(pli(uid, cs, lat, lon));
      tak.send(emergency(uid, cs, kind, lat, lon));
    }
    await expect.poll(() => page.getByTestId('alert').count(), { timeout: 20_000 }).toBe(3);
    const all = await page.getByTestId('alerts').textContent();
    for (const [, cs, kind] of callers) {
      expect(all).toContain(kind.toUpperCase());
      expect(all).toContain(cs);
    }
    await shot(page, 'cop-alerts-three');
    for (const [uid, cs, , lat, lon] of callers) tak.send(emergencyCancel(uid, cs, lat, lon));
    await expect.poll(() => page.getByTestId('alerts').isHidden(), { timeout: 20_000 }).toBe(true);
  }, 60_000);

  it('the banner marks the highest label of everything the page holds, also what is off the map', async () => {
    await page.evaluate(() =>
      (window as unknown as SafetyWindow).__bw.view.map.jumpTo({ center: [25.27, 54.68], zoom: 9 }),
    );
    await expect
      .poll(() => page.getByTestId('banner-top').getAttribute('data-classification'))
      .toBe('UNCLASSIFIED');
    // Far outside the view (Iceland): only the list shows it, and the banner must still say RESTRICTED.
    tak.send(pli('ANDROID-far', 'FAR-AWAY', 64.1, -21.9, ' access="NATO RESTRICTED"'));
    await expect
      .poll(() => page.getByTestId('banner-top').getAttribute('data-classification'), { timeout: 20_000 })
      .toBe('RESTRICTED');
    expect(await page.getByTestId('banner-bottom').getAttribute('data-classification')).toBe('RESTRICTED');
  }, 60_000);

  it('says "behind by N s" when the data it shows is old, and stops saying it once it is current', async () => {
    // The first sighting of a unit is not measured (the first picture holds old positions): 20 s old here.
    tak.send(pli('ANDROID-lag', 'LAG', 54.7, 25.3, '', 20_000));
    await expect
      .poll(
        () => page.evaluate(() => (window as unknown as SafetyWindow).__bw.store.all.has('ANDROID-lag')),
        {
          timeout: 20_000,
        },
      )
      .toBe(true);
    // An update that reaches the page 9 s after it was made (as when the page falls behind).
    tak.send(pli('ANDROID-lag', 'LAG', 54.71, 25.31, '', 9000));
    await expect
      .poll(() => page.getByTestId('lag').textContent(), { timeout: 10_000 })
      .toMatch(/^behind by (9|10) s$/);
    expect(await page.getByTestId('link').getAttribute('data-lag')).toBe('behind');
    tak.send(pli('ANDROID-lag', 'LAG', 54.72, 25.32));
    await expect.poll(() => page.getByTestId('lag').textContent(), { timeout: 10_000 }).toBe('');
  }, 60_000);

  it('under overload keeps only the newest state per unit instead of working through a backlog', async () => {
    tak.send(pli('ANDROID-burst', 'BURST', 54.0, 24.0));
    await expect
      .poll(
        () => page.evaluate(() => (window as unknown as SafetyWindow).__bw.store.all.has('ANDROID-burst')),
        {
          timeout: 20_000,
        },
      )
      .toBe(true);
    // Block the page's main thread for 2 s (a slow machine) while 30 updates arrive in separate hub ticks.
    const busy = page.evaluate(() => {
      const end = Date.now() + 2000;
      while (Date.now() < end);
    });
    for (let i = 1; i <= 30; i++) {
      tak.send(pli('ANDROID-burst', 'BURST', 54.0, 24.0 + i / 100));
      await new Promise((r) => setTimeout(r, 40));
    }
    await busy;
    await expect
      .poll(() =>
        page.evaluate(() => (window as unknown as SafetyWindow).__bw.store.all.get('ANDROID-burst')!.e.lon),
      )
      .toBeCloseTo(24.3, 6);
    expect(
      await page.evaluate(() => (window as unknown as SafetyWindow).__bw.live.coalesced),
    ).toBeGreaterThan(0);
    expect(blocked).toEqual([]);
  }, 60_000);
});
