/**
 * The embedded store: one SQLite database (better-sqlite3 v12) in the data directory, WAL mode, with per-module
 * migrations. Each module (hub, trust, planner…) owns its tables and registers its own ordered migration steps.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startCheckpointer, type Checkpointer, type CheckpointResult } from './checkpointer.js';

export type Db = Database.Database;

export interface Store {
  readonly db: Db;
  /** The database file, or ':memory:'. */
  readonly file: string;
  /** Apply the steps of `module` that have not run yet, in order, each in its own transaction. */
  migrate(module: string, steps: readonly string[]): void;
  /** The background checkpointer, when asked for (see checkpointer.ts). */
  readonly checkpointer?: Checkpointer;
  /** Stop the checkpointer (if any), checkpoint what is left and close. */
  close(): void;
}

export interface StoreOptions {
  /**
   * Run WAL checkpoints on a worker thread every this many ms instead of inside commits on the caller's thread
   * (the hub: its event loop must not wait on fsync). Short-lived commands leave it unset.
   */
  checkpointMs?: number;
  onCheckpoint?: (r: CheckpointResult | { error: string }) => void;
}

/** Open (creating if needed) the store. `dataDir` ':memory:' gives a private in-memory database for tests. */
export function openStore(dataDir: string, opts: StoreOptions = {}): Store {
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true });
    file = join(dataDir, 'balticwall.db');
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, step INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, step))',
  );
  const applied = db.prepare<[string], { n: number | null }>(
    'SELECT MAX(step) AS n FROM schema_migrations WHERE module = ?',
  );
  const record = db.prepare('INSERT INTO schema_migrations (module, step, applied_at) VALUES (?, ?, ?)');
  const checkpointer =
    opts.checkpointMs !== undefined && file !== ':memory:'
      ? startCheckpointer(db, file, opts.checkpointMs, opts.onCheckpoint)
      : undefined;
  return {
    db,
    file,
    checkpointer,
    migrate(module, steps) {
      const done = applied.get(module)?.n ?? -1;
      for (let i = done + 1; i < steps.length; i++) {
        db.transaction(() => {
          db.exec(steps[i]!);
          record.run(module, i, new Date().toISOString());
        })();
      }
    },
    close() {
      // The worker's connection closes when it stops; the main connection's own close checkpoints the rest.
      void checkpointer?.stop();
      if (db.open) db.close();
    },
  };
}
