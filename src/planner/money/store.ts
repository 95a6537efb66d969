/**
 * Where budget lines and capability targets live: two tables of the embedded store (module `planner-money`),
 * each row a validated JSON document with its confidentiality label, as the registry keeps its kinds. The seed
 * files (data/planner-budgets.yaml, data/planner-targets.yaml) fill them once, the first time they are opened,
 * so a planner who deletes the example targets does not get them back.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Label } from '../../model/label.js';
import type { Store } from '../../store/index.js';
import { PlannerError } from '../errors.js';
import { naturalCompare } from '../names.js';
import { seedDir } from '../reference.js';
import { defaultLabel } from '../schema.js';
import { loadBudgets, nationBudgetSchema, profileSchema, type NationBudget, type Profile } from './budget.js';
import { targetSchema, type Target } from '../targets/targets.js';

/** Migration steps of the planner-money module. Never edit a step once committed; append new ones. */
export const MONEY_MIGRATIONS: readonly string[] = [
  `CREATE TABLE planner_budgets (id TEXT PRIMARY KEY, doc TEXT NOT NULL, label TEXT NOT NULL, updated_at TEXT NOT NULL);
   CREATE TABLE planner_targets (id TEXT PRIMARY KEY, nation TEXT NOT NULL, doc TEXT NOT NULL, label TEXT NOT NULL, updated_at TEXT NOT NULL);
   CREATE TABLE planner_money_seeded (what TEXT PRIMARY KEY, at TEXT NOT NULL);
   CREATE TABLE planner_money_profile (id INTEGER PRIMARY KEY CHECK (id = 1), doc TEXT NOT NULL);`,
];

type Table = 'planner_budgets' | 'planner_targets';
const SCHEMAS = { planner_budgets: nationBudgetSchema, planner_targets: targetSchema } as const;

/** Load targets YAML text ({ targets: [...] }). */
export function parseTargets(text: string): Target[] {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new PlannerError('BW_PLAN_BAD_INPUT', `targets file is not YAML: ${(e as Error).message}`);
  }
  const r = z.object({ targets: z.array(targetSchema).max(1000).default([]) }).safeParse(raw ?? {});
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new PlannerError('BW_PLAN_BAD_INPUT', `targets file: ${i.path.join('.')}: ${i.message}`);
  }
  return r.data.targets;
}

/** Budget lines and targets in the store. */
export class MoneyStore {
  constructor(readonly store: Store) {
    store.migrate('planner-money', MONEY_MIGRATIONS);
  }

  /** Fill the tables from the seed files, once per store. */
  seedOnce(): void {
    const done = (what: string) =>
      this.store.db.prepare('SELECT 1 FROM planner_money_seeded WHERE what = ?').get(what) !== undefined;
    const mark = (what: string) =>
      this.store.db
        .prepare('INSERT INTO planner_money_seeded (what, at) VALUES (?, ?)')
        .run(what, new Date().toISOString());
    if (!done('budgets')) {
      const file = loadBudgets();
      this.store.db.transaction(() => {
        for (const b of file.nations) this.putBudget(b);
        this.setProfile(file.profile);
        mark('budgets');
      })();
    }
    if (!done('targets')) {
      const ts = parseTargets(readFileSync(join(seedDir(), 'planner-targets.yaml'), 'utf8'));
      this.store.db.transaction(() => {
        for (const t of ts) this.putTarget(t);
        mark('targets');
      })();
    }
  }

  private list<T>(table: Table): T[] {
    return this.store.db
      .prepare<[], { id: string; doc: string; label: string }>(`SELECT id, doc, label FROM ${table}`)
      .all()
      .map((r) => ({ ...(JSON.parse(r.doc) as object), label: JSON.parse(r.label) as Label }) as T)
      .sort((a, b) => naturalCompare((a as { id: string }).id, (b as { id: string }).id));
  }

  private put<T extends { id: string; label?: Label | undefined }>(table: Table, input: unknown): T {
    const parsed = SCHEMAS[table].safeParse(input);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new PlannerError('BW_PLAN_BAD_INPUT', `${i.path.join('.') || '(record)'}: ${i.message}`);
    }
    const rec = parsed.data as unknown as T & { nation?: string };
    const label = rec.label ?? defaultLabel();
    const { label: _l, ...doc } = rec;
    const now = new Date().toISOString();
    if (table === 'planner_targets')
      this.store.db
        .prepare(
          `INSERT INTO planner_targets (id, nation, doc, label, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET nation = excluded.nation, doc = excluded.doc, label = excluded.label, updated_at = excluded.updated_at`,
        )
        .run(rec.id, rec.nation ?? '', JSON.stringify(doc), JSON.stringify(label), now);
    else
      this.store.db
        .prepare(
          `INSERT INTO planner_budgets (id, doc, label, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, label = excluded.label, updated_at = excluded.updated_at`,
        )
        .run(rec.id, JSON.stringify(doc), JSON.stringify(label), now);
    return { ...rec, label };
  }

  budgets(): NationBudget[] {
    return this.list<NationBudget>('planner_budgets');
  }
  budget(id: string): NationBudget | undefined {
    return this.budgets().find((b) => b.id === id);
  }
  putBudget(input: unknown): NationBudget {
    return this.put<NationBudget>('planner_budgets', input);
  }
  deleteBudget(id: string): boolean {
    return this.store.db.prepare('DELETE FROM planner_budgets WHERE id = ?').run(id).changes > 0;
  }

  targets(): Target[] {
    return this.list<Target>('planner_targets');
  }
  target(id: string): Target | undefined {
    return this.targets().find((t) => t.id === id);
  }
  putTarget(input: unknown): Target {
    return this.put<Target>('planner_targets', input);
  }
  deleteTarget(id: string): boolean {
    return this.store.db.prepare('DELETE FROM planner_targets WHERE id = ?').run(id).changes > 0;
  }

  /** The payment profile in force (the seed's, or the default). */
  profile(): Profile {
    const r = this.store.db
      .prepare<[], { doc: string }>('SELECT doc FROM planner_money_profile WHERE id = 1')
      .get();
    return profileSchema.parse(r ? JSON.parse(r.doc) : {});
  }
  setProfile(p: Partial<Profile>): Profile {
    const parsed = profileSchema.parse(p);
    this.store.db
      .prepare(
        'INSERT INTO planner_money_profile (id, doc) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc',
      )
      .run(JSON.stringify(parsed));
    return parsed;
  }
}
