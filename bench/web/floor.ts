/**
 * Where one repaint of the COP's map goes (tsx bench/web/floor.ts): a hub with N static entities (BW_N, default
 * 20,000) and one signed-in headless chromium page; then the cost of a forced repaint (median of 24) with the
 * basemap shown or hidden and the entity layer drawing or not. No updates flow: this is the floor every changing
 * frame pays on this machine. BW_TRACE=file.json also writes a Chrome trace of 12 repaints (where the time goes by
 * process and thread), BW_SHOT=file.png a screenshot. Run it under `flock /tmp/bw-bench.lock` like the other benchmarks.
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { deriveDetail } from '../../src/codecs/cot/index.js';
import { DEFAULT_LABEL } from '../../src/model/label.js';
import { BENCH_IDENTITY, ROOT, buildApp, launchChromium, startBenchHub } from './common.js';

const APP_DIR = process.env.BW_APP_DIR ?? `${ROOT}test-artifacts/web/bench-app`;
const N = Number(process.env.BW_N ?? 20_000);
const VIEW = { width: Number(process.env.BW_W ?? 1280), height: Number(process.env.BW_H ?? 720) };
const BASEMAP = ['sea', 'world-land', 'land', 'coast', 'borders', 'places', 'place-names', 'country-names'];
const TYPES = ['a-f-G-U-C-I', 'a-h-G-U-C-A', 'a-n-G-E-V', 'a-u-G'];

async function main(): Promise<void> {
  if (!process.env.BW_NO_BUILD) await buildApp(APP_DIR);
  const { app, dataDir } = await startBenchHub(APP_DIR, 'bw-floor-');
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext({ viewport: VIEW })).newPage();
    await page.goto(`http://127.0.0.1:${app.ports.http}/`);
    await page.getByTestId('login-user').fill('bench');
    await page.getByTestId('login-submit').click();
    await page.waitForFunction(() => document.getElementById('map')?.dataset.ready === 'true', undefined, {
      timeout: 60_000,
    });
    const feed = app.hub.open(
      { write: () => true, close: () => undefined },
      {
        transport: 'internal',
        protocol: 'sim',
        identity: BENCH_IDENTITY,
        format: 'cot-xml',
        ingestOnly: true,
      },
    );
    for (let i = 0; i < N; i++) {
      const a = (i * 2654435761) % 2 ** 32;
      const now = Date.now();
      app.hub.ingest(feed, {
        version: '2.0',
        uid: `FLOOR-${i}`,
        type: TYPES[i % TYPES.length]!,
        how: 'm-g',
        time: now,
        start: now,
        stale: now + 600_000,
        point: {
          lat: 53.5 + ((a & 0xffff) / 0xffff) * 6,
          lon: 20.5 + ((a >>> 16) / 0xffff) * 8,
          hae: 0,
          ce: 1,
          le: 1,
        },
        detail: deriveDetail([{ name: 'contact', xml: `<contact callsign="FLOOR-${i}"/>` }]),
        label: DEFAULT_LABEL,
        origin: { protocol: 'sim' },
      });
    }
    // Strings, not functions: tsx's name-keeping helpers do not exist in the page.
    await page.waitForFunction(`window.__bw.view.layer.size >= ${N}`, undefined, { timeout: 120_000 });
    await page.waitForTimeout(1500);
    const info = await page.evaluate(`(() => {
      const gl = window.__bw.view.map.painter.context.gl;
      const e = gl.getExtension('WEBGL_debug_renderer_info');
      return { renderer: e ? gl.getParameter(e.UNMASKED_RENDERER_WEBGL) : '?', canvas: [gl.drawingBufferWidth, gl.drawingBufferHeight] };
    })()`);
    console.log(
      `${JSON.stringify(info)}; ${N} entities; load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
    const cases: [string, boolean, boolean][] = [
      ['neither (clear and composite)', false, false],
      ['entities only', false, true],
      ['basemap only', true, false],
      ['basemap and entities', true, true], // last: the screenshot shows everything
    ];
    for (const [name, basemap, entities] of cases) {
      const xs = (await page.evaluate(`new Promise((done) => {
        const v = window.__bw.view; const map = v.map;
        for (const id of ${JSON.stringify(BASEMAP)}) map.setLayoutProperty(id, 'visibility', ${basemap} ? 'visible' : 'none');
        if (!v.layer.__render) v.layer.__render = v.layer.render;
        v.layer.render = ${entities} ? v.layer.__render : () => {};
        setTimeout(() => {
          const out = []; let last = performance.now(); let n = 0;
          const f = () => { const t = performance.now(); out.push(t - last); last = t;
            if (++n < 26) { map.triggerRepaint(); requestAnimationFrame(f); } else done(out.slice(2).sort((a, b) => a - b)); };
          map.triggerRepaint(); requestAnimationFrame(f);
        }, 500);
      })`)) as number[];
      console.log(`  ${name.padEnd(32)} repaint p50 ${xs[12]!.toFixed(0)} ms, min ${xs[0]!.toFixed(0)} ms`);
    }
    if (process.env.BW_SHOT) await page.screenshot({ path: process.env.BW_SHOT });
    if (process.env.BW_TRACE) {
      await browser.startTracing(page, {
        path: process.env.BW_TRACE,
        categories: ['toplevel', 'gpu', 'viz', 'cc', 'blink', 'v8'],
      });
      await page.evaluate(`new Promise((done) => { const map = window.__bw.view.map; let n = 0;
        const f = () => { if (++n < 12) { map.triggerRepaint(); requestAnimationFrame(f); } else done(); };
        requestAnimationFrame(f); })`);
      await browser.stopTracing();
    }
  } finally {
    await browser.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
