/**
 * The analyses a scenario comparison measures, one comparator each: mosaic, opportunities, pipeline, schedule,
 * ammunition, uncertainty and money. Each returns plain, keyed figures with their sources; compare.ts lines them up.
 * Another analysis joins the comparison as one more entry of COMPARATORS.
 */
import { computeAmmunition } from './ammunition.js';
import type { Comparator, Metric } from './compare.js';
import { affordability } from './money/affordability.js';
import { computeMosaic } from './mosaic.js';
import { monteCarlo } from './montecarlo.js';
import { findOpportunities } from './opportunities.js';
import { ordersFromRegistry } from './orders.js';
import { computePipeline } from './pipeline.js';
import { schedule } from './scheduler.js';
import type { Registry } from './schema.js';
import { summarise } from './whatif.js';

const r2 = (x: number | null | undefined) =>
  x === null || x === undefined ? null : Math.round(x * 100) / 100;

/** The sources of the programmes with these ids (their source_keys and any scenario that touched them). */
export function sourcesOf(reg: Registry, ids: Iterable<string>): string[] {
  const want = new Set(ids);
  return [...new Set(reg.programmes.filter((p) => want.has(p.id)).flatMap((p) => p.sources))].sort();
}

export const mosaicComparator: Comparator = {
  id: 'mosaic',
  title: 'Fragmentation (mosaic)',
  measure(reg, ctx) {
    const m = computeMosaic(reg, { includePlanned: true, ...(ctx.asOf ? { asOf: ctx.asOf } : {}) });
    return m.areas.flatMap((a): Metric[] => [
      {
        key: `${a.area}:families`,
        label: `${a.name}: families`,
        value: a.familyCount,
        better: 'lower',
        sources: a.sources,
      },
      {
        key: `${a.area}:types`,
        label: `${a.name}: effective types`,
        value: a.effectiveTypes ? r2(a.effectiveTypes.value) : a.unknownQuantity.length ? 'n/a' : null,
        better: 'lower',
        sources: a.sources,
      },
    ]);
  },
};

export const opportunitiesComparator: Comparator = {
  id: 'opportunities',
  title: 'Joint-procurement opportunities',
  measure(reg, ctx) {
    const o = findOpportunities(reg, ctx.asOf ? { asOf: ctx.asOf } : {});
    const saving = o.opportunities.reduce((a, x) => a + (x.proposal.savings?.saving ?? 0), 0);
    const ids = o.opportunities.flatMap((x) => x.programmes.map((p) => p.id));
    return [
      {
        key: 'count',
        label: 'ranked opportunities',
        value: o.opportunities.length,
        sources: sourcesOf(reg, ids),
      },
      {
        key: 'saving',
        label: 'pooling saving, all opportunities',
        value: r2(saving),
        unit: '€m',
        better: 'higher',
        sources: sourcesOf(reg, ids),
      },
      ...o.opportunities.slice(0, 5).map((x, i) => ({
        key: `rank${i + 1}`,
        label: `#${i + 1}`,
        value: `${x.areaName}: ${x.proposal.name} for ${x.proposal.nations.join(' + ')} (${r2(x.proposal.score)})`,
        sources: sourcesOf(
          reg,
          x.programmes.map((p) => p.id),
        ),
      })),
    ];
  },
};

export const pipelineComparator: Comparator = {
  id: 'pipeline',
  title: 'Pipeline',
  measure(reg, ctx) {
    const p = computePipeline(reg, ctx.asOf ? { asOf: ctx.asOf } : {});
    const a = p.approvedNotContracted;
    const open = p.programmes.filter((x) => x.current && x.current !== 'lastDelivery');
    return [
      {
        key: 'open',
        label: 'programmes before last delivery',
        value: open.length,
        sources: sourcesOf(
          reg,
          open.map((x) => x.id),
        ),
      },
      {
        key: 'stalled',
        label: 'stalled',
        value: p.stalled.length,
        better: 'lower',
        sources: sourcesOf(
          reg,
          p.stalled.map((x) => x.id),
        ),
      },
      {
        key: 'approved',
        label: 'approved, not contracted (known value)',
        value: r2(a.knownValueEurM),
        unit: '€m',
        sources: sourcesOf(reg, a.programmes),
      },
      {
        key: 'lead',
        label: 'new-build contract → first delivery (median)',
        value: p.leadTimes['new build']?.months ?? null,
        unit: 'months',
        better: 'lower',
        sources: sourcesOf(reg, p.leadTimes['new build']?.from ?? []),
      },
    ];
  },
};

export const scheduleComparator: Comparator = {
  id: 'schedule',
  title: 'Fielding schedule (HiGHS)',
  async measure(reg, ctx) {
    const built = ordersFromRegistry(reg, { months: ctx.months });
    if (built.input.orders.length === 0) return [{ key: 'status', label: 'status', value: 'no orders' }];
    const res = await schedule(built.input);
    const s = summarise('scenario', res);
    const src = sourcesOf(
      reg,
      built.input.orders.map((o) => o.id),
    );
    return [
      { key: 'status', label: 'status', value: s.status },
      { key: 'orders', label: 'orders scheduled', value: built.input.orders.length, sources: src },
      { key: 'late', label: 'late orders', value: s.lateOrders, better: 'lower', sources: src },
      {
        key: 'lateness',
        label: 'weighted lateness',
        value: r2(s.weightedLateness),
        unit: 'unit-months',
        better: 'lower',
        sources: src,
      },
      ...Object.entries(s.completionByNation).map(([n, m]) => ({
        key: `done:${n}`,
        label: `${n}: all orders complete`,
        value: m ?? 'not in horizon',
        better: 'lower' as const,
        sources: sourcesOf(
          reg,
          built.input.orders.filter((o) => o.nation === n).map((o) => o.id),
        ),
      })),
    ];
  },
};

export const ammunitionComparator: Comparator = {
  id: 'ammunition',
  title: 'Ammunition (days of fire, high intensity)',
  measure(reg, ctx) {
    const res = computeAmmunition(reg, ctx.munitions, {
      ...(ctx.asOf ? { asOf: ctx.asOf } : {}),
      months: ctx.months,
    });
    return res.munitions.flatMap((m) =>
      m.nations.flatMap((n): Metric[] => [
        {
          key: `${m.munition}:${n.nation}:weapons`,
          label: `${m.name}, ${n.nation}: weapons now`,
          value: n.weaponsNow,
          sources: n.sources,
        },
        {
          key: `${m.munition}:${n.nation}:days5`,
          label: `${m.name}, ${n.nation}: days of fire in 5 years`,
          value: r2(n.byYear[5]?.days ?? null),
          better: 'higher',
          sources: n.sources,
        },
        {
          key: `${m.munition}:${n.nation}:target`,
          label: `${m.name}, ${n.nation}: reaches ${m.targetDays} days`,
          value: n.reachesTarget ?? 'not in horizon',
          better: 'lower',
          sources: n.sources,
        },
      ]),
    );
  },
};

export const uncertaintyComparator: Comparator = {
  id: 'uncertainty',
  title: 'Uncertainty (Monte Carlo)',
  measure(reg, ctx) {
    if (ctx.draws <= 0) return [];
    const mc = monteCarlo(reg, { draws: ctx.draws, months: ctx.months }, ctx.munitions);
    const src = (n: string) =>
      [...new Set(mc.orders.filter((o) => o.nation === n).flatMap((o) => o.sources))].sort();
    const dates = Object.entries(mc.nations).flatMap(([n, p]): Metric[] =>
      (['p50', 'p90'] as const).map((q) => ({
        key: `${n}:${q}`,
        label: `${n}: all orders complete, ${q.toUpperCase()}`,
        value: p[q] ?? 'not in horizon',
        better: 'lower',
        sources: src(n),
      })),
    );
    const days = mc.daysOfFire.map((d): Metric => ({
      key: `${d.munition}:${d.nation}:days5`,
      label: `${d.name}, ${d.nation}: days of fire in 5 years, P50`,
      value: d.days5.p50,
      better: 'higher',
    }));
    return [...dates, ...days];
  },
};

export const moneyComparator: Comparator = {
  id: 'money',
  title: 'Money (affordability)',
  measure(reg, ctx) {
    if (!ctx.budgets?.length) return [];
    const a = affordability(reg, ctx.budgets, ctx.asOf ? { asOf: ctx.asOf } : {});
    const src = (n: string) =>
      sourcesOf(
        reg,
        a.lines.filter((l) => l.nation === n).map((l) => l.programme),
      );
    return a.nations.flatMap((n): Metric[] => [
      {
        key: `${n.nation}:due`,
        label: `${n.nation}: due ${a.years[0]}–${a.years.at(-1)}`,
        value: r2(n.totalDueEurM),
        unit: '€m',
        sources: src(n.nation),
      },
      {
        key: `${n.nation}:short`,
        label: `${n.nation}: shortfall ${a.years[0]}–${a.years.at(-1)}`,
        value: r2(n.totalShortEurM),
        unit: '€m',
        better: 'lower',
        sources: src(n.nation),
      },
      {
        key: `${n.nation}:firstShort`,
        label: `${n.nation}: first year short`,
        value: n.firstShortYear ?? 'none',
        sources: src(n.nation),
      },
    ]);
  },
};

/** Every analysis of a scenario comparison, in the order shown. */
export const COMPARATORS: readonly Comparator[] = [
  mosaicComparator,
  opportunitiesComparator,
  pipelineComparator,
  scheduleComparator,
  ammunitionComparator,
  uncertaintyComparator,
  moneyComparator,
];
