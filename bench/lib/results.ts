/**
 * Every benchmark run leaves a record: one JSON file per run under bench/results/ with the date, the commit, the
 * machine (CPUs, memory, Node, load when it started) and the figures. docs/performance.md keeps the targets, the
 * method and the latest results; the history of runs is these files (bench/results/README.md).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The machine a run was made on. */
export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  os: string;
  /** Load averages (1, 5, 15 minutes) when the run started: above ~0.3 the machine was shared. */
  loadavg: number[];
}

/** One run of one benchmark, as stored in bench/results/. */
export interface RunRecord {
  /** The npm script's bench name: hub, web, planner, mavlink, video, federation, codecs. */
  bench: string;
  date: string;
  /** The commit measured (`unknown` outside a git checkout); `dirty` when the work tree had changes. */
  commit: string;
  dirty: boolean;
  machine: Machine;
  /** The command line that made the figures. */
  command: string;
  /** Free text: what was measured, and how the machine was loaded when that is known. */
  note?: string;
  results: unknown;
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.platform()} ${os.release()}`,
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Taken when a bench module loads, so the record says how busy the machine was before the run, not after. */
const atStart = { machine: machine(), date: new Date().toISOString() };

/**
 * Write this run's record to bench/results/ (or `BW_BENCH_RESULTS`, a folder; `BW_BENCH_RESULTS=off` writes
 * nothing) and return its path. Called at the end of every bench script's main().
 */
export function recordRun(bench: string, results: unknown, note?: string): string | undefined {
  const dir = process.env['BW_BENCH_RESULTS'] ?? join(ROOT, 'bench', 'results');
  if (dir === 'off') return undefined;
  const commit = git(['rev-parse', '--short=12', 'HEAD']) ?? 'unknown';
  const record: RunRecord = {
    bench,
    date: atStart.date,
    commit,
    dirty: (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
    machine: atStart.machine,
    command: ['npm run', `bench${bench === 'hub' ? '' : `:${bench}`}`, '--', ...process.argv.slice(2)]
      .join(' ')
      .replace(/ --$/, ''),
    ...(note ? { note } : {}),
    results,
  };
  mkdirSync(dir, { recursive: true });
  const stamp = atStart.date.slice(0, 16).replace(/:/g, '');
  const file = join(dir, `${stamp}Z-${bench}-${commit.slice(0, 7)}.json`);
  writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
  console.log(`\nrun recorded in ${relative(process.cwd(), file) || file}`);
  return file;
}
