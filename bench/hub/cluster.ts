/**
 * Cluster runs of the bench (`--cluster N`, issue 18 C1): one `nats-server -js` and N hub processes joined to it.
 * The generators' clients are spread over the hubs (generator w connects to hub w mod N); each hub's and the
 * nats-server's CPU are measured apart.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  freePort,
  startHub,
  trackChild,
  type Counters,
  type HubTargetOptions,
  type RunningTarget,
} from './targets.js';

export interface NatsProcess {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/** Debian's nats-server with JetStream, on a free loopback port, storing in a temp dir removed at stop. */
export async function startNats(): Promise<NatsProcess> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'bw-bench-nats-'));
  const p = trackChild(
    spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: 'ignore' }),
  );
  const end = Date.now() + 15_000;
  for (;;) {
    const up = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), r(true)));
      s.once('error', () => r(false));
    });
    if (up) break;
    if (p.exitCode !== null || Date.now() > end)
      throw new Error('nats-server did not start (is it installed?)');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    pid: p.pid!,
    url: `nats://127.0.0.1:${port}`,
    async stop() {
      if (p.exitCode === null && p.signalCode === null) {
        const gone = new Promise((r) => p.once('exit', r));
        p.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ClusterTarget {
  nats: NatsProcess;
  hubs: RunningTarget[];
  /** Counters summed over the hubs. */
  counters(): Promise<Counters | undefined>;
  stop(): Promise<void>;
}

/** A nats-server and `n` hubs on it, each joined to the bus (its /healthz says so) before this resolves. */
export async function startCluster(n: number, o: Omit<HubTargetOptions, 'cluster'>): Promise<ClusterTarget> {
  const nats = await startNats();
  const hubs: RunningTarget[] = [];
  const stop = async () => {
    await Promise.all(hubs.map((h) => h.stop()));
    await nats.stop();
  };
  try {
    for (let k = 0; k < n; k++) {
      const workDir = o.workDir ? mkdtempSync(path.join(o.workDir, `node${k}-`)) : undefined;
      hubs.push(
        await startHub({
          ...o,
          ...(workDir ? { workDir } : {}),
          cluster: { servers: [nats.url], node: `bench${k}` },
        }),
      );
    }
    for (const h of hubs) await joined(h);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    nats,
    hubs,
    async counters() {
      const all = await Promise.all(hubs.map((h) => h.counters()));
      if (all.some((c) => !c)) return undefined;
      const out: Counters = {};
      for (const c of all as Counters[])
        for (const [k, v] of Object.entries(c) as [keyof Counters, number | undefined][])
          if (v !== undefined) out[k] = (out[k] ?? 0) + v;
      return out;
    },
    stop,
  };
}

async function joined(h: RunningTarget): Promise<void> {
  const end = Date.now() + 60_000;
  for (;;) {
    try {
      const r = (await (await fetch(`http://127.0.0.1:${h.httpPort}/healthz`)).json()) as {
        cluster?: { state: string };
      };
      if (r.cluster?.state === 'ok') return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > end) throw new Error('a hub did not join the cluster bus within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
}
