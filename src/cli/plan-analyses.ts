/**
 * The analysis subcommands of `balticwall plan` that print more than a table: pipeline (medians and stalls),
 * schedule (what-ifs, defaults), ammo (days of fire) and montecarlo (P10/P50/P90 dates and days of fire). Each
 * figure row carries the sources (CSV source_keys) it rests on.
 */
import { computeAmmunition } from '../planner/ammunition.js';
import { sourcesOf } from '../planner/comparators.js';
import { PlannerError } from '../planner/errors.js';
import { monteCarlo } from '../planner/montecarlo.js';
import { ordersFromRegistry } from '../planner/orders.js';
import { computePipeline } from '../planner/pipeline.js';
import { loadReference } from '../planner/reference.js';
import { parseScheduleInput } from '../planner/scheduler.js';
import { render, pipelineRows, scenarioRows, scheduleRows, type Format } from '../planner/views.js';
import { compareWhatIfs, type WhatIf } from '../planner/whatif.js';
import { num, readJson, withRegistry, type Opts } from './plan-common.js';

export async function runPipeline(o: Opts, format: Format): Promise<string> {
  const res = withRegistry(o.dataDir, (r) =>
    computePipeline(r.snapshot(), {
      ...(typeof o.asOf === 'string' ? { asOf: o.asOf } : {}),
      ...(o.stallMonths !== undefined
        ? { stallMonths: num('stall-months', o.stallMonths as string, 0, 600)! }
        : {}),
    }),
  );
  if (format !== 'table') return render(pipelineRows(res), format, res);
  const m = res.medians;
  const med = (x: typeof m.budgetToContract) =>
    x
      ? `${x.months} months (n=${x.n}, spread ${x.min}-${x.max}, quartiles ${x.p25}-${x.p75}, ${x.yearOnlyPairs} year-only pairs, grade ${x.confidence})`
      : 'no data';
  const a = res.approvedNotContracted;
  const name = (id: string) => res.programmes.find((x) => x.id === id)?.name ?? id;
  const lead = Object.entries(res.leadTimes)
    .map(([k, v]) => `  ${k}: ${med(v)}`)
    .join('\n');
  return (
    `as of ${res.parameters.asOf}\n` +
    render(pipelineRows(res), 'table') +
    `\nmedian budget → contract: ${med(m.budgetToContract)}\nmedian requirement → contract: ${med(m.requirementToContract)}\n` +
    `contract → first delivery, by kind (all kinds together: ${med(m.contractToFirstDelivery)}):\n${lead}\n` +
    `stalled (> ${res.parameters.stallMonths} months before contract): ${res.stalled.map((s) => s.name).join(', ') || 'none'}\n` +
    `approved, not contracted: ${a.programmes.map(name).join(', ') || 'none'}; known value €${a.knownValueEurM}m; value unknown for ${a.unknownValue.length}\n`
  );
}

/** The schedule input from the registry, with its stated defaults and each order's sources. */
function fromRegistry(o: Opts) {
  const { built, sources } = withRegistry(o.dataDir, (r) => {
    const snap = r.snapshot();
    const b = ordersFromRegistry(snap, {
      ...(typeof o.start === 'string' ? { start: o.start } : {}),
      months: num('months', (o.months as string) ?? '72', 1, 600)!,
      ...(o.leadMonths !== undefined
        ? { defaultLeadMonths: num('lead-months', o.leadMonths as string, 0, 240)! }
        : {}),
    });
    return {
      built: b,
      sources: Object.fromEntries(b.input.orders.map((x) => [x.id, sourcesOf(snap, [x.id])])),
    };
  });
  if (built.input.orders.length === 0)
    throw new PlannerError('BW_PLAN_INFEASIBLE', 'no schedulable order in the registry (import first)');
  const notes = [
    'assumptions and defaults:',
    ...built.defaults.map((d) => `  ${d}`),
    ...built.input.orders.flatMap((x) => (x.basis ?? []).map((b) => `${x.name ?? x.id}: ${b}`)),
    ...built.assumptions.map((a) => `assumed: ${a}`),
    ...built.skipped.map((s) => `not scheduled: ${s.name} (${s.reason})`),
  ];
  const ctx = built.slip ? { slipMonths: built.slip.months, slipBasis: built.slip.basis } : {};
  return { input: parseScheduleInput(built.input), notes, ctx, sources };
}

export async function runSchedule(o: Opts, format: Format): Promise<string> {
  let input;
  let notes: string[] = [];
  let ctx = {};
  let sources: Record<string, string[]> = {};
  if (typeof o.input === 'string') input = parseScheduleInput(readJson(o.input));
  else ({ input, notes, ctx, sources } = fromRegistry(o));
  const whatIfs: WhatIf[] | undefined =
    o.whatIf === 'none'
      ? []
      : typeof o.whatIf === 'string' && o.whatIf !== 'default'
        ? (readJson(o.whatIf) as WhatIf[])
        : undefined;
  const run = await compareWhatIfs(input, whatIfs, ctx);
  if (format === 'json') return render([], 'json', { ...run, notes });
  const base = run.results[0]!;
  const out = [render(scheduleRows(base, sources), format)];
  if (format === 'table') {
    if (base.status === 'infeasible') out.unshift(`INFEASIBLE:\n  ${base.explanation.join('\n  ')}\n`);
    out.push(
      `\nbottleneck lines (shadow price): ${base.bottlenecks.map((b) => `${b.line} ${b.shadowPrice.toFixed(2)}`).join(', ') || 'none'}\n`,
    );
    out.push('\n' + render(scenarioRows(run.summaries), 'table'));
    if (notes.length) out.push('\n' + notes.join('\n') + '\n');
  }
  return out.join('');
}

export async function runAmmo(o: Opts, format: Format): Promise<string> {
  const ref = loadReference(typeof o.reference === 'string' ? o.reference : undefined);
  const res = withRegistry(o.dataDir, (r) =>
    computeAmmunition(r.snapshot(), ref.munitions, {
      ...(typeof o.asOf === 'string' ? { asOf: o.asOf } : {}),
      ...(typeof o.intensity === 'string' ? { intensity: o.intensity } : {}),
    }),
  );
  const rows = res.munitions.flatMap((m) =>
    m.nations.map((n) => ({
      munition: m.name,
      nation: n.nation,
      weapons: n.weaponsNow,
      need_per_day: n.dailyNeedNow,
      stockpile: n.stockpileEntered ? n.stockpile : 'not entered (0)',
      days_now: n.daysNow === null ? null : Math.round(n.daysNow * 10) / 10,
      [`reaches_${m.targetDays}_days`]: n.reachesTarget ?? 'not in horizon',
      days_in_5_years: n.byYear[5]?.days == null ? null : Math.round(n.byYear[5]!.days! * 10) / 10,
      sources: n.sources.join('; '),
    })),
  );
  if (format !== 'table') return render(rows, format, res);
  return (
    `as of ${res.asOf}, intensity ${res.intensity}\n` +
    render(rows, 'table') +
    `\nassumptions:\n${[...new Set(res.munitions.flatMap((m) => m.assumptions))].map((a) => `  ${a}`).join('\n')}\n`
  );
}

export async function runMonteCarlo(o: Opts, format: Format): Promise<string> {
  const ref = loadReference(typeof o.reference === 'string' ? o.reference : undefined);
  const res = withRegistry(o.dataDir, (r) =>
    monteCarlo(
      r.snapshot(),
      {
        draws: num('draws', (o.draws as string) ?? '2000', 1, 100_000)!,
        seed: num('seed', (o.seed as string) ?? '1', 0, 2 ** 31)!,
        months: num('months', (o.months as string) ?? '72', 1, 600)!,
        ...(typeof o.start === 'string' ? { start: o.start } : {}),
        ...(typeof o.intensity === 'string' ? { intensity: o.intensity } : {}),
      },
      ref.munitions,
    ),
  );
  if (res.orders.length === 0)
    throw new PlannerError('BW_PLAN_INFEASIBLE', 'no schedulable order in the registry (import first)');
  const rows = [
    ...res.orders.map((x) => ({
      order: x.name,
      nation: x.nation,
      wanted_by: x.wantedBy,
      p10: x.p10,
      p50: x.p50,
      p90: x.p90,
      late_share: Math.round(x.late * 1000) / 1000,
      sources: x.sources.join('; '),
    })),
    ...Object.entries(res.nations).map(([n, x]) => ({
      order: `${n} (all orders)`,
      nation: n,
      p10: x.p10,
      p50: x.p50,
      p90: x.p90,
    })),
  ];
  if (format !== 'table') return render(rows, format, res);
  const p = res.parameters;
  const days = res.daysOfFire.map((d) => ({
    munition: d.name,
    nation: d.nation,
    days_in_5_years_p10: d.days5.p10,
    p50: d.days5.p50,
    p90: d.days5.p90,
    [`reaches_${d.targetDays}_days_p10`]: d.reaches.p10 ?? 'not in horizon',
    reaches_p50: d.reaches.p50 ?? 'not in horizon',
    reaches_p90: d.reaches.p90 ?? 'not in horizon',
    reached_share: Math.round(d.reaches.share * 1000) / 1000,
  }));
  return (
    `${p.draws} draws (seed ${p.seed}) from ${p.start} over ${p.months} months, ${res.ms} ms; completion months:\n` +
    render(rows, 'table') +
    (days.length ? `\ndays of fire (P10/P50/P90):\n${render(days, 'table')}` : '') +
    `\nassumptions:\n${res.assumptions.map((a) => `  ${a}`).join('\n')}\n`
  );
}
