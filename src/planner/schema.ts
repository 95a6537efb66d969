/**
 * The planner's data model as zod schemas: each schema is the type, the REST input validator and the reader of
 * stored documents, so the three cannot drift. Months are `YYYY-MM` strings in records (readable in JSON and CSV);
 * analysis code turns them into month indices.
 */
import { z } from 'zod';
import { CLASSIFICATIONS, DEFAULT_LABEL, type Label } from '../model/label.js';
import { GRADES } from './grade.js';
import { STATUSES } from './messy.js';

const ym = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM');
const grade = z.enum(GRADES);
const id = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:+-]*$/, 'letters, digits and . _ : + - only');

/** A STANAG 4774-style label, as in src/model/label.ts. */
export const labelSchema = z.object({
  policy: z.string().min(1).max(64),
  classification: z.enum(CLASSIFICATIONS),
  categories: z
    .array(
      z.object({
        tag: z.string().min(1).max(64),
        type: z.enum(['PERMISSIVE', 'RESTRICTIVE', 'INFORMATIVE']),
        values: z.array(z.string().min(1).max(64)).max(64),
      }),
    )
    .max(16),
});

/** A copy of the default label that is safe to mutate and to serialise. */
export function defaultLabel(): Label {
  return { policy: DEFAULT_LABEL.policy, classification: DEFAULT_LABEL.classification, categories: [] };
}

/** One number read from reported text (see messy.ts). */
export const figureSchema = z.object({
  value: z.number().finite(),
  kind: z.enum(['exact', 'approx', 'min', 'max', 'range', 'uncertain']),
  high: z.number().finite().optional(),
  unit: z.string().max(40).optional(),
  note: z.string().max(400).optional(),
});

/** A stage date: the month used in arithmetic, and the text it came from. */
export const stageDateSchema = z.object({
  at: ym,
  text: z.string().max(200).default(''),
  approx: z.boolean().default(false),
  /** A planned (not yet happened) date. */
  planned: z.boolean().default(false),
});
export type StageDate = z.infer<typeof stageDateSchema>;

/** The six stages of a programme, from requirement to last delivery. */
export const STAGES = [
  'requirement',
  'budgetApproved',
  'tender',
  'contract',
  'firstDelivery',
  'lastDelivery',
] as const;
export type Stage = (typeof STAGES)[number];

export const standardsSchema = z.object({
  calibreMm: z.number().positive().nullish(),
  barrelCalibres: z.number().positive().nullish(),
  ammoFamily: z.string().max(120).nullish(),
  missile: z.string().max(120).nullish(),
  dataLinks: z.array(z.string().max(60)).max(20).default([]),
  /** Battlespace protocols the system speaks to the hub; empty = none known. */
  protocols: z
    .array(z.enum(['cot', 'mavlink']))
    .max(2)
    .default([]),
});
export type Standards = z.infer<typeof standardsSchema>;

export const nationSchema = z.object({
  id,
  name: z.string().min(1).max(120),
  /** ISO 3166 alpha-3, the form identities and labels use. */
  alpha3: z.string().regex(/^[A-Z]{3}$/),
  label: labelSchema.optional(),
});
export type Nation = z.infer<typeof nationSchema>;

export const areaSchema = z.object({
  id,
  name: z.string().min(1).max(120),
  unit: z.string().min(1).max(40),
  /**
   * What the area buys, for lead-time statistics that must not mix kinds: platforms (vehicles, launchers, fire
   * units), munitions and other consumables, commercial vehicles, small arms.
   */
  category: z.enum(['platform', 'munitions', 'commercial', 'small-arms']).default('platform'),
  /** The unit a bare number (no unit word) is read in; default `unit` (SIPRI counts MANPADS in missiles). */
  bareUnit: z.string().min(1).max(40).optional(),
  /** Further units counted apart, never mixed with `unit` (e.g. missiles beside launchers). */
  alsoUnits: z.array(z.string().min(1).max(40)).max(5).default([]),
  aliases: z.array(z.string().max(120)).max(50).default([]),
  label: labelSchema.optional(),
});
export type Area = z.infer<typeof areaSchema>;

export const variantSchema = z.object({
  id,
  /** An explicit key: matches when the CSV variant holds it as whole words (`MR` in `SR/MR/NLOS`), never a substring. */
  match: z.string().min(1).max(120),
  standards: standardsSchema.partial().prefault({}),
});

export const familySchema = z.object({
  id,
  name: z.string().min(1).max(120),
  /** Set only when the family is counted in another area than its rows say (e.g. Carl-Gustaf). */
  area: z.string().max(120).optional(),
  aliases: z.array(z.string().max(120)).max(50).default([]),
  standards: standardsSchema.prefault({}),
  variants: z.array(variantSchema).max(50).default([]),
  /** Who owns the design (security of supply), and where it is built; the seller of used kit may be neither. */
  designAuthority: z.string().max(200).optional(),
  designCountry: z.string().max(8).optional(),
  productionCountry: z.string().max(8).optional(),
  /**
   * Price of one unit of the platform alone (€ million in `year`'s prices), apart from package prices that
   * include munitions, spares, training and support. Learning curves apply to this, not to a package.
   */
  unitCost: z
    .object({
      eurM: z.number().positive().max(1e5),
      year: z.number().int().min(1950).max(2100),
      confidence: grade.default('C'),
      source: z.string().max(200).default(''),
    })
    .optional(),
  confidence: grade.default('C'),
  notes: z.string().max(2000).optional(),
  label: labelSchema.optional(),
});
export type Family = z.infer<typeof familySchema>;

export const programmeSchema = z.object({
  id,
  nation: z.string().min(1).max(8),
  area: z.string().min(1).max(120),
  capability: z.string().max(120).default(''),
  system: z.string().max(200).default(''),
  variant: z.string().max(200).default(''),
  family: z.string().min(1).max(120),
  supplierCountries: z.array(z.string().max(8)).max(10).default([]),
  prime: z.string().max(200).default(''),
  route: z.string().max(200).default(''),
  /** The fleet quantity in the area's unit, or null when the report gives none this rule can read. */
  quantity: figureSchema.nullable().default(null),
  /** Every figure the ordered-quantity cell held (several units, e.g. launchers and missiles). */
  quantities: z.array(figureSchema).max(10).default([]),
  delivered: figureSchema.nullable().default(null),
  /** Units given away (`in_service (6 to UA)`): no longer in the fleet. */
  transferred: figureSchema.nullable().default(null),
  /** Combat units when the report separates them from training and spares (`21 (16 combat)`). */
  combat: figureSchema.nullable().default(null),
  deliveredAsOf: ym.nullable().default(null),
  stages: z.partialRecord(z.enum(STAGES), stageDateSchema).default({}),
  /** Every order lot date, oldest first (several lots: `2022-12 / 2025-12`). */
  lots: z.array(ym).max(20).default([]),
  valueEurM: figureSchema.nullable().default(null),
  ceilingEurM: figureSchema.nullable().default(null),
  statuses: z.array(z.enum(STATUSES)).max(5).default([]),
  confidence: grade.default('C'),
  confidenceText: z.string().max(20).default(''),
  sources: z.array(z.string().max(200)).max(30).default([]),
  /** The row exactly as reported, column by column. */
  reported: z.record(z.string(), z.string().max(2000)).default({}),
  notes: z.array(z.string().max(400)).max(30).default([]),
  label: labelSchema.optional(),
});
export type Programme = z.infer<typeof programmeSchema>;

export const lineSchema = z.object({
  id,
  family: z.string().min(1).max(120),
  supplier: z.string().max(200).default(''),
  location: z.string().max(200).default(''),
  unit: z.string().max(40).optional(),
  /** Rate per month from a month on; between steps the rate ramps linearly over `rampMonths`. */
  steps: z
    .array(z.object({ from: ym, perMonth: z.number().min(0).max(1e7) }))
    .min(1)
    .max(50),
  rampMonths: z.number().int().min(0).max(120).default(0),
  /** Share of the line's output open to these customers. */
  share: z.number().min(0).max(1).default(1),
  /** Units the line had built by a month (a warm line's position on its learning curve). */
  history: z
    .object({ units: z.number().min(0).max(1e9), asOf: ym, source: z.string().max(200).default('') })
    .optional(),
  confidence: grade.default('C'),
  sources: z.array(z.string().max(200)).max(30).default([]),
  label: labelSchema.optional(),
});
export type Line = z.infer<typeof lineSchema>;

export const frameworkSchema = z.object({
  id,
  name: z.string().min(1).max(200),
  participants: z.array(z.string().max(8)).min(1).max(40),
  leadAgency: z.string().max(200).default(''),
  families: z.array(z.string().max(120)).max(20).default([]),
  start: ym.optional(),
  end: ym.optional(),
  status: z.enum(['active', 'planned', 'unfunded', 'ended']).default('active'),
  confidence: grade.default('C'),
  sources: z.array(z.string().max(200)).max(30).default([]),
  label: labelSchema.optional(),
});
export type Framework = z.infer<typeof frameworkSchema>;

export const supplierSchema = z.object({
  id,
  name: z.string().min(1).max(200),
  country: z.string().max(8).default(''),
  label: labelSchema.optional(),
});
export type Supplier = z.infer<typeof supplierSchema>;

/** Registry kinds, their schemas and their REST path segment. */
export const KINDS = {
  nations: nationSchema,
  areas: areaSchema,
  families: familySchema,
  programmes: programmeSchema,
  lines: lineSchema,
  frameworks: frameworkSchema,
  suppliers: supplierSchema,
} as const;
export type Kind = keyof typeof KINDS;
export const KIND_NAMES = Object.keys(KINDS) as Kind[];

/** The record type of each kind. */
export interface KindRecord {
  nations: Nation;
  areas: Area;
  families: Family;
  programmes: Programme;
  lines: Line;
  frameworks: Framework;
  suppliers: Supplier;
}

/** Everything the analyses read: one snapshot of the registry (already filtered by the egress gate). */
export interface Registry {
  nations: Nation[];
  areas: Area[];
  families: Family[];
  programmes: Programme[];
  lines: Line[];
  frameworks: Framework[];
  suppliers: Supplier[];
}
