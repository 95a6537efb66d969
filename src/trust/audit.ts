/**
 * The append-only audit trail (table trust_audit; UPDATE and DELETE are refused by triggers). Records are buffered
 * and written in one transaction every `flushMs`; identical egress denials (same who, uid, rule, path) within one
 * window are coalesced into one row with a count, so a denial storm cannot flood the disk. The buffer is bounded:
 * beyond `bufferLimit` distinct records, new ones are dropped and counted (bw_audit_dropped_total).
 */
import type { Writable } from 'node:stream';
import { auditDropped, auditWritten } from './metrics.js';
import type { Store } from '../store/db.js';
import { onDeny } from '../hub/gate.js';
import type { AuditFields, AuditKind, AuditSink } from './audit-types.js';
import { migrateTrust } from './schema.js';

const dropped = auditDropped;
const written = auditWritten;

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
  /** Subscribe to the egress gate's denials; returns the unsubscribe function. */
  hookGate(): () => void;
  close(): void;
}

interface Pending {
  at: number;
  kind: AuditKind;
  f: AuditFields;
  count: number;
}

/** Open the audit trail over the shared store. */
export function createAudit(store: Store, opts: { bufferLimit?: number; flushMs?: number } = {}): Audit {
  migrateTrust(store);
  const limit = opts.bufferLimit ?? 10_000;
  const db = store.db;
  const insert = db.prepare(
    'INSERT INTO trust_audit (at, kind, actor, nation, ref, rule, path, remote, count, detail) VALUES (?,?,?,?,?,?,?,?,?,?)',
  );
  let pending = new Map<string, Pending>();
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
  const flush = () => {
    if (pending.size === 0 || !db.open) return;
    const rows = [...pending.values()];
    pending = new Map();
    writeAll(rows);
  };
  const timer = setInterval(flush, opts.flushMs ?? 250);
  timer.unref();

  const record = (kind: AuditKind, f: AuditFields) => {
    // Only egress denials coalesce; every other record is its own row.
    const key =
      kind === 'egress-deny'
        ? `${kind}\u0000${f.actor}\u0000${f.ref}\u0000${f.rule}\u0000${f.path}`
        : `#${seq++}`;
    const prev = pending.get(key);
    if (prev) {
      prev.count++;
      return;
    }
    if (pending.size >= limit) {
      dropped.inc();
      return;
    }
    pending.set(key, { at: Date.now(), kind, f, count: 1 });
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
    hookGate() {
      return onDeny((subject, who, path, reason, ref) => {
        record('egress-deny', {
          actor: who.id,
          nation: who.nation,
          ref,
          rule: reason,
          path,
          detail: { clearance: who.clearance, classification: subject.label.classification },
        });
      });
    },
    close() {
      clearInterval(timer);
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
