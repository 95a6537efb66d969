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
  BW_PLAN_INTERNAL: 500,
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

/**
 * Counts of planner faults by code (and of unreadable import cells), one set per planner API: the API that owns
 * them counts into its own, so two apps in one process keep separate counts.
 */
export class PlannerCounters {
  private readonly counts = new Map<string, number>();

  /** Count `n` occurrences of `code`. */
  count(code: PlannerCode | 'planner_import_unreadable_cells', n = 1): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + n);
  }

  /** How many of `code` were counted. */
  get(code: string): number {
    return this.counts.get(code) ?? 0;
  }

  /** Every count, by code. */
  all(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}

/**
 * Transitional: the counts of src/planner/api.ts, which still calls {@link countPlanner}; it moves to a
 * `PlannerCounters` of its own (one per registerPlannerApi), then this and `countPlanner` go.
 */
export const plannerCounters = new PlannerCounters();

/** Transitional: count into {@link plannerCounters}. New code counts into its API's `PlannerCounters`. */
export function countPlanner(code: PlannerCode | 'planner_import_unreadable_cells', n = 1): void {
  plannerCounters.count(code, n);
}
