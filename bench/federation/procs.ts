/**
 * Hubs and load generators in processes of their own (proc.ts), seen from the bench: a {@link RemoteHub} has what
 * the benchmarks need of a hub (its ports, data directory, nation and link status), so F1-F3 run the same whether
 * a hub runs here or in a child process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LinkStatus } from '../../src/federation/index.js';

const PROC = fileURLToPath(new URL('./proc.ts', import.meta.url));

export interface RemoteHub {
  hubId: string;
  nation: string;
  dir: string;
  tcp: number;
  federation: number;
  links(): Promise<LinkStatus[]>;
  stop(): Promise<void>;
}

function start(args: string[]): Promise<{ child: ChildProcess; ready: Record<string, unknown> }> {
  const child = fork(PROC, args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`bench process ${args.join(' ')} exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (m: Record<string, unknown>) => {
      child.off('exit', onExit);
      resolve({ child, ready: m });
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.send({ op: 'stop' });
  });
}

export async function spawnHub(hubId: string, nation: string): Promise<RemoteHub> {
  // Hub flags of the bench (setup.ts reads them from its own process's arguments).
  const flags = process.argv.includes('--no-compression') ? ['--no-compression'] : [];
  const { child, ready } = await start(['hub', hubId, nation, ...flags]);
  let next = 0;
  const waiting = new Map<number, (l: LinkStatus[]) => void>();
  child.on('message', (m: { id?: number; links?: LinkStatus[] }) => {
    if (m.id !== undefined) waiting.get(m.id)?.(m.links ?? []);
    waiting.delete(m.id!);
  });
  const dir = ready['dir'] as string;
  return {
    hubId,
    nation,
    dir,
    tcp: ready['tcp'] as number,
    federation: ready['federation'] as number,
    links: () =>
      new Promise((resolve) => {
        const id = next++;
        waiting.set(id, resolve);
        child.send({ op: 'links', id });
      }),
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `n` TCP clients on `port` in a process of their own, one unit each at 1 Hz; resolves once all are connected. */
export async function spawnLoad(port: number, prefix: string, n: number): Promise<{ stop(): Promise<void> }> {
  const { child } = await start(['load', String(port), prefix, String(n)]);
  return { stop: () => stopChild(child) };
}
