/**
 * Basemaps and overlays from the configuration (web.basemaps, web.overlays): a vector PMTiles archive in the
 * Protomaps schema, a raster MBTiles file and a directory of XYZ tiles, all generated here and served by the hub
 * with no network, checked at start, refused to signed-out requests, switched in Debian chromium and read back
 * from the map's canvas.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tileTemplate } from '../../src/transports/web/map-sources.js';
import { startTestApp } from '../helpers/app.js';
import { mvtTile, pmtilesArchive, solidPng } from '../helpers/pmtiles.js';
import {
  STATIC_DIR,
  addNationUsers,
  ensureBuilt,
  launch,
  offlineContext,
  shot,
  signIn,
  type BwWindow,
  type WebHarness,
} from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'bw-basemaps-'));
// Protomaps "light" flavour colours (@protomaps/basemaps): earth #e2dfda, water #80deea.
const EARTH: [number, number, number] = [0xe2, 0xdf, 0xda];
const WATER: [number, number, number] = [0x80, 0xde, 0xea];
const GREEN: [number, number, number] = [0, 200, 0];
const ORANGE: [number, number, number] = [255, 140, 0];

/** Zoom 0–1 tiles of a vector map: earth everywhere, water over the western 14 % of each tile (0–25°E at z1). */
function writeVector(): string {
  const tile = mvtTile([
    { name: 'earth', rect: [-64, -64, 4160, 4160] },
    { name: 'water', rect: [-64, -64, 573, 4160] },
  ]);
  const path = join(dir, 'baltic.pmtiles');
  writeFileSync(path, pmtilesArchive(tile, 1));
  return path;
}

/** A raster MBTiles file (TMS rows, as MBTiles stores them) of one colour at zooms 0–2. */
function writeMbtiles(): string {
  const path = join(dir, 'topo.mbtiles');
  const db = new Database(path);
  db.exec(
    'CREATE TABLE metadata (name TEXT, value TEXT); CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)',
  );
  const meta = db.prepare('INSERT INTO metadata VALUES (?, ?)');
  for (const [k, v] of [
    ['name', 'topo'],
    ['format', 'png'],
    ['minzoom', '0'],
    ['maxzoom', '2'],
  ])
    meta.run(k, v);
  const png = solidPng(256, GREEN);
  const put = db.prepare('INSERT INTO tiles VALUES (?, ?, ?, ?)');
  for (let z = 0; z <= 2; z++)
    for (let x = 0; x < 2 ** z; x++) for (let y = 0; y < 2 ** z; y++) put.run(z, x, y, png);
  db.close();
  return path;
}

/** A directory of {z}/{x}/{y}.png overlay tiles at zooms 0–1. */
function writeTileDir(): string {
  const root = join(dir, 'overlay');
  const png = solidPng(256, ORANGE);
  for (let z = 0; z <= 1; z++)
    for (let x = 0; x < 2 ** z; x++) {
      mkdirSync(join(root, String(z), String(x)), { recursive: true });
      for (let y = 0; y < 2 ** z; y++) writeFileSync(join(root, String(z), String(x), `${y}.png`), png);
    }
  return root;
}

/** Share of sampled canvas pixels within 6 of `rgb`, read inside a render (the WebGL buffer is valid then). */
function share(page: Page, rgb: [number, number, number]): Promise<number> {
  return page.evaluate(
    (c) =>
      new Promise<number>((done) => {
        const map = (window as unknown as BwWindow).__bw.view.map;
        map.once('render', () => {
          const canvas = map.getCanvas();
          const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl'))!;
          const px = new Uint8Array(canvas.width * canvas.height * 4);
          gl.readPixels(0, 0, canvas.width, canvas.height, gl.RGBA, gl.UNSIGNED_BYTE, px);
          let n = 0;
          let all = 0;
          for (let i = 0; i < px.length; i += 4 * 97) {
            all++;
            if (Math.abs(px[i]! - c[0]) + Math.abs(px[i + 1]! - c[1]) + Math.abs(px[i + 2]! - c[2]) < 18) n++;
          }
          done(n / all);
        });
        map.triggerRepaint();
      }),
    rgb,
  );
}

describe('basemaps and overlays', { timeout: 180_000 }, () => {
  let web: WebHarness;
  let browser: Browser | undefined;

  beforeAll(async () => {
    await ensureBuilt();
    const app = await startTestApp({
      'web.devMode': false,
      'web.staticDir': STATIC_DIR,
      'web.basemaps': [
        { name: 'Baltic vector', file: writeVector() },
        { name: 'Topo sheets', file: writeMbtiles(), attribution: 'Test survey' },
      ],
      'web.overlays': [{ name: 'Hazard grid', file: writeTileDir(), opacity: 1 }],
    });
    await addNationUsers(app);
    web = { app, url: `http://127.0.0.1:${app.ports.http}`, stop: () => app.stop() };
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  it('refuses a map that is not one at start, naming the key', async () => {
    const notMap = join(dir, 'notes.txt');
    writeFileSync(notMap, 'not a map');
    await expect(startTestApp({ 'web.basemaps': [{ name: 'x', file: notMap }] })).rejects.toThrow(
      /web\.basemaps\[0\]\.file: .*not a \.pmtiles or \.mbtiles file/,
    );
    const badDb = join(dir, 'bad.mbtiles');
    writeFileSync(badDb, 'SQLite format 3\0 but not really');
    await expect(startTestApp({ 'web.basemaps': [{ name: 'x', file: badDb }] })).rejects.toThrow(
      /web\.basemaps\[0\]\.file/,
    );
    await expect(
      startTestApp({ 'web.overlays': [{ name: 'v', file: join(dir, 'baltic.pmtiles') }] }),
    ).rejects.toThrow(/web\.overlays\[0\]\.file: .*not raster/);
    await expect(
      startTestApp({ 'web.overlays': [{ name: 'u', url: 'https://example.org/tiles.png' }] }),
    ).rejects.toThrow(/web\.overlays\[0\]\.url: .*\{z\}/);
  });

  it('turns WMTS REST templates into XYZ templates', () => {
    expect(
      tileTemplate('https://maps.example/wmts/topo/default/GM/{TileMatrix}/{TileRow}/{TileCol}.png', 'k'),
    ).toBe('https://maps.example/wmts/topo/default/GM/{z}/{y}/{x}.png');
    expect(tileTemplate('https://t.example/{z}/{x}/{y}.png', 'k')).toBe('https://t.example/{z}/{x}/{y}.png');
  });

  it('lists the maps in /api/config and serves their tiles to signed-in pages only', async () => {
    const cfg = (await (await fetch(`${web.url}/api/config`)).json()) as {
      basemaps: { id: string; type: string; pmtiles?: string; tiles?: string; maxzoom: number }[];
      overlays: { id: string; tiles?: string }[];
    };
    expect(cfg.basemaps.map((b) => [b.id, b.type, b.pmtiles ?? b.tiles, b.maxzoom])).toEqual([
      ['b0', 'vector', '/tiles/b0.pmtiles', 1],
      ['b1', 'raster', '/tiles/b1/{z}/{x}/{y}', 2],
    ]);
    expect(cfg.overlays.map((o) => o.tiles)).toEqual(['/tiles/o0/{z}/{x}/{y}']);
    expect((await fetch(`${web.url}/tiles/b1/0/0/0`)).status).toBe(401);
    expect((await fetch(`${web.url}/tiles/b0.pmtiles`, { headers: { range: 'bytes=0-6' } })).status).toBe(
      401,
    );
    const login = await fetch(`${web.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'anna', password: 'anna-pass-1' }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const tile = await fetch(`${web.url}/tiles/b1/1/1/0`, { headers: { cookie } });
    expect([tile.status, tile.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(Buffer.from(await tile.arrayBuffer()).equals(solidPng(256, GREEN))).toBe(true);
    expect((await fetch(`${web.url}/tiles/o0/1/0/1.png`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${web.url}/tiles/o0/5/0/0`, { headers: { cookie } })).status).toBe(404);
    expect((await fetch(`${web.url}/tiles/o0/1/2/0`, { headers: { cookie } })).status).toBe(400);
    expect((await fetch(`${web.url}/tiles/o0/1/..%2F..%2F/0`, { headers: { cookie } })).status).toBe(400);
    const range = await fetch(`${web.url}/tiles/b0.pmtiles`, { headers: { cookie, range: 'bytes=0-6' } });
    expect([range.status, await range.text()]).toEqual([206, 'PMTiles']);
  });

  it('switches between the offline, vector and raster basemaps and toggles the overlay, offline in chromium', async () => {
    browser = await launch();
    const { context, blocked } = await offlineContext(browser);
    const page = await context.newPage();
    await signIn(page, web.url, 'anna', 'anna-pass-1');
    await page.waitForFunction(() => (window as unknown as BwWindow).__bw.view.map.getLayer('ov-o0'));
    // The overlay covers everything; hide it to see the basemaps.
    await page.evaluate(() =>
      (
        window as unknown as { __bw: { mapLayers: { setOverlay(id: string, on: boolean): void } } }
      ).__bw.mapLayers.setOverlay('o0', false),
    );
    const select = page.getByTestId('basemap');
    await expect.poll(() => select.isVisible()).toBe(true);
    expect(await select.locator('option').allTextContents()).toEqual([
      'Offline (Natural Earth)',
      'Baltic vector',
      'Topo sheets',
    ]);
    expect(await share(page, EARTH)).toBeLessThan(0.05);

    await select.selectOption('b0');
    await expect.poll(() => share(page, EARTH), { timeout: 30_000 }).toBeGreaterThan(0.2);
    await expect.poll(() => share(page, WATER), { timeout: 30_000 }).toBeGreaterThan(0.1);
    await shot(page, 'cop-basemap-vector');

    await select.selectOption('b1');
    await expect.poll(() => share(page, GREEN), { timeout: 30_000 }).toBeGreaterThan(0.5);
    expect(await share(page, EARTH)).toBeLessThan(0.05);
    expect(await page.locator('.maplibregl-ctrl-attrib').textContent()).toContain('Test survey');

    await page.evaluate(() =>
      (
        window as unknown as { __bw: { mapLayers: { setOverlay(id: string, on: boolean): void } } }
      ).__bw.mapLayers.setOverlay('o0', true),
    );
    await expect.poll(() => share(page, ORANGE), { timeout: 30_000 }).toBeGreaterThan(0.5);
    await page.evaluate(() =>
      (
        window as unknown as { __bw: { mapLayers: { setOverlay(id: string, on: boolean): void } } }
      ).__bw.mapLayers.setOverlay('o0', false),
    );

    // The choice survives a reload.
    await page.reload();
    await page.waitForFunction(() => (window as unknown as BwWindow).__bw?.view.map.getLayer('bm-raster'));
    expect(await page.getByTestId('basemap').inputValue()).toBe('b1');
    await page.getByTestId('basemap').selectOption('offline');
    await page.evaluate(() =>
      (
        window as unknown as { __bw: { mapLayers: { setOverlay(id: string, on: boolean): void } } }
      ).__bw.mapLayers.setOverlay('o0', false),
    );
    await expect.poll(() => share(page, GREEN), { timeout: 30_000 }).toBeLessThan(0.05);
    expect(blocked).toEqual([]);
    await context.close();
  });
});
