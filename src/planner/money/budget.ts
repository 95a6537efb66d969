/**
 * Budget lines per nation, as zod schemas: GDP and its assumed growth, defence spending as a share of GDP by year,
 * the share of defence spending that buys equipment, funding sources (national, EU SAFE loans, US FMF, EDIRPA …)
 * with their annual or total amounts, and per-programme cash-flow overrides (lots, values, delivery years,
 * funding shares). Every figure carries a source and a grade, because a planner checks money by hand.
 * The seed is data/planner-budgets.yaml; the stored copy (money/store.ts) is what planners edit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { GRADES } from '../grade.js';
import { PlannerError } from '../errors.js';
import { labelSchema } from '../schema.js';
import { seedDir } from '../reference.js';

const year = z.number().int().min(1990).max(2100);
const ym = z.coerce.string().regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/, 'expected YYYY or YYYY-MM');
const eurM = z.number().min(0).max(1e7);
const grade = z.enum(GRADES).default('C');
const source = z.string().max(400).default('');

/** The kinds of money a programme can be paid from. */
export const FUNDING_KINDS = ['national', 'eu-loan', 'eu-grant', 'us-grant', 'other'] as const;

export const fundingSourceSchema = z.object({
  /** Short id used by programme overrides: SAFE, FMF, EDIRPA, EDIP … (`national` is implicit). */
  id: z
    .string()
    .min(1)
    .max(40)
    .regex(/^[A-Za-z0-9._-]+$/),
  name: z.string().min(1).max(200),
  kind: z.enum(FUNDING_KINDS),
  /** Money available per calendar year (€m); a year not listed has none. Omit for no annual cap. */
  byYear: z.record(z.string().regex(/^\d{4}$/), eurM).optional(),
  /** Money available over all years (€m). Omit for no total cap. */
  totalEurM: eurM.optional(),
  /** A loan is repaid later: repayments fall outside the horizon (SAFE: 45 years, 10 without principal). */
  loan: z.boolean().default(false),
  confidence: grade,
  source,
});
export type FundingSource = z.infer<typeof fundingSourceSchema>;

/** One contract (lot) of a programme, with its own value, dates, payment profile and funding. */
export const trancheSchema = z.object({
  name: z.string().max(120).default(''),
  valueEurM: eurM,
  contract: ym,
  firstDelivery: ym.optional(),
  lastDelivery: ym.optional(),
  /** Share paid in the contract year (advance); default the profile's advance (20 %). */
  advancePct: z.number().min(0).max(100).optional(),
  /** Explicit payments by year (€m): replaces the profile when given. */
  payments: z.record(z.string().regex(/^\d{4}$/), eurM).optional(),
  /** Shares of this tranche paid from named sources (the rest is national). */
  funding: z
    .array(z.object({ source: z.string().min(1).max(40), share: z.number().min(0).max(1) }))
    .max(5)
    .default([]),
  confidence: grade,
  source,
});
export type Tranche = z.infer<typeof trancheSchema>;

/** Override the money of registry programmes matched by system (and a variant word), or by programme id. */
export const programmeMoneySchema = z.object({
  /** Programme id, or match by system name (case-insensitive, whole name) and optional variant word. */
  programme: z.string().max(120).optional(),
  system: z.string().max(200).optional(),
  variant: z.string().max(200).optional(),
  /** Replaces the registry's value and dates with these contracts. */
  tranches: z.array(trancheSchema).max(20).optional(),
  /** Funding shares applied to the registry's own single tranche when no tranches are given. */
  funding: z
    .array(z.object({ source: z.string().min(1).max(40), share: z.number().min(0).max(1) }))
    .max(5)
    .default([]),
  note: z.string().max(600).default(''),
});
export type ProgrammeMoney = z.infer<typeof programmeMoneySchema>;

export const nationBudgetSchema = z.object({
  /** The nation id of the registry (EE, LV, LT). */
  id: z
    .string()
    .min(1)
    .max(8)
    .regex(/^[A-Za-z0-9]+$/),
  gdp: z.object({
    eurBn: z.number().positive().max(1e6),
    year,
    /** Assumed nominal growth a year, applied from `year` on. */
    growthPct: z.number().min(-20).max(50).default(0),
    confidence: grade,
    source,
  }),
  /** Defence spending as % of GDP from a year on (the latest step at or before a year applies). */
  defencePctGdp: z
    .array(z.object({ from: year, pct: z.number().min(0).max(50), confidence: grade, source }))
    .min(1)
    .max(40),
  /** Share of defence spending that buys equipment (the envelope major programmes are paid from). */
  equipmentPct: z.object({ pct: z.number().min(0).max(100), confidence: grade, source }),
  /** Share of the equipment envelope open to the programmes in this registry (default all of it). */
  availablePct: z.number().min(0).max(100).default(100),
  sources: z.array(fundingSourceSchema).max(20).default([]),
  programmes: z.array(programmeMoneySchema).max(200).default([]),
  label: labelSchema.optional(),
});
export type NationBudget = z.infer<typeof nationBudgetSchema>;

/** The default payment profile (documented in docs/planner.md): an advance at contract, the rest evenly over delivery. */
export const profileSchema = z.object({
  advancePct: z.number().min(0).max(100).default(20),
  /** First delivery year when the report has none: contract year + this. */
  defaultFirstDeliveryYears: z.number().int().min(0).max(20).default(2),
  /** Last delivery year when the report has none: at least contract year + this (the scheduler's 36 months). */
  defaultLastDeliveryYears: z.number().int().min(0).max(20).default(3),
});
export type Profile = z.infer<typeof profileSchema>;

export const budgetFileSchema = z.object({
  profile: profileSchema.prefault({}),
  nations: z.array(nationBudgetSchema).max(60).default([]),
});
export type BudgetFile = z.infer<typeof budgetFileSchema>;

/** Parse and validate budget YAML (or JSON) text. */
export function parseBudgets(text: string): BudgetFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new PlannerError('BW_PLAN_BAD_INPUT', `budget file is not YAML: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const r = budgetFileSchema.safeParse(raw ?? {});
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new PlannerError('BW_PLAN_BAD_INPUT', `budget file: ${i.path.join('.')}: ${i.message}`);
  }
  return r.data;
}

/** Load a budget file (default: the seed's data/planner-budgets.yaml). */
export function loadBudgets(file = join(seedDir(), 'planner-budgets.yaml')): BudgetFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PlannerError('BW_PLAN_BAD_INPUT', `cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  return parseBudgets(text);
}

/** GDP (€bn) of a year: the base year's, grown at the stated rate. */
export function gdpOf(b: NationBudget, y: number): number {
  return b.gdp.eurBn * (1 + b.gdp.growthPct / 100) ** (y - b.gdp.year);
}

/** Defence % of GDP in a year: the latest step at or before it (the first step before any). */
export function defencePctOf(b: NationBudget, y: number): number {
  const steps = [...b.defencePctGdp].sort((a, c) => a.from - c.from);
  let pct = steps[0]!.pct;
  for (const s of steps) if (s.from <= y) pct = s.pct;
  return pct;
}
