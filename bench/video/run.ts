/**
 * `npm run bench:video`: V1 (feeds x viewers over WebSocket through the hub vs a raw UDP -> WebSocket relay in the
 * same run), V2 (ST 0601 decode rate on one core), V3 (glass-to-glass latency in chromium, --v3 0 skips it). The
 * relay runs in this process, the sender and the viewers in child processes; all share the machine, so on a small
 * or busy host the figures are lower bounds. Options: --feeds 16 --viewers 10 --mbps 4 --seconds 10 --port 20640
 * --viewer-procs 2.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { benchKlvDecode } from './klv-decode.js';
import { runBaseline, runHub, type RelayResult } from './relay.js';

const { values: a } = parseArgs({
  options: {
    feeds: { type: 'string', default: '16' },
    viewers: { type: 'string', default: '10' },
    mbps: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '10' },
    port: { type: 'string', default: '20640' },
    'viewer-procs': { type: 'string', default: '2' },
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
console.log(
  `  throughput hub / raw = ${ratio.toFixed(2)} (target >= 0.8: ${ratio >= 0.8 ? 'met' : 'NOT met'}); ` +
    `hub p99 ${hub.latencyMs.p99.toFixed(1)} ms, of which hub-added (hub p99 - raw p99) ${added.toFixed(1)} ms ` +
    `(target <= 50 ms: ${added <= 50 ? 'met' : 'NOT met'}); hub CPU per feed per viewer ${perFV(hub).toFixed(3)} ms/s`,
);
process.exit(0);
