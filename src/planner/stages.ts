/**
 * When has a stage of a programme happened? A stage date is often a year or a span ("2026", "2027-2029"); its
 * middle month is what arithmetic uses, but a date whose span has not ended by "as of" is never evidence that
 * the stage has passed: "first delivery 2026" read in June 2026 may still be December. Only a delivered count
 * (or a delivering status) shows a first delivery that the date alone cannot.
 */
import { readDate } from './messy.js';
import { parseMonth, type Month } from './month.js';
import type { Programme, Stage, StageDate } from './schema.js';

/** First, middle and last month of a stage date, from its reported text (the stored month when unreadable). */
export function stageSpan(d: StageDate): { from: Month; at: Month; to: Month } {
  const at = parseMonth(d.at)!;
  const r = d.text ? readDate(d.text) : undefined;
  const s = r?.ok && r.value ? r.value.spans[0] : undefined;
  if (!s || s.at !== at) return { from: at, at, to: at };
  return { from: s.from, at, to: s.to };
}

/** Evidence that deliveries have begun: a non-zero delivered count or a delivering / in-service status. */
export function hasDeliveries(p: Programme): boolean {
  if (p.delivered) return p.delivered.value > 0;
  return p.statuses.includes('delivering');
}

/** Has the stage happened by `now`? Planned dates never; a span only once it has ended (see the file comment). */
export function reached(p: Programme, stage: Stage, now: Month): boolean {
  const d = p.stages[stage];
  if (!d || d.planned) return false;
  const span = stageSpan(d);
  // "0 delivered" with no date is the data's own word that nothing has arrived.
  if (span.to <= now) return !(isDeliveryStage(stage) && p.delivered?.value === 0 && !p.deliveredAsOf);
  if (stage === 'firstDelivery' && hasDeliveries(p)) return span.from <= now;
  return false;
}

function isDeliveryStage(s: Stage): boolean {
  return s === 'firstDelivery' || s === 'lastDelivery';
}
