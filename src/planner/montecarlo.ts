/**
 * Uncertainty in the fielding schedule: a Monte Carlo over what the sources leave open — quantity ranges
 * (`~102-120`, `~130`, `>200`), the assumed share of each line open to Baltic orders, and slip drawn from the
 * pipeline's own history of new-build lead times. Each draw allocates line output to orders with the
 * earliest-due-date rule: for unit-month lateness with equal priorities and unit jobs on identical monthly slots,
 * EDD among released orders is optimal (an exchange argument), so a draw costs microseconds instead of an LP
 * solve. Results are P10/P50/P90 completion months per order and nation, and the chance of being late.
 */
import { wholeUnitCapacities } from './capacity.js';
import { computePipeline } from './pipeline.js';
import { formatMonth, parseMonth, type Month } from './month.js';
import { ordersFromRegistry, type OrdersOptions } from './orders.js';
import type { Figure } from './messy.js';
import { drawQuantity, GRADE_SPREAD, rng } from './draws.js';
import { daysOfFireDraws, type DaysPercentiles } from './montecarlo-ammo.js';
import type { Munition } from './reference.js';
import type { Line, Registry } from './schema.js';

export { drawQuantity, rng } from './draws.js';

export interface MonteCarloOptions extends Partial<OrdersOptions> {
  draws?: number;
  /** Seed of the random stream: the same seed gives the same answer. */
  seed?: number;
  /** Intensity of the days-of-fire draws (default "high"). */
  intensity?: string;
}

export interface Percentiles {
  p10: string | null;
  p50: string | null;
  p90: string | null;
  /** Share of draws in which everything was delivered within the horizon. */
  complete: number;
}

export interface MonteCarloResult {
  parameters: { draws: number; seed: number; start: string; months: number };
  assumptions: string[];
  orders: (Percentiles & {
    id: string;
    name: string;
    nation: string;
    wantedBy: string;
    late: number;
    sources: string[];
  })[];
  nations: Record<string, Percentiles>;
  /** P10/P50/P90 days of fire per munition and nation (empty without munitions). */
  daysOfFire: DaysPercentiles[];
  ms: number;
}

interface Prepared {
  start: Month;
  H: number;
  orders: {
    id: string;
    name: string;
    nation: string;
    family: string;
    quantity: number;
    wantedBy: string;
    earliestM: Month;
    dueM: Month;
    figure: Figure | null;
    delivered: number;
    sources: string[];
  }[];
  lines: Line[];
  slips: number[];
  changeoverLoss: number;
}

function prepare(reg: Registry, opts: MonteCarloOptions): Prepared {
  const built = ordersFromRegistry(reg, { months: opts.months ?? 72, ...opts });
  const start = parseMonth(built.input.start)!;
  const nb = computePipeline(reg).leadTimes['new build'];
  const lead = nb ? nb.from.map((id) => reg.programmes.find((p) => p.id === id)!) : [];
  const slips = lead
    .map((p) => parseMonth(p.stages.firstDelivery!.at)! - parseMonth(p.stages.contract!.at)!)
    .map((m) => Math.max(0, m - (nb?.months ?? 0)));
  return {
    start,
    H: built.input.months,
    orders: built.input.orders.map((o) => {
      const p = reg.programmes.find((x) => x.id === o.id)!;
      return {
        id: o.id,
        name: o.name ?? o.id,
        nation: o.nation,
        family: o.family,
        quantity: o.quantity,
        wantedBy: o.wantedBy,
        earliestM: o.earliest ? parseMonth(o.earliest)! : start,
        dueM: parseMonth(o.wantedBy)!,
        figure: p.quantity,
        delivered: p.delivered?.value ?? 0,
        sources: p.sources,
      };
    }),
    lines: built.input.lines.map((l) => ({
      ...l,
      rampMonths: l.rampMonths ?? 0,
      share: l.share ?? 1,
    })) as Line[],
    slips: slips.length ? slips : [0],
    changeoverLoss: 0.02,
  };
}

/** One draw: completion month per order (undefined = not complete in the horizon). */
function drawOnce(P: Prepared, rand: () => number): (Month | undefined)[] {
  const caps = new Map<string, number[]>();
  const families = new Map<string, number>();
  for (const o of P.orders) families.set(o.family, (families.get(o.family) ?? 0) + 1);
  for (const l of P.lines) {
    const spread = GRADE_SPREAD[l.confidence];
    const share = Math.min(1, l.share * (1 - spread + 2 * spread * rand()));
    const loss = Math.max(0, 1 - P.changeoverLoss * ((families.get(l.family) ?? 1) - 1));
    const c = wholeUnitCapacities({ ...l, share: share * loss }, P.start, P.H);
    const prev = caps.get(l.family);
    caps.set(l.family, prev ? prev.map((x, i) => x + c[i]!) : c);
  }
  const remaining = P.orders.map((o) =>
    o.figure ? Math.max(0, Math.round(drawQuantity(o.figure, rand()) - o.delivered)) : o.quantity,
  );
  const earliest = P.orders.map(
    (o) => Math.max(P.start, o.earliestM + P.slips[Math.floor(rand() * P.slips.length)]!) - P.start,
  );
  const done: (Month | undefined)[] = P.orders.map((_o, i) => (remaining[i] === 0 ? P.start : undefined));
  // Earliest due date first, per family, month by month.
  const byFamily = new Map<string, number[]>();
  P.orders.forEach((o, i) => byFamily.set(o.family, [...(byFamily.get(o.family) ?? []), i]));
  for (const [fam, idx] of byFamily) {
    const cap = caps.get(fam) ?? [];
    const queue = [...idx].sort((a, b) => P.orders[a]!.dueM - P.orders[b]!.dueM || a - b);
    for (let t = 0; t < P.H; t++) {
      let free = cap[t] ?? 0;
      for (const i of queue) {
        if (free <= 0) break;
        if (remaining[i]! <= 0 || earliest[i]! > t) continue;
        const take = Math.min(free, remaining[i]!);
        remaining[i]! -= take;
        free -= take;
        if (remaining[i] === 0) done[i] = P.start + t;
      }
    }
  }
  return done;
}

function percentiles(xs: (Month | undefined)[]): Percentiles {
  const n = xs.length;
  const sorted = xs.map((x) => x ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
  const at = (q: number) => {
    const v = sorted[Math.min(n - 1, Math.floor(q * n))]!;
    return Number.isFinite(v) ? formatMonth(v) : null;
  };
  return { p10: at(0.1), p50: at(0.5), p90: at(0.9), complete: xs.filter((x) => x !== undefined).length / n };
}

/**
 * Run the Monte Carlo over the schedule the registry gives and, with munitions, over days of fire (its own
 * stream from seed + 1, so adding munitions does not move the fielding dates).
 */
export function monteCarlo(
  reg: Registry,
  opts: MonteCarloOptions = {},
  munitions: Munition[] = [],
): MonteCarloResult {
  const t0 = performance.now();
  const draws = Math.max(1, Math.min(100_000, Math.round(opts.draws ?? 2000)));
  const seed = opts.seed ?? 1;
  const P = prepare(reg, opts);
  const rand = rng(seed);
  const perOrder: (Month | undefined)[][] = P.orders.map(() => []);
  const nations = [...new Set(P.orders.map((o) => o.nation))].sort();
  const perNation: Record<string, (Month | undefined)[]> = Object.fromEntries(nations.map((n) => [n, []]));
  for (let d = 0; d < draws; d++) {
    const done = drawOnce(P, rand);
    done.forEach((m, i) => perOrder[i]!.push(m));
    for (const n of nations) {
      const ms = done.filter((_m, i) => P.orders[i]!.nation === n);
      perNation[n]!.push(ms.some((m) => m === undefined) ? undefined : Math.max(...(ms as Month[])));
    }
  }
  const daysOfFire = munitions.length
    ? daysOfFireDraws(reg, munitions, {
        draws,
        rand: rng(seed + 1),
        months: P.H,
        ...(opts.intensity ? { intensity: opts.intensity } : {}),
      })
    : [];
  return {
    parameters: { draws, seed, start: formatMonth(P.start), months: P.H },
    daysOfFire,
    assumptions: [
      'quantities: a range is uniform between its ends; "~" ±10 %; a lower bound ">"/"+" 0-20 % above it; "?" ±20 %',
      'line shares (assumptions): uniform ±10 % (grade A), ±25 % (B), ±50 % (C) around the stated share',
      `slip: each order's first month moves by a lead time drawn from the ${P.slips.length} new-build programmes' contract → first delivery less their median (never earlier)`,
      'allocation per draw: earliest due date first among orders that may start (optimal for equal priorities)',
      ...(munitions.length
        ? [
            "days of fire: fleet quantities drawn as above; rounds per weapon per day and the production share open to these nations drawn ±10/25/50 % by the munition's grade",
          ]
        : []),
    ],
    orders: P.orders.map((o, i) => {
      const pc = percentiles(perOrder[i]!);
      const late = perOrder[i]!.filter((m) => m === undefined || m > o.dueM).length / draws;
      return {
        id: o.id,
        name: o.name,
        nation: o.nation,
        wantedBy: o.wantedBy,
        late,
        ...pc,
        sources: o.sources,
      };
    }),
    nations: Object.fromEntries(nations.map((n) => [n, percentiles(perNation[n]!)])),
    ms: Math.round(performance.now() - t0),
  };
}
