/**
 * `npm run bench:video`: V1 (feeds x viewers over WebSocket through the hub vs a raw UDP -> WebSocket relay in the
 * same run), V2 (ST 0601 decode rate on one core). Senders, relay and viewers share this process and the machine:
 * the figures are lower bounds for the relay on a dedicated host. Options: --feeds 16 --viewers 10 --mbps 4
 * --seconds 10 --port 20640. V3 (glass-to-glass in chromium) is not measured yet (docs/video.md).
 */
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
  },
});
const o = {
  feeds: Number(a.feeds),
  viewers: Number(a.viewers),
  mbps: Number(a.mbps),
  seconds: Number(a.seconds),
  basePort: Number(a.port),
};

const v2 = benchKlvDecode(3);
console.log(
  `V2 KLV decode: ${Math.round(v2.packetsPerCpuSecond)} ST 0601 packets per CPU second on one thread ` +
    `(${Math.round(v2.packetsPerSecond)}/s wall clock on this shared machine; ${v2.bytes}-byte packets); ` +
    `target >= 50,000: ${v2.packetsPerCpuSecond >= 50_000 ? 'met' : 'NOT met'}`,
);

const want = (o.feeds * o.viewers * o.mbps) / 8;
const show = (name: string, r: RelayResult) =>
  console.log(
    `${name}: ${(r.bytesPerSecond / 1e6).toFixed(1)} MB/s to viewers (offered ${want.toFixed(1)} MB/s), ` +
      `latency p50 ${r.latencyMs.p50.toFixed(1)} ms p99 ${r.latencyMs.p99.toFixed(1)} ms, ` +
      `CPU ${(r.cpuSeconds / o.seconds).toFixed(2)} cores = ${((r.cpuSeconds / o.seconds / (o.feeds * o.viewers)) * 1000).toFixed(2)} ms CPU per feed-viewer per second`,
  );
console.log(
  `V1 ${o.feeds} feeds x ${o.mbps} Mbit/s x ${o.viewers} viewers, ${o.seconds} s each (sender, relay and viewers in one process):`,
);
const base = await runBaseline(o);
show('  raw UDP->WebSocket relay', base);
const hub = await runHub(o);
show('  hub video relay         ', hub);
const ratio = hub.bytesPerSecond / base.bytesPerSecond;
console.log(
  `  throughput hub / raw = ${ratio.toFixed(2)} (target >= 0.8: ${ratio >= 0.8 ? 'met' : 'NOT met'}); hub-added p99 latency ${hub.latencyMs.p99.toFixed(1)} ms (target <= 50 ms: ${hub.latencyMs.p99 <= 50 ? 'met' : 'NOT met'})`,
);
process.exit(0);
