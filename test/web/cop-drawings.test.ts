/**
 * ATAK drawings drawn as ATAK draws them, end to end: real captures (test/fixtures/cot, MIT, see its README) and
 * events shaped exactly as ATAK sends them (cop-events.ts) go through a raw CoT TCP client, the hub and the live
 * socket into Debian chromium; the map's drawing source must hold the right geometry, colours and labels, and the
 * REST picture's bbox must place routes and telestrations by their vertices, never at point 0,0.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CotClient, freshXml } from '../helpers/app.js';
import { bullseyeEvent, geofence, rangeBearing, rectangle, telestration } from './cop-events.js';
import {
  addNationUsers,
  launch,
  offlineContext,
  shot,
  signIn,
  startWeb,
  type WebHarness,
} from './harness.js';

type Feature = { geometry: { type: string; coordinates: unknown }; properties: Record<string, unknown> };
interface DrawWindow {
  __bw: {
    store: { all: Map<string, { e: { lon: number; lat: number; shape?: { kind: string } } }> };
    view: {
      map: {
        getSource(id: string): { getData(): Promise<{ features: Feature[] }> };
        jumpTo(o: unknown): void;
      };
      layer: { info(uid: string): unknown };
    };
  };
}

const fixture = (name: string) => readFileSync(new URL(`../fixtures/cot/${name}`, import.meta.url));

describe('ATAK drawings in the COP', () => {
  let web: WebHarness;
  let browser: Browser;
  let tak: CotClient;
  let page: Page;
  let uids: string[] = [];

  beforeAll(async () => {
    web = await startWeb({ users: addNationUsers });
    browser = await launch();
    tak = await CotClient.connect(web.app.ports.tcp!);
    const { context } = await offlineContext(browser);
    page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await signIn(page, web.url, 'anna', 'anna-pass-1');
    tak.send(freshXml(fixture('atak-shape-circle-filled.xml'), { uid: 'CIRCLE' }));
    tak.send(freshXml(fixture('atak-shape-ellipse.xml'), { uid: 'ELLIPSE' }));
    tak.send(freshXml(fixture('atak-range-bearing-circle.xml'), { uid: 'RB-CIRCLE' }));
    tak.send(freshXml(fixture('shape-polygon-transparent-338.xml'), { uid: 'FREEFORM' }));
    tak.send(freshXml(fixture('atak-route-5.4.xml'), { uid: 'ROUTE' }));
    tak.send(freshXml(fixture('atak-spot-map-marker-2020.xml'), { uid: 'SPOT' }));
    const box = (lat: number, lon: number, d: number): [number, number][] => [
      [lat + d, lon - d],
      [lat + d, lon + d],
      [lat - d, lon + d],
      [lat - d, lon - d],
    ];
    tak.send(rectangle('RECT', 'Rectangle 1', box(40.0, -109.2, 0.15)));
    tak.send(geofence('FENCE', 'Fence 1', box(40.6, -109.0, 0.2)));
    tak.send(rangeBearing('RB-LINE', 'R&amp;B 1', 39.5, -108.0, 25_000, 45));
    tak.send(bullseyeEvent('BULLSEYE', 'Bullseye 1', 39.3, -106.8, 20_000));
    tak.send(
      telestration('TELE', [
        [
          [40.9, -108.4],
          [40.95, -108.2],
          [40.9, -108.0],
        ],
        [
          [40.8, -108.4],
          [40.75, -108.0],
        ],
      ]),
    );
    uids = [
      'CIRCLE',
      'ELLIPSE',
      'RB-CIRCLE',
      'FREEFORM',
      'ROUTE',
      'SPOT',
      'RECT',
      'FENCE',
      'RB-LINE',
      'BULLSEYE',
      'TELE',
    ];
  }, 120_000);

  afterAll(async () => {
    tak?.close();
    await browser?.close();
    await web?.stop();
  });

  /** The drawing source's features of one uid (waits until the map has them). */
  async function features(uid: string): Promise<Feature[]> {
    let out: Feature[] = [];
    await expect
      .poll(async () => {
        out = await page.evaluate(async (u) => {
          const all = await (window as unknown as DrawWindow).__bw.view.map.getSource('shapes').getData();
          return all.features.filter((f) => f.properties.uid === u);
        }, uid);
        return out.length;
      })
      .toBeGreaterThan(0);
    return out;
  }
  const role = (fs: Feature[], r: string) => fs.filter((f) => f.properties.role === r);
  const notASymbol = (uid: string) =>
    page.evaluate((u) => (window as unknown as DrawWindow).__bw.view.layer.info(u) === undefined, uid);

  it('every drawing reaches the page', async () => {
    await expect
      .poll(
        () =>
          page.evaluate(
            (us) => us.filter((u) => (window as unknown as DrawWindow).__bw.store.all.has(u)).length,
            uids,
          ),
        { timeout: 30_000 },
      )
      .toBe(uids.length);
  }, 60_000);

  it('circles, ellipses and range-and-bearing circles are filled rings in their colours, never "?" symbols', async () => {
    for (const uid of ['CIRCLE', 'ELLIPSE', 'RB-CIRCLE']) expect(await notASymbol(uid)).toBe(true);
    const circle = await features('CIRCLE');
    const area = role(circle, 'area')[0]!;
    expect(area.geometry.type).toBe('Polygon');
    expect((area.geometry.coordinates as number[][][])[0]!.length).toBe(65);
    expect(area.properties.stroke).toBe('rgba(255,119,0,1)');
    expect(area.properties.fill).toBe('rgba(255,119,0,1)');
    expect(role(circle, 'label')[0]!.properties.label).toBe('Filled');
    // labels_on="false": the ellipse has no name on the map; its fill is ATAK's semi-transparent white.
    const ellipse = await features('ELLIPSE');
    expect(role(ellipse, 'label')).toHaveLength(0);
    expect(role(ellipse, 'area')[0]!.properties.fill).toBe('rgba(255,255,255,0.588)');
    const rb = await features('RB-CIRCLE');
    expect(role(rb, 'outline')[0]!.properties.kind).toBe('rb-circle');
    expect(role(rb, 'label')[0]!.properties.label).toBe('R&B Circle 1');
  });

  it('rectangles are closed and filled; free forms close; geo-fences are dashed', async () => {
    const rect = await features('RECT');
    const ring = (role(rect, 'area')[0]!.geometry.coordinates as number[][][])[0]!;
    expect(ring).toHaveLength(5);
    expect(ring[0]).toEqual(ring[4]);
    expect(role(rect, 'area')[0]!.properties.fill).toBe('rgba(0,0,255,0.392)');
    expect(role(await features('FREEFORM'), 'area')).toHaveLength(1);
    expect(role(await features('FENCE'), 'outline')[0]!.properties.dashed).toBe(true);
    expect(role(rect, 'outline')[0]!.properties.dashed).toBe(false);
  });

  it('routes are drawn where their waypoints are (not 0,0), with direction and waypoint names, in their colour', async () => {
    const at = await page.evaluate(() => (window as unknown as DrawWindow).__bw.store.all.get('ROUTE')!.e);
    expect(at.lon).toBeGreaterThan(-109);
    expect(at.lon).toBeLessThan(-106);
    const route = await features('ROUTE');
    expect(role(route, 'route')[0]!.properties.stroke).toBe('rgba(255,0,0,1)');
    expect(role(route, 'waypoint').map((f) => f.properties.label)).toEqual([
      'Route 1 SP',
      'CP1',
      'CP2',
      'TGT',
    ]);
    // labels_on="false" hides the route's own name, as ATAK does.
    expect(role(route, 'label')).toHaveLength(0);
  });

  it('telestrations draw every stroke, placed by their strokes', async () => {
    const tele = await features('TELE');
    const lines = role(tele, 'outline')[0]!;
    expect(lines.geometry.type).toBe('MultiLineString');
    expect(lines.geometry.coordinates as unknown[]).toHaveLength(2);
    expect(lines.properties.stroke).toBe('rgba(255,255,0,1)');
    const e = await page.evaluate(() => (window as unknown as DrawWindow).__bw.store.all.get('TELE')!.e);
    expect(e.lat).toBeCloseTo(40.85, 1);
  });

  it('range-and-bearing lines show range and bearing; bullseyes show rings and spokes', async () => {
    const rb = await features('RB-LINE');
    expect(role(rb, 'label')[0]!.properties.label).toBe('25.0 km 45°');
    const line = role(rb, 'outline')[0]!.geometry.coordinates as number[][][];
    expect(line[0]![1]![0]).toBeGreaterThan(-108); // north-east of the start
    expect(line[0]![1]![1]).toBeGreaterThan(39.5);
    const bull = role(await features('BULLSEYE'), 'outline')[0]!;
    expect(bull.geometry.coordinates as unknown[]).toHaveLength(1 + 3 + 12);
  });

  it('spot markers are dots in their marker colour', async () => {
    const spot = await features('SPOT');
    expect(role(spot, 'spot')[0]!.properties.color).toBe('rgba(255,0,0,1)');
    expect(role(spot, 'label')[0]!.properties.label).toBe('R 1');
    expect(await notASymbol('SPOT')).toBe(true);
  });

  it('the REST bbox places routes and telestrations by their vertices', async () => {
    const login = await fetch(`${web.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'anna', password: 'anna-pass-1' }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const get = async (q: string) => {
      const r = await fetch(`${web.url}/api/picture?${q}`, { headers: { cookie } });
      expect(r.status).toBe(200);
      return ((await r.json()) as { features: { id: string; geometry: { type: string } }[] }).features;
    };
    const colorado = await get('bbox=-110,38,-105,42');
    const ids = colorado.map((f) => f.id);
    for (const uid of ['ROUTE', 'TELE', 'RECT', 'BULLSEYE']) expect(ids).toContain(uid);
    expect(colorado.find((f) => f.id === 'ROUTE')!.geometry.type).toBe('LineString');
    expect(colorado.find((f) => f.id === 'RECT')!.geometry.type).toBe('Polygon');
    const nullIsland = (await get('bbox=-1,-1,1,1')).map((f) => f.id);
    expect(nullIsland).not.toContain('ROUTE');
    expect(nullIsland).not.toContain('TELE');
    // A type filter still applies to drawings.
    expect((await get('bbox=-110,38,-105,42&type=a-')).map((f) => f.id)).not.toContain('ROUTE');
  });

  it('draws them all on the map (screenshot)', async () => {
    await page.evaluate(() =>
      (window as unknown as DrawWindow).__bw.view.map.jumpTo({ center: [-107.9, 40.0], zoom: 7 }),
    );
    await page.waitForTimeout(2500);
    await shot(page, 'cop-drawings');
  });
});
