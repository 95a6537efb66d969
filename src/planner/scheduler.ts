/**
 * The capacity and fielding scheduler. Monthly output of production lines is allocated to orders by a linear
 * programme solved with HiGHS:
 *
 *   minimise   Σ_{o,l,t} (w_o · max(0, t − due_o) + ε·t) · x_{o,l,t}  +  Σ_o P · w'_o · s_o
 *   subject to Σ_{l,t} x_{o,l,t} + s_o = q_o          for each order o       (demand)
 *              Σ_o x_{o,l,t} ≤ c_{l,t}                for each line l, month t (capacity)
 *              x ≥ 0; s_o = 0 unless shortfall is allowed
 *
 * where x_{o,l,t} exists only for lines of the order's family and months from the order's earliest month, c is
 * whole units per month (capacity.ts), w_o the priority, and the objective is weighted lateness in unit-months.
 * With integral c and q this is a transportation problem, whose basic optimal solutions are integral, so the LP
 * gives whole units without branch and bound. Capacity-row duals price one more unit of a line in a month: their
 * sum over the horizon ranks bottleneck lines. docs/planner.md "Scheduler" has the full model.
 */
import { z } from 'zod';
import { wholeUnitCapacities } from './capacity.js';
import { PlannerError } from './errors.js';
import { explainInfeasibility } from './feasibility.js';
import { formatMonth, parseMonth, type Month } from './month.js';
import { GRADES, worstGrade, type Grade } from './grade.js';
import { lineSchema, type Line } from './schema.js';
import { solveLp } from './solver.js';

/** Largest model the scheduler builds (the benchmark has 15 thousand variables). */
export const MAX_VARIABLES = 1_000_000;

const ym = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM');

export const orderSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(120)
    .regex(/^[A-Za-z0-9._:+-]+$/),
  nation: z.string().min(1).max(8),
  family: z.string().min(1).max(120),
  quantity: z.number().int().positive().max(1_000_000),
  wantedBy: ym,
  /** Weight of one unit-month of lateness. */
  priority: z.number().min(0).max(1000).default(1),
  mode: z.enum(['national', 'pooled']).default('national'),
  /** Orders with the same pool id are one production configuration. */
  pool: z.string().max(120).optional(),
  /** First month the order can take output (e.g. contract + lead time). */
  earliest: ym.optional(),
  /** Source grade of the order's quantity and dates, carried into the results. */
  confidence: z.enum(GRADES).optional(),
  /** The programme's name, for people (`LV HIMARS M142`). */
  name: z.string().max(200).optional(),
  /** Where wanted-by and earliest come from: a reported (contracted) date, or a stated default. */
  basis: z.array(z.string().max(300)).max(10).optional(),
});
export type ScheduleOrder = z.infer<typeof orderSchema>;

export const scheduleInputSchema = z.object({
  start: ym,
  months: z.number().int().min(1).max(600),
  lines: z.array(lineSchema).max(500),
  orders: z.array(orderSchema).min(1).max(5000),
  /** Capacity lost per extra production configuration a family's lines serve (0.02 = 2 %). */
  changeoverLoss: z.number().min(0).max(0.5).default(0.02),
  /** Let orders go short (penalised) instead of declaring the plan infeasible. */
  allowShortfall: z.boolean().default(false),
  timeLimitSeconds: z.number().positive().max(600).default(60),
});
export type ScheduleInput = z.input<typeof scheduleInputSchema>;
type Parsed = z.output<typeof scheduleInputSchema>;

export interface OrderResult {
  id: string;
  name?: string;
  basis?: string[];
  nation: string;
  family: string;
  quantity: number;
  wantedBy: string;
  delivered: number;
  shortfall: number;
  deliveries: { month: string; line: string; units: number }[];
  completion: string | null;
  monthsLate: number;
  unitMonthsLate: number;
  confidence?: Grade;
}

export interface LineResult {
  id: string;
  family: string;
  capacity: number;
  used: number;
  utilisation: number;
  /** Σ over months of |dual| of the capacity row: lateness saved by one more unit a month. */
  shadowPrice: number;
  /** Months whose capacity row has a non-zero dual, most valuable first (at most 6). */
  bindingMonths: string[];
  monthly: { month: string; capacity: number; used: number }[];
}

export interface ScheduleResult {
  /** optimal; infeasible (explained); stopped = the solver hit its time limit or another limit. */
  status: 'optimal' | 'infeasible' | 'stopped';
  explanation: string[];
  parameters: { start: string; months: number; changeoverLoss: number; allowShortfall: boolean };
  objective: number;
  orders: OrderResult[];
  lines: LineResult[];
  bottlenecks: { line: string; shadowPrice: number }[];
  /** Cumulative deliveries per nation, month by month from start. */
  fielding: { months: string[]; nations: Record<string, number[]> };
  /** Worst grade of the orders and lines that carry one (A when none does). */
  confidence: Grade;
  stats: { variables: number; constraints: number; solveMs: number };
}

/** Validate raw input (REST body, CLI file) into a schedule input; BW_PLAN_BAD_INPUT with the first problem. */
export function parseScheduleInput(raw: unknown): Parsed {
  const r = scheduleInputSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new PlannerError(
      'BW_PLAN_BAD_INPUT',
      `schedule input: ${i.path.join('.') || '(input)'}: ${i.message}`,
    );
  }
  const ids = new Set<string>();
  for (const o of r.data.orders) {
    if (ids.has(o.id))
      throw new PlannerError('BW_PLAN_BAD_INPUT', `schedule input: duplicate order id "${o.id}"`);
    ids.add(o.id);
  }
  return r.data;
}

/** Configurations per family: each national order is one, each pool one. */
function configurations(orders: ScheduleOrder[]): Map<string, number> {
  const keys = new Map<string, Set<string>>();
  for (const o of orders) {
    const k = o.mode === 'pooled' && o.pool ? `pool:${o.pool}` : `order:${o.id}`;
    keys.set(o.family, (keys.get(o.family) ?? new Set()).add(k));
  }
  return new Map([...keys].map(([f, s]) => [f, s.size]));
}

/** Build and solve the allocation; infeasible inputs come back with an explanation, not an exception. */
export async function schedule(raw: ScheduleInput | Parsed): Promise<ScheduleResult> {
  const input = parseScheduleInput(raw);
  const start = parseMonth(input.start)!;
  const H = input.months;
  const configs = configurations(input.orders);
  const lineCaps = new Map<string, number[]>();
  for (const l of input.lines) {
    const loss = Math.max(0, 1 - input.changeoverLoss * ((configs.get(l.family) ?? 1) - 1));
    lineCaps.set(l.id, wholeUnitCapacities({ ...l, share: l.share * loss }, start, H));
  }
  const linesOf = new Map<string, Line[]>();
  for (const l of input.lines) linesOf.set(l.family, [...(linesOf.get(l.family) ?? []), l]);
  const earliest = (o: ScheduleOrder): Month => Math.max(start, o.earliest ? parseMonth(o.earliest)! : start);
  const parameters = {
    start: input.start,
    months: H,
    changeoverLoss: input.changeoverLoss,
    allowShortfall: input.allowShortfall,
  };

  if (!input.allowShortfall) {
    const capByFamily = new Map<string, { lines: string[]; perMonth: number[] }>();
    for (const [f, ls] of linesOf) {
      const perMonth = new Array<number>(H).fill(0);
      for (const l of ls) lineCaps.get(l.id)!.forEach((c, i) => (perMonth[i]! += c));
      capByFamily.set(f, { lines: ls.map((l) => l.id), perMonth });
    }
    const why = explainInfeasibility(
      input.orders.map((o) => ({ id: o.id, family: o.family, quantity: o.quantity, earliest: earliest(o) })),
      capByFamily,
      start,
      H,
    );
    if (why.length) return infeasible(input, parameters, why);
  }

  // Bound the model before building it: the LP text grows with the variables (about 30 bytes each).
  const estimate = input.orders.reduce(
    (a, o) => a + (linesOf.get(o.family)?.length ?? 0) * Math.max(0, start + H - earliest(o)),
    0,
  );
  if (estimate > MAX_VARIABLES) {
    throw new PlannerError(
      'BW_PLAN_BAD_INPUT',
      `schedule input: the model would have ${estimate} variables (limit ${MAX_VARIABLES}); shorten the horizon or split the orders`,
    );
  }

  // Variables x{o}_{l}_{t} with o, l, t indices; rows d{o} then c{l}_{t} in this order (duals are by position).
  const obj: string[] = [];
  const demand: string[][] = input.orders.map(() => []);
  const capRows = new Map<string, string[]>();
  const eps = 1e-4 / H;
  input.lines.forEach((l) => lineCaps.get(l.id));
  const lineIndex = new Map(input.lines.map((l, i) => [l.id, i]));
  let variables = 0;
  input.orders.forEach((o, oi) => {
    const due = parseMonth(o.wantedBy)!;
    const e = earliest(o) - start;
    for (const l of linesOf.get(o.family) ?? []) {
      const li = lineIndex.get(l.id)!;
      const caps = lineCaps.get(l.id)!;
      for (let t = e; t < H; t++) {
        if (caps[t]! <= 0) continue;
        const name = `x${oi}_${li}_${t}`;
        const cost = o.priority * Math.max(0, start + t - due) + eps * t;
        obj.push(`${fmt(cost)} ${name}`);
        demand[oi]!.push(name);
        const key = `${li}_${t}`;
        const row = capRows.get(key);
        if (row) row.push(name);
        else capRows.set(key, [name]);
        variables++;
      }
    }
    if (input.allowShortfall) {
      obj.push(`${fmt(Math.max(1, o.priority) * (H + 24) * 10)} s${oi}`);
      demand[oi]!.push(`s${oi}`);
      variables++;
    }
  });
  const rows: string[] = [];
  input.orders.forEach((o, oi) => rows.push(`d${oi}: ${wrap(demand[oi]!.join(' + '))} = ${o.quantity}`));
  const capKeys = [...capRows.keys()];
  for (const k of capKeys) {
    const [li, t] = k.split('_').map(Number) as [number, number];
    rows.push(`c${k}: ${wrap(capRows.get(k)!.join(' + '))} <= ${lineCaps.get(input.lines[li]!.id)![t]}`);
  }
  const lp = `Minimize\n obj: ${wrap(obj.join(' + ') || '0 s_none')}\nSubject To\n ${rows.join('\n ')}\nEnd\n`;
  const t0 = performance.now();
  let sol;
  try {
    sol = await solveLp(lp, input.timeLimitSeconds);
  } catch (e) {
    if (e instanceof PlannerError) throw e;
    throw new PlannerError('BW_PLAN_SOLVER', `solver failed: ${(e as Error).message}`, { cause: e });
  }
  const solveMs = performance.now() - t0;
  if (sol.status !== 'Optimal') {
    return infeasible(input, parameters, [
      `the solver ended with status "${sol.status}" (the checks above found no cause).`,
    ]);
  }
  return buildResult(input, parameters, start, lineCaps, capKeys, sol, {
    variables,
    constraints: rows.length,
    solveMs,
  });
}

function buildResult(
  input: Parsed,
  parameters: ScheduleResult['parameters'],
  start: Month,
  lineCaps: Map<string, number[]>,
  capKeys: string[],
  sol: Awaited<ReturnType<typeof solveLp>>,
  stats: ScheduleResult['stats'],
): ScheduleResult {
  const H = input.months;
  const used = new Map(input.lines.map((l) => [l.id, new Array<number>(H).fill(0)]));
  const orders: OrderResult[] = input.orders.map((o, oi) => {
    const due = parseMonth(o.wantedBy)!;
    const deliveries: OrderResult['deliveries'] = [];
    let unitMonthsLate = 0;
    let last: Month | undefined;
    input.lines.forEach((l, li) => {
      if (l.family !== o.family) return;
      for (let t = 0; t < H; t++) {
        const v = Math.round(sol.primal.get(`x${oi}_${li}_${t}`) ?? 0);
        if (v <= 0) continue;
        deliveries.push({ month: formatMonth(start + t), line: l.id, units: v });
        used.get(l.id)![t]! += v;
        unitMonthsLate += v * Math.max(0, start + t - due);
        last = Math.max(last ?? -Infinity, start + t);
      }
    });
    deliveries.sort((a, b) => a.month.localeCompare(b.month) || a.line.localeCompare(b.line));
    const delivered = deliveries.reduce((a, d) => a + d.units, 0);
    const shortfall = o.quantity - delivered;
    return {
      id: o.id,
      ...(o.name ? { name: o.name } : {}),
      ...(o.basis ? { basis: o.basis } : {}),
      nation: o.nation,
      family: o.family,
      quantity: o.quantity,
      wantedBy: o.wantedBy,
      delivered,
      shortfall,
      deliveries,
      completion: shortfall === 0 && last !== undefined ? formatMonth(last) : null,
      monthsLate: shortfall === 0 && last !== undefined ? Math.max(0, last - due) : H,
      unitMonthsLate,
      ...(o.confidence ? { confidence: o.confidence } : {}),
    };
  });
  const dualOf = new Map<string, number>();
  capKeys.forEach((k, i) => dualOf.set(k, Math.abs(sol.duals[input.orders.length + i] ?? 0)));
  const lines: LineResult[] = input.lines.map((l, li) => {
    const caps = lineCaps.get(l.id)!;
    const u = used.get(l.id)!;
    const capacity = caps.reduce((a, b) => a + b, 0);
    const usedTotal = u.reduce((a, b) => a + b, 0);
    const duals = caps.map((_c, t) => ({ t, d: dualOf.get(`${li}_${t}`) ?? 0 }));
    return {
      id: l.id,
      family: l.family,
      capacity,
      used: usedTotal,
      utilisation: capacity > 0 ? usedTotal / capacity : 0,
      shadowPrice: round(duals.reduce((a, x) => a + x.d, 0)),
      bindingMonths: duals
        .filter((x) => x.d > 1e-3)
        .sort((a, b) => b.d - a.d)
        .slice(0, 6)
        .map((x) => formatMonth(start + x.t)),
      monthly: caps.map((c, t) => ({ month: formatMonth(start + t), capacity: c, used: u[t]! })),
    };
  });
  const nations: Record<string, number[]> = {};
  for (const o of orders) {
    const arr = (nations[o.nation] ??= new Array<number>(H).fill(0));
    for (const d of o.deliveries) arr[parseMonth(d.month)! - start]! += d.units;
  }
  for (const arr of Object.values(nations)) for (let t = 1; t < H; t++) arr[t]! += arr[t - 1]!;
  return {
    status: 'optimal',
    explanation: orders
      .filter((o) => o.shortfall > 0)
      .map((o) => `order ${o.id} is short by ${o.shortfall} units within the horizon.`),
    parameters,
    objective: orders.reduce(
      (a, o) => a + o.unitMonthsLate * (input.orders.find((x) => x.id === o.id)!.priority ?? 1),
      0,
    ),
    orders,
    lines,
    bottlenecks: lines
      .filter((l) => l.shadowPrice > 1e-3)
      .sort((a, b) => b.shadowPrice - a.shadowPrice)
      .map((l) => ({ line: l.id, shadowPrice: l.shadowPrice })),
    fielding: { months: Array.from({ length: H }, (_x, t) => formatMonth(start + t)), nations },
    confidence: gradeOf(input),
    stats: { ...stats, solveMs: Math.round(stats.solveMs) },
  };
}

function infeasible(
  input: Parsed,
  parameters: ScheduleResult['parameters'],
  explanation: string[],
): ScheduleResult {
  return {
    status: 'infeasible',
    explanation,
    parameters,
    objective: Number.NaN,
    orders: [],
    lines: [],
    bottlenecks: [],
    fielding: { months: [], nations: {} },
    confidence: gradeOf(input),
    stats: { variables: 0, constraints: input.orders.length, solveMs: 0 },
  };
}

function gradeOf(input: Parsed): Grade {
  return worstGrade([
    ...input.orders.flatMap((o) => (o.confidence ? [o.confidence] : [])),
    ...input.lines.map((l) => l.confidence),
  ]);
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(12);
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** LP format allows continuation lines; keep lines short for the reader. */
function wrap(s: string): string {
  const parts = s.split(' + ');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i += 40) out.push(parts.slice(i, i + 40).join(' + '));
  return out.join('\n  + ');
}
