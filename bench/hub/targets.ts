/**
 * The processes under test: the hub (started from its CLI, as an operator would) and the raw baseline forwarder.
 * Each runs in its own process so its CPU and memory can be read from /proc, and each is stopped on every exit path.
 * The hub is launched through a small shell guard that kills it if the bench runner dies without cleaning up.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { BaselineStats, FanoutMode } from './baseline.js';
import { scrape, sumMatching, type PromSamples } from '../lib/prom.js';
import { NODE_FLAGS } from '../../src/app/runtime.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(
  here,
  here.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..',
);

/** Cumulative counters of a target; a field is undefined when the target does not count it. */
export interface Counters {
  eventsIn?: number;
  eventsOut?: number;
  drops?: number;
  coalesced?: number;
  rejected?: number;
  disconnects?: number;
  /** Hub only: latest-state batches its store wrote, and those that took over 100 ms (off the event loop). */
  storeWrites?: number;
  storeWritesOver100ms?: number;
}

/** A started target. */
export interface RunningTarget {
  name: 'hub' | 'baseline';
  pid: number;
  port: number;
  /** What clients need to connect over TLS (hub with tls; the baseline's material is made by run.ts). */
  clientTls?: { ca: string; cert: string; key: string };
  /** Cumulative counters since start (hub: its Prometheus /metrics; baseline: its own tally over IPC). */
  counters(): Promise<Counters | undefined>;
  /** How it was launched, for the report. */
  command: string;
  /** Hub only: its HTTP port (/healthz, /metrics). */
  httpPort?: number;
  stop(): Promise<void>;
}

/** Every child this process started; killed on any exit. */
const children = new Set<ChildProcess>();

export function trackChild(c: ChildProcess): ChildProcess {
  children.add(c);
  c.once('exit', () => children.delete(c));
  return c;
}

/** Hub pids: the hub is the guard shell's child, so killing the guard alone would orphan it. */
const hubPids = new Set<number>();

/** Kill every child still running, hubs included (SIGKILL: used on abnormal exit only). */
export function killAllChildren(): void {
  for (const pid of hubPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  hubPids.clear();
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
}

/** Number of children still running (the smoke test asserts it reaches zero). */
export function liveChildren(): number {
  let n = 0;
  for (const c of children) if (c.exitCode === null && c.signalCode === null) n++;
  return n;
}

/** Fork one of this folder's modules as its own Node process, under tsx when running from TypeScript. */
export function forkModule(name: string, args: string[] = [], nodeFlags: string[] = []): ChildProcess {
  const ts = import.meta.url.endsWith('.ts');
  const file = path.join(here, `${name}.${ts ? 'ts' : 'js'}`);
  const child = fork(file, args, {
    execArgv: [...(ts ? ['--import', 'tsx'] : []), ...nodeFlags],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return trackChild(child);
}

/** A port free right now on loopback (the hub and baseline are told which port to use). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, alive: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!alive()) throw new Error('target exited during start-up');
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Where `--hub tsc` compiles the project: a private build, so the shared dist/ is never touched. Under
 * node_modules/.cache so git, eslint and prettier ignore it and packages still resolve from the repository root.
 */
const privateBuild = path.join(repoRoot, 'node_modules/.cache/bw-bench-hub');
let builtOnce = false;

/**
 * The hub command. auto: the built CLI when dist/ is at least as new as src/ (what production runs), else a
 * private tsc build (below), so a stale build is never measured. tsc: compile with tsc into node_modules/.cache/bw-bench-hub first
 * (plain JS, as production runs it, with line numbers for --cpu-prof). tsx: the TypeScript source compiled on load
 * (starts fastest; same code, but tsx's loader adds ~25 MB of RSS, so memory figures should not come from it).
 */
export function hubCommand(prefer: HubLaunch): { args: string[]; label: string } {
  const dist = path.join(repoRoot, 'dist/src/cli/main.js');
  const fresh = existsSync(dist) && statSync(dist).mtimeMs >= newestMtime(path.join(repoRoot, 'src'));
  if (prefer === 'tsc' || (prefer === 'auto' && !fresh)) {
    if (!builtOnce) {
      builtOnce = true;
      try {
        execFileSync(
          process.execPath,
          [
            path.join(repoRoot, 'node_modules/typescript/bin/tsc'),
            '-p',
            path.join(repoRoot, 'tsconfig.build.json'),
            '--outDir',
            privateBuild,
            '--noEmitOnError',
            'false',
          ],
          { cwd: repoRoot, stdio: 'ignore' },
        );
      } catch {
        // Type errors elsewhere (files mid-edit) still emit JavaScript; only a missing entry point is fatal.
      }
    }
    const main = path.join(privateBuild, 'src/cli/main.js');
    if (!existsSync(main)) throw new Error('tsc did not produce src/cli/main.js');
    return { args: [main], label: 'node <private tsc build>/src/cli/main.js' };
  }
  if (prefer === 'dist' || prefer === 'auto') {
    if (!existsSync(dist)) throw new Error('dist/src/cli/main.js is missing: run npm run build');
    return { args: [dist], label: `node dist/src/cli/main.js${fresh ? '' : ' (older than src!)'}` };
  }
  return {
    args: ['--import', 'tsx', path.join(repoRoot, 'src/cli/main.ts')],
    label: 'node --import tsx src/cli/main.ts',
  };
}

export type HubLaunch = 'auto' | 'dist' | 'tsx' | 'tsc';

export interface HubTargetOptions {
  teamScoped: boolean;
  /** Join a cluster bus (bench/hub/cluster.ts): its NATS URL and this process's node name. */
  cluster?: { servers: string[]; node: string };
  prefer: HubLaunch;
  /** Extra node flags for the hub, e.g. --cpu-prof. */
  nodeFlags?: string[];
  /** Directory for the hub's data, config and log (a temp dir by default, removed on stop). */
  workDir?: string;
  /**
   * Serve the clients over mutual TLS: the hub's own PKI issues one client certificate (`balticwall pki client`)
   * that every bench client presents, so the per-identity session cap is raised.
   */
  tls?: boolean;
}

/** Start the hub from its CLI with a bench configuration: loopback only, limits raised, side modules off. */
export async function startHub(o: HubTargetOptions): Promise<RunningTarget> {
  const work = o.workDir ?? mkdtempSync(path.join(tmpdir(), 'bw-bench-'));
  const [tcpPort, httpPort, tlsPort] = [await freePort(), await freePort(), await freePort()];
  const config = {
    hubId: 'bench',
    dataDir: path.join(work, 'data'),
    log: { level: 'warn' },
    tcp: { enabled: true, host: '127.0.0.1', port: tcpPort },
    udp: { enabled: false },
    tls: o.tls ? { enabled: true, host: '127.0.0.1', port: tlsPort } : { enabled: false },
    http: { enabled: true, host: '127.0.0.1', port: httpPort },
    limits: {
      // The bench measures the hub's capacity, not its abuse limits: per-client rates and accept rates are raised.
      ratePerClient: 1e9,
      burstPerClient: 1e9,
      acceptPerSecond: 1e6,
      acceptPerSecondPerAddress: 1e6,
      maxConnections: 60_000,
      // Over TLS every bench client presents the same certificate, i.e. one identity.
      sessionsPerIdentity: o.tls ? 1_000_000 : 3,
      idleTimeoutMs: 600_000,
    },
    routing: { teamScoped: o.teamScoped },
    trust: { enrollment: { enabled: false }, api: { enabled: false } },
    mavlink: { enabled: false },
    demo: { enabled: false },
    ...(o.cluster
      ? { cluster: { node: o.cluster.node, nats: { servers: o.cluster.servers, name: 'bench' } } }
      : {}),
  };
  const configFile = path.join(work, 'bench.yaml');
  writeFileSync(configFile, stringify(config));
  const logFile = path.join(work, 'hub.log');
  const cmd = hubCommand(o.prefer);
  let clientTls: RunningTarget['clientTls'];
  if (o.tls) {
    // The CLI creates the PKI in the data directory on first use and issues the bench's client certificate.
    const out = path.join(work, 'client');
    execFileSync(
      process.execPath,
      [...cmd.args, 'pki', 'client', 'bench', '--config', configFile, '--out', out],
      {
        cwd: repoRoot,
        stdio: 'ignore',
      },
    );
    clientTls = {
      ca: readFileSync(path.join(config.dataDir, 'pki', 'ca.pem'), 'utf8'),
      cert: readFileSync(path.join(out, 'bench.pem'), 'utf8'),
      key: readFileSync(path.join(out, 'bench.key'), 'utf8'),
    };
  }
  // The hub runs with the node flags it is meant to run with (src/app/runtime.ts), as `balticwall` and npm start do.
  const nodeArgs = [...NODE_FLAGS, ...(o.nodeFlags ?? []), ...cmd.args, 'serve', '--config', configFile];
  // Guard: the shell starts the hub, prints its pid, and kills it when our end of its stdin closes (also when this
  // process dies abruptly), so a hub is never left running.
  const guard = trackChild(
    spawn(
      'sh',
      [
        '-c',
        'node "$@" >"$HUB_BENCH_LOG" 2>&1 & echo $!; read _; kill $! 2>/dev/null; wait $!',
        'sh',
        ...nodeArgs,
      ],
      { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, HUB_BENCH_LOG: logFile } },
    ),
  );
  const pid = await new Promise<number>((resolve, reject) => {
    guard.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    guard.once('exit', () => reject(new Error('hub guard exited early')));
  });
  // A hub that exited stays a zombie under the guard shell until reaped: look at its state, not just its entry.
  hubPids.add(pid);
  guard.once('exit', () => hubPids.delete(pid));
  const alive = () => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  };
  const stop = async () => {
    if (guard.exitCode !== null) return;
    const exited = new Promise<void>((r) => guard.once('exit', () => r()));
    guard.stdin!.end('\n');
    const timer = setTimeout(() => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 10_000);
    await exited;
    clearTimeout(timer);
    if (!o.workDir) rmSync(work, { recursive: true, force: true });
  };
  try {
    await waitForPort(tcpPort, alive, 60_000);
    if (o.tls) await waitForPort(tlsPort, alive, 10_000);
    await waitForPort(httpPort, alive, 10_000);
  } catch (e) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
    await stop();
    throw new Error(`hub did not start: ${(e as Error).message}\n${log}`, { cause: e });
  }
  return {
    name: 'hub',
    pid,
    port: o.tls ? tlsPort : tcpPort,
    httpPort,
    clientTls,
    counters: async () => {
      const m = await scrape(`http://127.0.0.1:${httpPort}/metrics`, 30_000);
      if (!m) return undefined;
      const get = (name: string) => sumMatching(m, (n) => n === name);
      // Names from src/ops/metrics.ts.
      return {
        eventsIn: get('bw_events_in_total'),
        eventsOut: get('bw_events_out_total'),
        drops: get('bw_drops_total') ?? 0,
        coalesced: get('bw_coalesced_total') ?? 0,
        rejected: get('bw_rejected_total') ?? 0,
        disconnects: get('bw_disconnects_total') ?? 0,
        ...storeWrites(m),
      };
    },
    command: `${cmd.label} serve --config bench.yaml`,
    stop,
  };
}

/** From the store's write-time histogram (src/store/latest.ts): all batches, and those over 100 ms. */
function storeWrites(m: PromSamples): Pick<Counters, 'storeWrites' | 'storeWritesOver100ms'> {
  const count = m.get('bw_store_write_seconds_count')?.[0]?.value;
  const fast = m.get('bw_store_write_seconds_bucket')?.find((s) => s.labels.includes('le="0.1"'))?.value;
  if (count === undefined || fast === undefined) return {};
  return { storeWrites: count, storeWritesOver100ms: count - fast };
}

/** Start the baseline forwarder in its own process. */
export async function startBaselineProcess(
  mode: FanoutMode,
  tls?: { keyFile: string; certFile: string },
): Promise<RunningTarget> {
  const args = ['--mode', mode];
  if (tls) args.push('--tls-key', tls.keyFile, '--tls-cert', tls.certFile);
  const child = forkModule('baseline', args);
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m: { type?: string; port?: number }) => {
      if (m?.type === 'listening' && m.port) resolve(m.port);
    });
    child.once('exit', (code) => reject(new Error(`baseline exited with ${code} during start-up`)));
  });
  return {
    name: 'baseline',
    pid: child.pid!,
    port,
    command: `baseline.ts --mode ${mode}`,
    counters: () =>
      new Promise((resolve) => {
        if (!child.connected) return resolve(undefined);
        const timer = setTimeout(() => resolve(undefined), 15_000);
        const onMessage = (m: { type?: string; stats?: BaselineStats }) => {
          if (m?.type !== 'stats' || !m.stats) return;
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve({ eventsIn: m.stats.eventsIn, eventsOut: m.stats.deliveries, drops: m.stats.drops });
        };
        child.on('message', onMessage);
        child.send({ type: 'stats' });
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.disconnect();
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}
