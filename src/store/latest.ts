/**
 * Persists the hub's latest-state picture so a restart brings it back. Write-behind: changes are collected per
 * uid (bounded by the number of entities) and written in one transaction every `flushMs`, and on close.
 * The event is stored as CoT XML (lossless: every detail element) with its label, groups and origin beside it.
 * History and replay (a later issue) get their own append-only table; this one holds only the latest per uid.
 */
import type { Logger } from 'pino';
import type { Hub } from '../hub/hub.js';
import type { Envelope } from '../hub/envelope.js';
import type { Event } from '../model/event.js';
import { decodeCot, encodeCot } from '../codecs/cot/index.js';
import type { Store } from './db.js';

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
  flush(): void;
  /**
   * Write the pending change of `uid` now (an upsert, or a delete), before the caller acknowledges it: an
   * acknowledged marker survives a crash. False when the write failed (logged).
   */
  persist(uid: string): boolean;
  close(): void;
}

export function attachLatestStore(store: Store, hub: Hub, log: Logger, flushMs: number): LatestStore {
  store.migrate('hub', HUB_MIGRATIONS);
  const db = store.db;
  const upsert = db.prepare(
    `INSERT INTO latest (uid, type, time, stale, lat, lon, groups, label, origin, xml, updated_at)
     VALUES (@uid, @type, @time, @stale, @lat, @lon, @groups, @label, @origin, @xml, @updated)
     ON CONFLICT (uid) DO UPDATE SET type = excluded.type, time = excluded.time, stale = excluded.stale,
       lat = excluded.lat, lon = excluded.lon, groups = excluded.groups, label = excluded.label,
       origin = excluded.origin, xml = excluded.xml, updated_at = excluded.updated_at`,
  );
  const del = db.prepare('DELETE FROM latest WHERE uid = ?');
  const purge = db.prepare('DELETE FROM latest WHERE stale <= ?');
  const pending = new Map<string, Envelope | null>();

  hub.onStateChange(
    (env) => pending.set(env.event.uid, env),
    (uid) => pending.set(uid, null),
  );

  const write = db.transaction((items: [string, Envelope | null][]) => {
    const now = Date.now();
    for (const [uid, env] of items) {
      if (!env) {
        del.run(uid);
        continue;
      }
      const e = env.event;
      upsert.run({
        uid,
        type: e.type,
        time: e.time,
        stale: e.stale,
        lat: e.point.lat,
        lon: e.point.lon,
        groups: JSON.stringify(env.groups ?? []),
        label: JSON.stringify(e.label),
        origin: JSON.stringify(e.origin),
        xml: encodeCot(e),
        updated: now,
      });
    }
    purge.run(now);
  });

  function flush(): void {
    if (!pending.size) return;
    const items = [...pending];
    pending.clear();
    try {
      write(items);
    } catch (err) {
      log.error({ err, rows: items.length }, 'store: writing latest state failed');
    }
  }

  const timer = setInterval(flush, flushMs);
  timer.unref();

  return {
    restore() {
      const rows = db
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
      if (!pending.has(uid)) return true;
      const item: [string, Envelope | null] = [uid, pending.get(uid)!];
      pending.delete(uid);
      try {
        write([item]);
        return true;
      } catch (err) {
        log.error({ err, uid }, 'store: writing an acknowledged change failed');
        pending.set(uid, item[1]); // the next flush tries again
        return false;
      }
    },
    close() {
      clearInterval(timer);
      flush();
    },
  };
}
