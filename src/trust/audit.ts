/**
 * The append-only audit trail (table trust_audit; UPDATE and DELETE are refused by triggers). Records are buffered
 * and written in one transaction every `flushMs`; egress denials are coalesced over `denyWindowMs` (one row per who,
 * uid, rule and path, with a count), so a denial storm cannot flood the disk. Buffers are bounded: beyond
 * `bufferLimit`, records are dropped and counted (bw_audit_dropped_total).
 */
import type { Writable } from 'node:stream';
import { createTrustMetrics, type TrustMetrics } from './metrics.js';
import type { Store } from '../store/db.js';
import { unownedGate, type DenyListener, type Gate } from '../hub/gate.js';
import type { AuditFields, AuditKind, AuditSink } from './audit-types.js';
import { migrateTrust } from './schema.js';

export interface AuditRow extends AuditFields {
  id: number;
  at: string;
  kind: AuditKind;
  count: number;
}

export interface AuditFilter {
  since?: number;
  until?: number;
  /** Identity id (actor). */
  identity?: string;
  kind?: AuditKind | AuditKind[];
  nation?: string;
  ref?: string;
  limit?: number;
}

export interface Audit extends AuditSink {
  query(filter?: AuditFilter): AuditRow[];
  /** Write matching rows as JSON lines; returns how many. */
  exportJsonl(filter: AuditFilter, out: Writable | ((line: string) => void)): number;
  /** Write buffered records now. */
  flush(): void;
  /** Subscribe to the denials of the hub's egress gate (`hub.gate`); returns the unsubscribe function. */
  hookGate(gate?: Gate): () => void;
  close(): void;
}

interface Pending {
  at: number;
  kind: AuditKind;
  f: AuditFields;
  count: number;
}

/** Open the audit trail over the shared store. */
export function createAudit(
  store: Store,
  opts: {
    bufferLimit?: number;
    flushMs?: number;
    denyWindowMs?: number;
    /** The app's trust counters (bw_audit_records_total, bw_audit_dropped_total). */
    metrics?: Pick<TrustMetrics, 'auditDropped' | 'auditWritten'>;
  } = {},
): Audit {
  const { auditDropped: dropped, auditWritten: written } = opts.metrics ?? createTrustMetrics();
  migrateTrust(store);
  const limit = opts.bufferLimit ?? 10_000;
  const db = store.db;
  const insert = db.prepare(
    'INSERT INTO trust_audit (at, kind, actor, nation, ref, rule, path, remote, count, detail) VALUES (?,?,?,?,?,?,?,?,?,?)',
  );
  let pending = new Map<string, Pending>();
  // Egress denials repeat (every position update of a track, for every recipient who may not see it): they
  // collect for `denyWindowMs` in their own bounded map, one row per (who, uid, rule, path) with a count. When that
  // map is full, further denials fold into one row per (who, rule, path) with ref "*", and only then are dropped.
  let denials = new Map<string, Pending>();
  let seq = 0;
  const writeAll = db.transaction((rows: Pending[]) => {
    for (const p of rows) {
      const f = p.f;
      insert.run(
        p.at,
        p.kind,
        f.actor ?? null,
        f.nation ?? null,
        f.ref ?? null,
        f.rule ?? null,
        f.path ?? null,
        f.remote ?? null,
        p.count,
        f.detail ? JSON.stringify(f.detail) : null,
      );
      written.inc({ kind: p.kind });
    }
  });
  const flushRecords = () => {
    if (pending.size === 0 || !db.open) return;
    const rows = [...pending.values()];
    pending = new Map();
    writeAll(rows);
  };
  const flushDenials = () => {
    if (denials.size === 0 || !db.open) return;
    const rows = [...denials.values()];
    denials = new Map();
    writeAll(rows);
  };
  const flush = () => {
    flushRecords();
    flushDenials();
  };
  const timer = setInterval(flushRecords, opts.flushMs ?? 250);
  timer.unref();
  const denyTimer = setInterval(flushDenials, opts.denyWindowMs ?? 60_000);
  denyTimer.unref();

  const bump = (map: Map<string, Pending>, key: string, make: () => Pending, room: number): boolean => {
    const prev = map.get(key);
    if (prev) {
      prev.count++;
      return true;
    }
    if (map.size >= room) return false;
    map.set(key, make());
    return true;
  };

  const record = (kind: AuditKind, f: AuditFields) => {
    const at = Date.now();
    // Refused writes repeat like denials (a client resending its update): coalesced the same way.
    if (kind === 'egress-deny' || kind === 'write-refused') {
      const base = `${f.actor}\u0000${f.rule}\u0000${f.path}`;
      if (bump(denials, `${base}\u0000${f.ref}`, () => ({ at, kind, f, count: 1 }), limit)) return;
      const folded = () => ({ at, kind, f: { ...f, ref: '*' }, count: 1 });
      if (bump(denials, `${base}\u0000*`, folded, limit + Math.ceil(limit / 10))) return;
      dropped.inc();
      return;
    }
    if (!bump(pending, `#${seq++}`, () => ({ at, kind, f, count: 1 }), limit)) dropped.inc();
  };

  function where(filter: AuditFilter): { sql: string; args: unknown[] } {
    const c: string[] = [];
    const args: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      c.push(sql);
      args.push(v);
    };
    if (filter.since !== undefined) add('at >= ?', filter.since);
    if (filter.until !== undefined) add('at < ?', filter.until);
    if (filter.identity) add('actor = ?', filter.identity);
    if (filter.nation) add('nation = ?', filter.nation);
    if (filter.ref) add('ref = ?', filter.ref);
    if (filter.kind) {
      const kinds = Array.isArray(filter.kind) ? filter.kind : [filter.kind];
      c.push(`kind IN (${kinds.map(() => '?').join(',')})`);
      args.push(...kinds);
    }
    return { sql: c.length ? `WHERE ${c.join(' AND ')}` : '', args };
  }

  function query(filter: AuditFilter = {}): AuditRow[] {
    flush();
    const w = where(filter);
    const rows = db
      .prepare(`SELECT * FROM trust_audit ${w.sql} ORDER BY id LIMIT ?`)
      .all(...w.args, Math.min(filter.limit ?? 10_000, 1_000_000)) as Record<string, unknown>[];
    return rows.map(toRow);
  }

  return {
    record,
    query,
    flush,
    exportJsonl(filter, out) {
      flush();
      const w = where(filter);
      const stmt = db.prepare(`SELECT * FROM trust_audit ${w.sql} ORDER BY id`);
      let n = 0;
      for (const r of stmt.iterate(...w.args) as IterableIterator<Record<string, unknown>>) {
        const line = JSON.stringify(toRow(r)) + '\n';
        if (typeof out === 'function') out(line);
        else out.write(line);
        n++;
      }
      return n;
    },
    hookGate(gate) {
      const denied: DenyListener = (subject, who, path, reason, ref) => {
        record('egress-deny', {
          actor: who.id,
          nation: who.nation,
          ref,
          rule: reason,
          path,
          detail: { clearance: who.clearance, classification: subject.label.classification },
        });
      };
      // The hub's gate, and (transitional, see gate.ts) the gate of the paths that do not use the hub's yet.
      const offs = [unownedGate.onDeny(denied)];
      if (gate) offs.push(gate.onDeny(denied));
      return () => offs.forEach((off) => off());
    },
    close() {
      clearInterval(timer);
      clearInterval(denyTimer);
      flush();
    },
  };
}

function toRow(r: Record<string, unknown>): AuditRow {
  const row: AuditRow = {
    id: r['id'] as number,
    at: new Date(r['at'] as number).toISOString(),
    kind: r['kind'] as AuditKind,
    count: r['count'] as number,
  };
  for (const k of ['actor', 'nation', 'ref', 'rule', 'path', 'remote'] as const) {
    if (r[k] != null) row[k] = r[k] as string;
  }
  if (r['detail'] != null) row.detail = JSON.parse(r['detail'] as string) as AuditRow['detail'];
  return row;
}
