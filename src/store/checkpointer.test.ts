import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './db.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fill(store: Store, rows: number, from = 0): void {
  const put = store.db.prepare('INSERT OR REPLACE INTO t (k, v) VALUES (?, ?)');
  store.db.transaction(() => {
    for (let i = from; i < from + rows; i++) put.run(i, 'x'.repeat(1000));
  })();
}

async function until(ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('background checkpointer', () => {
  it("checkpoints the WAL on a worker thread, not in the writer's commits", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-ckpt-'));
    dirs.push(dir);
    const results: { log: number; checkpointed: number }[] = [];
    const store = openStore(dir, {
      checkpointMs: 30,
      onCheckpoint: (r) => {
        if (!('error' in r)) results.push(r);
      },
    });
    store.migrate('t', ['CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)']);
    // The writer's automatic checkpoints are off: 3,000 rows (far past 1,000 pages) stay in the WAL...
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    fill(store, 3000);
    const wal = join(dir, 'balticwall.db-wal');
    expect(statSync(wal).size).toBeGreaterThan(3_000_000);
    // ...until the worker has copied them into the database file.
    await until(() => results.some((r) => r.log > 700 && r.checkpointed === r.log));
    expect(store.checkpointer!.count).toBeGreaterThan(0);
    expect(statSync(join(dir, 'balticwall.db')).size).toBeGreaterThan(3_000_000);
    store.close();
    const again = openStore(dir);
    expect(again.db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 3000 });
    again.close();
  });

  it('gives the writer its automatic checkpoints back when the worker stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-ckpt-'));
    dirs.push(dir);
    const store = openStore(dir, { checkpointMs: 60_000 });
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await store.checkpointer!.stop();
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    store.migrate('t', ['CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)']);
    store.close();
    expect(existsSync(join(dir, 'balticwall.db'))).toBe(true);
  });

  it('is not used for short-lived commands or in memory', () => {
    expect(openStore(':memory:', { checkpointMs: 10 }).checkpointer).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'bw-ckpt-'));
    dirs.push(dir);
    const store = openStore(dir);
    expect(store.checkpointer).toBeUndefined();
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    store.close();
  });
});
