/**
 * WAL checkpoints off the hub's thread. better-sqlite3 is synchronous: with SQLite's automatic checkpoints, the
 * commit that crosses 1,000 WAL pages copies them into the database file and fsyncs it, on the event loop. In the
 * S3 benchmark one such store flush took 698 ms while 10,000 clients waited (docs/performance.md, seventh session).
 * A commit itself does not fsync (WAL, synchronous=NORMAL), so the event loop keeps only its writes, which can
 * still wait on the disk now and then (170-270 ms in a later profile: the write-behind itself is next to move).
 *
 * The checkpointer is a worker thread with its own connection to the same file that runs a PASSIVE checkpoint every
 * `intervalMs` (it never blocks the writer). If it cannot start or dies, the main connection's automatic
 * checkpoints are switched back on, so the WAL stays bounded either way; `journal_size_limit` truncates a WAL file
 * that grew past 64 MiB once it has been checkpointed.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

export interface CheckpointResult {
  /** WAL frames at the time, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
  ms: number;
}

export interface Checkpointer {
  /** Checkpoints completed by the worker so far. */
  readonly count: number;
  stop(): Promise<void>;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  const t0 = performance.now();
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ log: r.log, checkpointed: r.checkpointed, ms: performance.now() - t0 });
  } catch (e) {
    parentPort.postMessage({ error: String(e && e.message || e) });
  }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

export function startCheckpointer(
  db: Database.Database,
  file: string,
  intervalMs: number,
  onResult: (r: CheckpointResult | { error: string }) => void = () => undefined,
): Checkpointer {
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  let count = 0;
  let alive = true;
  const fallBack = () => {
    if (!alive) return;
    alive = false;
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
  };
  let worker: Worker;
  try {
    worker = new Worker(WORKER, { eval: true, workerData: { driver, file, intervalMs } });
  } catch (e) {
    fallBack();
    onResult({ error: (e as Error).message });
    return { count: 0, stop: () => Promise.resolve() };
  }
  db.pragma('wal_autocheckpoint = 0');
  worker.unref();
  worker.on('message', (m: CheckpointResult | { error: string }) => {
    if (!('error' in m)) count++;
    onResult(m);
  });
  worker.on('error', (e) => {
    fallBack();
    onResult({ error: e.message });
  });
  worker.on('exit', fallBack);
  return {
    get count() {
      return count;
    },
    /** Stop the worker; the main connection checkpoints in its commits again. */
    stop() {
      if (!alive) return Promise.resolve();
      fallBack();
      return new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      });
    },
  };
}
