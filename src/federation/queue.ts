/**
 * Each link's durable, bounded outbound queue, in `<dataDir>/federation.db` (SQLite via better-sqlite3, like the
 * store), so what was meant for a peer survives a cut link and a restart of this hub.
 *
 * Overflow policy (docs/federation.md): positions (anything with a coalesce key) keep only the latest per uid;
 * emergencies, chat/tasking and deletes are never dropped; past `maxRows` the oldest positions are dropped (counted,
 * BW_FED_QUEUE_FULL) and nothing else. Rows are taken in priority order (emergency > chat/tasking > delete >
 * position), then in order of arrival. A row taken is marked sent; it is deleted only once a health round trip
 * that began after the send succeeded (at-least-once): on a disconnect every unconfirmed row is sent again, and
 * the receiver drops what it already has by uid and time.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startCheckpointer, type Checkpointer } from '../store/checkpointer.js';

/** Priority classes, lowest number first on the wire. */
export const CLASSES = ['emergency', 'chat', 'delete', 'position'] as const;
export type FedClass = (typeof CLASSES)[number];

export interface QueuedRow {
  id: number;
  cls: FedClass;
  body: Buffer;
}

export type PutResult = 'queued' | 'coalesced';

/** One database for every link of a hub; {@link LinkQueue} is one peer's view of it. */
export class QueueDb {
  readonly db: Database.Database;
  /** WAL checkpoints (with their fsync) on a worker thread, as the store does: never on the hub's event loop. */
  private readonly checkpointer: Checkpointer | undefined;

  constructor(dataDir: string | ':memory:') {
    if (dataDir !== ':memory:') mkdirSync(dataDir, { recursive: true });
    const file = dataDir === ':memory:' ? ':memory:' : join(dataDir, 'federation.db');
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    if (file !== ':memory:') this.checkpointer = startCheckpointer(this.db, file, 1000);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS fed_queue (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        peer TEXT NOT NULL,
        prio INTEGER NOT NULL,
        ckey TEXT,
        body BLOB NOT NULL,
        sent_at INTEGER NOT NULL DEFAULT 0
      );
      CREATE UNIQUE INDEX IF NOT EXISTS fed_queue_ckey ON fed_queue(peer, ckey) WHERE ckey IS NOT NULL;
      CREATE INDEX IF NOT EXISTS fed_queue_pick ON fed_queue(peer, sent_at, prio, id);
    `);
  }

  queue(peer: string, maxRows: number): LinkQueue {
    return new LinkQueue(this.db, peer, maxRows);
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    this.db.close();
  }
}

export class LinkQueue {
  private readonly ins;
  private readonly findKey;
  private readonly replace;
  private readonly pick;
  private readonly mark;
  private readonly confirmStmt;
  private readonly unsend;
  private readonly countStmt;
  private readonly dropOldest;
  private readonly clearStmt;
  private readonly del;
  private rows: number;
  /** Rows per class not yet sent, kept in memory for metrics and the pump (no COUNT per event). */
  readonly pending: Record<FedClass, number> = { emergency: 0, chat: 0, delete: 0, position: 0 };

  constructor(
    private readonly db: Database.Database,
    readonly peer: string,
    private readonly maxRows: number,
  ) {
    this.ins = db.prepare('INSERT INTO fed_queue (peer, prio, ckey, body) VALUES (?, ?, ?, ?)');
    this.findKey = db.prepare('SELECT id, sent_at FROM fed_queue WHERE peer = ? AND ckey = ?');
    this.replace = db.prepare('UPDATE fed_queue SET body = ?, sent_at = 0 WHERE id = ?');
    this.pick = db.prepare(
      'SELECT id, prio, body FROM fed_queue WHERE peer = ? AND sent_at = 0 ORDER BY prio, id LIMIT ?',
    );
    this.mark = db.prepare('UPDATE fed_queue SET sent_at = ? WHERE id = ?');
    this.confirmStmt = db.prepare('DELETE FROM fed_queue WHERE peer = ? AND sent_at > 0 AND sent_at <= ?');
    this.unsend = db.prepare('UPDATE fed_queue SET sent_at = 0 WHERE peer = ? AND sent_at > 0');
    this.countStmt = db.prepare(
      'SELECT prio, sent_at > 0 AS sent, COUNT(*) AS n FROM fed_queue WHERE peer = ? GROUP BY prio, sent',
    );
    this.dropOldest = db.prepare(
      'DELETE FROM fed_queue WHERE id IN (SELECT id FROM fed_queue WHERE peer = ? AND prio = 3 ORDER BY id LIMIT ?)',
    );
    this.clearStmt = db.prepare('DELETE FROM fed_queue WHERE peer = ?');
    this.del = db.prepare('DELETE FROM fed_queue WHERE id = ? AND sent_at = 0');
    // After a restart every row that was sent but not confirmed goes again.
    this.unsend.run(peer);
    this.rows = 0;
    for (const r of this.countStmt.all(peer) as { prio: number; n: number }[]) {
      this.pending[CLASSES[r.prio]!] += r.n;
      this.rows += r.n;
    }
  }

  get size(): number {
    return this.rows;
  }

  /**
   * Queue many (one transaction). Positions with a key replace the row of their key (coalesced). Returns how many
   * coalesced and how many positions were dropped for room.
   */
  putMany(items: { cls: FedClass; key: string | undefined; body: Uint8Array }[]): {
    coalesced: number;
    dropped: number;
  } {
    let coalesced = 0;
    let dropped = 0;
    this.db.transaction(() => {
      for (const it of items) {
        const prio = CLASSES.indexOf(it.cls);
        if (it.key !== undefined) {
          const row = this.findKey.get(this.peer, it.key) as { id: number; sent_at: number } | undefined;
          if (row) {
            this.replace.run(it.body, row.id);
            if (row.sent_at === 0) coalesced++;
            else this.pending[it.cls]++;
            continue;
          }
        }
        if (this.rows >= this.maxRows) {
          const n = Number(this.dropOldest.run(this.peer, Math.max(1, this.maxRows >> 10)).changes);
          this.rows -= n;
          this.pending.position = Math.max(0, this.pending.position - n);
          dropped += n;
        }
        this.ins.run(this.peer, prio, it.key ?? null, it.body);
        this.rows++;
        this.pending[it.cls]++;
      }
    })();
    return { coalesced, dropped };
  }

  /** Up to `n` unsent rows in priority order. */
  peek(n: number): QueuedRow[] {
    return (this.pick.all(this.peer, n) as { id: number; prio: number; body: Buffer }[]).map((r) => ({
      id: r.id,
      cls: CLASSES[r.prio]!,
      body: r.body,
    }));
  }

  /** Mark rows as handed to the link at `at` (ms; must be > 0). */
  markSent(rows: QueuedRow[], at: number): void {
    this.db.transaction(() => {
      for (const r of rows) {
        this.mark.run(at, r.id);
        this.pending[r.cls] = Math.max(0, this.pending[r.cls] - 1);
      }
    })();
  }

  /** Delete unsent rows (the gate refused them for the peer as it is now). */
  remove(rows: QueuedRow[]): void {
    this.db.transaction(() => {
      for (const r of rows) {
        if (Number(this.del.run(r.id).changes) === 0) continue;
        this.rows--;
        this.pending[r.cls] = Math.max(0, this.pending[r.cls] - 1);
      }
    })();
  }

  /** A health round trip that began at `before` succeeded: rows sent until then arrived. */
  confirm(before: number): number {
    const n = Number(this.confirmStmt.run(this.peer, before).changes);
    this.rows -= n;
    return n;
  }

  /** The link went down: everything sent and unconfirmed goes again. */
  requeue(): void {
    if (Number(this.unsend.run(this.peer).changes) > 0) this.recount();
  }

  /** Remove the peer's rows (peer removed). */
  clear(): void {
    this.clearStmt.run(this.peer);
    this.recount();
  }

  private recount(): void {
    for (const c of CLASSES) this.pending[c] = 0;
    this.rows = 0;
    for (const r of this.countStmt.all(this.peer) as { prio: number; sent: number; n: number }[]) {
      if (!r.sent) this.pending[CLASSES[r.prio]!] += r.n;
      this.rows += r.n;
    }
  }
}
