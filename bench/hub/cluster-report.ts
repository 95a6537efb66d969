/**
 * The C1 lines of a cluster run (`--cluster N`, issue 18): CPU per delivery of the hubs and of the nats-server
 * apart, same-node and cross-node latency, and the two C1 targets judged against the one-process run.
 */
import { fmt } from '../lib/table.js';
import type { RunResult } from './measure.js';

/** CPU µs per delivered event: `cpuPct` % of one core over deliveries/s. */
export function cpuUsPerDelivery(cpuPct: number, deliveriesPerS: number): number {
  return deliveriesPerS > 0 ? ((cpuPct / 100) * 1e6) / deliveriesPerS : NaN;
}

/** One line per cluster run: hubs' and nats-server's CPU, µs per delivery, same vs cross-node latency. */
export function clusterLine(r: RunResult): string {
  const c = r.cluster;
  if (!c) return '';
  const hubs = c.hubCpuPct.map((p) => fmt(p)).join(' + ');
  return (
    `  cluster: ${c.nodes} hubs CPU ${hubs} % = ${fmt(r.targetCpuPct)} %, nats-server ${fmt(c.natsCpuPct)} % ` +
    `(peak RSS ${fmt(c.natsPeakRssMB)} MB); CPU per delivery: hubs ${fmt(cpuUsPerDelivery(r.targetCpuPct, r.deliveriesPerS), 2)} µs, ` +
    `nats-server ${fmt(cpuUsPerDelivery(c.natsCpuPct, r.deliveriesPerS), 2)} µs; ` +
    `p50/p99 same node ${fmt(c.sameNodeMs.p50, 1)}/${fmt(c.sameNodeMs.p99, 1)} ms (${fmt(c.sameNodeMs.samples)}), ` +
    `cross node ${fmt(c.crossNodeMs.p50, 1)}/${fmt(c.crossNodeMs.p99, 1)} ms (${fmt(c.crossNodeMs.samples)})`
  );
}

/** C1's targets: the bus adds at most 25 % CPU per delivery; cross-node p99 at most 20 ms above same-node p99. */
export function clusterVerdicts(single: RunResult | undefined, multi: RunResult): string[] {
  const c = multi.cluster;
  if (!c) return [];
  const out: string[] = [];
  if (single) {
    const one = cpuUsPerDelivery(single.targetCpuPct, single.deliveriesPerS);
    const many = cpuUsPerDelivery(multi.targetCpuPct + c.natsCpuPct, multi.deliveriesPerS);
    const added = many / one - 1;
    out.push(
      `C1 CPU per delivery: 1 process ${fmt(one, 2)} µs, ${c.nodes} processes + nats-server ${fmt(many, 2)} µs ` +
        `(${added >= 0 ? '+' : ''}${fmt(added * 100, 1)} %; target <= +25 %): ${added <= 0.25 ? 'met' : 'MISSED'}`,
    );
  }
  const gap = c.crossNodeMs.p99 - c.sameNodeMs.p99;
  out.push(
    `C1 cross-node p99 ${fmt(c.crossNodeMs.p99, 1)} ms vs same-node ${fmt(c.sameNodeMs.p99, 1)} ms ` +
      `(+${fmt(gap, 1)} ms; target <= +20 ms): ${gap <= 20 ? 'met' : 'MISSED'}`,
  );
  return out;
}
