import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { HUB_MIGRATIONS } from './latest.js';
import type { LatestBatch } from './latest-rows.js';
import { startWriter } from './writer.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function batch(uid: string, lat: number): LatestBatch {
  const xml = Buffer.from(`<event uid="${uid}"/>`);
  return {
    rows: [[uid, 'a-f-G', 1, Date.now() + 60_000, lat, 24, '[]', '{}', '{}', xml.length]],
    deletes: [],
    xml,
    now: Date.now(),
  };
}

describe('store writer', () => {
  it('writes batches on its thread, in order, and stops when closed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-writer-'));
    dirs.push(dir);
    const file = join(dir, 'w.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec(HUB_MIGRATIONS[0]!);
    const w = startWriter(db, file, pino({ level: 'silent' }));
    expect(w.where).toBe('thread');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => w.write(batch('A', i))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(db.prepare('SELECT lat, xml FROM latest').get()).toEqual({ lat: 19, xml: '<event uid="A"/>' });
    await w.close();
    expect(w.where).toBe('here');
    expect((await w.write(batch('B', 1))).ok).toBe(true); // after close: on the caller's connection
    expect(db.prepare('SELECT COUNT(*) AS n FROM latest').get()).toEqual({ n: 2 });
    db.close();
  });

  it("a thread that fails writes every unconfirmed batch on the caller's connection, in order", async () => {
    const db = new Database(':memory:');
    db.exec(HUB_MIGRATIONS[0]!);
    const lines: string[] = [];
    const log = pino({ level: 'error' }, { write: (s: string) => lines.push(s) });
    // A file the thread cannot open: it fails after start, with batches already handed to it.
    const w = startWriter(db, join(tmpdir(), 'no-such-dir-bw', 'x', 'w.db'), log);
    const results = await Promise.all([
      w.write(batch('C', 1)),
      w.write(batch('C', 2)),
      w.write(batch('D', 3)),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(w.where).toBe('here');
    expect(db.prepare('SELECT uid, lat FROM latest ORDER BY uid').all()).toEqual([
      { uid: 'C', lat: 2 },
      { uid: 'D', lat: 3 },
    ]);
    expect(lines.join('')).toMatch(/store writer thread failed/);
    await w.close();
    db.close();
  });
});
