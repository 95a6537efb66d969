/**
 * The layers panel in Debian chromium, offline: KML, KMZ and GeoJSON files imported in the page and drawn, bad
 * files refused with the reason, groups (units, drawings, grid, overlays, basemap) turned off and on, overlay
 * opacity, and the stacking order changed from the panel.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../helpers/app.js';
import { solidPng } from '../helpers/pmtiles.js';
import {
  STATIC_DIR,
  addNationUsers,
  ensureBuilt,
  launch,
  offlineContext,
  shot,
  signIn,
  type WebHarness,
} from './harness.js';

interface Ml {
  getStyle(): { layers: { id: string }[] };
  getLayersOrder(): string[];
  getLayoutProperty(l: string, p: string): unknown;
  getPaintProperty(l: string, p: string): unknown;
  getSource(id: string): { getData(): Promise<GeoJSON.FeatureCollection> } | undefined;
  queryRenderedFeatures(o: { layers: string[] }): unknown[];
  getCenter(): { lng: number; lat: number };
}
type W = { __bw: { view: { map: Ml } } };

const KML = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>OP areas</name>
<Style id="red"><LineStyle><color>ff0000ff</color><width>3</width></LineStyle><PolyStyle><color>4d0000ff</color></PolyStyle></Style>
<Placemark><name>OP NORTH</name><Point><coordinates>25.30,54.75,0</coordinates></Point></Placemark>
<Placemark><name>AO RAVEN</name><styleUrl>#red</styleUrl><Polygon><outerBoundaryIs><LinearRing>
<coordinates>25.1,54.6 25.5,54.6 25.5,54.8 25.1,54.8 25.1,54.6</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
</Document></kml>`;

const KMZ_DOC = `<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>MSR TIN</name><LineString><coordinates>24.0,56.9 24.3,56.95 24.6,56.9</coordinates></LineString></Placemark>
</Document></kml>`;

const GEOJSON = JSON.stringify({
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { name: 'LZ ECHO' },
      geometry: { type: 'Point', coordinates: [24.75, 59.43] },
    },
  ],
});

const order = (page: Page) => page.evaluate(() => (window as unknown as W).__bw.view.map.getLayersOrder());

describe('layers panel and imported overlays', { timeout: 180_000 }, () => {
  let web: WebHarness;
  let browser: Browser;
  let page: Page;
  const dir = mkdtempSync(join(tmpdir(), 'bw-layers-'));

  beforeAll(async () => {
    await ensureBuilt();
    const tiles = join(dir, 'hazard');
    for (let z = 0; z <= 1; z++)
      for (let x = 0; x < 2 ** z; x++) {
        mkdirSync(join(tiles, String(z), String(x)), { recursive: true });
        for (let y = 0; y < 2 ** z; y++)
          writeFileSync(join(tiles, String(z), String(x), `${y}.png`), solidPng(16, [255, 140, 0]));
      }
    const app = await startTestApp({
      'web.devMode': false,
      'web.staticDir': STATIC_DIR,
      'web.overlays': [{ name: 'Hazard', file: tiles, opacity: 0.2 }],
    });
    await addNationUsers(app);
    web = { app, url: `http://127.0.0.1:${app.ports.http}`, stop: () => app.stop() };
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  it('imports KML, KMZ and GeoJSON, draws them, and refuses a bad file with the reason', async () => {
    const { context, blocked } = await offlineContext(browser);
    page = await context.newPage();
    await signIn(page, web.url, 'anna', 'anna-pass-1');
    await page.waitForFunction(() =>
      (window as unknown as W).__bw.view.map.getStyle().layers.some((l) => l.id === 'ov-o0'),
    );
    await page.getByTestId('layers').click();
    const panel = page.getByTestId('layers-panel');
    await expect.poll(() => panel.isVisible()).toBe(true);
    expect(await panel.locator('li').allTextContents()).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Units'),
        expect.stringContaining('Hazard'),
        expect.stringContaining('Basemap'),
      ]),
    );

    const input = page.getByTestId('layers-import');
    await input.setInputFiles({
      name: 'op-areas.kml',
      mimeType: 'application/vnd.google-earth.kml+xml',
      buffer: Buffer.from(KML),
    });
    await expect.poll(() => panel.locator('li[data-key="imp-0"]').count()).toBe(1);
    const kml = await page.evaluate(() =>
      (window as unknown as W).__bw.view.map.getSource('imp-0')!.getData(),
    );
    expect(kml.features.map((f) => f.properties!.name)).toEqual(['OP NORTH', 'AO RAVEN']);
    expect(kml.features[1]!.properties!.stroke).toBe('#ff0000'); // KML's aabbggrr, as togeojson reads it
    // The map framed the import; the point and the polygon are drawn.
    const drawn = () =>
      page.evaluate(() => {
        const m = (window as unknown as W).__bw.view.map;
        return [
          m.queryRenderedFeatures({ layers: ['imp-0-point'] }).length,
          m.queryRenderedFeatures({ layers: ['imp-0-fill'] }).length,
        ];
      });
    await expect.poll(async () => Math.min(...(await drawn())), { timeout: 20_000 }).toBeGreaterThan(0);
    await shot(page, 'cop-layers');

    const kmz = Buffer.from(
      zipSync({ 'doc.kml': strToU8(KMZ_DOC), 'files/icon.png': solidPng(4, [0, 0, 0]) }),
    );
    await input.setInputFiles({
      name: 'routes.kmz',
      mimeType: 'application/vnd.google-earth.kmz',
      buffer: kmz,
    });
    await expect.poll(() => panel.locator('li[data-key="imp-1"]').count()).toBe(1);
    const line = await page.evaluate(() =>
      (window as unknown as W).__bw.view.map.getSource('imp-1')!.getData(),
    );
    expect(line.features[0]!.geometry.type).toBe('LineString');
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (window as unknown as W).__bw.view.map.queryRenderedFeatures({ layers: ['imp-1-line'] }).length,
        ),
      )
      .toBeGreaterThan(0);

    await input.setInputFiles({
      name: 'lz.geojson',
      mimeType: 'application/geo+json',
      buffer: Buffer.from(GEOJSON),
    });
    await expect.poll(() => panel.locator('li[data-key="imp-2"]').count()).toBe(1);
    expect(await panel.locator('li[data-key="imp-2"]').textContent()).toContain('lz');

    for (const [name, body, reason] of [
      ['broken.kml', '<kml><Placemark>', /broken\.kml: not well-formed XML/],
      ['empty.geojson', '{"type":"FeatureCollection","features":[]}', /empty\.geojson: no features/],
      ['notes.txt', 'hello', /notes\.txt: only \.kml, \.kmz, \.geojson and \.json/],
      ['fake.kmz', 'PK not a zip', /fake\.kmz: not a KMZ/],
    ] as const) {
      await input.setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(body) });
      await expect.poll(() => page.getByTestId('layers-error').textContent()).toMatch(reason);
    }
    expect(await panel.locator('li[data-key^="imp-"]').count()).toBe(3);
    expect(blocked).toEqual([]);
  });

  it('turns groups off and on, sets overlay opacity, and restacks layers', async () => {
    const vis = (l: string) =>
      page.evaluate((id) => (window as unknown as W).__bw.view.map.getLayoutProperty(id, 'visibility'), l);
    await page.getByTestId('layer-on-imp-2').uncheck();
    expect(await vis('imp-2-point')).toBe('none');
    await page.getByTestId('layer-on-units').uncheck();
    expect(await vis('entities-gl')).toBe('none');
    expect(await vis('entity-labels')).toBe('none');
    await page.getByTestId('layer-on-units').check();
    expect(await vis('entities-gl')).toBe('visible');

    await page.getByTestId('layer-opacity-ov-o0').fill('0.65');
    expect(
      await page.evaluate(() =>
        (window as unknown as W).__bw.view.map.getPaintProperty('ov-o0', 'raster-opacity'),
      ),
    ).toBe(0.65);
    await page.getByTestId('layer-opacity-imp-0').fill('0.5');
    expect(
      await page.evaluate(() =>
        (window as unknown as W).__bw.view.map.getPaintProperty('imp-0-line', 'line-opacity'),
      ),
    ).toBe(0.5);

    // Grid from the panel = the header's toggle.
    await page.getByTestId('layer-on-grid').check();
    expect(await page.getByTestId('toggle-grid').isChecked()).toBe(true);

    // Units start on top (the panel lists top first: units, drawings, grid, overlays); move them below drawings.
    let ids = await order(page);
    expect(ids.indexOf('entities-gl')).toBeGreaterThan(ids.indexOf('shapes-labels'));
    expect(ids.indexOf('grid-lines')).toBeGreaterThan(ids.indexOf('imp-0-fill'));
    await page.getByTestId('layer-down-units').click();
    ids = await order(page);
    expect(ids.indexOf('entities-gl')).toBeLessThan(ids.indexOf('shapes-fill'));
    expect(ids.indexOf('entities-gl')).toBeGreaterThan(ids.indexOf('grid-lines'));
    // Move the KML to the very top: above the units and drawings.
    for (let i = 0; i < 6; i++) {
      const up = page.getByTestId('layer-up-imp-0');
      if (await up.isDisabled()) break;
      await up.click();
    }
    ids = await order(page);
    expect(ids.indexOf('imp-0-label')).toBeGreaterThan(ids.indexOf('entities-gl'));
    expect(ids.indexOf('imp-0-fill')).toBeGreaterThan(ids.indexOf('shapes-labels'));
    // Alerts always stay on top.
    expect(ids.indexOf('alerts-ring')).toBeGreaterThan(ids.indexOf('imp-0-label'));
    expect(await page.getByTestId('layers-panel').locator('li').first().getAttribute('data-key')).toBe(
      'imp-0',
    );

    // Remove an import; hide the basemap.
    await page.getByTestId('layer-remove-imp-1').click();
    expect(
      await page.evaluate(() => (window as unknown as W).__bw.view.map.getSource('imp-1') === undefined),
    ).toBe(true);
    await page.getByTestId('layer-on-basemap').uncheck();
    expect(await vis('land')).toBe('none');
    await page.getByTestId('layer-on-basemap').check();
    expect(await vis('land')).toBe('visible');
  });
});
