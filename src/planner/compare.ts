/**
 * Side-by-side comparison of scenarios: the base registry and each scenario applied to it, measured by a list of
 * per-analysis comparators (comparators.ts). A comparator turns one registry into named figures; this file lines
 * the figures up by key, marks the rows where a scenario differs from the base, and keeps every figure's sources.
 * Adding an analysis to the comparison is adding one entry to the list.
 */
import type { NationBudget } from './money/budget.js';
import type { Munition } from './reference.js';
import { applyScenario, type Scenario } from './scenarios.js';
import type { Registry } from './schema.js';

/** One figure of one analysis on one registry. */
export interface Metric {
  key: string;
  label: string;
  value: number | string | null;
  unit?: string;
  /** Which way is better, when one is (drawn as a better/worse delta). */
  better?: 'higher' | 'lower';
  /** Where the figure comes from (the programmes' source_keys, reference entries, scenario names). */
  sources?: string[];
}

export interface CompareContext {
  asOf?: string;
  munitions: Munition[];
  /** Schedule horizon in months. */
  months: number;
  /** Monte Carlo draws per column (0 = leave uncertainty out). */
  draws: number;
  /** Budget lines the reader may see (none = leave money out). */
  budgets?: NationBudget[];
}

/** One analysis in the comparison. */
export interface Comparator {
  id: string;
  title: string;
  measure(reg: Registry, ctx: CompareContext): Metric[] | Promise<Metric[]>;
}

export interface ComparisonRow {
  key: string;
  label: string;
  unit?: string;
  better?: 'higher' | 'lower';
  /** One value per column, base first. */
  values: (number | string | null)[];
  /** Per scenario column (not the base): 'better' | 'worse' | 'changed' | null (same as base). */
  deltas: ('better' | 'worse' | 'changed' | null)[];
  sources: string[];
}

export interface Comparison {
  columns: { id: string; name: string; applied: string[]; problems: string[] }[];
  sections: { id: string; title: string; rows: ComparisonRow[]; changedRows: number }[];
}

const same = (a: unknown, b: unknown) =>
  typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) < 1e-9 : a === b;

function delta(base: Metric['value'], v: Metric['value'], better?: 'higher' | 'lower') {
  if (same(base, v)) return null;
  if (!better || typeof base !== 'number' || typeof v !== 'number') {
    // A month string: earlier is better where lower is.
    const month = (x: unknown): x is string => typeof x === 'string' && /^\d{4}-\d\d$/.test(x);
    if (better && month(base) && month(v)) return v < base === (better === 'lower') ? 'better' : 'worse';
    return 'changed';
  }
  return v > base === (better === 'higher') ? 'better' : 'worse';
}

/** Line up the metrics of each column by key (keys in order of first appearance). */
function lineUp(perColumn: Metric[][]): ComparisonRow[] {
  const order: string[] = [];
  const byKey = new Map<string, Metric[]>();
  perColumn.forEach((ms, c) => {
    for (const m of ms) {
      if (!byKey.has(m.key)) {
        byKey.set(m.key, []);
        order.push(m.key);
      }
      byKey.get(m.key)![c] = m;
    }
  });
  return order.map((key) => {
    const ms = byKey.get(key)!;
    const first = ms.find(Boolean)!;
    const values = perColumn.map((_x, c) => ms[c]?.value ?? null);
    return {
      key,
      label: first.label,
      ...(first.unit ? { unit: first.unit } : {}),
      ...(first.better ? { better: first.better } : {}),
      values,
      deltas: values.slice(1).map((v) => delta(values[0]!, v, first.better)),
      sources: [...new Set(ms.flatMap((m) => m?.sources ?? []))].sort(),
    };
  });
}

/** Compare the base registry with each scenario applied to it, across every comparator. */
export async function compareScenarios(
  base: Registry,
  scenarios: Pick<Scenario, 'id' | 'name' | 'edits'>[],
  comparators: readonly Comparator[],
  ctx: CompareContext,
): Promise<Comparison> {
  const applied = scenarios.map((s) => ({ s, a: applyScenario(base, s) }));
  const columns = [
    { id: 'base', name: 'Base (registry)', applied: [], problems: [], reg: base },
    ...applied.map(({ s, a }) => ({
      id: s.id,
      name: s.name,
      applied: a.applied,
      problems: a.problems,
      reg: a.registry,
    })),
  ];
  const sections: Comparison['sections'] = [];
  for (const c of comparators) {
    const perColumn: Metric[][] = [];
    for (const col of columns) perColumn.push(await c.measure(col.reg, ctx));
    const rows = lineUp(perColumn);
    // An analysis with nothing to measure (money without budget lines, uncertainty at 0 draws) is left out.
    if (rows.length === 0) continue;
    sections.push({
      id: c.id,
      title: c.title,
      rows,
      changedRows: rows.filter((r) => r.deltas.some((d) => d !== null)).length,
    });
  }
  return { columns: columns.map(({ reg: _r, ...c }) => c), sections };
}
