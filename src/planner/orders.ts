/**
 * Scheduler orders from the registry: every active programme with a readable quantity still to deliver, for a
 * family that has a production line. Programmes left out are listed with the reason. When the report gives no
 * planned last delivery, the wanted-by month is the decision month plus `defaultLeadMonths` — an explicit,
 * echoed assumption (procurement.md 4.2 suggests 17-42 months to first unit), never a silent one. No unit can be
 * handed over before the decision month plus `minLeadMonths`.
 */
import { decisionMonth } from './opportunities.js';
import { formatMonth, parseMonth } from './month.js';
import type { Registry } from './schema.js';
import type { ScheduleInput, ScheduleOrder } from './scheduler.js';

export interface OrdersOptions {
  start: string;
  months: number;
  defaultLeadMonths?: number;
  /** Months from decision to the first unit a line can hand over (default 7, the fastest Baltic case: EE CAESAR). */
  minLeadMonths?: number;
  mode?: 'national' | 'pooled';
}

export interface OrdersFromRegistry {
  input: ScheduleInput;
  skipped: { programme: string; reason: string }[];
  assumptions: string[];
}

/** Build a schedule input (orders and lines) from a registry snapshot. */
export function ordersFromRegistry(reg: Registry, opts: OrdersOptions): OrdersFromRegistry {
  const lead = opts.defaultLeadMonths ?? 36;
  const minLead = opts.minLeadMonths ?? 7;
  const start = parseMonth(opts.start);
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
      skipped.push({ programme: p.id, reason: 'no readable quantity' });
      continue;
    }
    if (!families.has(p.family)) {
      skipped.push({ programme: p.id, reason: `no production line recorded for family "${p.family}"` });
      continue;
    }
    const remaining = Math.round(p.quantity.value - (p.delivered?.value ?? 0));
    if (remaining <= 0) {
      skipped.push({ programme: p.id, reason: 'fully delivered' });
      continue;
    }
    const decided = decisionMonth(p) ?? start;
    let due = p.stages.lastDelivery ? parseMonth(p.stages.lastDelivery.at)! : undefined;
    if (due === undefined || due < start) {
      due = Math.max(start, decided + lead);
      assumptions.push(
        `${p.id}: wanted-by ${formatMonth(due)} = decision ${formatMonth(decided)} + ${lead} months (no planned last delivery)`,
      );
    }
    const order: ScheduleOrder = {
      id: p.id,
      nation: p.nation,
      family: p.family,
      quantity: remaining,
      wantedBy: formatMonth(due),
      priority: 1,
      mode: opts.mode ?? 'national',
      confidence: p.confidence,
    };
    if (opts.mode === 'pooled') order.pool = p.family;
    if (decided + minLead > start) order.earliest = formatMonth(decided + minLead);
    orders.push(order);
  }
  const used = new Set(orders.map((o) => o.family));
  return {
    input: {
      start: opts.start,
      months: opts.months,
      lines: reg.lines.filter((l) => used.has(l.family)),
      orders,
    },
    skipped,
    assumptions,
  };
}
