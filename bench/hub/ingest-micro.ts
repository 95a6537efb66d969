/**
 * In-process ingest micro-benchmark: the S2 path without sockets, measured in CPU time so it can be run on a
 * shared machine while changing the hot path. Real app wiring (startApp: ingress label policy, store, metrics),
 * 50 senders' ATAK reports (bench/hub/message.ts) cut into reads of 64 KiB (or BW_CHUNK bytes), framed, decoded
 * with a sender memo and ingested as src/transports/stream.ts does, delivered to one listener whose sink takes the
 * bytes. Run it with the hub's node flags (src/app/runtime.ts), as the hub runs:
 *
 *   npx tsc -p tsconfig.build.json && node --max-semi-space-size=64 dist/bench/hub/ingest-micro.js [seconds]
 *   npx tsx bench/hub/ingest-micro.ts [seconds]          (quicker to start; tsx's loader costs some CPU)
 *   node --cpu-prof … to see where it goes (bench/lib/profile.ts summarises).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startApp } from '../../src/app/index.js';
import { setPath, validateConfig } from '../../src/app/config.js';
import { CotFramer, decodeCot, newCotMemo } from '../../src/codecs/cot/index.js';
import type { Identity } from '../../src/model/identity.js';
import { XmlReport, nowMs } from './message.js';

const SECONDS = Number(process.argv[2] ?? 5);
const SENDERS = 50;
const CHUNK = Number(process.env.BW_CHUNK ?? 65536);

const dir = mkdtempSync(join(tmpdir(), 'bw-ingest-'));
const raw: Record<string, unknown> = {};
const overrides: Record<string, unknown> = {
  dataDir: dir,
  'log.level': 'silent',
  'tcp.enabled': false,
  'udp.enabled': false,
  'http.enabled': false,
  'tls.enabled': false,
  'trust.enrollment.enabled': false,
  'trust.api.enabled': false,
  'mavlink.enabled': false,
  'demo.enabled': false,
  'routing.teamScoped': true,
};
for (const [k, v] of Object.entries(overrides)) setPath(raw, k.split('.'), v);
const app = await startApp(validateConfig(raw), { log: pino({ level: 'silent' }) });
const hub = app.hub;
const identity: Identity = {
  id: 'local',
  kind: 'anonymous',
  clearance: 'UNCLASSIFIED',
  categories: [],
  groups: ['__ANON__'],
};

let bytes = 0;
hub.open(
  {
    write(chunks) {
      // The writer joins a flush into one chunk: deliveries are counted by the hub (bw_events_out_total).
      for (const c of chunks) bytes += c.length;
      return true;
    },
    close() {},
  },
  { transport: 'tcp', protocol: 'cot-xml', identity, format: 'cot-xml' },
);

const senders = Array.from({ length: SENDERS }, (_, i) => {
  const report = new XmlReport({
    uid: `bench-${i}`,
    callsign: `B${i}`,
    team: `T${i}`,
    lat: 54 + i * 0.01,
    lon: 24,
  });
  const session = hub.open(
    { write: () => true, close() {} },
    { transport: 'tcp', protocol: 'cot-xml', identity, format: 'cot-xml', noPicture: true },
  );
  return {
    report,
    session,
    framer: new CotFramer({ maxEventBytes: 1 << 20 }),
    decodeOpts: { maxBytes: 1 << 20, memo: newCotMemo() },
    seq: 0,
  };
});

/**
 * Each sender's stream: ~640 KiB of reports cut into reads at arbitrary offsets (as a fast TCP sender's reads
 * look: most end inside an event), replayed in order so the framer sees one continuous stream.
 */
function chunksFor(s: (typeof senders)[number]): Buffer[] {
  const parts: string[] = [];
  let n = 0;
  while (n < 640 * 1024) {
    const x = s.report.render(nowMs(), s.seq++);
    parts.push(x);
    n += x.length;
  }
  const all = Buffer.from(parts.join(''));
  const out: Buffer[] = [];
  for (let at = 0; at < all.length; at += CHUNK) out.push(all.subarray(at, at + CHUNK));
  return out;
}
const streams = senders.map(chunksFor);
let turn = 0;

let events = 0;
function round(): void {
  for (let i = 0; i < senders.length; i++) {
    const s = senders[i]!;
    const stream = streams[i]!;
    for (const f of s.framer.push(stream[turn % stream.length]!)) {
      if (!(f instanceof Buffer)) throw new Error(String(f));
      const ev = decodeCot(f, s.decodeOpts);
      ev.origin = { protocol: 'cot-xml', connectionId: s.session.id, identityId: identity.id };
      events++;
      if (process.env.BW_DECODE_ONLY) continue;
      const r = hub.ingest(s.session, ev, { raw: f, owned: true });
      if (!r.ok) throw new Error(r.reason);
    }
  }
  turn++;
}

const tick = () => new Promise((r) => setImmediate(r));
/** BW_EVENTS=n: a fixed amount of work instead of a time (n events measured, n/4 to warm up), e.g. for profiles. */
const FIXED = Number(process.env.BW_EVENTS ?? 0);
// Warm up, then measure CPU time over whole rounds (each round is followed by the writer's flush).
const warm = performance.now() + 1000;
while (FIXED ? events < FIXED / 4 : performance.now() < warm) {
  round();
  await tick();
}
/** Deliveries so far, from the hub's counter (a scrape folds its tallies in). */
async function deliveredSoFar(): Promise<number> {
  const m = await app.metrics.eventsOut.get();
  return m.values.reduce((sum, v) => sum + v.value, 0);
}
events = 0;
bytes = 0;
const delivered0 = await deliveredSoFar();
const c0 = process.cpuUsage();
const t0 = performance.now();
while (FIXED ? events < FIXED : performance.now() - t0 < SECONDS * 1000) {
  round();
  await tick();
}
const cpu = process.cpuUsage(c0);
const cpuS = (cpu.user + cpu.system) / 1e6;
const wall = (performance.now() - t0) / 1000;
const delivered = (await deliveredSoFar()) - delivered0;
console.log(
  `ingest: ${events} events in ${wall.toFixed(1)} s wall, ${cpuS.toFixed(2)} CPU-s: ` +
    `${Math.round(events / cpuS).toLocaleString('en')} events per CPU-second ` +
    `(${((cpuS / events) * 1e6).toFixed(1)} µs each), ${Math.round(events / wall).toLocaleString('en')}/s wall; ` +
    `listener got ${delivered.toLocaleString('en')} (${(bytes / 1e6).toFixed(0)} MB)`,
);
await app.close();
rmSync(dir, { recursive: true, force: true });
