/**
 * The COP plays a feed in Debian chromium: a live generated H.264 + KLV stream (ffmpeg) into a feed labelled by its
 * ST 0102 set (RESTRICTED, releasable to LTU); an LTU user selects the platform, the video panel opens and the
 * video element's decoded-frame count advances, with the KLV readout (frame centre in MGRS); an LVA user selecting
 * the same uid gets no panel (the feed is not listed to them, and the platform is not in their picture).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { ffmpegAvailable, startGenerated, type Generated } from '../../src/video/generated.js';
import { orbitTelemetry } from '../../src/video/orbit.js';
import { launch, offlineContext, signIn, startWeb, type BwWindow, type WebHarness } from '../web/harness.js';

describe.skipIf(!ffmpegAvailable())('video panel in chromium', () => {
  let web: WebHarness;
  let browser: Browser;
  let gen: Generated | undefined;
  const sock = createSocket('udp4');

  beforeAll(async () => {
    web = await startWeb({ devMode: true });
    const added = await web.app.video!.add({ id: 'cam1', url: 'udp://127.0.0.1:0', name: 'Orbit EO' }, 'api');
    expect(added.ok).toBe(true);
    const port = web.app.video!.portOf('cam1')!;
    const t0 = Date.now();
    gen = startGenerated({
      width: 320,
      height: 180,
      fps: 25,
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

  const select = (page: Page, uid: string) =>
    page.evaluate((u) => (window as unknown as BwWindow).__bw.view.onSelect(u), uid);

  it('plays the feed for a user it is releasable to, with the KLV readout', async () => {
    const { context } = await offlineContext(browser);
    const page = await context.newPage();
    await signIn(page, web.url, 'lt-officer', '', { nation: 'LTU', clearance: 'SECRET' });
    await page.waitForFunction(
      () => (window as unknown as BwWindow).__bw.store.all.has('KLV-cam1'),
      undefined,
      {
        timeout: 30_000,
      },
    );
    await select(page, 'KLV-cam1');
    await page.waitForSelector('video[data-feed=cam1]', { timeout: 15_000 });
    const frames = () =>
      page.evaluate(
        () =>
          document.querySelector<HTMLVideoElement>('video[data-feed=cam1]')!.getVideoPlaybackQuality()
            .totalVideoFrames,
      );
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLVideoElement>('video[data-feed=cam1]')!.getVideoPlaybackQuality()
          .totalVideoFrames > 5,
      undefined,
      { timeout: 30_000 },
    );
    const a = await frames();
    await page.waitForTimeout(1500);
    const b = await frames();
    expect(b).toBeGreaterThan(a);
    const readout = await page.locator('.video-panel[data-feed=cam1] table').innerText();
    expect(readout).toMatch(/Frame centre\s+34U/);
    expect(readout).toMatch(/Slant range\s+\d+ m/);
    await context.close();
  });

  it('opens nothing for a user of another nation', async () => {
    const { context } = await offlineContext(browser);
    const page = await context.newPage();
    await signIn(page, web.url, 'lv-officer', '', { nation: 'LVA', clearance: 'SECRET' });
    await select(page, 'KLV-cam1');
    await page.waitForTimeout(1500);
    expect(await page.locator('.video-panel').count()).toBe(0);
    const listed = await page.evaluate(() => fetch('/api/video/feeds').then((r) => r.json()));
    expect(listed).toEqual([]);
    await context.close();
  });
});
