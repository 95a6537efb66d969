/**
 * Cluster test harness: a real `nats-server -js` (Debian's) on a free port in a temp dir, and hub processes (the
 * CLI as a child process, so a test can kill -9 one) joined to it, each with its own data dir and ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CotClient } from '../helpers/app.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on loopback (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitPort(port: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        r(true);
      });
      s.once('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`port ${port} did not open`);
    await sleep(50);
  }
}

async function exited(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  await new Promise((r) => p.once('exit', r));
}

export class Nats {
  private proc: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<Nats> {
    const n = new Nats(await freePort(), mkdtempSync(join(tmpdir(), 'bw-nats-')));
    await n.up();
    return n;
  }

  /** Start (again, same port and store: a restart keeps the stream and bucket). */
  async up(): Promise<void> {
    this.proc = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.dir], {
      stdio: 'ignore',
    });
    await waitPort(this.port, 10_000);
  }

  async down(): Promise<void> {
    const p = this.proc;
    if (!p) return;
    this.proc = undefined;
    p.kill('SIGTERM');
    await exited(p);
  }

  async stop(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface NodeOptions {
  nats: string;
  name: string;
  /** More configuration (YAML mapping as an object). */
  config?: Record<string, unknown>;
  /** Serve TLS (8089) with the PKI in this directory (shared by the nodes: one CA, as docs/cluster.md says). */
  pkiDir?: string;
}

/** One hub process (the CLI) on the cluster bus. */
export class HubNode {
  private proc: ChildProcess | undefined;
  log = '';
  private constructor(
    readonly name: string,
    readonly dir: string,
    readonly tcp: number,
    readonly http: number,
    readonly tls: number,
  ) {}

  static async start(o: NodeOptions): Promise<HubNode> {
    const n = new HubNode(
      o.name,
      mkdtempSync(join(tmpdir(), `bw-node-${o.name}-`)),
      await freePort(),
      await freePort(),
      o.pkiDir ? await freePort() : 0,
    );
    const config = {
      dataDir: n.dir,
      log: { level: 'info' },
      hubId: 'cluster-test',
      tcp: { port: n.tcp },
      udp: { enabled: false },
      http: { port: n.http },
      tls: o.pkiDir ? { enabled: true, host: '127.0.0.1', port: n.tls } : { enabled: false },
      trust: {
        enrollment: { enabled: false },
        api: { enabled: false },
        ...(o.pkiDir ? { pki: { dir: o.pkiDir } } : {}),
      },
      mavlink: { enabled: false },
      decode: { threads: 0 },
      cluster: { node: o.name, nats: { servers: [o.nats], name: 'test' } },
      ...o.config,
    };
    writeFileSync(join(n.dir, 'config.json'), JSON.stringify(config));
    n.proc = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', join(n.dir, 'config.json')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    n.proc.stdout!.on('data', (d: Buffer) => (n.log += d.toString()));
    n.proc.stderr!.on('data', (d: Buffer) => (n.log += d.toString()));
    await n.waitHealth((h) => h.cluster?.state === 'ok', 90_000, 'joined the bus');
    return n;
  }

  async health(): Promise<Health | undefined> {
    try {
      return (await (await fetch(`http://127.0.0.1:${this.http}/healthz`)).json()) as Health;
    } catch {
      return undefined;
    }
  }

  async waitHealth(pred: (h: Health) => boolean, ms: number, what: string): Promise<Health> {
    const end = Date.now() + ms;
    for (;;) {
      const h = await this.health();
      if (h && pred(h)) return h;
      if (Date.now() > end || this.proc?.exitCode != null)
        throw new Error(
          `${this.name}: timed out waiting for ${what}: ${JSON.stringify(h)}\n${this.log.slice(-3000)}`,
        );
      await sleep(100);
    }
  }

  /** One metric's value summed over the label sets that match. */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${this.http}/metrics`)).text();
    let total = 0;
    for (const line of text.split('\n')) {
      const m = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
      if (!m || m[1] !== name) continue;
      if (Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`)))
        total += Number(m[3]);
    }
    return total;
  }

  kill9(): Promise<void> {
    const p = this.proc!;
    p.kill('SIGKILL');
    return exited(p);
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (p && p.exitCode === null && p.signalCode === null) {
      p.kill('SIGTERM');
      await exited(p);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface Health {
  status: string;
  entities: number;
  clients: number;
  cluster?: { state: string; node: string; outbox: number };
}

/**
 * A nats-server and hub processes on it, for one test file: started in `beforeAll`, stopped in `afterAll` with
 * every client the test opened.
 */
export class TestCluster {
  private readonly clients: CotClient[] = [];
  private constructor(
    readonly nats: Nats,
    readonly nodes: HubNode[],
  ) {}

  /** One node per entry, started together: a name, or a name with more configuration. */
  static async start(
    nodes: (string | { name: string; config?: Record<string, unknown>; pkiDir?: string })[],
  ): Promise<TestCluster> {
    const nats = await Nats.start();
    const started = await Promise.allSettled(
      nodes.map((n) =>
        HubNode.start(typeof n === 'string' ? { nats: nats.url, name: n } : { nats: nats.url, ...n }),
      ),
    );
    const ok = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) {
      await Promise.all(ok.map((n) => n.stop()));
      await nats.stop();
      throw failed.reason;
    }
    return new TestCluster(nats, ok);
  }

  /** A CoT client of node `n`, closed by stop(). */
  async client(n: HubNode): Promise<CotClient> {
    const c = await CotClient.connect(n.tcp);
    this.clients.push(c);
    return c;
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.close();
    await Promise.all(this.nodes.map((n) => n.stop()));
    await this.nats.stop();
  }
}
