/**
 * Smoke run of the hub load bench (`npm run test:bench`, kept out of `npm test`): every scenario at tiny size
 * against the baseline and the hub, started from the CLI. It proves the harness works end to end (real sockets,
 * real hub, deliveries seen, JSON written, every process gone afterwards). It asserts no timing: figures from a
 * shared machine mean nothing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBench, type BenchOutput } from '../../bench/hub/run.js';
import { liveChildren } from '../../bench/hub/targets.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bw-bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function gone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

describe('hub bench smoke', () => {
  it('runs every scenario against baseline and hub and cleans up', { timeout: 240_000 }, async () => {
    const json = path.join(dir, 'smoke.json');
    const lines: string[] = [];
    const out = await runBench(
      { scenario: 'all', target: 'both', workers: 1, smoke: true, hub: 'tsx', json },
      (l) => lines.push(l),
    );
    expect(out.errors).toEqual([]);
    // S1-S3 against both targets, S4 against the hub only (the baseline cannot negotiate protobuf).
    expect(out.results.map((r) => `${r.scenario}/${r.target}`).sort()).toEqual(
      ['S1/baseline', 'S1/hub', 'S2/baseline', 'S2/hub', 'S3/baseline', 'S3/hub', 'S4/hub'].sort(),
    );
    for (const r of out.results) {
      expect(r.connected, `${r.scenario}/${r.target} connected`).toBe(r.clients);
      expect(r.deliveriesPerS, `${r.scenario}/${r.target} deliveries`).toBeGreaterThan(0);
      expect(r.latencyMs.samples, `${r.scenario}/${r.target} latency samples`).toBeGreaterThan(0);
      expect(r.targetPeakRssMB).toBeGreaterThan(0);
      expect(gone(r.targetPid), `target ${r.targetPid} still running`).toBe(true);
      for (const pid of r.generatorPids) expect(gone(pid), `generator ${pid} still running`).toBe(true);
    }
    const s4 = out.results.find((r) => r.scenario === 'S4')!;
    expect(s4.protoClients).toBeGreaterThan(0);
    expect(s4.negotiated).toBe(s4.protoClients);
    const hub = out.results.find((r) => r.target === 'hub' && r.scenario === 'S2')!;
    expect(hub.counters.eventsInPerS).toBeGreaterThan(0);
    expect(existsSync(json)).toBe(true);
    const written = JSON.parse(readFileSync(json, 'utf8')) as BenchOutput;
    expect(written.results).toHaveLength(out.results.length);
    expect(lines.join('\n')).toContain('deliveries/s');
    expect(liveChildren()).toBe(0);
  });
});
