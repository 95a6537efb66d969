/**
 * Expected deliveries of a programme between reports: linear from the last reported count (or, none delivered
 * yet, from the start of the first delivery) to the planned last delivery. The mosaic's expected in-service
 * count and the ammunition model's weapons month by month both read it.
 */
import { parseMonth, type Month } from './month.js';
import type { Programme } from './schema.js';
import { stageSpan } from './stages.js';

/** A programme's expected deliveries: linear from the last reported count to the planned last delivery. */
export interface DeliveryRamp {
  delivered: number;
  ordered: number;
  from?: Month;
  to?: Month;
}

/** The delivery ramp of a programme (parsed once; `rampAt` reads it month by month). */
export function deliveryRamp(p: Programme, delivered: number): DeliveryRamp {
  const ordered = p.quantity?.value ?? delivered;
  // Deliveries run from the last reported count, or (none delivered yet) from the first delivery's start.
  const first = p.stages.firstDelivery ? stageSpan(p.stages.firstDelivery).from : undefined;
  const from = p.deliveredAsOf ? parseMonth(p.deliveredAsOf) : delivered === 0 ? first : undefined;
  const to = p.stages.lastDelivery ? parseMonth(p.stages.lastDelivery.at) : undefined;
  return { delivered, ordered, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/** Delivered by `asOf` on a ramp. */
export function rampAt(r: DeliveryRamp, asOf: Month): number {
  const { delivered, ordered, from, to } = r;
  if (delivered >= ordered || from === undefined || to === undefined || to <= from) return delivered;
  const f = Math.min(1, Math.max(0, (asOf - from) / (to - from)));
  return Math.round(delivered + (ordered - delivered) * f);
}

/** Delivered by `asOf` if deliveries ran on linearly from the last report to the planned last delivery. */
export function expectedDelivered(p: Programme, delivered: number, asOf: Month): number {
  return rampAt(deliveryRamp(p, delivered), asOf);
}
