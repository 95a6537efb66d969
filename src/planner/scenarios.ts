/**
 * Scenarios: named, saved edits to the programme registry ("LV buys CAESAR instead of Archer", "EE joins CV90
 * with 40"). A scenario never changes the registry; it is applied to a snapshot when compared, so the same
 * scenario follows every later import. Each edit changes, adds or removes one programme; every programme a
 * scenario touches carries the scenario as a source, so figures built on it say where they came from.
 */
import { z } from 'zod';
import { PlannerError } from './errors.js';
import { STATUSES } from './messy.js';
import { labelSchema, programmeSchema, STAGES, type Programme, type Registry } from './schema.js';

const ym = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM');
const progId = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:+-]*$/, 'letters, digits and . _ : + - only');

/** What a `change` edit may set on a programme: plain values, turned into the registry's figures. */
export const changesSchema = z
  .object({
    family: z.string().min(1).max(120),
    area: z.string().min(1).max(120),
    system: z.string().max(200),
    variant: z.string().max(200),
    supplierCountries: z.array(z.string().max(8)).max(10),
    prime: z.string().max(200),
    route: z.string().max(200),
    quantity: z.number().min(0).max(1e7),
    valueEurM: z.number().min(0).max(1e6),
    statuses: z.array(z.enum(STATUSES)).min(1).max(5),
    /** Planned stage months, e.g. `{ "contract": "2027-01", "firstDelivery": "2028-06" }`. */
    stages: z.partialRecord(z.enum(STAGES), ym),
  })
  .partial()
  .strict();
export type Changes = z.infer<typeof changesSchema>;

export const editSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('change'), programme: progId, set: changesSchema }).strict(),
  z
    .object({
      op: z.literal('add'),
      programme: z
        .object({
          id: progId.optional(),
          nation: z.string().min(1).max(8),
          area: z.string().min(1).max(120),
          family: z.string().min(1).max(120),
        })
        .and(changesSchema.omit({ family: true, area: true })),
    })
    .strict(),
  z.object({ op: z.literal('remove'), programme: progId }).strict(),
]);
export type Edit = z.infer<typeof editSchema>;

export const scenarioInputSchema = z.object({
  name: z.string().trim().min(1).max(120),
  description: z.string().max(2000).default(''),
  edits: z.array(editSchema).max(200).default([]),
  label: labelSchema.optional(),
});
export type ScenarioInput = z.input<typeof scenarioInputSchema>;

export interface Scenario extends z.infer<typeof scenarioInputSchema> {
  id: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** The result of applying a scenario to a snapshot. */
export interface Applied {
  registry: Registry;
  /** One line per edit, in order: what it did. */
  applied: string[];
  /** Edits that could not apply (an unknown or unseen programme, an invalid result). */
  problems: string[];
}

/** Parse scenario input (REST body, CLI file); the first problem becomes BW_PLAN_BAD_INPUT. */
export function parseScenario(raw: unknown): z.infer<typeof scenarioInputSchema> {
  const r = scenarioInputSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new PlannerError('BW_PLAN_BAD_INPUT', `scenario: ${i.path.join('.') || '(value)'}: ${i.message}`);
  }
  return r.data;
}

/** A programme with the changes laid over it; figures keep their unit, stage months become planned dates. */
function changed(p: Programme, set: Changes, source: string): unknown {
  const { quantity, valueEurM, stages, ...plain } = set;
  const fig = (value: number, unit?: string) => ({
    value,
    kind: 'exact' as const,
    ...(unit ? { unit } : {}),
    note: source,
  });
  const out: Record<string, unknown> = { ...p, ...plain };
  if (quantity !== undefined) {
    out.quantity = fig(quantity, p.quantity?.unit);
    out.quantities = [out.quantity];
  }
  if (valueEurM !== undefined) out.valueEurM = fig(valueEurM);
  if (stages) {
    const st: Record<string, unknown> = { ...p.stages };
    for (const [k, at] of Object.entries(stages)) st[k] = { at, text: source, approx: false, planned: true };
    out.stages = st;
  }
  out.sources = [...p.sources.filter((s) => s !== source), source].slice(-30);
  out.notes = [...p.notes, `${source}: ${Object.keys(set).join(', ')} changed`].slice(-30);
  return out;
}

function validProgramme(doc: unknown, what: string): Programme {
  const r = programmeSchema.safeParse(doc);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`${what}: ${i.path.join('.') || '(record)'}: ${i.message}`);
  }
  return r.data;
}

/** Apply one edit to the programme list in place; returns what it did. */
function applyEdit(ps: Programme[], e: Edit, n: number, scenario: { id: string; name: string }): string {
  const source = `scenario: ${scenario.name}`;
  if (e.op === 'add') {
    const { id, quantity, ...rest } = e.programme;
    const pid = id ?? `scenario.${scenario.id}:${n + 1}`;
    if (ps.some((p) => p.id === pid)) throw new Error(`a programme "${pid}" already exists`);
    const base = validProgramme(
      { statuses: ['planned'], confidence: 'C', ...rest, id: pid, sources: [] },
      `edit ${n + 1}`,
    );
    const p = validProgramme(changed(base, quantity !== undefined ? { quantity } : {}, source), pid);
    ps.push(p);
    return `added ${pid} (${p.nation} ${p.system || p.family}${quantity !== undefined ? ` × ${quantity}` : ''})`;
  }
  const i = ps.findIndex((p) => p.id === e.programme);
  // Absent and unseen look the same: a scenario does not reveal what its reader may not see.
  if (i < 0) throw new Error(`no programme "${e.programme}"`);
  const old = ps[i]!;
  if (e.op === 'remove') {
    ps.splice(i, 1);
    return `removed ${old.id}`;
  }
  ps[i] = validProgramme(changed(old, e.set, source), old.id);
  return `changed ${old.id}: ${Object.entries(e.set)
    .map(([k, v]) => `${k} = ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ')}`;
}

/** Apply a scenario's edits, in order, to a registry snapshot (the caller's own view). */
export function applyScenario(reg: Registry, s: Pick<Scenario, 'id' | 'name' | 'edits'>): Applied {
  const ps = [...reg.programmes];
  const applied: string[] = [];
  const problems: string[] = [];
  s.edits.forEach((e, n) => {
    try {
      applied.push(applyEdit(ps, e, n, s));
    } catch (err) {
      problems.push(
        `edit ${n + 1} (${e.op} ${typeof e.programme === 'string' ? e.programme : 'programme'}): ${(err as Error).message}`,
      );
    }
  });
  return { registry: { ...reg, programmes: ps }, applied, problems };
}
