/**
 * The COP end to end: real hub and TCP listener, the web API, Debian's chromium with the network cut off.
 * Screenshots go to test-artifacts/web/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CotClient, freshXml } from '../helpers/app.js';
import type { Event } from '../../src/model/event.js';
import {
  addNationUsers,
  launch,
  mapFeature,
  type BwWindow,
  offlineContext,
  shot,
  signIn,
  startWeb,
  type WebHarness,
} from './harness.js';

const iso = (ms: number) => new Date(ms).toISOString();

function position(uid: string, callsign: string, type: string, lat: number, lon: number, extra = ''): string {
  const now = Date.now();
  return (
    `<event version="2.0" uid="${uid}" type="${type}" how="m-g" time="${iso(now)}" start="${iso(now)}" ` +
    `stale="${iso(now + 600_000)}"${extra}><point lat="${lat}" lon="${lon}" hae="120" ce="5" le="9999999"/>` +
    `<detail><contact callsign="${callsign}" endpoint="*:-1:stcp"/><__group name="Cyan" role="Team Lead"/>` +
    `<track course="45" speed="3.5"/><takv device="test" platform="ATAK-CIV" os="34" version="5.4"/></detail></event>`
  );
}

describe('browser COP end to end', () => {
  let web: WebHarness;
  let browser: Browser;
  let tak: CotClient;

  beforeAll(async () => {
    web = await startWeb({
      // Users of the trust module's store, which the app's web sign-in reads.
      users: addNationUsers,
    });
    browser = await launch();
    tak = await CotClient.connect(web.app.ports.tcp!);
    // The TAK client says who it is first, so chat and markers can reach it.
    tak.send(position('ANDROID-tak-1', 'VIPER', 'a-f-G-U-C', 54.7, 25.1));
  }, 120_000);

  afterAll(async () => {
    tak?.close();
    await browser?.close();
    await web?.stop();
  });

  async function openAs(user: string, password: string): Promise<{ page: Page; blocked: string[] }> {
    const { context, blocked } = await offlineContext(browser);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await signIn(page, web.url, user, password);
    return { page, blocked };
  }

  /** The chat with this text as the TCP client received it (waits up to 20 s). */
  async function chatAtTak(text: string): Promise<Event> {
    const isIt = (e: Event) => e.type === 'b-t-f' && e.detail.remarks?.text === text;
    await tak.waitFor((es) => es.some(isIt), 20_000, `chat "${text}"`);
    return tak.events.find(isIt)!;
  }

  it('loads with no network, signs in, and shows a TCP position as the right symbol at the right place', async () => {
    const { page, blocked } = await openAs('anna', 'anna-pass-1');
    await expect.poll(() => page.getByTestId('devmode').isHidden()).toBe(true);
    tak.send(position('ANDROID-alpha', 'ALPHA-1', 'a-h-G-U-C-I', 54.69, 25.28));
    await expect.poll(() => mapFeature(page, 'ANDROID-alpha'), { timeout: 20_000 }).not.toBeNull();
    const f = (await mapFeature(page, 'ANDROID-alpha'))!;
    expect(f.sidc).toBe('SHGPUCI--------');
    expect(f.lon).toBeCloseTo(25.28, 6);
    expect(f.lat).toBeCloseTo(54.69, 6);
    // Drawn where it should be: the layer's hit test at the projected point finds it.
    const hit = await page.evaluate(() => {
      const v = (window as unknown as BwWindow).__bw.view as unknown as {
        map: { project(p: [number, number]): { x: number; y: number } };
        layer: { hit(x: number, y: number, radius?: number): string | undefined };
      };
      const p = v.map.project([25.28, 54.69]);
      return v.layer.hit(p.x, p.y, 4);
    });
    expect(hit).toBe('ANDROID-alpha');
    // Selecting it shows every field.
    await page.evaluate(() => (window as unknown as BwWindow).__bw.view.onSelect('ANDROID-alpha'));
    await expect.poll(() => page.getByTestId('detail-callsign').textContent()).toBe('ALPHA-1');
    await expect.poll(() => page.getByTestId('selection-mgrs').textContent()).toMatch(/^35U LA \d{5} \d{5}$/);
    await expect
      .poll(() => page.getByTestId('banner-top').getAttribute('data-classification'))
      .toBe('UNCLASSIFIED');
    await page.waitForTimeout(1200);
    await shot(page, 'cop-position');
    // A drawing (ATAK freehand polygon) is drawn as a shape, not as a symbol.
    const polygon = readFileSync(
      new URL('../fixtures/cot/shape-polygon-transparent-338.xml', import.meta.url),
    );
    tak.send(freshXml(polygon, { uid: 'SHAPE-1' }));
    await expect
      .poll(() => page.evaluate(() => (window as unknown as BwWindow).__bw.store.all.has('SHAPE-1')), {
        timeout: 20_000,
      })
      .toBe(true);
    await page.evaluate(() =>
      (window as unknown as BwWindow).__bw.view.map.jumpTo({ center: [-104.6749, 38.3689], zoom: 15 }),
    );
    await expect
      .poll(() =>
        page.evaluate(
          () => (window as unknown as BwWindow).__bw.view.map.querySourceFeatures('shapes').length,
        ),
      )
      .toBeGreaterThan(0);
    await page.waitForTimeout(500);
    await shot(page, 'cop-shape');
    expect(await mapFeature(page, 'SHAPE-1')).toBeNull();
    // MGRS grid overlay, zoomed in on the unit: 10 km lines and the 100 km square letters.
    await page.getByTestId('toggle-grid').check();
    await page.evaluate(() =>
      (window as unknown as BwWindow).__bw.view.map.jumpTo({ center: [25.28, 54.69], zoom: 8.5 }),
    );
    await expect
      .poll(() =>
        page.evaluate(() => (window as unknown as BwWindow).__bw.view.map.querySourceFeatures('grid').length),
      )
      .toBeGreaterThan(10);
    await page.mouse.move(500, 400);
    await expect
      .poll(() => page.getByTestId('cursor-mgrs').textContent())
      .toMatch(/^3[45]U [A-Z]{2} \d{5} \d{5}$/);
    await page.waitForTimeout(800);
    await shot(page, 'cop-mgrs-grid');
    expect(blocked).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('sends a chat typed in the page to a TCP client, and shows one from the TCP client', async () => {
    const { page } = await openAs('anna', 'anna-pass-1');
    await page.getByTestId('tab-chat').click();
    await page.getByTestId('chat-input').fill('Bridge at Kaunas is clear');
    await page.getByTestId('chat-send').click();
    const got = await chatAtTak('Bridge at Kaunas is clear');
    expect(got.detail.chat).toMatchObject({
      chatroom: 'All Chat Rooms',
      id: 'All Chat Rooms',
      senderCallsign: 'anna',
    });
    expect(got.uid).toMatch(/^GeoChat\.BW-WEB\.anna\.All Chat Rooms\./);
    await expect.poll(() => page.locator('.msg.mine .status').first().textContent()).toBe('✓');

    // ATAK's All Chat Rooms message, as ATAK builds it.
    const now = Date.now();
    tak.send(
      `<event version="2.0" uid="GeoChat.ANDROID-tak-1.All Chat Rooms.6c1f0b1e-1111-4c59-9a40-000000000001" type="b-t-f" how="h-g-i-g-o" time="${iso(now)}" start="${iso(now)}" stale="${iso(now + 86_400_000)}">` +
        `<point lat="54.7" lon="25.1" hae="9999999" ce="9999999" le="9999999"/><detail>` +
        `<__chat parent="RootContactGroup" groupOwner="false" messageId="6c1f0b1e-1111-4c59-9a40-000000000001" chatroom="All Chat Rooms" id="All Chat Rooms" senderCallsign="VIPER">` +
        `<chatgrp uid0="ANDROID-tak-1" uid1="All Chat Rooms" id="All Chat Rooms"/></__chat>` +
        `<link uid="ANDROID-tak-1" type="a-f-G-U-C" relation="p-p"/>` +
        `<remarks source="BAO.F.ATAK.ANDROID-tak-1" to="All Chat Rooms" time="${iso(now)}">Copy, moving to phase line AMBER</remarks>` +
        `</detail></event>`,
    );
    await expect
      .poll(() => page.getByTestId('chat-log').textContent(), { timeout: 20_000 })
      .toContain('moving to phase line AMBER');
    await shot(page, 'cop-chat');
    await page.context().close();
  }, 90_000);

  it('creates a group room in the page whose messages reach exactly its members', async () => {
    const { page } = await openAs('anna', 'anna-pass-1');
    await page.getByTestId('tab-chat').click();
    await page.getByTestId('group-new').click();
    await page.getByTestId('group-create').click(); // nothing filled in: the form says what is missing
    await expect.poll(() => page.getByTestId('new-group').textContent()).toContain('Give the room a name');
    await page.getByTestId('group-name').fill('BRIDGE TEAM');
    await page.getByTestId('group-member-VIPER').check();
    await shot(page, 'cop-chat-new-group');
    await page.getByTestId('group-create').click();
    await expect.poll(() => page.getByTestId('new-group').count()).toBe(0);
    await expect.poll(() => page.getByTestId('chat-rooms').textContent()).toContain('# BRIDGE TEAM');
    await page.getByTestId('chat-input').fill('Meet at the north bank');
    await page.getByTestId('chat-send').click();
    const got = await chatAtTak('Meet at the north bank');
    expect(got.detail.chat).toMatchObject({ chatroom: 'BRIDGE TEAM', parent: 'UserGroups' });
    expect(got.detail.chat?.members).toEqual(['BW-WEB.anna', 'ANDROID-tak-1']);
    await page.context().close();
  }, 90_000);

  it('one-to-one chat from ATAK reaches the page, which answers with delivered and read receipts', async () => {
    const { page } = await openAs('anna', 'anna-pass-1');
    // The operator tells TAK clients where she is: that makes her a contact they can address.
    await page.evaluate(() =>
      (window as unknown as BwWindow).__bw.live.send({ t: 'presence', lat: 54.68, lon: 25.27 }),
    );
    await tak.waitUid('BW-WEB.anna', 20_000);
    const now = Date.now();
    const mid = '9d0c5a1e-2222-4c59-9a40-000000000002';
    tak.send(
      `<event version="2.0" uid="GeoChat.ANDROID-tak-1.BW-WEB.anna.${mid}" type="b-t-f" how="h-g-i-g-o" time="${iso(now)}" start="${iso(now)}" stale="${iso(now + 86_400_000)}">` +
        `<point lat="54.7" lon="25.1" hae="9999999" ce="9999999" le="9999999"/><detail>` +
        `<__chat parent="RootContactGroup" groupOwner="false" messageId="${mid}" chatroom="anna" id="BW-WEB.anna" senderCallsign="VIPER">` +
        `<chatgrp uid0="ANDROID-tak-1" uid1="BW-WEB.anna" id="BW-WEB.anna"/></__chat>` +
        `<link uid="ANDROID-tak-1" type="a-f-G-U-C" relation="p-p"/>` +
        `<remarks source="BAO.F.ATAK.ANDROID-tak-1" to="BW-WEB.anna" time="${iso(now)}">Anna, confirm grid of the checkpoint</remarks>` +
        `<marti><dest callsign="anna"/></marti></detail></event>`,
    );
    await tak.waitFor(
      (es) => es.some((e) => e.type === 'b-t-f-d' && e.detail.chat?.messageId === mid),
      20_000,
      'delivered receipt',
    );
    await page.getByTestId('tab-chat').click();
    await page.locator('.rooms li', { hasText: 'VIPER' }).click();
    await expect
      .poll(() => page.getByTestId('chat-log').textContent())
      .toContain('confirm grid of the checkpoint');
    await tak.waitFor(
      (es) => es.some((e) => e.type === 'b-t-f-r' && e.detail.chat?.messageId === mid),
      20_000,
      'read receipt',
    );
    await page.context().close();
  }, 90_000);

  it('drops a marker in the page that a TCP client receives as an ATAK spot marker', async () => {
    const { page } = await openAs('anna', 'anna-pass-1');
    const box = (await page.getByTestId('map').boundingBox())!;
    // The page frames the picture once it has it: wait until the map stands still, then click its centre.
    const centre = () =>
      page.evaluate(() =>
        (
          window as unknown as { __bw: { view: { map: { getCenter(): { lng: number; lat: number } } } } }
        ).__bw.view.map.getCenter(),
      );
    let clicked = await centre();
    await expect
      .poll(
        async () => {
          const before = clicked;
          clicked = await centre();
          return Math.abs(before.lat - clicked.lat) + Math.abs(before.lng - clicked.lng);
        },
        { interval: 300, timeout: 10_000 },
      )
      .toBe(0);
    // Where the right click lands, taken by the page at the click itself (a framing that moves the map after the
    // still check would otherwise move the target under the click).
    await page.evaluate(() => {
      const map = (window as unknown as BwWindow).__bw.view.map;
      const at = map.getCanvasContainer();
      at.addEventListener(
        'contextmenu',
        (ev) => {
          const r = at.getBoundingClientRect();
          (window as unknown as { __clicked: unknown }).__clicked = map.unproject([
            ev.clientX - r.left,
            ev.clientY - r.top,
          ]);
        },
        { once: true, capture: true },
      );
    });
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2, { button: 'right' });
    clicked = await page.evaluate(
      () => (window as unknown as { __clicked: { lng: number; lat: number } }).__clicked,
    );
    await page.getByTestId('marker-callsign').fill('OP NORTH');
    await page.getByTestId('marker-remarks').fill('Observation post, 2 pax');
    // anna is cleared SECRET: the classification list stops there.
    const choices = await page.getByTestId('marker-classification').locator('option').allTextContents();
    expect(choices).toEqual(['Hub default', 'UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET']);
    await page.getByTestId('marker-classification').selectOption('RESTRICTED');
    await shot(page, 'cop-marker-dialog');
    await page.getByTestId('marker-drop').click();
    await tak.waitFor(
      (es) => es.some((e) => e.type === 'b-m-p-s-m' && e.detail.contact?.callsign === 'OP NORTH'),
      20_000,
      'marker',
    );
    const m = tak.events.find((e) => e.type === 'b-m-p-s-m' && e.detail.contact?.callsign === 'OP NORTH')!;
    expect(m.detail.remarks?.text).toBe('Observation post, 2 pax');
    expect(m.access).toBe('NATO RESTRICTED');
    // The page that dropped it draws it too, and its banners now say RESTRICTED (the highest on screen).
    await expect
      .poll(() => page.evaluate((uid) => (window as unknown as BwWindow).__bw.store.all.has(uid), m.uid), {
        timeout: 10_000,
      })
      .toBe(true);
    await expect.poll(() => page.getByTestId('banner-top').textContent()).toContain('RESTRICTED');
    expect(m.detail.links?.[0]).toMatchObject({ uid: 'BW-WEB.anna', relation: 'p-p' });
    // Right where the right click was.
    expect(m.point.lat).toBeCloseTo(clicked.lat, 2);
    expect(m.point.lon).toBeCloseTo(clicked.lng, 2);
    // Releasable only to another nation: the hub refuses it, and the page says why.
    await page.mouse.click(box.x + box.width / 3, box.y + box.height / 3, { button: 'right' });
    await page.getByTestId('marker-callsign').fill('OP SOUTH');
    await page.getByTestId('marker-releasable').fill('lva');
    await page.getByTestId('marker-drop').click();
    await expect
      .poll(() => page.getByTestId('notice').textContent(), { timeout: 10_000 })
      .toContain('releasableTo must include your nation (LTU)');
    await shot(page, 'cop-marker-refused');
    await page.context().close();
  }, 90_000);

  it('never shows a browser of one nation an entity releasable only to another', async () => {
    const anna = await openAs('anna', 'anna-pass-1'); // LTU, connected before the events (live path)
    tak.send(position('REL-LVA', 'LVA-ONLY', 'a-f-G-U-C-I', 56.95, 24.11, ' releasableTo="LVA"'));
    tak.send(position('REL-LTU', 'LTU-ONLY', 'a-f-G-U-C-A', 54.9, 23.9, ' releasableTo="LTU"'));
    tak.send(position('REL-ALL', 'BOTH', 'a-f-G-U-C-F', 55.5, 24.5, ' releasableTo="LTU,LVA"'));
    const bert = await openAs('bert', 'bert-pass-1'); // LVA, connects after them (initial picture path)
    const uids = (p: Page) =>
      p.evaluate(() => [...(window as unknown as BwWindow).__bw.store.all.keys()].sort());
    await expect
      .poll(() => uids(anna.page), { timeout: 20_000 })
      .toEqual(expect.arrayContaining(['REL-ALL', 'REL-LTU']));
    await expect
      .poll(() => uids(bert.page), { timeout: 20_000 })
      .toEqual(expect.arrayContaining(['REL-ALL', 'REL-LVA']));
    await anna.page.waitForTimeout(1500);
    expect(await uids(anna.page)).not.toContain('REL-LVA');
    expect(await uids(bert.page)).not.toContain('REL-LTU');
    // The REST picture answers the same for each.
    const rest = (p: Page) =>
      p.evaluate(async () => {
        const fc = await (await fetch('/api/picture?type=a-f')).json();
        return fc.features.map((f: { id: string }) => f.id).sort();
      });
    expect(await rest(anna.page)).toEqual(expect.arrayContaining(['REL-ALL', 'REL-LTU']));
    expect(await rest(anna.page)).not.toContain('REL-LVA');
    expect(await rest(bert.page)).toEqual(expect.arrayContaining(['REL-ALL', 'REL-LVA']));
    expect(await rest(bert.page)).not.toContain('REL-LTU');
    await bert.page.evaluate(() => (window as unknown as BwWindow).__bw.view.onSelect('REL-LVA'));
    await expect.poll(() => bert.page.getByTestId('banner-top').textContent()).toContain('REL TO LVA');
    await shot(anna.page, 'cop-nation-ltu');
    await shot(bert.page, 'cop-nation-lva');
    await anna.page.context().close();
    await bert.page.context().close();
  }, 180_000);
});
