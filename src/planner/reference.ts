/**
 * The reference file beside the seed CSV (data/planner-reference.yaml): nations, capability areas, system families
 * with their interoperability standards, production lines, joint frameworks and stage dates the CSV cannot hold.
 * Validated with the registry schemas, so a typo in the file is a clear error, not a silent gap.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { GRADES } from './grade.js';
import { PlannerError } from './errors.js';
import { areaSchema, familySchema, frameworkSchema, lineSchema, nationSchema } from './schema.js';

const ym = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);

/** Stage dates for one CSV row, matched by nation + system (+ variant substring when given). */
export const stageOverrideSchema = z.object({
  nation: z.string(),
  system: z.string(),
  variant: z.string().optional(),
  requirement: ym.optional(),
  budgetApproved: ym.optional(),
  tender: ym.optional(),
  contract: ym.optional(),
  confidence: z.enum(GRADES).default('C'),
  note: z.string().optional(),
});
export type StageOverride = z.infer<typeof stageOverrideSchema>;

/**
 * A munition: who fires it (an ammunition family or missile of the family standards), how much a weapon fires a
 * day at planning intensities, stockpiles planners enter (real ones are classified), a days-of-fire target, and
 * the production open to these nations. Every number here is an assumption with a grade.
 */
export const munitionSchema = z.object({
  id: z.string().min(1).max(60),
  name: z.string().min(1).max(120),
  /** Matches a family's standards ammoFamily (or missile). */
  firedBy: z.string().min(1).max(120),
  unit: z.string().min(1).max(40),
  perWeaponPerDay: z.record(z.string(), z.number().min(0).max(1e6)),
  targetDays: z.number().min(0).max(3650).default(30),
  /** Stock per nation (unit), planner-entered; a nation without one counts as 0 and is flagged. */
  stockpiles: z.record(z.string(), z.number().min(0)).default({}),
  production: z
    .array(
      z.object({
        id: z.string().min(1).max(60),
        from: ym,
        perMonth: z.number().min(0),
        share: z.number().min(0).max(1),
        source: z.string().max(300).default(''),
      }),
    )
    .max(20)
    .default([]),
  confidence: z.enum(GRADES).default('C'),
  note: z.string().max(600).default(''),
});
export type Munition = z.infer<typeof munitionSchema>;

export const referenceSchema = z.object({
  nations: z.array(nationSchema).default([]),
  areas: z.array(areaSchema).default([]),
  families: z.array(familySchema).default([]),
  lines: z.array(lineSchema).default([]),
  frameworks: z.array(frameworkSchema).default([]),
  stages: z.array(stageOverrideSchema).default([]),
  munitions: z.array(munitionSchema).default([]),
});
export type Reference = z.infer<typeof referenceSchema>;

/** The project's seed directory (data/ at the repository root), found from this file's location. */
export function seedDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // src/planner → repo root; dist/src/planner → repo root.
  const up = here.split(sep).includes('dist') ? join(here, '..', '..', '..') : join(here, '..', '..');
  return join(up, 'data');
}

/** Parse and validate reference YAML text. */
export function parseReference(text: string): Reference {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new PlannerError('BW_PLAN_BAD_INPUT', `reference file is not YAML: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const r = referenceSchema.safeParse(raw ?? {});
  if (!r.success) {
    const first = r.error.issues[0]!;
    throw new PlannerError('BW_PLAN_BAD_INPUT', `reference file: ${first.path.join('.')}: ${first.message}`);
  }
  return r.data;
}

/** Load a reference file (default: the seed's data/planner-reference.yaml). */
export function loadReference(file = join(seedDir(), 'planner-reference.yaml')): Reference {
  return parseReference(readFileSync(file, 'utf8'));
}
