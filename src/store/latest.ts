/**
 * Persists the hub's latest-state picture so a restart brings it back. Write-behind: changes are collected per
 * uid (bounded by the number of entities) and written in one transaction every `flushMs`, and on close. The
 * transactions run on the store's writer thread (writer.ts), so the hub's event loop never waits on the disk.
 *
 * The event is stored as the CoT XML the hub delivers to CoT clients (lossless: every detail element; the bytes
 * made once for the fan-out when there are any, invariant 2), with its label, groups and origin beside it.
 * History and replay (a later issue) get their own append-only table; this one holds only the latest per uid.
 *
 * Bounded: one write-behind batch in flight at a time; while it is, changes keep coalescing in `pending` (one per
 * uid). A batch that fails goes back into `pending` for the next flush, unless the uid changed again since.
 */
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Hub } from '../hub/hub.js';
import type { Envelope } from '../hub/envelope.js';
import type { Event } from '../model/event.js';
import { decodeCot, encodeCotStream } from '../codecs/cot/index.js';
import type { Store } from './db.js';
import type { LatestBatch, LatestRow } from './latest-rows.js';
import { startWriter, type WriteResult } from './writer.js';

export const HUB_MIGRATIONS = [
  `CREATE TABLE latest (
     uid TEXT PRIMARY KEY,
     type TEXT NOT NULL,
     time INTEGER NOT NULL,
     stale INTEGER NOT NULL,
     lat REAL NOT NULL,
     lon REAL NOT NULL,
     groups TEXT NOT NULL,
     label TEXT NOT NULL,
     origin TEXT NOT NULL,
     xml TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX latest_stale ON latest (stale);`,
];

export interface LatestStore {
  /** Load every non-stale row into the hub. Returns how many were restored. */
  restore(): number;
  /** Write what is pending now; resolves once it is written (or failed, logged). */
  flush(): Promise<void>;
  /**
   * Write the pending change of `uid` now (an upsert, or a delete), before the caller acknowledges it: an
   * acknowledged marker survives a crash. Resolves false when the write failed (logged).
   */
  persist(uid: string): Promise<boolean>;
  /** 'thread' while the writer thread writes, 'here' when the hub's thread does (writer.ts). */
  readonly writer: 'thread' | 'here';
  /** Stop the timer, write what is pending, stop the writer thread. */
  close(): Promise<void>;
}

type Item = [string, Envelope | null];

export function attachLatestStore(
  store: Store,
  hub: Hub,
  log: Logger,
  flushMs: number,
  registry?: Registry,
): LatestStore {
  store.migrate('hub', HUB_MIGRATIONS);
  const writer = startWriter(store.db, store.file, log);
  const pending = new Map<string, Envelope | null>();
  /** uid -> the answer of the last batch that carries it, until that batch is answered. */
  const inFlight = new Map<string, Promise<boolean>>();
  let flushing: Promise<void> | undefined;
  const m = registry ? storeMetrics(registry, pending, () => writer.where) : undefined;

  hub.onStateChange(
    (env) => pending.set(env.event.uid, env),
    (uid) => pending.set(uid, null),
  );

  /** Send `items` to the writer; resolves true once written. On failure they go back into `pending`. */
  function send(items: Item[], what: string): Promise<boolean> {
    let batch: LatestBatch;
    try {
      batch = toBatch(items, log);
    } catch (err) {
      // A bug, not bad input (each event's encoding is guarded in toBatch): keep the changes for the next flush.
      log.error({ err, rows: items.length }, `store: ${what} could not be prepared`);
      for (const [uid, env] of items) if (!pending.has(uid)) pending.set(uid, env);
      return Promise.resolve(false);
    }
    const done: Promise<boolean> = writer.write(batch).then((r: WriteResult) => {
      m?.observe(r, items.length);
      for (const [uid, env] of items) {
        if (inFlight.get(uid) !== done) continue; // a later batch carries a newer change
        inFlight.delete(uid);
        if (!r.ok && !pending.has(uid)) pending.set(uid, env); // the next flush tries again
      }
      if (!r.ok) log.error({ err: r.error, rows: items.length }, `store: writing ${what} failed`);
      return r.ok;
    });
    for (const [uid] of items) inFlight.set(uid, done);
    return done;
  }

  function flush(): Promise<void> {
    if (flushing) return flushing.then(flush); // one write-behind batch at a time
    if (!pending.size) return Promise.resolve();
    const items = [...pending];
    pending.clear();
    const p = send(items, 'latest state').then(() => {
      flushing = undefined;
    });
    flushing = p;
    return p;
  }

  // A tick while a batch is still being written does nothing: its changes wait in `pending` for the next one.
  const timer = setInterval(() => {
    if (!flushing) void flush();
  }, flushMs);
  timer.unref();

  return {
    restore() {
      const rows = store.db
        .prepare<[number], { xml: string; groups: string; label: string; origin: string }>(
          'SELECT xml, groups, label, origin FROM latest WHERE stale > ?',
        )
        .all(Date.now());
      let n = 0;
      for (const r of rows) {
        try {
          const e: Event = decodeCot(r.xml);
          e.label = JSON.parse(r.label);
          e.origin = JSON.parse(r.origin);
          hub.restore(e, JSON.parse(r.groups));
          n++;
        } catch (err) {
          log.warn({ err: (err as Error).message }, 'store: unreadable latest row skipped');
        }
      }
      return n;
    },
    flush,
    persist(uid) {
      if (pending.has(uid)) {
        const item: Item = [uid, pending.get(uid)!];
        pending.delete(uid);
        return send([item], 'an acknowledged change');
      }
      // Already on its way in a write-behind batch: acknowledged once that batch is written.
      return inFlight.get(uid) ?? Promise.resolve(true);
    },
    get writer() {
      return writer.where;
    },
    async close() {
      clearInterval(timer);
      await flush();
      await writer.close();
      if (pending.size) await flush(); // what failed on the thread, once more here
    },
  };
}

/** One batch: every row's XML in one buffer of its own (a view of a shared one would take the whole along). */
function toBatch(items: Item[], log: Logger): LatestBatch {
  const rows: LatestRow[] = [];
  const deletes: string[] = [];
  const parts: Uint8Array[] = [];
  let end = 0;
  for (const [uid, env] of items) {
    if (!env) {
      deletes.push(uid);
      continue;
    }
    const e = env.event;
    let xml: Uint8Array;
    try {
      // The fan-out's bytes when a CoT client was sent the event, otherwise made here (and not kept).
      xml = env.encoded('cot-xml') ?? encodeCotStream(e);
    } catch (err) {
      log.error({ err, uid }, 'store: an event could not be encoded; not stored');
      continue;
    }
    parts.push(xml);
    end += xml.byteLength;
    const groups = JSON.stringify(env.groups ?? []);
    rows.push([
      uid,
      e.type,
      e.time,
      e.stale,
      e.point.lat,
      e.point.lon,
      groups,
      JSON.stringify(e.label),
      JSON.stringify(e.origin),
      end,
    ]);
  }
  const xml = Buffer.allocUnsafeSlow(end);
  let at = 0;
  for (const p of parts) {
    xml.set(p, at);
    at += p.byteLength;
  }
  return { rows, deletes, xml, now: Date.now() };
}

function storeMetrics(registry: Registry, pending: Map<string, unknown>, where: () => 'thread' | 'here') {
  const writes = new Counter({
    name: 'bw_store_writes_total',
    help: 'Latest-state batches written to the store, by result (ok, failed)',
    labelNames: ['result'],
    registers: [registry],
  });
  const seconds = new Histogram({
    name: 'bw_store_write_seconds',
    help: 'Time to write one latest-state batch (on the writer thread, or the hub thread after a fallback)',
    buckets: [0.001, 0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const rows = new Counter({
    name: 'bw_store_rows_total',
    help: 'Latest-state rows (upserts and deletes) written to the store',
    registers: [registry],
  });
  new Gauge({
    name: 'bw_store_pending_entities',
    help: 'Entities changed and not yet handed to the store writer (bounded by the number of entities)',
    registers: [registry],
    collect() {
      this.set(pending.size);
    },
  });
  new Gauge({
    name: 'bw_store_writer_thread',
    help: '1 while the store writes on its writer thread, 0 after a fallback to the hub thread',
    registers: [registry],
    collect() {
      this.set(where() === 'thread' ? 1 : 0);
    },
  });
  return {
    observe(r: WriteResult, n: number) {
      writes.inc({ result: r.ok ? 'ok' : 'failed' });
      seconds.observe(r.ms / 1000);
      if (r.ok) rows.inc(n);
    },
  };
}
