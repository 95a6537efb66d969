/**
 * Where the latest-state write-behind's transactions run: on a writer thread (writer-thread.ts) with its own
 * connection to the database file. better-sqlite3 is synchronous, and a commit can wait on the disk: in the S3
 * benchmark (10,000 clients) the once-a-second flush held the hub's event loop for 170-700 ms now and then, inside
 * SQLite (docs/performance.md, seventh and eighth sessions), and every client's deliveries waited with it.
 *
 * - Order: batches are written one after another in the order given, and answered in that order.
 * - Failure of a batch (disk full, a constraint): its promise says so with the error; the caller keeps the change.
 * - Failure of the thread (it cannot start, or dies): writes go on here, on the caller's connection, and every
 *   batch the thread had not confirmed is written again here, in order (a batch is a set of upserts and deletes of
 *   whole rows, so writing one twice in order gives the same table).
 * - An in-memory database (tests) cannot be shared with a thread: it is written here from the start.
 *
 * Bounded: the caller has at most one write-behind batch in flight (latest.ts); persist() batches are one entity.
 */
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { threadSource } from '../ops/thread-source.js';
import { prepareLatestWrite, type LatestBatch } from './latest-rows.js';
import type { FromWriter, ToWriter, WriterData } from './writer-protocol.js';

export interface WriteResult {
  ok: boolean;
  ms: number;
  error?: string;
}

export interface StoreWriter {
  /** 'thread' while the writer thread writes; 'here' once writing on the caller's connection. */
  readonly where: 'thread' | 'here';
  write(batch: LatestBatch): Promise<WriteResult>;
  /** Wait for every batch given so far, then stop the thread. Writes after close() run here. */
  close(timeoutMs?: number): Promise<void>;
}

interface Waiting {
  batch: LatestBatch;
  done: (r: WriteResult) => void;
}

export function startWriter(db: Database.Database, file: string, log: Logger): StoreWriter {
  let writeHere: ((b: LatestBatch) => void) | undefined;
  const here = (batch: LatestBatch): WriteResult => {
    const t0 = performance.now();
    try {
      writeHere ??= prepareLatestWrite(db); // throws too once the database is closed: an answer, not a throw
      writeHere(batch);
      return { ok: true, ms: performance.now() - t0 };
    } catch (e) {
      return { ok: false, ms: performance.now() - t0, error: (e as Error).message };
    }
  };
  if (file === ':memory:') return inline(here);

  const waiting = new Map<number, Waiting>();
  let nextId = 1;
  let worker: Worker | undefined;
  let stopping = false;
  const fallBack = (reason: string): void => {
    if (!worker) return;
    worker = undefined;
    if (!stopping) log.error({ reason }, 'store writer thread failed: writing on the hub thread from now on');
    // Unconfirmed batches, oldest first (a Map iterates in insertion order).
    const left = [...waiting.values()];
    waiting.clear();
    for (const w of left) w.done(here(w.batch));
  };
  try {
    const src = threadSource(import.meta.url, 'writer-thread');
    const data: WriterData = { file, busyTimeoutMs: 5000 };
    worker = new Worker(src.code, { eval: src.eval, workerData: data });
  } catch (e) {
    log.error({ err: e }, 'store writer thread could not start: writing on the hub thread');
    return inline(here);
  }
  const w = worker;
  w.unref();
  w.on('message', (m: FromWriter) => {
    const item = waiting.get(m.id);
    if (!item) return;
    waiting.delete(m.id);
    item.done(m.error === undefined ? { ok: true, ms: m.ms } : { ok: false, ms: m.ms, error: m.error });
  });
  w.on('error', (e) => fallBack(e.message));
  w.on('exit', (code) => fallBack(`exited with code ${code}`));

  return {
    get where() {
      return worker ? 'thread' : 'here';
    },
    write(batch) {
      if (!worker) return Promise.resolve(here(batch));
      const id = nextId++;
      return new Promise<WriteResult>((done) => {
        waiting.set(id, { batch, done });
        worker!.postMessage({ k: 'write', id, batch } satisfies ToWriter);
      });
    },
    async close(timeoutMs = 10_000) {
      if (!worker || stopping) return;
      stopping = true;
      // The thread answers every batch before it reads 'close' (one port, in order), then closes and exits.
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage({ k: 'close' } satisfies ToWriter);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
      if ((await Promise.race([exited, late])) === 'late') {
        log.error(
          { batches: waiting.size },
          'store writer thread did not stop in time: writing the rest here',
        );
        await w.terminate();
      }
      clearTimeout(timer);
      fallBack('closed'); // anything still unconfirmed is written here
    },
  };
}

function inline(here: (b: LatestBatch) => WriteResult): StoreWriter {
  return {
    where: 'here',
    write: (batch) => Promise.resolve(here(batch)),
    close: () => Promise.resolve(),
  };
}
