/**
 * Saved scenarios in the hub's embedded store (their own table and migration module, apart from the registry's):
 * list, get, create, update (rename, new edits), delete. Each scenario has a label like every planner record,
 * so the egress gate decides who sees it.
 */
import type { Store } from '../store/index.js';
import type { Label } from '../model/label.js';
import { PlannerError } from './errors.js';
import { slug } from './import.js';
import { naturalCompare } from './names.js';
import { parseScenario, type Scenario } from './scenarios.js';
import { defaultLabel } from './schema.js';

/** Migration steps of the scenarios table. Never edit a step once committed; append new ones. */
export const SCENARIO_MIGRATIONS: readonly string[] = [
  'CREATE TABLE planner_scenarios (id TEXT PRIMARY KEY, doc TEXT NOT NULL, label TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);',
];

interface Row {
  id: string;
  doc: string;
  label: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** Typed access to saved scenarios. */
export class ScenarioStore {
  constructor(readonly store: Store) {
    store.migrate('planner-scenarios', SCENARIO_MIGRATIONS);
  }

  private decode(r: Row): Scenario {
    const doc = JSON.parse(r.doc) as Omit<Scenario, 'id' | 'label'>;
    return {
      ...doc,
      id: r.id,
      label: JSON.parse(r.label) as Label,
      createdBy: r.created_by,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  /** Every scenario `visible` admits, by name. */
  list(visible: (label: Label, id: string) => boolean = () => true): Scenario[] {
    return this.store.db
      .prepare<[], Row>('SELECT * FROM planner_scenarios')
      .all()
      .map((r) => this.decode(r))
      .filter((s) => visible(s.label!, s.id))
      .sort((a, b) => naturalCompare(a.name, b.name));
  }

  get(id: string): Scenario | undefined {
    const r = this.store.db.prepare<[string], Row>('SELECT * FROM planner_scenarios WHERE id = ?').get(id);
    return r ? this.decode(r) : undefined;
  }

  /** A free id from the name: `lv-buys-caesar`, then `lv-buys-caesar-2`, … */
  private freshId(name: string): string {
    const base = slug(name).slice(0, 60) || 'scenario';
    let id = base;
    for (let n = 2; this.get(id); n++) id = `${base}-${n}`;
    return id;
  }

  /** Validate and save a new scenario. */
  create(input: unknown, createdBy: string): Scenario {
    const s = parseScenario(input);
    const id = this.freshId(s.name);
    const now = new Date().toISOString();
    const { label, ...doc } = s;
    this.store.db
      .prepare('INSERT INTO planner_scenarios VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, JSON.stringify(doc), JSON.stringify(label ?? defaultLabel()), createdBy, now, now);
    return this.get(id)!;
  }

  /** Replace a scenario's name, description, edits or label (the fields given); the id stays. */
  update(id: string, patch: Record<string, unknown>): Scenario {
    const old = this.get(id);
    if (!old) throw new PlannerError('BW_PLAN_NOT_FOUND', `no scenario "${id}"`);
    const s = parseScenario({
      name: old.name,
      description: old.description,
      edits: old.edits,
      label: old.label,
      ...patch,
    });
    const { label, ...doc } = s;
    this.store.db
      .prepare('UPDATE planner_scenarios SET doc = ?, label = ?, updated_at = ? WHERE id = ?')
      .run(JSON.stringify(doc), JSON.stringify(label ?? defaultLabel()), new Date().toISOString(), id);
    return this.get(id)!;
  }

  /** Delete; false when it did not exist. */
  delete(id: string): boolean {
    return this.store.db.prepare('DELETE FROM planner_scenarios WHERE id = ?').run(id).changes > 0;
  }
}
