/** Days of fire under uncertainty on the fielding view: P10/P50/P90 of days held in 5 years and of the target month. */
import type { MonteCarloResult } from './api.js';
import { el, table } from './dom.js';

/** The Monte Carlo's days-of-fire table (nothing when the server has no munitions). */
export function daysOfFire(mc: MonteCarloResult): HTMLElement[] {
  if (!mc.daysOfFire.length) return [];
  const never = 'not in horizon';
  return [
    el('h4', {}, 'Days of fire (high intensity): P10 / P50 / P90'),
    table(
      [
        'munition',
        'nation',
        'days in 5 years: P10',
        'P50',
        'P90',
        'target reached: P10',
        'P50',
        'P90',
        'draws reaching it',
      ],
      mc.daysOfFire.map((d) => [
        d.name,
        d.nation,
        d.days5.p10,
        d.days5.p50,
        d.days5.p90,
        d.reaches.p10 ?? never,
        d.reaches.p50 ?? never,
        d.reaches.p90 ?? never,
        `${Math.round(d.reaches.share * 100)} %`,
      ]),
      { 'data-testid': 'montecarlo-days' },
    ),
  ];
}
