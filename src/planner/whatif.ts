/**
 * What-if runs of the scheduler, side by side: add a line, ramp up faster, run lines faster, or buy as national
 * versus pooled orders. Each scenario is the base input with one documented change; the comparison table holds
 * the figures a planner compares (weighted lateness, late orders, completion per nation, bottlenecks).
 */
import { z } from 'zod';
import { PlannerError } from './errors.js';
import { formatMonth, parseMonth } from './month.js';
import { lineSchema } from './schema.js';
import { schedule, parseScheduleInput, type ScheduleInput, type ScheduleResult } from './scheduler.js';

export const whatIfSchema = z.object({
  name: z.string().min(1).max(120),
  /** Extra production lines. */
  addLines: z.array(lineSchema).max(50).default([]),
  /** Multiply every line's ramp-up duration (0.5 = twice as fast). */
  rampFactor: z.number().min(0).max(10).optional(),
  /** Multiply every line's rate. */
  rateFactor: z.number().min(0).max(10).optional(),
  /** Buy every order nationally, or pool every family's orders into one configuration. */
  mode: z.enum(['national', 'pooled']).optional(),
  /** Every order's first possible month this many months later (supply-chain slip). */
  slipMonths: z.number().int().min(0).max(120).optional(),
  /** Why the scenario exists, in words (shown beside it). */
  note: z.string().max(400).optional(),
});
/** A default scenario with a replacement to run when it changes nothing on this input. */
type DefaultWhatIf = WhatIf & { fallback?: WhatIf };
export type WhatIf = z.input<typeof whatIfSchema>;

export interface ScenarioSummary {
  name: string;
  note?: string;
  /** True when no figure differs from the base case: the scenario changed nothing that matters here. */
  sameAsBase?: boolean;
  status: ScheduleResult['status'];
  explanation: string[];
  weightedLateness: number | null;
  lateOrders: number;
  shortOrders: number;
  completionByNation: Record<string, string | null>;
  bottlenecks: { line: string; shadowPrice: number }[];
  utilisation: Record<string, number>;
}

/** Apply one what-if to a base input. */
export function applyWhatIf(base: ScheduleInput, w: WhatIf): ScheduleInput {
  const parsed = whatIfSchema.safeParse(w);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new PlannerError('BW_PLAN_BAD_INPUT', `what-if: ${i.path.join('.') || '(value)'}: ${i.message}`);
  }
  const s = parsed.data;
  const lines = [...base.lines, ...s.addLines].map((l) => ({
    ...l,
    rampMonths: s.rampFactor !== undefined ? Math.round((l.rampMonths ?? 0) * s.rampFactor) : l.rampMonths,
    steps:
      s.rateFactor !== undefined
        ? l.steps.map((x) => ({ ...x, perMonth: x.perMonth * s.rateFactor! }))
        : l.steps,
  }));
  const startM = parseMonth(base.start)!;
  const orders = base.orders.map((o) => {
    const m =
      s.mode === 'national'
        ? { ...o, mode: 'national' as const, pool: undefined }
        : s.mode === 'pooled'
          ? { ...o, mode: 'pooled' as const, pool: o.pool ?? o.family }
          : o;
    if (!s.slipMonths) return m;
    const e = Math.max(startM, o.earliest ? parseMonth(o.earliest)! : startM) + s.slipMonths;
    return { ...m, earliest: formatMonth(e) };
  });
  return { ...base, lines, orders };
}

/** What the default scenarios may draw on beyond the schedule itself. */
export interface WhatIfContext {
  /** Extra months of slip the pipeline's own history suggests (P75 − median of new-build lead times). */
  slipMonths?: number;
  slipBasis?: string;
}

/**
 * Default scenarios, each chosen to change something on this input: faster ramp-up only when a line is still
 * ramping in the horizon (else lines 25 % faster), the other buying mode than the base, slip as the pipeline's
 * history suggests, and a second line for the top bottleneck.
 */
export function defaultWhatIfs(
  base: ScheduleInput,
  baseResult: ScheduleResult,
  ctx: WhatIfContext = {},
): DefaultWhatIf[] {
  const start = parseMonth(base.start)!;
  const ramping = base.lines.some((l) =>
    l.steps.some((st) => {
      const from = parseMonth(st.from)!;
      return from + (l.rampMonths ?? 0) > start && from < start + base.months;
    }),
  );
  const faster: WhatIf = {
    name: 'lines 25 % faster',
    rateFactor: 1.25,
    note: 'every line makes 25 % more a month (faster ramp-up would change nothing here)',
  };
  const out: DefaultWhatIf[] = [
    ramping
      ? {
          name: 'ramp-up twice as fast',
          rampFactor: 0.5,
          note: 'a line is still ramping up in the horizon',
          fallback: faster,
        }
      : faster,
  ];
  const modes = new Set(base.orders.map((o) => o.mode ?? 'national'));
  if (modes.has('national'))
    out.push({
      name: 'all orders pooled by family',
      mode: 'pooled',
      note: 'one production configuration per family',
    });
  if (modes.has('pooled'))
    out.push({ name: 'all orders national', mode: 'national', note: 'one configuration per order' });
  if (ctx.slipMonths && ctx.slipMonths > 0)
    out.push({
      name: `slip ${ctx.slipMonths} months (history)`,
      slipMonths: ctx.slipMonths,
      ...(ctx.slipBasis ? { note: ctx.slipBasis } : {}),
    });
  const top = baseResult.bottlenecks[0];
  const line = top && base.lines.find((l) => l.id === top.line);
  if (line)
    out.push({
      name: `second ${line.id} line`,
      note: `the top bottleneck (shadow price ${top.shadowPrice.toFixed(1)})`,
      addLines: [
        { ...line, id: `${line.id}-2`, steps: line.steps, rampMonths: line.rampMonths ?? 0 } as z.input<
          typeof lineSchema
        >,
      ],
    });
  return out;
}

/** Summarise a result for the comparison table. */
export function summarise(name: string, r: ScheduleResult): ScenarioSummary {
  const completion: Record<string, string | null> = {};
  for (const o of r.orders) {
    const prev = completion[o.nation];
    completion[o.nation] =
      o.completion === null || prev === null
        ? null
        : prev === undefined || o.completion > prev
          ? o.completion
          : prev;
  }
  return {
    name,
    status: r.status,
    explanation: r.explanation,
    weightedLateness: r.status === 'optimal' ? r.objective : null,
    lateOrders: r.orders.filter((o) => o.monthsLate > 0).length,
    shortOrders: r.orders.filter((o) => o.shortfall > 0).length,
    completionByNation: completion,
    bottlenecks: r.bottlenecks.slice(0, 3),
    utilisation: Object.fromEntries(r.lines.map((l) => [l.id, Math.round(l.utilisation * 1000) / 1000])),
  };
}

/** Run the base and each what-if; results in the same order, base first. */
export async function compareWhatIfs(
  base: ScheduleInput,
  whatIfs?: WhatIf[],
  ctx: WhatIfContext = {},
): Promise<{ summaries: ScenarioSummary[]; results: ScheduleResult[] }> {
  parseScheduleInput(base);
  const baseResult = await schedule(base);
  const key = (x: ScenarioSummary) => JSON.stringify([x.status, x.weightedLateness, x.completionByNation]);
  const baseKey = key(summarise('base', baseResult));
  const list: WhatIf[] = [];
  const results = [baseResult];
  for (const w of whatIfs ?? defaultWhatIfs(base, baseResult, ctx)) {
    const { fallback, ...first } = w as DefaultWhatIf;
    let r = await schedule(applyWhatIf(base, first));
    let used: WhatIf = first;
    // A default scenario that changes nothing on this input is replaced by one that does.
    if (fallback && key(summarise(first.name, r)) === baseKey) {
      r = await schedule(applyWhatIf(base, fallback));
      used = fallback;
    }
    list.push(used);
    results.push(r);
  }
  const names = ['base', ...list.map((w) => w.name)];
  const summaries = results.map((r, i) => summarise(names[i]!, r));
  summaries.forEach((x, i) => {
    if (i === 0) return;
    const note = list[i - 1]!.note;
    if (note) x.note = note;
    x.sameAsBase = key(x) === baseKey;
  });
  return { summaries, results };
}
