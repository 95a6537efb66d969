/**
 * The load generator process. Forked by run.ts, it receives a {@link GeneratorConfig} over IPC, opens its clients,
 * drives load through warm-up and the measured window, then reports a {@link GeneratorResult} and exits. It never
 * outlives its parent and stops itself after a hard deadline.
 *
 * Measurement: a delivery counts towards throughput when it is *received* inside the window; its latency counts when
 * it was *sent* inside the window and arrived before the window's end plus a grace period (late ones are reported as
 * missing, so an overloaded target cannot hide its queueing by dropping slow samples silently).
 */
import { pathToFileURL } from 'node:url';
import { Histogram, type HistogramData } from '../lib/histogram.js';
import { BenchClient, type Target } from './client.js';
import { nowMs } from './message.js';

export interface GeneratorConfig {
  target: Target;
  /** Makes uids unique per run, so a hub's stored state from an earlier run does not mix in. */
  runId: string;
  /** This process simulates clients [firstIndex, firstIndex + count) of a population of totalClients. */
  firstIndex: number;
  count: number;
  totalClients: number;
  /** Share of clients that negotiate TAK protobuf (every 1/protoFraction-th client). */
  protoFraction: number;
  /** Clients are spread over this many ATAK teams (`__group name`). */
  teams: number;
  /**
   * periodic: every client sends one report as soon as it is connected (as ATAK does), then `rate` reports per
   * second, phases spread evenly.
   * flood: client 0 is a silent listener; all others send as fast as the socket takes, each in its own ATAK team.
   * With team scoping on, the hub then delivers every sender's reports to the listener only (a session that
   * announced no team receives every team), and still parses, stores and routes each one.
   */
  mode: 'periodic' | 'flood';
  rate: number;
  connectPerSecond: number;
  negotiationTimeoutMs: number;
  /** The target greets each connection it accepts (the hub does, the baseline does not): connected means greeted. */
  greets: boolean;
  warmupMs: number;
  durationMs: number;
  graceMs: number;
  /**
   * Cluster runs (`--cluster N`): the index (0..9) of the hub process this generator's clients are on. It is
   * written into the stamp's last digit (10 µs resolution left), so a receiver tells reports that crossed the bus
   * from those of its own node's clients and keeps their latencies apart.
   */
  node?: number;
}

export interface GeneratorResult {
  clients: number;
  connected: number;
  connectErrors: number;
  /** Connections the target closed during the run. */
  disconnects: number;
  protoClients: number;
  negotiated: number;
  negotiationFailures: Record<string, number>;
  sentInWindow: number;
  sentTotal: number;
  /** Sends skipped because the target stopped reading (socket backed up). */
  skipped: number;
  deliveriesInWindow: number;
  windowMs: number;
  /** Latency of stamps sent in the window and received before its end plus the grace period (the rest are missing). */
  latency: HistogramData;
  /** Cluster runs: the same, of reports from clients on the receiver's own node and on other nodes. */
  latencySameNode?: HistogramData;
  latencyCrossNode?: HistogramData;
  /** Per second of the window (by send time): samples, samples over {@link SLOW_MS}, and the largest latency (ms). */
  timeline: Timeline;
  malformedStamps: number;
  connectMs: number;
}

const FLOOD_BATCH = 16;

/** A delivery slower than this counts as slow in the timeline (the S3 target is p99 ≤ 100 ms). */
export const SLOW_MS = 100;

export interface Timeline {
  samples: number[];
  slow: number[];
  maxMs: number[];
}

function identity(cfg: GeneratorConfig, i: number) {
  return {
    uid: `BENCH-${cfg.runId}-${i}`,
    callsign: `B${cfg.runId}-${i}`,
    team: cfg.mode === 'flood' ? `F${i}` : `T${i % cfg.teams}`,
    lat: 56 + (i % 1000) * 0.001,
    lon: 24 + Math.floor(i / 1000) * 0.001,
  };
}

function isProto(cfg: GeneratorConfig, i: number): boolean {
  if (cfg.protoFraction <= 0) return false;
  if (cfg.mode === 'flood' && i === 0) return false;
  return Math.floor((i + 1) * cfg.protoFraction) > Math.floor(i * cfg.protoFraction);
}

/** Run one generator to completion. `emit` receives progress messages ('connected', 'window-start', 'window-end'). */
export async function runGenerator(
  cfg: GeneratorConfig,
  emit: (msg: { type: string }) => void = () => undefined,
  /** Resolves when every generator of the run is connected, so all share one warm-up and one window. */
  go: Promise<void> = Promise.resolve(),
): Promise<GeneratorResult> {
  const hist = new Histogram();
  const sameNode = new Histogram();
  const crossNode = new Histogram();
  const node = cfg.node;
  /** The stamp sent: the time, with this generator's node in its last digit on cluster runs. */
  const stamp = (now: number) => (node === undefined ? now : Math.floor(now * 100) / 100 + node / 1000);
  const seconds = Math.ceil(cfg.durationMs / 1000);
  const timeline: Timeline = {
    samples: new Array<number>(seconds).fill(0),
    slow: new Array<number>(seconds).fill(0),
    maxMs: new Array<number>(seconds).fill(0),
  };
  let t0 = Infinity;
  let t1 = Infinity;
  let deliveries = 0;
  let disconnects = 0;
  let stopping = false;
  const onStamp = (t: number, r: number) => {
    if (r >= t0 && r <= t1) deliveries++;
    if (t >= t0 && t <= t1 && r <= t1 + cfg.graceMs) {
      const ms = r - t;
      hist.recordMs(ms);
      if (node !== undefined) (Math.round(t * 1000) % 10 === node ? sameNode : crossNode).recordMs(ms);
      const k = Math.min(seconds - 1, Math.floor((t - t0) / 1000));
      timeline.samples[k]!++;
      if (ms > SLOW_MS) timeline.slow[k]!++;
      if (ms > timeline.maxMs[k]!) timeline.maxMs[k] = ms;
    }
  };
  const onClose = () => {
    if (!stopping) disconnects++;
  };

  const clients: BenchClient[] = [];
  for (let k = 0; k < cfg.count; k++) {
    const i = cfg.firstIndex + k;
    clients.push(new BenchClient(identity(cfg, i), isProto(cfg, i), onStamp, onClose));
  }

  // Connect, paced, with bounded concurrency. Failures are counted, not retried: a target that refuses load fails.
  const started = performance.now();
  let connectErrors = 0;
  const live: BenchClient[] = [];
  const gap = 1000 / cfg.connectPerSecond;
  const inflight = new Set<Promise<void>>();
  const listener = cfg.mode === 'flood' && cfg.firstIndex === 0 ? clients[0] : undefined;
  for (let k = 0; k < clients.length; k++) {
    const c = clients[k]!;
    const p = c
      .connect(cfg.target, cfg.negotiationTimeoutMs, cfg.greets)
      .then(() => {
        live.push(c);
        // Like ATAK, announce at once: the hub learns the client's uid, callsign and team from this report.
        if (cfg.mode === 'periodic') c.send(stamp(nowMs()));
      })
      .catch(() => void connectErrors++)
      .finally(() => inflight.delete(p));
    inflight.add(p);
    // The listener connects first: the baseline's 'first' fan-out mode delivers to the first connection.
    if (c === listener) await p;
    if (inflight.size >= 256) await Promise.race(inflight);
    const due = started + (k + 1) * gap;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
  }
  await Promise.all(inflight);
  const connectMs = performance.now() - started;
  emit({ type: 'connected' });
  await go;

  // Periodic senders on a wheel ordered by phase: each tick sends exactly those that are due.
  const periodic = live
    .filter(() => cfg.mode === 'periodic')
    .map((c) => ({ c, phase: phaseOf(cfg, c) }))
    .sort((a, b) => a.phase - b.phase);
  const period = cfg.mode === 'flood' ? 1000 : 1000 / cfg.rate;
  let roundStart = nowMs();
  let cursor = 0;
  let sentInWindow = 0;
  const countSend = (now: number, n: number) => {
    if (now >= t0 && now <= t1) sentInWindow += n;
  };
  const tick = setInterval(() => {
    const now = nowMs();
    // Never more than one round per tick: after a stall the wheel catches up gradually instead of bursting.
    for (let n = 0; n < periodic.length; n++) {
      const slot = periodic[cursor]!;
      if (roundStart + slot.phase > now) break;
      if (slot.c.send(stamp(now))) countSend(now, 1);
      if (++cursor === periodic.length) {
        cursor = 0;
        roundStart += period;
        if (roundStart + period < now) roundStart = now - period / 2;
      }
    }
  }, 2);

  if (cfg.mode === 'flood') {
    for (const c of live) {
      if (c === listener) continue;
      const pump = () => {
        for (let loops = 0; loops < 4; loops++) {
          if (stopping || c.closed) return;
          const now = nowMs();
          const ok = c.sendBatch(stamp(now), FLOOD_BATCH);
          countSend(now, FLOOD_BATCH);
          if (!ok) return void c.socket?.once('drain', pump);
        }
        setImmediate(pump);
      };
      pump();
    }
  }

  await sleep(cfg.warmupMs);
  t0 = nowMs();
  t1 = t0 + cfg.durationMs;
  emit({ type: 'window-start' });
  await sleep(cfg.durationMs);
  stopping = true;
  clearInterval(tick);
  emit({ type: 'window-end' });
  await sleep(cfg.graceMs);

  const negotiationFailures: Record<string, number> = {};
  let negotiated = 0;
  let protoClients = 0;
  for (const c of clients) {
    if (!isProto(cfg, cfg.firstIndex + clients.indexOf(c))) continue;
    protoClients++;
    if (c.phase === 'proto') negotiated++;
    else {
      const why = c.negotiationError ?? (c.closed ? 'closed' : 'unknown');
      negotiationFailures[why] = (negotiationFailures[why] ?? 0) + 1;
    }
  }
  const result: GeneratorResult = {
    clients: clients.length,
    connected: live.length,
    connectErrors,
    disconnects,
    protoClients,
    negotiated,
    negotiationFailures,
    sentInWindow,
    sentTotal: clients.reduce((s, c) => s + c.sent, 0),
    skipped: clients.reduce((s, c) => s + c.skipped, 0),
    deliveriesInWindow: deliveries,
    windowMs: cfg.durationMs,
    latency: hist.toJSON(),
    ...(node !== undefined
      ? { latencySameNode: sameNode.toJSON(), latencyCrossNode: crossNode.toJSON() }
      : {}),
    timeline,
    malformedStamps: clients.reduce((s, c) => s + c.malformedStamps, 0),
    connectMs,
  };
  for (const c of clients) c.close();
  return result;
}

function phaseOf(cfg: GeneratorConfig, c: BenchClient): number {
  const i = Number(c.id.uid.slice(c.id.uid.lastIndexOf('-') + 1));
  const period = cfg.mode === 'flood' ? 1000 : 1000 / cfg.rate;
  return (i / cfg.totalClients) * period;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function main(): Promise<void> {
  process.on('disconnect', () => process.exit(0));
  // The runner stops a generator with SIGTERM once it has its result: exit normally, so that node writes what
  // --gen-flags asked for (a --cpu-prof profile is written only on a normal exit).
  process.on('SIGTERM', () => process.exit(0));
  const cfg = await new Promise<GeneratorConfig>((resolve) =>
    process.once('message', (m: { type?: string; config?: GeneratorConfig }) => {
      if (m?.type === 'config' && m.config) resolve(m.config);
    }),
  );
  // Hard deadlines: connecting may be slow when the target is (that is measured, up to a point); after that the
  // run has a known length.
  const connectBudget =
    Math.max(120_000, (cfg.count / cfg.connectPerSecond) * 1000 * 40) + cfg.negotiationTimeoutMs;
  let deadline = setTimeout(() => die('connecting'), connectBudget);
  const die = (phase: string) => {
    console.error(`generator: hard deadline passed while ${phase}, exiting`);
    process.exit(2);
  };
  const emit = (msg: { type: string }) => {
    if (msg.type === 'connected') {
      clearTimeout(deadline);
      // The other generators may still be connecting: allow for that, then for the run itself.
      const run = cfg.warmupMs + cfg.durationMs + cfg.graceMs + 60_000;
      deadline = setTimeout(() => die('running'), connectBudget + run);
    }
    process.send?.(msg);
  };
  const go = new Promise<void>((resolve) =>
    process.on('message', (m: { type?: string }) => {
      if (m?.type === 'go') resolve();
    }),
  );
  const result = await runGenerator(cfg, emit, go);
  process.send?.({ type: 'result', result }, () => setTimeout(() => process.exit(0), 50));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error('generator failed:', e);
    process.exit(1);
  });
}
