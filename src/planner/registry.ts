/**
 * The planner registry in the embedded store: one table per record kind (nations, areas, families, programmes,
 * lines, frameworks, suppliers), each row a validated JSON document with its confidentiality label. Analyses read a
 * snapshot filtered by a visibility predicate, so the egress gate decides what a caller's figures are computed from.
 */
import type { Store } from '../store/index.js';
import type { Label } from '../model/label.js';
import { PlannerError } from './errors.js';
import { naturalCompare } from './names.js';
import type { ImportReport } from './import.js';
import { slug } from './import.js';
import type { Reference } from './reference.js';
import { defaultLabel, KIND_NAMES, KINDS, type Kind, type KindRecord, type Registry } from './schema.js';

/** Migration steps of the planner module. Never edit a step once committed; append new ones. */
export const PLANNER_MIGRATIONS: readonly string[] = [
  KIND_NAMES.map(
    (k) =>
      `CREATE TABLE planner_${k} (id TEXT PRIMARY KEY, nation TEXT, doc TEXT NOT NULL, label TEXT NOT NULL, updated_at TEXT NOT NULL);`,
  ).join('\n') +
    '\nCREATE INDEX planner_programmes_nation ON planner_programmes(nation);' +
    '\nCREATE TABLE planner_imports (seq INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, at TEXT NOT NULL, report TEXT NOT NULL);',
];

interface Row {
  id: string;
  doc: string;
  label: string;
}

/** Typed access to the planner tables. */
export class PlannerRegistry {
  constructor(readonly store: Store) {
    store.migrate('planner', PLANNER_MIGRATIONS);
  }

  private table(kind: Kind): string {
    if (!(KIND_NAMES as string[]).includes(kind))
      throw new PlannerError('BW_PLAN_NOT_FOUND', `no record kind "${kind}"`);
    return `planner_${kind}`;
  }

  /** Every record of a kind, in id order, each with its label. */
  list<K extends Kind>(kind: K): KindRecord[K][] {
    const rows = this.store.db
      .prepare<[], Row>(`SELECT id, doc, label FROM ${this.table(kind)} ORDER BY id`)
      .all();
    // Ids as people count them: seed:2 before seed:10.
    return rows.map((r) => this.decode(kind, r)).sort((a, b) => naturalCompare(a.id, b.id));
  }

  get<K extends Kind>(kind: K, id: string): KindRecord[K] | undefined {
    const r = this.store.db
      .prepare<[string], Row>(`SELECT id, doc, label FROM ${this.table(kind)} WHERE id = ?`)
      .get(id);
    return r ? this.decode(kind, r) : undefined;
  }

  private decode<K extends Kind>(kind: K, r: Row): KindRecord[K] {
    const doc = JSON.parse(r.doc) as Record<string, unknown>;
    doc.label = JSON.parse(r.label) as Label;
    return doc as unknown as KindRecord[K];
  }

  /** Validate and insert or replace one record. Throws BW_PLAN_BAD_INPUT with the first schema problem. */
  put<K extends Kind>(kind: K, input: unknown): KindRecord[K] {
    const parsed = KINDS[kind].safeParse(input);
    if (!parsed.success) {
      const first = parsed.error.issues[0]!;
      throw new PlannerError(
        'BW_PLAN_BAD_INPUT',
        `${kind}: ${first.path.join('.') || '(record)'}: ${first.message}`,
      );
    }
    const rec = parsed.data as KindRecord[K] & { label?: Label; nation?: string };
    const label = rec.label ?? defaultLabel();
    const { label: _l, ...doc } = rec;
    this.store.db
      .prepare(
        `INSERT INTO ${this.table(kind)} (id, nation, doc, label, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET nation = excluded.nation, doc = excluded.doc, label = excluded.label, updated_at = excluded.updated_at`,
      )
      .run(
        rec.id,
        typeof rec.nation === 'string' ? rec.nation : null,
        JSON.stringify(doc),
        JSON.stringify(label),
        new Date().toISOString(),
      );
    return { ...rec, label } as KindRecord[K];
  }

  /** Delete one record; false when it did not exist. */
  delete(kind: Kind, id: string): boolean {
    return this.store.db.prepare(`DELETE FROM ${this.table(kind)} WHERE id = ?`).run(id).changes > 0;
  }

  /** Store an import: the programmes of `report.source` are replaced as one transaction, and the report kept. */
  saveImport(report: ImportReport): void {
    this.store.db.transaction(() => {
      this.store.db
        .prepare(`DELETE FROM planner_programmes WHERE id LIKE ? ESCAPE '\\'`)
        .run(`${escapeLike(report.source)}:%`);
      for (const p of report.programmes) this.put('programmes', p);
      this.store.db
        .prepare('INSERT INTO planner_imports (source, at, report) VALUES (?, ?, ?)')
        .run(
          report.source,
          new Date().toISOString(),
          JSON.stringify({ ...report, programmes: report.programmes.length }),
        );
    })();
  }

  /** The most recent import reports (without the programmes), newest first. */
  imports(limit = 20): { source: string; at: string; report: unknown }[] {
    return this.store.db
      .prepare<[number], { source: string; at: string; report: string }>(
        'SELECT source, at, report FROM planner_imports ORDER BY seq DESC LIMIT ?',
      )
      .all(Math.min(Math.max(1, limit), 200))
      .map((r) => ({ source: r.source, at: r.at, report: JSON.parse(r.report) as unknown }));
  }

  /** Load reference data (nations, areas, families, lines, frameworks; suppliers from the lines) in one transaction. */
  loadReference(ref: Reference, label?: Label): void {
    this.store.db.transaction(() => {
      const withLabel = <T extends object>(r: T) => ({
        ...r,
        label: (r as { label?: Label }).label ?? label ?? defaultLabel(),
      });
      for (const n of ref.nations) this.put('nations', withLabel(n));
      for (const a of ref.areas) this.put('areas', withLabel(a));
      for (const f of ref.families) this.put('families', withLabel(f));
      for (const l of ref.lines) {
        this.put('lines', withLabel(l));
        if (l.supplier)
          this.put(
            'suppliers',
            withLabel({
              id: slug(l.supplier),
              name: l.supplier,
              country: l.location.split(',').at(-1)?.trim() ?? '',
            }),
          );
      }
      for (const f of ref.frameworks) this.put('frameworks', withLabel(f));
    })();
  }

  /** A snapshot of everything `visible` admits (by label and record); the analyses' only input. */
  snapshot(visible: (label: Label, kind: Kind, id: string) => boolean = () => true): Registry {
    const pick = <K extends Kind>(k: K) =>
      this.list(k).filter((r) => visible((r as { label?: Label }).label ?? defaultLabel(), k, r.id));
    return {
      nations: pick('nations'),
      areas: pick('areas'),
      families: pick('families'),
      programmes: pick('programmes'),
      lines: pick('lines'),
      frameworks: pick('frameworks'),
      suppliers: pick('suppliers'),
    };
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
