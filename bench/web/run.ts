/**
 * Web COP benchmark (npm run bench:web): a real hub feeding one headless chromium page through the live API.
 * Loads N entities, then moves them at R updates/s for a fixed time while the page measures its frame times
 * (requestAnimationFrame deltas) and, per update, the time from the hub ingesting it to MapLibre having it
 * (event `time` is stamped at send; the page compares with its clock when the diff is applied). Starts at the
 * issue's target (20,000 entities, 2,000 updates/s), then raises the load until a step fails.
 *
 *   tsx bench/web/run.ts [--seconds 20] [--steps 20000x2000,40000x4000,...]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino from 'pino';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApp } from '../../src/app/index.js';
import { validateConfig } from '../../src/app/config.js';
import { deriveDetail } from '../../src/codecs/cot/index.js';
import type { Event } from '../../src/model/event.js';
import { DEFAULT_LABEL } from '../../src/model/label.js';
import { createWebAuth, registerWebApi } from '../../src/transports/web/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const SECONDS = Number(arg('seconds', '20'));
const STEPS = arg('steps', '20000x2000,40000x3000,60000x4000,80000x6000')
  .split(',')
  .map((s) => s.split('x').map(Number) as [number, number]);
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

function units(n: number): Unit[] {
  const out: Unit[] = [];
  for (let i = 0; i < n; i++) {
    // Spread over the Baltic states and their neighbours (deterministic).
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
  const elements = [
    { name: 'contact', xml: `<contact callsign="${u.uid}"/>` },
    { name: 'track', xml: `<track course="${u.course}" speed="8"/>` },
  ];
  return {
    version: '2.0',
    uid: u.uid,
    type: u.type,
    how: 'm-g',
    time: now,
    start: now,
    stale: now + 600_000,
    point: { lat: u.lat, lon: u.lon, hae: 100, ce: 10, le: 10 },
    detail: deriveDetail(elements),
    label: DEFAULT_LABEL,
    origin: { protocol: 'sim' },
  };
}

function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function main(): Promise<void> {
  if (!existsSync(`${ROOT}dist/web/index.html`))
    await build({ configFile: `${ROOT}web/vite.config.ts`, logLevel: 'warn' });
  const dataDir = mkdtempSync(join(tmpdir(), 'bw-bench-web-'));
  const config = validateConfig({
    dataDir,
    log: { level: 'silent' },
    tcp: { enabled: false },
    udp: { enabled: false },
    http: { enabled: false },
    tls: { enabled: false },
    trust: { enrollment: { enabled: false }, api: { enabled: false } },
    mavlink: { enabled: false },
    limits: { queueLimit: 200_000 },
  });
  const app = await startApp(config, { log: pino({ level: 'silent' }) });
  const http: FastifyInstance = Fastify({ loggerInstance: pino({ level: 'silent' }) as FastifyBaseLogger });
  await registerWebApi(http, {
    hub: app.hub,
    log: pino({ level: 'silent' }),
    staticDir: `${ROOT}dist/web`,
    auth: createWebAuth({ devMode: true }),
  });
  await http.listen({ host: '127.0.0.1', port: 0 });
  const port = (http.server.address() as { port: number }).port;
  const feed = app.hub.open(
    { write: () => true, close: () => undefined },
    {
      transport: 'internal',
      protocol: 'sim',
      identity: {
        id: 'bench',
        kind: 'operator',
        clearance: 'UNCLASSIFIED',
        categories: [],
        groups: ['__ANON__'],
      },
      format: 'cot-xml',
      ingestOnly: true,
    },
  );

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      ...(process.env.BW_FLAGS ?? '').split(' ').filter(Boolean),
    ],
  });
  const page = await (
    await browser.newContext({
      viewport: { width: Number(process.env.BW_W ?? 1280), height: Number(process.env.BW_H ?? 720) },
    })
  ).newPage();
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

  if (process.env.BW_CIRCLES) {
    await page.evaluate(
      `window.__bw.view.map.addLayer({ id: 'dots', type: 'circle', source: 'entities', paint: { 'circle-radius': 4, 'circle-color': '#3070ff' } })`,
    );
  }
  if (process.env.BW_FLUSH)
    await page.evaluate(
      `window.__bw.view.adaptive = false; window.__bw.view.flushMs = ${Number(process.env.BW_FLUSH)}`,
    );
  if (process.env.BW_HIDE) {
    await page.evaluate(
      `(() => { for (const l of '${process.env.BW_HIDE}'.split(',')) window.__bw.view.map.setLayoutProperty(l, 'visibility', 'none'); })()`,
    );
  }
  if (process.env.BW_REPAINT) {
    const r = await page.evaluate(`new Promise((done) => {
      const map = window.__bw.view.map; const out = []; let last = performance.now(); let n = 0;
      const f = () => { const t = performance.now(); out.push(t - last); last = t; if (++n < 40) { map.triggerRepaint(); requestAnimationFrame(f); } else done(out); };
      map.triggerRepaint(); requestAnimationFrame(f);
    })`);
    console.log('repaint frame times (ms):', (r as number[]).map((x) => x.toFixed(0)).join(' '));
  }
  const results = [];
  for (const [count, rate] of STEPS) {
    const all = units(count);
    // Load the picture, then wait for the page to hold all of it.
    const t0 = Date.now();
    for (const u of all) app.hub.ingest(feed, event(u, Date.now()));
    await page.waitForFunction(
      (n) =>
        (window as unknown as { __bw: { store: { all: Map<string, unknown> } } }).__bw.store.all.size >= n,
      count,
      { timeout: 120_000 },
    );
    // …and for MapLibre to have drawn it and gone quiet (no diff applied for a second).
    await page.waitForFunction(
      () => {
        const v = (window as unknown as { __bw: { view: { applied: { at: number }; busy: boolean } } }).__bw
          .view;
        return !v.busy && Date.now() - v.applied.at > 1000;
      },
      undefined,
      { timeout: 120_000, polling: 200 },
    );
    const loadMs = Date.now() - t0;
    await page.evaluate(() => {
      const w = window as unknown as { __bw: { view: { latencies: number[] } }; __frames: number[] };
      w.__frames.length = 0;
      w.__bw.view.latencies.length = 0;
    });
    const cdp = process.env.BW_PROFILE ? await page.context().newCDPSession(page) : undefined;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    // Move them: `rate` updates per second in 20 ms ticks, for SECONDS.
    const perTick = rate / 50;
    let sent = 0;
    let next = 0;
    const end = Date.now() + SECONDS * 1000;
    const started = Date.now();
    while (Date.now() < end) {
      const due = Math.floor(((Date.now() - started) / 1000) * rate);
      while (sent < due) {
        const u = all[next++ % all.length]!;
        u.lat += Math.cos((u.course * Math.PI) / 180) * 0.0005;
        u.lon += Math.sin((u.course * Math.PI) / 180) * 0.0008;
        app.hub.ingest(feed, event(u, Date.now()));
        sent++;
      }
      await new Promise((r) => setTimeout(r, 1000 / 50));
    }
    void perTick;
    await page.waitForTimeout(1500); // let the last updates land
    if (cdp) {
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as {
        profile: {
          nodes: {
            id: number;
            callFrame: { functionName: string; url: string; lineNumber: number };
            hitCount?: number;
          }[];
          samples: number[];
          timeDeltas: number[];
        };
      };
      const self = new Map<string, number>();
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      profile.samples.forEach((id, i) => {
        const n = byId.get(id)!;
        const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
        self.set(k, (self.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
      });
      console.log(
        [...self]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 25)
          .map(([k, v]) => `${v.toFixed(0)}ms ${k}`)
          .join('\n'),
      );
    }
    const m = await page.evaluate(() => {
      const w = window as unknown as {
        __bw: { view: { latencies: number[]; lost: number } };
        __frames: number[];
      };
      return { frames: [...w.__frames], latencies: [...w.__bw.view.latencies] };
    });
    const r = {
      entities: count,
      updatesPerSecond: rate,
      sent,
      loadMs,
      frames: m.frames.length,
      frameP50: +pct(m.frames, 50).toFixed(1),
      frameP95: +pct(m.frames, 95).toFixed(1),
      frameMax: +Math.max(...m.frames).toFixed(1),
      latencySamples: m.latencies.length,
      latencyP50: Math.round(pct(m.latencies, 50)),
      latencyP95: Math.round(pct(m.latencies, 95)),
      latencyMax: Math.round(Math.max(...m.latencies)),
    };
    const pass = r.frameP95 <= 50 && r.latencyMax <= 1000;
    results.push({ ...r, pass });
    console.log(JSON.stringify({ ...r, pass }));
    if (!pass) break;
  }
  mkdirSync(`${ROOT}test-artifacts/web`, { recursive: true });
  await page.screenshot({ path: `${ROOT}test-artifacts/web/bench.png` });
  writeFileSync(`${ROOT}test-artifacts/web/bench.json`, JSON.stringify(results, null, 2));
  console.log(
    '\n| entities | updates/s | frame p50 / p95 / max (ms) | update → on map p50 / p95 / max (ms) | pass |',
  );
  console.log('|---:|---:|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.entities} | ${r.updatesPerSecond} | ${r.frameP50} / ${r.frameP95} / ${r.frameMax} | ${r.latencyP50} / ${r.latencyP95} / ${r.latencyMax} | ${r.pass ? 'yes' : 'no'} |`,
    );
  }
  await browser.close();
  await http.close();
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
