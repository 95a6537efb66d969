/**
 * Scheduler orders from the registry: every active programme with a readable quantity still to deliver, for a
 * family that has a production line. Programmes left out are listed with the reason. When the report gives no
 * planned last delivery, the wanted-by month is the decision month plus `defaultLeadMonths` — an explicit,
 * echoed assumption (procurement.md 4.2 suggests 17-42 months to first unit), never a silent one. No unit can be
 * handed over before the decision month plus `minLeadMonths`.
 */
import { decisionMonth } from './opportunities.js';
import { dataAsOf } from './asof.js';
import { computePipeline } from './pipeline.js';
import { formatMonth, parseMonth } from './month.js';
import { programmeName } from './names.js';
import { stageSpan } from './stages.js';
import type { Registry } from './schema.js';
import type { ScheduleInput, ScheduleOrder } from './scheduler.js';

export interface OrdersOptions {
  /** First month of the schedule; default the month after the data's own as-of date. */
  start?: string;
  months: number;
  defaultLeadMonths?: number;
  /** Months from decision to the first unit a line can hand over (default 7, the fastest Baltic case: EE CAESAR). */
  minLeadMonths?: number;
  mode?: 'national' | 'pooled';
}

export interface OrdersFromRegistry {
  input: ScheduleInput;
  skipped: { programme: string; name: string; reason: string }[];
  assumptions: string[];
  /** Every default the schedule rests on, stated (printed by the CLI, returned by the API, shown on the page). */
  defaults: string[];
  /** Slip the pipeline's own history suggests: P75 − median of new-build contract → first delivery. */
  slip: { months: number; basis: string } | null;
}

/** Slip from history: how much later than the median a programme at the 75th percentile gets its first unit. */
export function historicalSlip(reg: Registry): OrdersFromRegistry['slip'] {
  const nb = computePipeline(reg).leadTimes['new build'];
  if (!nb || nb.n < 4) return null;
  const months = Math.max(0, Math.round(nb.p75 - nb.months));
  return {
    months,
    basis: `new-build contract → first delivery: median ${nb.months}, 75th percentile ${nb.p75} months (n = ${nb.n}, grade ${nb.confidence})`,
  };
}

/** Build a schedule input (orders and lines) from a registry snapshot. */
export function ordersFromRegistry(reg: Registry, opts: OrdersOptions): OrdersFromRegistry {
  const lead = opts.defaultLeadMonths ?? 36;
  const minLead = opts.minLeadMonths ?? 7;
  const start = opts.start === undefined ? dataAsOf(reg) + 1 : parseMonth(opts.start);
  if (start === undefined) throw new RangeError(`start "${opts.start}" is not YYYY-MM`);
  const skipped: OrdersFromRegistry['skipped'] = [];
  const assumptions: string[] = [];
  const orders: ScheduleOrder[] = [];
  const families = new Set(reg.lines.map((l) => l.family));
  for (const p of reg.programmes) {
    const active = p.statuses.some(
      (s) => s === 'ordered' || s === 'delivering' || s === 'planned' || s === 'approved',
    );
    if (!active) continue;
    if (!p.quantity || p.quantity.kind === 'max') {
      skipped.push({ programme: p.id, name: programmeName(p), reason: 'no readable quantity' });
      continue;
    }
    if (!families.has(p.family)) {
      skipped.push({
        programme: p.id,
        name: programmeName(p),
        reason: `no production line recorded for family "${p.family}"`,
      });
      continue;
    }
    const remaining = Math.round(p.quantity.value - (p.delivered?.value ?? 0));
    if (remaining <= 0) {
      skipped.push({ programme: p.id, name: programmeName(p), reason: 'fully delivered' });
      continue;
    }
    const decided = decisionMonth(p) ?? start;
    const basis: string[] = [];
    // Reported delivery dates are the contract's: the first delivery is a constraint (no unit before its span
    // starts), the last delivery the target (the end of its span). Only what the report lacks is defaulted.
    const first = p.stages.firstDelivery ? stageSpan(p.stages.firstDelivery) : undefined;
    const last = p.stages.lastDelivery ? stageSpan(p.stages.lastDelivery) : undefined;
    let earliest = decided + minLead;
    if (first && first.from > earliest && first.from > start) {
      earliest = first.from;
      basis.push(
        `earliest ${formatMonth(earliest)}: reported first delivery "${p.stages.firstDelivery!.text}"`,
      );
    } else if (earliest > start) {
      basis.push(
        `earliest ${formatMonth(earliest)} = decision ${formatMonth(decided)} + ${minLead} months (default)`,
      );
    }
    let due: number;
    if (last && last.to >= start) {
      due = last.to;
      basis.push(`wanted-by ${formatMonth(due)}: reported last delivery "${p.stages.lastDelivery!.text}"`);
    } else {
      due = Math.max(start, decided + lead, first ? first.to : start);
      const why =
        first && first.to >= decided + lead
          ? `end of the reported first delivery "${p.stages.firstDelivery!.text}" (no last delivery reported)`
          : `decision ${formatMonth(decided)} + ${lead} months (default: no last delivery reported)`;
      basis.push(`wanted-by ${formatMonth(due)} = ${why}`);
      assumptions.push(`${programmeName(p)} (${p.id}): wanted-by ${formatMonth(due)} = ${why}`);
    }
    const order: ScheduleOrder = {
      id: p.id,
      name: programmeName(p),
      basis,
      nation: p.nation,
      family: p.family,
      quantity: remaining,
      wantedBy: formatMonth(due),
      priority: 1,
      mode: opts.mode ?? 'national',
      confidence: p.confidence,
    };
    if (opts.mode === 'pooled') order.pool = p.family;
    if (earliest > start) order.earliest = formatMonth(earliest);
    orders.push(order);
  }
  const used = new Set(orders.map((o) => o.family));
  const slip = historicalSlip(reg);
  const lines = reg.lines.filter((l) => used.has(l.family));
  const defaults = [
    `start ${formatMonth(start)}${opts.start ? '' : " (default: the month after the data's as-of date)"}`,
    `wanted-by when no delivery date is reported: decision + ${lead} months${opts.defaultLeadMonths === undefined ? ' (default)' : ''}`,
    `no unit before decision + ${minLead} months${opts.minLeadMonths === undefined ? ' (default: the fastest Baltic case, EE CAESAR)' : ''}`,
    'a reported first delivery is the earliest month; a reported last delivery (end of its span) the wanted-by month',
    'changeover loss 2 % of a line per extra production configuration (default)',
    ...lines.map(
      (l) =>
        `line ${l.id}: ${(l.share * 100).toFixed(0)} % of output open to these orders (assumption, grade ${l.confidence})`,
    ),
    slip
      ? `slip from history: ${slip.months} months (${slip.basis}); the base case assumes none, the what-if and Monte Carlo use it`
      : 'slip from history: not enough new-build programmes to estimate',
  ];
  return {
    defaults,
    slip,
    input: {
      start: formatMonth(start),
      months: opts.months,
      lines,
      orders,
    },
    skipped,
    assumptions,
  };
}
