/**
 * Web COP benchmark (npm run bench:web): a real hub feeding one headless chromium page through the live API.
 * Each step starts a fresh hub and page, loads N entities, then moves them at R updates/s for a fixed time while
 * the page measures its frame times (requestAnimationFrame deltas) and, per update, the time from the hub
 * ingesting it to it being on screen (the event `time` is stamped at send; the page compares it with its own
 * clock at the start of the first animation frame after the MapLibre render that drew it, i.e. once the browser
 * has finished that frame. Until 2026-11-27 08:30 UTC the age was taken at the MapLibre render event itself,
 * which left out the frame's software-WebGL work: the figures before then are not comparable on that column). The target (20,000 entities, 2,000 updates/s) runs first; then the load
 * goes up while steps hold, or down until one holds. Also reports what one repaint of the empty map costs, which
 * is the floor this machine's software WebGL sets for every frame that changes (bench/web/floor.ts breaks it down),
 * and per step the page's own measured repaint cost (`repaintMs`), from which it spaces its hand-overs out.
 *
 *   tsx bench/web/run.ts [--seconds 15] [--target 20000x2000] [--up 30000x3000,…] [--down 10000x1000,…]
 *   env BW_W/BW_H viewport (default 1280x720), BW_PROFILE=1 prints the page's hottest functions per step.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { App } from '../../src/app/index.js';
import { deriveDetail } from '../../src/codecs/cot/index.js';
import type { Session } from '../../src/hub/session.js';
import type { Event } from '../../src/model/event.js';
import { DEFAULT_LABEL } from '../../src/model/label.js';
import { recordRun } from '../lib/results.js';
import { BENCH_IDENTITY, ROOT, buildApp, launchChromium, startBenchHub } from './common.js';

const APP_DIR = `${ROOT}test-artifacts/web/bench-app`;
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const parseSteps = (v: string) => v.split(',').map((s) => s.split('x').map(Number) as [number, number]);
const SECONDS = Number(arg('seconds', '15'));
const TARGET = parseSteps(arg('target', '20000x2000'))[0]!;
const UP = parseSteps(arg('up', '30000x3000,40000x4000,60000x6000,80000x8000'));
const DOWN = parseSteps(arg('down', '10000x1000,5000x500,2000x200,1000x100'));
/** Views each target step runs in: the dense overview, and zoom 8 with labels over the busiest area. */
const VIEWS = arg('views', 'overview,zoom8').split(',') as ('overview' | 'zoom8')[];
const VIEW = { width: Number(process.env.BW_W ?? 1280), height: Number(process.env.BW_H ?? 720) };
const TYPES = [
  'a-f-G-U-C-I',
  'a-h-G-U-C-A',
  'a-n-G-E-V',
  'a-u-G',
  'a-f-A-M-F-Q',
  'a-h-S-C',
  'a-f-G-U-C-F',
  'a-h-G-E-V-A-T',
];

interface Unit {
  uid: string;
  type: string;
  lat: number;
  lon: number;
  course: number;
}

/** N units spread over the Baltic states and their neighbours (deterministic). */
function units(n: number): Unit[] {
  const out: Unit[] = [];
  for (let i = 0; i < n; i++) {
    const a = (i * 2654435761) % 2 ** 32;
    out.push({
      uid: `BENCH-${i}`,
      type: TYPES[i % TYPES.length]!,
      lat: 53.5 + ((a & 0xffff) / 0xffff) * 6,
      lon: 20.5 + ((a >>> 16) / 0xffff) * 8,
      course: (i * 37) % 360,
    });
  }
  return out;
}

function event(u: Unit, now: number): Event {
  return {
    version: '2.0',
    uid: u.uid,
    type: u.type,
    how: 'm-g',
    time: now,
    start: now,
    stale: now + 600_000,
    point: { lat: u.lat, lon: u.lon, hae: 100, ce: 10, le: 10 },
    detail: deriveDetail([
      { name: 'contact', xml: `<contact callsign="${u.uid}"/>` },
      { name: 'track', xml: `<track course="${u.course}" speed="8"/>` },
    ]),
    label: DEFAULT_LABEL,
    origin: { protocol: 'sim' },
  };
}

function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

interface Rig {
  app: App;
  page: Page;
  feed: Session;
  dataDir: string;
}

/** A fresh hub, web API and signed-in page, measuring frames from now on. */
async function rig(browser: Browser): Promise<Rig> {
  const { app, dataDir } = await startBenchHub(APP_DIR, 'bw-bench-web-');
  const port = app.ports.http!;
  const feed = app.hub.open(
    { write: () => true, close: () => undefined },
    { transport: 'internal', protocol: 'sim', identity: BENCH_IDENTITY, format: 'cot-xml', ingestOnly: true },
  );
  const page = await (await browser.newContext({ viewport: VIEW })).newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.getByTestId('login-user').fill('bench');
  await page.getByTestId('login-submit').click();
  await page.waitForFunction(() => document.getElementById('map')?.dataset.ready === 'true', undefined, {
    timeout: 60_000,
  });
  // A string, not a function: tsx's name-keeping helpers do not exist in the page.
  await page.evaluate(`(() => {
    window.__bw.view.measure = true;
    window.__frames = [];
    let last = performance.now();
    const tick = (t) => {
      window.__frames.push(t - last);
      if (window.__frames.length > 100000) window.__frames.shift();
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  if (process.env.BW_FLUSH) {
    await page.evaluate(
      `window.__bw.view.adaptive = false; window.__bw.view.flushMs = ${Number(process.env.BW_FLUSH)};`,
    );
  }
  return { app, page, feed, dataDir };
}

async function teardown(r: Rig): Promise<void> {
  await r.page.context().close();
  await r.app.close();
  rmSync(r.dataDir, { recursive: true, force: true });
}

/** Cost of repainting the empty map 40 times (ms per frame): what software WebGL charges any changing frame. */
async function repaintFloor(page: Page): Promise<number[]> {
  return page.evaluate(`new Promise((done) => {
    const map = window.__bw.view.map; const out = []; let last = performance.now(); let n = 0;
    const f = () => { const t = performance.now(); out.push(t - last); last = t; if (++n < 40) { map.triggerRepaint(); requestAnimationFrame(f); } else done(out.slice(1)); };
    map.triggerRepaint(); requestAnimationFrame(f);
  })`);
}

async function profileTop(page: Page, run: () => Promise<void>): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  await run();
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as {
    profile: {
      nodes: { id: number; callFrame: { functionName: string; url: string } }[];
      samples: number[];
      timeDeltas: number[];
    };
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}`;
    self.set(k, (self.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([k, v]) => `  ${v.toFixed(0)} ms  ${k}`)
    .join('\n');
}

async function step(browser: Browser, count: number, rate: number, view: 'overview' | 'zoom8' = 'overview') {
  const r = await rig(browser);
  try {
    const all = units(count);
    const t0 = Date.now();
    for (const u of all) r.app.hub.ingest(r.feed, event(u, Date.now()));
    await r.page.waitForFunction(
      (n) =>
        (window as unknown as { __bw: { store: { all: Map<string, unknown> } } }).__bw.store.all.size >= n,
      count,
      { timeout: 180_000 },
    );
    // …and for MapLibre to have it all and go quiet (no diff applied for a second).
    await r.page.waitForFunction(
      () => {
        const v = (window as unknown as { __bw: { view: { applied: { at: number }; busy: boolean } } }).__bw
          .view;
        return !v.busy && Date.now() - v.applied.at > 1000;
      },
      undefined,
      { timeout: 180_000, polling: 200 },
    );
    const loadMs = Date.now() - t0;
    if (view === 'zoom8') {
      // Zoomed in with labels on over the middle of the spread (Latvia): the labelled, decluttered case.
      await r.page.evaluate('window.__bw.view.map.jumpTo({ center: [24.5, 56.8], zoom: 8 })');
      await r.page.waitForTimeout(3000);
    }
    await r.page.evaluate(
      'window.__frames.length = 0; window.__bw.view.latencies.length = 0; window.__bw.view.renders = 0; window.__bw.view.diffs = 0;' +
        // Data age as the page measures it (lag.ts), and how often it was over 5 s without the header saying so.
        'window.__bw.age.history.length = 0; window.__silent = 0; window.__behindShown = 0; clearInterval(window.__lagTimer);' +
        'window.__lagTimer = setInterval(() => { const t = document.getElementById("lag").textContent;' +
        ' if (t) window.__behindShown++; if (window.__bw.age.behindMs() > 5000 && !t) window.__silent++; }, 1000);',
    );
    let sent = 0;
    const run = async () => {
      let next = 0;
      const started = Date.now();
      while (Date.now() - started < SECONDS * 1000) {
        const due = Math.floor(((Date.now() - started) / 1000) * rate);
        while (sent < due) {
          const u = all[next++ % all.length]!;
          u.lat += Math.cos((u.course * Math.PI) / 180) * 0.0005;
          u.lon += Math.sin((u.course * Math.PI) / 180) * 0.0008;
          r.app.hub.ingest(r.feed, event(u, Date.now()));
          sent++;
        }
        await new Promise((res) => setTimeout(res, 20));
      }
      await r.page.waitForTimeout(1500); // let the last updates land
    };
    const profile = process.env.BW_PROFILE ? await profileTop(r.page, run) : (await run(), '');
    const m = (await r.page.evaluate(
      '({ frames: [...window.__frames], latencies: [...window.__bw.view.latencies], renders: window.__bw.view.renders, diffs: window.__bw.view.diffs, repaintMs: window.__bw.view.repaintMs, ages: [...window.__bw.age.history], silent: window.__silent, behindShown: window.__behindShown, labels: window.__bw.view.map.querySourceFeatures("detail").length, coalesced: window.__bw.live.coalesced })',
    )) as {
      frames: number[];
      latencies: number[];
      renders: number;
      diffs: number;
      repaintMs: number;
      ages: number[];
      silent: number;
      behindShown: number;
      labels: number;
      coalesced: number;
    };
    // `onMap` counts updates that reached MapLibre; the page coalesces per uid between diffs, so fewer than `sent`
    // means later updates of the same unit stood in for earlier ones.
    const res = {
      at: new Date().toISOString().slice(11, 16),
      view,
      labelled: m.labels,
      entities: count,
      updatesPerSecond: rate,
      sent,
      loadMs,
      frames: m.frames.length,
      frameP50: +pct(m.frames, 50).toFixed(1),
      frameP95: +pct(m.frames, 95).toFixed(1),
      frameMax: +Math.max(...m.frames).toFixed(1),
      onMap: m.latencies.length,
      repaintsPerSecond: +(m.renders / (SECONDS + 1.5)).toFixed(1),
      diffsPerSecond: +(m.diffs / (SECONDS + 1.5)).toFixed(1),
      repaintMs: Math.round(m.repaintMs),
      latencyP50: Math.round(pct(m.latencies, 50)),
      latencyP95: Math.round(pct(m.latencies, 95)),
      latencyMax: Math.round(Math.max(...m.latencies)),
      dataAgeP50: Math.round(pct(m.ages, 50)),
      dataAgeP95: Math.round(pct(m.ages, 95)),
      /** Seconds the page was over 5 s behind without saying so (must be 0), and seconds it said so. */
      silentLagSeconds: m.silent,
      behindShownSeconds: m.behindShown,
      pageCoalesced: m.coalesced,
    };
    const pass = res.frameP95 <= 50 && res.latencyMax <= 1000;
    if (profile) console.log(`hottest page functions at ${count}x${rate}:\n${profile}`);
    return { ...res, pass };
  } finally {
    await teardown(r);
  }
}

async function main(): Promise<void> {
  await buildApp(APP_DIR);
  const browser = await launchChromium();
  const load = (await import('node:os')).loadavg();
  const idle = await rig(browser);
  const floor = await repaintFloor(idle.page);
  await teardown(idle);
  console.log(
    `viewport ${VIEW.width}x${VIEW.height}; load average ${load.map((x) => x.toFixed(1)).join(' ')}; ` +
      `empty-map repaint p50 ${pct(floor, 50).toFixed(0)} ms, p95 ${pct(floor, 95).toFixed(0)} ms`,
  );
  const results: Awaited<ReturnType<typeof step>>[] = [];
  let steps = [TARGET];
  for (let i = 0; i < steps.length; i++) {
    const [count, rate] = steps[i]!;
    const r = await step(browser, count, rate, VIEWS[0]);
    results.push(r);
    console.log(JSON.stringify(r));
    if (i === 0) {
      for (const v of VIEWS.slice(1)) {
        const z = await step(browser, count, rate, v);
        results.push(z);
        console.log(JSON.stringify(z));
      }
      steps = [TARGET, ...(r.pass ? UP : DOWN)];
    } else if (r.pass !== results[0]!.pass || arg('search', 'yes') === 'no') break; // found the edge
  }
  await browser.close();
  mkdirSync(`${ROOT}test-artifacts/web`, { recursive: true });
  writeFileSync(
    `${ROOT}test-artifacts/web/bench.json`,
    JSON.stringify({ viewport: VIEW, load, floor, results }, null, 2),
  );
  recordRun('web', { viewport: VIEW, floor, results });
  console.log(
    '\n| view | entities | updates/s | frame p50 / p95 / max (ms) | update → on map p50 / p95 / max (ms) | data age p50 / p95 (ms) | silent lag (s) | holds |',
  );
  console.log('|---|---:|---:|---|---|---|---:|---|');
  for (const r of results) {
    console.log(
      `| ${r.view} | ${r.entities} | ${r.updatesPerSecond} | ${r.frameP50} / ${r.frameP95} / ${r.frameMax} | ` +
        `${r.latencyP50} / ${r.latencyP95} / ${r.latencyMax} | ${r.dataAgeP50} / ${r.dataAgeP95} | ` +
        `${r.silentLagSeconds} | ${r.pass ? 'yes' : 'no'} |`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
