/**
 * Planner error codes (listed in src/errors.ts and docs/errors.md) and the HTTP status each maps to.
 * `plannerCode` equals `code`; it is kept for the callers that read it.
 */
import { BwError } from '../errors.js';

export const PLANNER_ERRORS = {
  BW_PLAN_BAD_INPUT: 400,
  BW_PLAN_CSV: 400,
  BW_PLAN_NOT_FOUND: 404,
  BW_PLAN_DENIED: 403,
  BW_PLAN_INFEASIBLE: 422,
  BW_PLAN_SOLVER: 500,
  BW_PLAN_BUSY: 503,
} as const;
export type PlannerCode = keyof typeof PLANNER_ERRORS;

/** A planner failure with a stable code and the HTTP status it maps to. */
export class PlannerError extends BwError {
  override name = 'PlannerError';
  readonly plannerCode: PlannerCode;
  readonly status: number;
  constructor(code: PlannerCode, message: string, options?: { cause?: unknown }) {
    super(code, [message], options);
    this.message = message;
    this.plannerCode = code;
    this.status = PLANNER_ERRORS[code];
  }
}

/** Counters of planner faults by code, for metrics and tests (the composition root may export them). */
export const plannerCounters: Record<string, number> = {};

/** Count one occurrence of `code`. */
export function countPlanner(code: string, n = 1): void {
  plannerCounters[code] = (plannerCounters[code] ?? 0) + n;
}
