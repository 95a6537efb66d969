import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionInfo } from '../hub/session.js';
import { decodeCot, encodeCotStream } from '../codecs/cot/index.js';
import { makeEvent } from '../../test/helpers/events.js';
import { makeHub } from '../../test/helpers/hub.js';
import { openStore } from './db.js';
import { attachLatestStore } from './latest.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(flushMs = 3_600_000, cot = false) {
  const dir = mkdtempSync(join(tmpdir(), 'bw-latest-'));
  dirs.push(dir);
  const store = openStore(dir);
  const { hub } = cot
    ? makeHub(100, false, { 'cot-xml': encodeCotStream, 'tak-stream': encodeCotStream })
    : makeHub();
  const registry = new Registry();
  // By default a long write-behind interval: anything in the table before it fires was written by persist().
  const latest = attachLatestStore(store, hub, pino({ level: 'silent' }), flushMs, registry);
  const info: SessionInfo = {
    transport: 'internal',
    protocol: 'web',
    format: 'cot-xml',
    identity: { id: 'x', kind: 'user', clearance: 'UNCLASSIFIED', categories: [], groups: ['g'] },
    ingestOnly: true,
  };
  const s = hub.open({ write: () => true, close: () => undefined }, info);
  const row = store.db.prepare<[string], { uid: string }>('SELECT uid FROM latest WHERE uid = ?');
  return { dir, store, hub, latest, s, row, registry };
}

const deleteOf = (uid: string) =>
  makeEvent({
    uid: `D-${uid}`,
    type: 't-x-d-d',
    detail: {
      elements: [{ name: 'link', xml: `<link uid="${uid}" relation="none" type="none"/>` }],
      links: [{ uid, relation: 'none', type: 'none' }],
    },
  });

describe('latest-state store', () => {
  it('writes on the writer thread: persist() one entity now, and its delete, the rest with the write-behind', async () => {
    const { store, hub, latest, s, row } = setup();
    expect(latest.writer).toBe('thread');
    hub.ingest(s, makeEvent({ uid: 'M-1' }));
    hub.ingest(s, makeEvent({ uid: 'M-2' }));
    expect(row.get('M-1')).toBeUndefined();
    expect(await latest.persist('M-1')).toBe(true);
    expect(row.get('M-1')).toEqual({ uid: 'M-1' }); // the hub's own connection sees the thread's commit
    expect(row.get('M-2')).toBeUndefined(); // still pending for the flush
    expect(await latest.persist('nothing-pending')).toBe(true);
    hub.ingest(s, deleteOf('M-1'));
    expect(await latest.persist('M-1')).toBe(true);
    expect(row.get('M-1')).toBeUndefined();
    await latest.close();
    expect(row.get('M-2')).toEqual({ uid: 'M-2' });
    store.close();
  });

  it('stores the XML the CoT clients get, which reads back with every detail element', async () => {
    const { store, hub, latest, s } = setup(3_600_000, true);
    const remark = '<remarks source="x">a &amp; b</remarks>';
    hub.ingest(s, makeEvent({ uid: 'R-1', detail: { elements: [{ name: 'remarks', xml: remark }] } }));
    const env = hub.state.get('R-1')!;
    const sent = Buffer.from(env.bytes('cot-xml')).toString('utf8');
    await latest.flush();
    const { xml } = store.db.prepare('SELECT xml FROM latest WHERE uid = ?').get('R-1') as { xml: string };
    expect(sent.startsWith('<?xml')).toBe(true);
    expect(xml).toBe(sent.slice(sent.indexOf('?>') + 2)); // one event element, without the declaration
    expect(decodeCot(xml).detail.elements.map((e) => e.xml)).toContain(remark);
    await latest.close();
    store.close();
  });

  it('a persist() while the write-behind batch is on its way waits for that batch', async () => {
    const { store, hub, latest, s, row } = setup();
    hub.ingest(s, makeEvent({ uid: 'W-1' }));
    const flushed = latest.flush();
    const saved = latest.persist('W-1'); // no longer pending: it is in the batch
    expect(await saved).toBe(true);
    expect(row.get('W-1')).toEqual({ uid: 'W-1' });
    await flushed;
    await latest.close();
    store.close();
  });

  it('a later change of a uid wins over an earlier batch, whatever order they finish in', async () => {
    const { store, hub, latest, s } = setup();
    const lat = store.db.prepare<[string], { lat: number }>('SELECT lat FROM latest WHERE uid = ?');
    for (let i = 0; i < 50; i++) {
      hub.ingest(s, makeEvent({ uid: 'O-1', point: { lat: 50 + i / 100, lon: 24, hae: 0, ce: 1, le: 1 } }));
      if (i % 2) void latest.persist('O-1');
      else void latest.flush();
    }
    await latest.close();
    expect(lat.get('O-1')?.lat).toBeCloseTo(50.49, 5);
    store.close();
  });

  it('says false when the write fails, keeps the change for the next flush, and counts it', async () => {
    const { store, hub, latest, s, row, registry } = setup();
    hub.ingest(s, makeEvent({ uid: 'M-9' }));
    store.db.exec(
      `CREATE TRIGGER no_writes BEFORE INSERT ON latest BEGIN SELECT RAISE(ABORT, 'disk full'); END;`,
    );
    expect(await latest.persist('M-9')).toBe(false);
    store.db.exec('DROP TRIGGER no_writes');
    await latest.flush();
    expect(row.get('M-9')).toEqual({ uid: 'M-9' });
    const text = await registry.metrics();
    expect(text).toMatch(/bw_store_writes_total\{result="failed"\} 1/);
    expect(text).toMatch(/bw_store_writes_total\{result="ok"\} 1/);
    expect(text).toMatch(/bw_store_writer_thread 1/);
    await latest.close();
    store.close();
  });

  it('the timer writes the pending changes in the background, and a restart restores them', async () => {
    const { dir, store, hub, latest, s, row } = setup(20);
    hub.ingest(
      s,
      makeEvent({ uid: 'T-1', detail: { elements: [{ name: 'remarks', xml: '<remarks>x</remarks>' }] } }),
    );
    const end = Date.now() + 5000;
    while (!row.get('T-1') && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(row.get('T-1')).toEqual({ uid: 'T-1' });
    await latest.close();
    store.close();
    const again = openStore(dir);
    const { hub: hub2 } = makeHub();
    const latest2 = attachLatestStore(again, hub2, pino({ level: 'silent' }), 3_600_000);
    expect(latest2.restore()).toBe(1);
    expect(hub2.state.get('T-1')?.event.detail.elements.map((e) => e.xml)).toContain('<remarks>x</remarks>');
    await latest2.close();
    again.close();
  });

  it("a write that waits on the database does not hold the hub's thread", async () => {
    const { dir, store, hub, latest, s, row } = setup();
    // Another writer holds the database: the writer thread's commit waits for it (busy_timeout).
    const other = new Database(join(dir, 'balticwall.db'));
    other.exec('BEGIN IMMEDIATE');
    hub.ingest(s, makeEvent({ uid: 'L-1' }));
    let written = false;
    const flushed = latest.flush().then(() => (written = true));
    // Meanwhile the hub's thread goes on: timers run, and the batch is not written yet.
    let ticks = 0;
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (++ticks === 5) {
          clearInterval(t);
          resolve();
        }
      }, 20);
    });
    expect(written).toBe(false);
    expect(row.get('L-1')).toBeUndefined();
    other.exec('COMMIT');
    await flushed;
    expect(row.get('L-1')).toEqual({ uid: 'L-1' });
    other.close();
    await latest.close();
    store.close();
  });

  it('an in-memory store is written on the hub thread', async () => {
    const store = openStore(':memory:');
    const { hub } = makeHub();
    const latest = attachLatestStore(store, hub, pino({ level: 'silent' }), 3_600_000);
    expect(latest.writer).toBe('here');
    await latest.close();
    store.close();
  });
});
