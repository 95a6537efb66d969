/**
 * One measured run: a target process, one or more generator processes, /proc sampling of all of them and the
 * hub's Prometheus counters read at the start and end of the window. Returns one {@link RunResult}; every process it
 * started is stopped before it returns or throws.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { Histogram, type HistogramData } from '../lib/histogram.js';
import { ProcWatcher, machineBusyPercent, machineLoad, readMachineCpu } from '../lib/proc.js';
import type { GeneratorConfig, GeneratorResult, Timeline } from './generator.js';
import { recipientsPerReport, type Scenario } from './scenarios.js';
import {
  forkModule,
  startBaselineProcess,
  startHub,
  type Counters,
  type HubLaunch,
  type RunningTarget,
} from './targets.js';
import { startCluster, type ClusterTarget } from './cluster.js';

export interface RunOptions {
  target: 'hub' | 'baseline';
  workers: number;
  prefer: HubLaunch;
  hubNodeFlags?: string[];
  /** Node flags for the generator processes (e.g. --trace-gc: their pauses are part of the latency). */
  generatorNodeFlags?: string[];
  /** Keep the hub's config, log and data here instead of a temp dir removed afterwards. */
  keepDir?: string;
  tls?: { keyFile: string; certFile: string; caPem: string };
  /** Hub only: this many hub processes on one nats-server (bench/hub/cluster.ts); 1 or unset: one process. */
  cluster?: number;
}

export interface RunResult {
  target: 'hub' | 'baseline';
  scenario: string;
  command: string;
  clients: number;
  connected: number;
  protoClients: number;
  negotiated: number;
  windowS: number;
  sentPerS: number;
  deliveriesPerS: number;
  /** Deliveries/s if every report in the window reached every recipient. */
  expectedPerS: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number; samples: number };
  /** Latency per second of the window, all generators merged: shows whether a tail comes in stalls or evenly. */
  timeline?: Timeline;
  /** Share of (report, recipient) pairs sent in the window whose delivery was seen in time. */
  deliveredShare: number;
  targetCpuPct: number;
  targetPeakRssMB: number;
  targetHwmMB: number;
  generatorCpuPct: number;
  /** CPU used by everything else on the machine during the window (other engineers' work), % of one core. */
  otherCpuPct: number;
  targetPid: number;
  generatorPids: number[];
  /**
   * The target's own counters over the window (hub: /metrics; baseline: its tally). A field is undefined when the
   * target does not count it or could not be asked (a hub too busy to answer /metrics within 15 s).
   */
  counters: {
    eventsInPerS?: number;
    eventsOutPerS?: number;
    drops?: number;
    coalesced?: number;
    rejected?: number;
    disconnects?: number;
    /** Hub only: store batches written in the window, and those that took over 100 ms (on the writer thread). */
    storeWrites?: number;
    storeWritesOver100ms?: number;
  };
  /** Seconds the generator needed to open every connection (the hub may be slow to accept or to send pictures). */
  connectS: number;
  connectErrors: number;
  disconnects: number;
  skippedSends: number;
  negotiationFailures: Record<string, number>;
  loadavgBefore: number;
  /**
   * Cluster runs: the hubs' CPU each and the nats-server's (target CPU above is the hubs' sum), and the latency of
   * reports from clients on the receiver's own node and from other nodes (those crossed the bus).
   */
  cluster?: {
    nodes: number;
    hubCpuPct: number[];
    natsCpuPct: number;
    natsPeakRssMB: number;
    sameNodeMs: { p50: number; p99: number; samples: number };
    crossNodeMs: { p50: number; p99: number; samples: number };
  };
}

interface GenHandle {
  child: ChildProcess;
  messages: Map<string, Promise<unknown>>;
}

function startGenerator(cfg: GeneratorConfig, nodeFlags: string[] = []): GenHandle {
  const child = forkModule('generator', [], nodeFlags);
  const waiters = new Map<string, (v: unknown) => void>();
  const messages = new Map<string, Promise<unknown>>();
  for (const type of ['connected', 'window-start', 'window-end', 'result']) {
    messages.set(type, new Promise((resolve) => waiters.set(type, resolve)));
  }
  const failed = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`generator exited (${code ?? signal}) before reporting`)),
    );
  });
  failed.catch(() => undefined);
  for (const [type, p] of messages) {
    const raced = Promise.race([p, failed]);
    // Whoever awaits a message still sees the failure; one nobody awaits must not crash the runner.
    raced.catch(() => undefined);
    messages.set(type, raced);
  }
  child.on('message', (m: { type?: string; result?: GeneratorResult }) => {
    if (m?.type) waiters.get(m.type)?.(m.type === 'result' ? m.result : m);
  });
  child.send({ type: 'config', config: cfg });
  return { child, messages };
}

function delta(a: Counters | undefined, b: Counters | undefined, key: keyof Counters): number | undefined {
  const after = b?.[key];
  if (after === undefined) return undefined;
  return after - (a?.[key] ?? 0);
}

/** Run one scenario against one target. */
export async function measure(s: Scenario, o: RunOptions, runId: string): Promise<RunResult> {
  const loadavgBefore = machineLoad().loadavg1;
  let target: RunningTarget | undefined;
  if (o.keepDir) mkdirSync(o.keepDir, { recursive: true });
  const gens: GenHandle[] = [];
  const nodes = o.target === 'hub' ? Math.max(1, o.cluster ?? 1) : 1;
  let cluster: ClusterTarget | undefined;
  // Every hub of a cluster gets the same number of generator processes.
  const workers = nodes > 1 ? Math.ceil(Math.max(o.workers, nodes) / nodes) * nodes : o.workers;
  try {
    if (nodes > 1) {
      cluster = await startCluster(nodes, {
        teamScoped: s.teamScoped,
        prefer: o.prefer,
        nodeFlags: o.hubNodeFlags,
        workDir: o.keepDir ? mkdtempSync(path.join(o.keepDir, `${s.name}-`)) : undefined,
        tls: o.tls !== undefined,
      });
      const c = cluster;
      target = {
        ...c.hubs[0]!,
        command: `${nodes} x (${c.hubs[0]!.command}) + nats-server -js`,
        counters: () => c.counters(),
        stop: () => c.stop(),
      };
    } else
      target =
        o.target === 'hub'
          ? await startHub({
              teamScoped: s.teamScoped,
              prefer: o.prefer,
              nodeFlags: o.hubNodeFlags,
              workDir: o.keepDir ? mkdtempSync(path.join(o.keepDir, `${s.name}-`)) : undefined,
              tls: o.tls !== undefined,
            })
          : await startBaselineProcess(s.baselineMode, o.tls);
    const per = Math.ceil(s.clients / workers);
    for (let w = 0; w < workers; w++) {
      const first = w * per;
      const count = Math.min(per, s.clients - first);
      if (count <= 0) break;
      gens.push(
        startGenerator(
          {
            target: {
              host: '127.0.0.1',
              port: cluster ? cluster.hubs[w % nodes]!.port : target.port,
              ...(target.clientTls ? { tls: target.clientTls } : o.tls ? { tls: { ca: o.tls.caPem } } : {}),
            },
            runId,
            firstIndex: first,
            count,
            totalClients: s.clients,
            protoFraction: o.target === 'hub' ? s.protoFraction : 0,
            teams: s.teams,
            mode: s.mode,
            rate: s.rate,
            connectPerSecond: s.connectPerSecond / workers,
            ...(cluster ? { node: w % nodes } : {}),
            negotiationTimeoutMs: 60_000,
            greets: o.target === 'hub',
            warmupMs: s.warmupMs,
            durationMs: s.durationMs,
            graceMs: s.graceMs,
          },
          o.generatorNodeFlags,
        ),
      );
    }
    await Promise.all(gens.map((g) => g.messages.get('connected')));
    // Read the counters once before the warm-up: the first read loads the runner's HTTP client and compiles the
    // hub's /metrics path, and that one-off CPU must not land at the window's start (a Prometheus server scrapes
    // every 15 s, warm).
    await target.counters();
    // Generators connect at their own pace (TLS handshakes can take a minute); they start the warm-up together.
    for (const g of gens) g.child.send({ type: 'go' });
    await Promise.all(gens.map((g) => g.messages.get('window-start')));
    const extra = cluster ? [...cluster.hubs.slice(1).map((h) => h.pid), cluster.nats.pid] : [];
    const watchers = [target.pid, ...gens.map((g) => g.child.pid!), ...extra].map(
      (pid) => new ProcWatcher(pid),
    );
    for (const w of watchers) w.start();
    const cpu0 = readMachineCpu();
    // Not awaited here: a hub busy with fan-out may take seconds to answer /metrics, and the window must not wait.
    const m0p = target.counters();
    await Promise.race(gens.map((g) => g.messages.get('window-end')));
    const all = watchers.map((w) => w.stop());
    const usage = all.slice(0, 1 + gens.length);
    const hubUsage = cluster ? [all[0]!, ...all.slice(1 + gens.length, all.length - 1)] : [];
    const natsUsage = cluster ? all[all.length - 1]! : undefined;
    if (cluster) {
      usage[0] = {
        cpuPercent: hubUsage.reduce((a, u) => a + u.cpuPercent, 0),
        peakRssBytes: Math.max(...hubUsage.map((u) => u.peakRssBytes)),
        hwmBytes: Math.max(...hubUsage.map((u) => u.hwmBytes)),
      };
    }
    const cpu1 = readMachineCpu();
    const machinePct = cpu0 && cpu1 ? machineBusyPercent(cpu0, cpu1, machineLoad().cpus) : NaN;
    const [m0, m1] = await Promise.all([m0p, target.counters()]);
    const results = (await Promise.all(gens.map((g) => g.messages.get('result')))) as GeneratorResult[];
    const r = summarise(s, o, target, results, usage, m0, m1, loadavgBefore);
    r.otherCpuPct = Math.max(
      0,
      machinePct - r.targetCpuPct - r.generatorCpuPct - (natsUsage?.cpuPercent ?? 0),
    );
    if (cluster && natsUsage) {
      const part = (f: (g: GeneratorResult) => HistogramData | undefined) => {
        const h = new Histogram();
        for (const g of results) {
          const d = f(g);
          if (d) h.merge(d);
        }
        return { p50: h.percentileMs(50), p99: h.percentileMs(99), samples: h.count };
      };
      r.cluster = {
        nodes,
        hubCpuPct: hubUsage.map((u) => u.cpuPercent),
        natsCpuPct: natsUsage.cpuPercent,
        natsPeakRssMB: Math.round((natsUsage.peakRssBytes / 1024 / 1024) * 10) / 10,
        sameNodeMs: part((g) => g.latencySameNode),
        crossNodeMs: part((g) => g.latencyCrossNode),
      };
    }
    r.generatorPids = gens.map((g) => g.child.pid!);
    return r;
  } finally {
    await Promise.all(
      gens.map(
        (g) =>
          new Promise<void>((resolve) => {
            if (g.child.exitCode !== null || g.child.signalCode !== null) return resolve();
            g.child.once('exit', () => resolve());
            g.child.kill('SIGTERM');
          }),
      ),
    );
    await target?.stop();
  }
}

function summarise(
  s: Scenario,
  o: RunOptions,
  target: RunningTarget,
  results: GeneratorResult[],
  usage: { cpuPercent: number; peakRssBytes: number; hwmBytes: number }[],
  m0: Counters | undefined,
  m1: Counters | undefined,
  loadavgBefore: number,
): RunResult {
  const sum = (f: (r: GeneratorResult) => number) => results.reduce((a, r) => a + f(r), 0);
  const hist = new Histogram();
  for (const r of results) hist.merge(r.latency);
  const windowS = s.durationMs / 1000;
  const sentInWindow = sum((r) => r.sentInWindow);
  const expected = sentInWindow * recipientsPerReport(s);
  const failures: Record<string, number> = {};
  for (const r of results) {
    for (const [k, v] of Object.entries(r.negotiationFailures)) failures[k] = (failures[k] ?? 0) + v;
  }
  const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
  const [t, ...g] = usage;
  const perS = (v: number | undefined) => (v === undefined ? undefined : v / windowS);
  return {
    target: o.target,
    scenario: s.name,
    command: target.command,
    clients: s.clients,
    connected: sum((r) => r.connected),
    protoClients: sum((r) => r.protoClients),
    negotiated: sum((r) => r.negotiated),
    windowS,
    sentPerS: sentInWindow / windowS,
    deliveriesPerS: sum((r) => r.deliveriesInWindow) / windowS,
    expectedPerS: expected / windowS,
    latencyMs: {
      p50: hist.percentileMs(50),
      p95: hist.percentileMs(95),
      p99: hist.percentileMs(99),
      max: hist.maxUs / 1000,
      mean: hist.meanMs(),
      samples: hist.count,
    },
    timeline: mergeTimelines(results.map((r) => r.timeline)),
    deliveredShare: expected > 0 ? hist.count / expected : NaN,
    targetCpuPct: t!.cpuPercent,
    targetPeakRssMB: mb(t!.peakRssBytes),
    targetHwmMB: mb(t!.hwmBytes),
    generatorCpuPct: g.reduce((a, u) => a + u.cpuPercent, 0),
    otherCpuPct: NaN,
    targetPid: target.pid,
    generatorPids: [],
    counters: {
      eventsInPerS: perS(delta(m0, m1, 'eventsIn')),
      eventsOutPerS: perS(delta(m0, m1, 'eventsOut')),
      drops: delta(m0, m1, 'drops'),
      coalesced: delta(m0, m1, 'coalesced'),
      rejected: delta(m0, m1, 'rejected'),
      disconnects: delta(m0, m1, 'disconnects'),
      storeWrites: delta(m0, m1, 'storeWrites'),
      storeWritesOver100ms: delta(m0, m1, 'storeWritesOver100ms'),
    },
    connectS: Math.max(...results.map((r) => r.connectMs)) / 1000,
    connectErrors: sum((r) => r.connectErrors),
    disconnects: sum((r) => r.disconnects),
    skippedSends: sum((r) => r.skipped),
    negotiationFailures: failures,
    loadavgBefore,
  };
}

function mergeTimelines(ts: Timeline[]): Timeline {
  const n = Math.max(0, ...ts.map((t) => t.samples.length));
  const out: Timeline = { samples: [], slow: [], maxMs: [] };
  for (let k = 0; k < n; k++) {
    out.samples.push(ts.reduce((a, t) => a + (t.samples[k] ?? 0), 0));
    out.slow.push(ts.reduce((a, t) => a + (t.slow[k] ?? 0), 0));
    out.maxMs.push(Math.max(0, ...ts.map((t) => t.maxMs[k] ?? 0)));
  }
  return out;
}
