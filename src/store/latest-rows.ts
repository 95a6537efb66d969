/**
 * The latest-state table's rows as they travel from the hub's thread to the store's writer thread (writer.ts), and
 * the one function that writes a batch of them. Both the writer thread and the hub-thread fallback use it.
 *
 * A batch holds each changed uid once: an upsert row or a delete. The CoT XML of all rows travels as one buffer
 * and each row says where its XML ends in it.
 */
import type Database from 'better-sqlite3';

/** uid, type, time, stale, lat, lon, groups (JSON), label (JSON), origin (JSON), end of its XML in `xml`. */
export type LatestRow = [string, string, number, number, number, number, string, string, string, number];

export interface LatestBatch {
  rows: LatestRow[];
  deletes: string[];
  xml: Uint8Array;
  /** Rows stale at or before this time (ms) are purged in the same transaction. */
  now: number;
}

const LT = 0x3c;
const QUESTION = 0x3f;

export function prepareLatestWrite(db: Database.Database): (batch: LatestBatch) => void {
  const upsert = db.prepare(
    `INSERT INTO latest (uid, type, time, stale, lat, lon, groups, label, origin, xml, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (uid) DO UPDATE SET type = excluded.type, time = excluded.time, stale = excluded.stale,
       lat = excluded.lat, lon = excluded.lon, groups = excluded.groups, label = excluded.label,
       origin = excluded.origin, xml = excluded.xml, updated_at = excluded.updated_at`,
  );
  const del = db.prepare('DELETE FROM latest WHERE uid = ?');
  const purge = db.prepare('DELETE FROM latest WHERE stale <= ?');
  return db.transaction((b: LatestBatch) => {
    const xml = Buffer.from(b.xml.buffer, b.xml.byteOffset, b.xml.byteLength);
    let start = 0;
    for (const r of b.rows) {
      const end = r[9];
      // Stored without the XML declaration the stream bytes start with: the table holds one event element.
      if (xml[start] === LT && xml[start + 1] === QUESTION) start = xml.indexOf('?>', start) + 2;
      upsert.run(
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        r[5],
        r[6],
        r[7],
        r[8],
        xml.toString('utf8', start, end),
        b.now,
      );
      start = end;
    }
    for (const uid of b.deletes) del.run(uid);
    purge.run(b.now);
  });
}
