/**
 * What-if runs of the scheduler, side by side: add a line, ramp up faster, run lines faster, or buy as national
 * versus pooled orders. Each scenario is the base input with one documented change; the comparison table holds
 * the figures a planner compares (weighted lateness, late orders, completion per nation, bottlenecks).
 */
import { z } from 'zod';
import { PlannerError } from './errors.js';
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
});
export type WhatIf = z.input<typeof whatIfSchema>;

export interface ScenarioSummary {
  name: string;
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
  const orders = base.orders.map((o) =>
    s.mode === 'national'
      ? { ...o, mode: 'national' as const, pool: undefined }
      : s.mode === 'pooled'
        ? { ...o, mode: 'pooled' as const, pool: o.pool ?? o.family }
        : o,
  );
  return { ...base, lines, orders };
}

/** Sensible default scenarios: faster ramp-up, all national, all pooled, and a second line for the top bottleneck. */
export function defaultWhatIfs(base: ScheduleInput, baseResult: ScheduleResult): WhatIf[] {
  const out: WhatIf[] = [
    { name: 'ramp-up twice as fast', rampFactor: 0.5 },
    { name: 'all orders national', mode: 'national' },
    { name: 'all orders pooled by family', mode: 'pooled' },
  ];
  const top = baseResult.bottlenecks[0];
  const line = top && base.lines.find((l) => l.id === top.line);
  if (line)
    out.push({
      name: `second ${line.id} line`,
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
): Promise<{ summaries: ScenarioSummary[]; results: ScheduleResult[] }> {
  parseScheduleInput(base);
  const baseResult = await schedule(base);
  const list = whatIfs ?? defaultWhatIfs(base, baseResult);
  const results = [baseResult];
  for (const w of list) results.push(await schedule(applyWhatIf(base, w)));
  const names = ['base', ...list.map((w) => w.name)];
  return { summaries: results.map((r, i) => summarise(names[i]!, r)), results };
}
