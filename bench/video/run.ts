/**
 * `npm run bench:video`: V1 (feeds x viewers over WebSocket through the hub vs a raw UDP -> WebSocket relay in the
 * same run), V2 (ST 0601 decode rate on one core), V3 (glass-to-glass latency in chromium). The
 * relay runs in this process, the sender and the viewers in child processes; all share the machine, so on a small
 * or busy host the figures are lower bounds. Options: --feeds 16 --viewers 10 --mbps 4 --seconds 10 --port 20640
 * --viewer-procs 2 --v3 20 (seconds of V3; 0 skips it; --feeds 0 skips V1).
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { benchKlvDecode } from './klv-decode.js';
import { runGlass } from './glass-run.js';
import { runBaseline, runHub, type RelayResult } from './relay.js';
import { recordRun } from '../lib/results.js';

const { values: a } = parseArgs({
  options: {
    feeds: { type: 'string', default: '16' },
    viewers: { type: 'string', default: '10' },
    mbps: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '10' },
    port: { type: 'string', default: '20640' },
    'viewer-procs': { type: 'string', default: '2' },
    v3: { type: 'string', default: '20' },
  },
});
const o = {
  feeds: Number(a.feeds),
  viewers: Number(a.viewers),
  mbps: Number(a.mbps),
  seconds: Number(a.seconds),
  basePort: Number(a.port),
  viewerProcs: Number(a['viewer-procs']),
};

const v2 = benchKlvDecode(3);
/** This run's figures, recorded in bench/results/ at the end (bench/lib/results.ts). */
const record: Record<string, unknown> = { options: o, v2 };
console.log(
  `V2 KLV decode: ${Math.round(v2.packetsPerCpuSecond)} ST 0601 packets per CPU second on one thread ` +
    `(${Math.round(v2.packetsPerSecond)}/s wall clock on this shared machine; ${v2.bytes}-byte packets); ` +
    `target >= 50,000: ${v2.packetsPerCpuSecond >= 50_000 ? 'met' : 'NOT met'}`,
);

const want = (o.feeds * o.viewers * o.mbps) / 8;
const perFV = (r: RelayResult) => (r.cpuSeconds / o.seconds / (o.feeds * o.viewers)) * 1000;
const show = (name: string, r: RelayResult) =>
  console.log(
    `${name}: ${(r.bytesPerSecond / 1e6).toFixed(1)} MB/s = ${((r.bytesPerSecond * 8) / 1e6).toFixed(0)} Mbit/s ` +
      `to viewers (offered ${want.toFixed(1)} MB/s), send-to-receive latency p50 ${r.latencyMs.p50.toFixed(1)} ms ` +
      `p95 ${r.latencyMs.p95.toFixed(1)} ms p99 ${r.latencyMs.p99.toFixed(1)} ms, relay process CPU ` +
      `${(r.cpuSeconds / o.seconds).toFixed(2)} cores = ${perFV(r).toFixed(3)} ms CPU per feed per viewer per ` +
      `second; least/most-served viewer ${r.fairness.toFixed(2)}; viewers closed ${r.closed}`,
  );
if (o.feeds > 0) {
  console.log(
    `V1 ${o.feeds} feeds x ${o.mbps} Mbit/s x ${o.viewers} viewers over WebSocket, ${o.seconds} s each; the relay ` +
      `in this process, the sender in one child and the viewers in ${o.viewerProcs} (load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}, ${cpus().length} cores):`,
  );
  const base = await runBaseline(o);
  show('  raw UDP->WebSocket relay', base);
  const hub = await runHub(o);
  show('  hub video relay         ', hub);
  const ratio = hub.bytesPerSecond / base.bytesPerSecond;
  const added = hub.latencyMs.p99 - base.latencyMs.p99;
  record['v1'] = { baseline: base, hub, ratio, hubAddedP99Ms: added };
  console.log(
    `  throughput hub / raw = ${ratio.toFixed(2)} (target >= 0.8: ${ratio >= 0.8 ? 'met' : 'NOT met'}); ` +
      `hub p99 ${hub.latencyMs.p99.toFixed(1)} ms, of which hub-added (hub p99 - raw p99) ${added.toFixed(1)} ms ` +
      `(target <= 50 ms: ${added <= 50 ? 'met' : 'NOT met'}); hub CPU per feed per viewer ${perFV(hub).toFixed(3)} ms/s`,
  );
}

const v3Seconds = Number(a.v3);
if (v3Seconds > 0) {
  const g = await runGlass(v3Seconds);
  record['v3'] = g;
  const ms = (x: { p50: number; p95: number; max: number }) =>
    `p50 ${x.p50.toFixed(0)} ms, p95 ${x.p95.toFixed(0)} ms, max ${x.max.toFixed(0)} ms`;
  console.log(
    `V3 glass-to-glass in chromium (${g.frames} frames read back from the canvas of ${g.presented} presented over ${v3Seconds} s, after 2 s of start-up; ${g.unknown} misread): ` +
      `from send ${ms(g.fromSend)}; from capture (incl. the encoder) ${ms(g.fromCapture)}; ` +
      `target p95 <= 1 s: ${g.fromCapture.p95 <= 1000 ? 'met' : 'NOT met'}`,
  );
}
recordRun('video', record);
process.exit(0);
