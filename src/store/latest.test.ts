import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionInfo } from '../hub/session.js';
import { makeEvent } from '../../test/helpers/events.js';
import { makeHub } from '../../test/helpers/hub.js';
import { openStore } from './db.js';
import { attachLatestStore } from './latest.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'bw-latest-'));
  dirs.push(dir);
  const store = openStore(dir);
  const { hub } = makeHub();
  // A long write-behind interval: anything in the table before it fires was written by persist().
  const latest = attachLatestStore(store, hub, pino({ level: 'silent' }), 3_600_000);
  const info: SessionInfo = {
    transport: 'internal',
    protocol: 'web',
    format: 'cot-xml',
    identity: { id: 'x', kind: 'user', clearance: 'UNCLASSIFIED', categories: [], groups: ['g'] },
    ingestOnly: true,
  };
  const s = hub.open({ write: () => true, close: () => undefined }, info);
  const row = store.db.prepare<[string], { uid: string }>('SELECT uid FROM latest WHERE uid = ?');
  return { store, hub, latest, s, row };
}

describe('latest-state store', () => {
  it('persist() writes one entity now, and its delete, leaving the rest to the write-behind', () => {
    const { store, hub, latest, s, row } = setup();
    hub.ingest(s, makeEvent({ uid: 'M-1' }));
    hub.ingest(s, makeEvent({ uid: 'M-2' }));
    expect(row.get('M-1')).toBeUndefined();
    expect(latest.persist('M-1')).toBe(true);
    expect(row.get('M-1')).toEqual({ uid: 'M-1' });
    expect(row.get('M-2')).toBeUndefined(); // still pending for the flush
    expect(latest.persist('nothing-pending')).toBe(true);
    hub.ingest(
      s,
      makeEvent({
        uid: 'D-1',
        type: 't-x-d-d',
        detail: {
          elements: [{ name: 'link', xml: '<link uid="M-1" relation="none" type="none"/>' }],
          links: [{ uid: 'M-1', relation: 'none', type: 'none' }],
        },
      }),
    );
    expect(latest.persist('M-1')).toBe(true);
    expect(row.get('M-1')).toBeUndefined();
    latest.close();
    expect(row.get('M-2')).toEqual({ uid: 'M-2' });
    store.close();
  });

  it('says false when the write fails, and keeps the change for the next flush', () => {
    const { store, hub, latest, s, row } = setup();
    hub.ingest(s, makeEvent({ uid: 'M-9' }));
    store.db.exec(
      `CREATE TRIGGER no_writes BEFORE INSERT ON latest BEGIN SELECT RAISE(ABORT, 'disk full'); END;`,
    );
    expect(latest.persist('M-9')).toBe(false);
    store.db.exec('DROP TRIGGER no_writes');
    latest.flush();
    expect(row.get('M-9')).toEqual({ uid: 'M-9' });
    latest.close();
    store.close();
  });
});
