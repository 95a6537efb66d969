/**
 * V3's run: a hub serving its own build of the COP, a feed with the frame code, Debian chromium signed in and
 * playing the feed in the COP's video panel (selecting its platform, as a user would), `seconds` of frames read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, launchChromium, startBenchHub } from '../web/common.js';
import { frameCodes, glassLatency, readFrameCodes, sendCodedFeed, type GlassResult } from './glass.js';

export async function runGlass(seconds: number): Promise<GlassResult> {
  const appDir = mkdtempSync(join(tmpdir(), 'bw-bench-g2g-app-'));
  await buildApp(appDir);
  const { app, dataDir } = await startBenchHub(appDir, 'bw-bench-g2g-');
  const browser = await launchChromium();
  const added = await app.video!.add({ id: 'g2g', url: 'udp://127.0.0.1:0', name: 'Frame code' }, 'api');
  if (!added.ok) throw new Error(`feed: ${added.message}`);
  const feed = sendCodedFeed(app.video!.portOf('g2g')!);
  if (!feed) throw new Error('ffmpeg not found');
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`http://127.0.0.1:${app.ports.http}/`);
    await page.getByTestId('login-user').fill('bench');
    await page.getByTestId('login-submit').click();
    await page.waitForFunction(`document.getElementById('map')?.dataset.ready === 'true'`, undefined, {
      timeout: 60_000,
    });
    await page.waitForFunction(`window.__bw.store.all.has('KLV-g2g')`, undefined, { timeout: 30_000 });
    await page.evaluate(`window.__bw.view.onSelect('KLV-g2g')`);
    await page.waitForSelector('video[data-feed=g2g]', { timeout: 15_000 });
    await readFrameCodes(page, 'video[data-feed=g2g]');
    try {
      await page.waitForFunction('window.__frameCodes.length > 0', undefined, { timeout: 30_000 });
    } catch (e) {
      console.error(
        'no frame code read:',
        await page.evaluate('[window.__framesPresented, window.__lastCode]'),
      );
      throw e;
    }
    await page.waitForTimeout(seconds * 1000);
    // The first two seconds (player start-up, catching up to the live edge) are left out.
    const presented = (await page.evaluate('window.__framesPresented')) as number;
    return glassLatency(feed, await frameCodes(page), 2000, presented);
  } finally {
    await feed.stop();
    await browser.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(appDir, { recursive: true, force: true });
  }
}
