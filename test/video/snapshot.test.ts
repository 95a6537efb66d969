/**
 * Snapshot to marker and the footprint highlight in Debian chromium. A live generated feed (ffmpeg H.264 + KLV,
 * ST 0102: RESTRICTED, releasable to LTU). An LTU user plays it: the feed's footprint is highlighted on the map
 * (the same polygon as the footprint entity) while the panel is open and no longer once it closes; "Snapshot"
 * sends the frame on screen and a `b-i-x-i` marker with the image attached (`attachment_list`) appears in the
 * picture at the frame centre, its image served to the LTU user; an LVA user can neither fetch the image, take a
 * snapshot of the feed, nor see the marker.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { ffmpegAvailable, startGenerated, type Generated } from '../../src/video/generated.js';
import { orbitTelemetry } from '../../src/video/orbit.js';
import { launch, offlineContext, signIn, startWeb, type WebHarness } from '../web/harness.js';

const evalIn = <T>(page: Page, js: string) => page.evaluate(js) as Promise<T>;

describe.skipIf(!ffmpegAvailable())(
  'snapshot to marker and footprint highlight in chromium',
  { timeout: 120_000 },
  () => {
    let web: WebHarness;
    let browser: Browser;
    let gen: Generated | undefined;
    const sock = createSocket('udp4');

    beforeAll(async () => {
      web = await startWeb({ devMode: true });
      const added = await web.app.video!.add(
        { id: 'cam2', url: 'udp://127.0.0.1:0', name: 'Snap EO' },
        'api',
      );
      expect(added.ok).toBe(true);
      const port = web.app.video!.portOf('cam2')!;
      const t0 = Date.now();
      gen = startGenerated({
        width: 320,
        height: 180,
        bitrate: '300k',
        telemetry: () => orbitTelemetry((Date.now() - t0) / 1000),
        security: { classification: 2, releasing: 'LTU' },
        out: (ts) => {
          for (let i = 0; i < ts.length; i += 7 * 188)
            sock.send(ts.subarray(i, i + 7 * 188), port, '127.0.0.1');
        },
      });
      browser = await launch();
    });
    afterAll(async () => {
      await gen?.stop();
      sock.close();
      await browser?.close();
      await web?.stop();
    });

    const highlighted = (page: Page) =>
      evalIn<{ platform: string; selected: boolean; ring: number[][] }[]>(
        page,
        `window.__bw.view.map.getSource('video-footprints').getData().then((d) =>
        d.features.map((f) => ({ ...f.properties, ring: f.geometry.coordinates[0] })))`,
      );

    let sha = '';
    let marker = '';

    it('highlights the footprint of the feed playing, and takes a snapshot to a marker at the frame centre', async () => {
      const { context } = await offlineContext(browser);
      const page = await context.newPage();
      await signIn(page, web.url, 'lt-officer', '', { nation: 'LTU', clearance: 'SECRET' });
      await page.waitForFunction(`window.__bw.store.all.has('KLV-cam2.footprint')`, undefined, {
        timeout: 30_000,
      });
      expect(await highlighted(page)).toEqual([]);
      await page.evaluate(`window.__bw.view.onSelect('KLV-cam2.footprint')`);
      await page.waitForSelector('video[data-feed=cam2]', { timeout: 15_000 });
      await page.waitForFunction(
        `(async () => (await window.__bw.view.map.getSource('video-footprints').getData()).features.length === 1)()`,
        undefined,
        { timeout: 10_000 },
      );
      const [h] = await highlighted(page);
      expect(h!.platform).toBe('KLV-cam2');
      expect(h!.selected).toBe(true);
      // The highlight is the footprint entity's own polygon (it follows the video's corners, which move at 5 Hz, so
      // the two reads are a moment apart).
      const coords = await evalIn<number[][]>(
        page,
        `window.__bw.store.all.get('KLV-cam2.footprint').e.shape.coordinates`,
      );
      expect(coords.length).toBeGreaterThanOrEqual(4);
      coords.forEach(([lon, lat], i) => {
        expect(Math.abs(h!.ring[i]![0]! - lon!)).toBeLessThan(0.005);
        expect(Math.abs(h!.ring[i]![1]! - lat!)).toBeLessThan(0.005);
      });
      expect(await evalIn<boolean>(page, `!!window.__bw.view.map.getLayer('video-footprint-line')`)).toBe(
        true,
      );

      await page.waitForFunction(
        `document.querySelector('video[data-feed=cam2]').getVideoPlaybackQuality().totalVideoFrames > 2`,
        undefined,
        { timeout: 30_000 },
      );
      await page.click('.video-panel[data-feed=cam2] .video-snapshot');
      await page.waitForSelector('.video-panel[data-feed=cam2] .video-status[data-marker]', {
        timeout: 15_000,
      });
      marker = (await page.getAttribute('.video-panel[data-feed=cam2] .video-status', 'data-marker'))!;
      sha = (await page.getAttribute('.video-panel[data-feed=cam2] .video-status', 'data-sha'))!;
      expect(sha).toMatch(/^[0-9a-f]{64}$/);
      await page.waitForFunction(`window.__bw.store.all.has(${JSON.stringify(marker)})`, undefined, {
        timeout: 15_000,
      });
      // The image is a JPEG of the video's size, served to this user.
      const img = await evalIn<{ status: number; type: string; width: number }>(
        page,
        `fetch('/api/video/snapshots/${sha}').then(async (r) => ({ status: r.status, type: r.headers.get('content-type'),
        width: (await createImageBitmap(await r.blob())).width }))`,
      );
      expect(img).toEqual({ status: 200, type: 'image/jpeg', width: 320 });

      // Closing the panel ends the highlight.
      await page.click('.video-panel[data-feed=cam2] .video-close');
      await page.waitForFunction(
        `(async () => (await window.__bw.view.map.getSource('video-footprints').getData()).features.length === 0)()`,
        undefined,
        { timeout: 10_000 },
      );
      await context.close();
    });

    it('puts the marker in the picture as TAK clients expect, labelled like the feed', () => {
      const e = web.app.hub.state.get(marker)!.event;
      expect(e.type).toBe('b-i-x-i');
      const xml = e.detail.elements.map((d) => d.xml).join('');
      expect(xml).toContain(`<attachment_list hashes="[&quot;${sha}&quot;]"/>`);
      expect(xml).toContain('<link uid="KLV-cam2" type="a-f-A-M-F-Q" relation="p-p"/>');
      expect(e.label.classification).toBe('RESTRICTED');
      expect(e.releasableTo).toBe('LTU');
      // At the frame centre the feed's KLV gives (the SPI), not at the platform.
      const spi = web.app.hub.state.get('KLV-cam2.SPI1')!.event.point;
      expect(Math.abs(e.point.lat - spi.lat)).toBeLessThan(0.01);
      expect(Math.abs(e.point.lon - spi.lon)).toBeLessThan(0.01);
    });

    it('gives a user of another nation neither the image, nor a snapshot, nor the marker', async () => {
      const { context } = await offlineContext(browser);
      const page = await context.newPage();
      await signIn(page, web.url, 'lv-officer', '', { nation: 'LVA', clearance: 'SECRET' });
      const img = await evalIn<number>(page, `fetch('/api/video/snapshots/${sha}').then((r) => r.status)`);
      expect(img).toBe(404);
      const snap = await evalIn<{ status: number; code: string }>(
        page,
        `fetch('/api/video/feeds/cam2/snapshot', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ image: 'data:image/jpeg;base64,/9j/4AAQ' }) }).then(async (r) => ({ status: r.status, code: (await r.json()).code }))`,
      );
      expect(snap).toEqual({ status: 404, code: 'BW_VIDEO_NO_FEED' });
      await page.waitForTimeout(500);
      expect(await evalIn<boolean>(page, `window.__bw.store.all.has(${JSON.stringify(marker)})`)).toBe(false);
      expect(await evalIn<boolean>(page, `window.__bw.store.all.has('KLV-cam2')`)).toBe(false);
      await context.close();
    }, 150_000);
  },
);
