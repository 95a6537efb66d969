/**
 * A local raster PMTiles archive as the COP's detail map (web.pmtiles): checked at start, served only to signed-in
 * pages with HTTP range requests, and drawn by the page in Debian chromium with no network.
 */
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRange } from '../../src/transports/web/pmtiles.js';
import { startTestApp } from '../helpers/app.js';
import { rasterPmtiles, solidPng } from '../helpers/pmtiles.js';
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

const dir = mkdtempSync(join(tmpdir(), 'bw-pmtiles-'));
const archive = join(dir, 'detail.pmtiles');
const MAGENTA: [number, number, number] = [255, 0, 255];
writeFileSync(archive, rasterPmtiles(solidPng(256, MAGENTA)));

describe('PMTiles detail map', { timeout: 120_000 }, () => {
  let web: WebHarness;
  let browser: Browser | undefined;

  beforeAll(async () => {
    await ensureBuilt();
    const app = await startTestApp({
      'web.devMode': false,
      'web.staticDir': STATIC_DIR,
      'web.pmtiles': archive,
    });
    await addNationUsers(app);
    web = { app, url: `http://127.0.0.1:${app.ports.http}`, stop: () => app.stop() };
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  it('refuses a file that is not a raster PMTiles archive at start, naming the key', async () => {
    const bad = join(dir, 'not.pmtiles');
    writeFileSync(bad, 'hello, this is not a map at all, but it is long enough to hold a header.'.repeat(3));
    await expect(startTestApp({ 'web.pmtiles': bad })).rejects.toThrow(
      /web\.pmtiles: .*not a PMTiles archive/,
    );
    await expect(startTestApp({ 'web.pmtiles': join(dir, 'missing.pmtiles') })).rejects.toThrow(
      /web\.pmtiles/,
    );
    const vector = rasterPmtiles(solidPng(4, MAGENTA));
    vector[99] = 1; // MVT
    writeFileSync(join(dir, 'vector.pmtiles'), vector);
    await expect(startTestApp({ 'web.pmtiles': join(dir, 'vector.pmtiles') })).rejects.toThrow(/not raster/);
  });

  it('serves ranges of the archive to signed-in pages only', async () => {
    const url = `${web.url}/tiles/detail.pmtiles`;
    expect((await fetch(url, { headers: { range: 'bytes=0-6' } })).status).toBe(401);
    expect((await (await fetch(`${web.url}/api/config`)).json()).pmtiles).toBe('/tiles/detail.pmtiles');
    const login = await fetch(`${web.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'anna', password: 'anna-pass-1' }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const head = await fetch(url, { headers: { cookie, range: 'bytes=0-6' } });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toMatch(/^bytes 0-6\/\d+$/);
    expect(await head.text()).toBe('PMTiles');
    const whole = await fetch(url, { headers: { cookie } });
    expect([whole.status, whole.headers.get('accept-ranges')]).toEqual([200, 'bytes']);
    expect((await whole.arrayBuffer()).byteLength).toBe(rasterPmtiles(solidPng(256, MAGENTA)).length);
    const beyond = await fetch(url, { headers: { cookie, range: 'bytes=99999999-' } });
    expect(beyond.status).toBe(416);
    // The file went away while the hub runs: a plain 404, the hub carries on.
    renameSync(archive, `${archive}.away`);
    try {
      expect((await fetch(url, { headers: { cookie, range: 'bytes=0-6' } })).status).toBe(404);
    } finally {
      renameSync(`${archive}.away`, archive);
    }
    expect((await fetch(url, { headers: { cookie, range: 'bytes=0-6' } })).status).toBe(206);
  });

  it('reads ranges the way browsers and the pmtiles reader ask for them', () => {
    expect(parseRange('bytes=0-126', 1000)).toEqual({ start: 0, end: 126 });
    expect(parseRange('bytes=990-', 1000)).toEqual({ start: 990, end: 999 });
    expect(parseRange('bytes=-10', 1000)).toEqual({ start: 990, end: 999 });
    expect(parseRange('bytes=0-5000', 1000)).toEqual({ start: 0, end: 999 });
    for (const bad of [
      'bytes=5-1',
      'bytes=1000-',
      'bytes=-0',
      'bytes=-',
      'bytes=0-1,5-6',
      'items=0-1',
      'bytes=a-b',
    ])
      expect(parseRange(bad, 1000)).toBeNull();
  });

  it('draws the archive under the symbols in chromium, offline', async () => {
    browser = await launch();
    const { context, blocked } = await offlineContext(browser);
    const page = await context.newPage();
    const ranges: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/tiles/detail.pmtiles')) ranges.push(r.headers()['range'] ?? '(none)');
    });
    await signIn(page, web.url, 'anna', 'anna-pass-1');
    // The archive's only colour on the map canvas, read back inside a render (the WebGL buffer is valid then).
    const magenta = () =>
      page.evaluate(
        () =>
          new Promise<number>((done) => {
            const map = (window as unknown as BwWindow).__bw.view.map;
            map.once('render', () => {
              const canvas = map.getCanvas();
              const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl'))!;
              const px = new Uint8Array(canvas.width * canvas.height * 4);
              gl.readPixels(0, 0, canvas.width, canvas.height, gl.RGBA, gl.UNSIGNED_BYTE, px);
              let n = 0;
              for (let i = 0; i < px.length; i += 4 * 97)
                if (px[i]! > 200 && px[i + 1]! < 60 && px[i + 2]! > 200) n++;
              done(n);
            });
            map.triggerRepaint();
          }),
      );
    await expect.poll(magenta, { timeout: 30_000 }).toBeGreaterThan(100);
    await shot(page, 'cop-pmtiles');
    expect(ranges.length).toBeGreaterThan(0);
    expect(ranges.every((r) => r.startsWith('bytes='))).toBe(true);
    expect(blocked).toEqual([]);
    await context.close();
  });
});
