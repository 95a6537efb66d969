/** Small hand-made registry pieces for planner tests. */
import { seedRegistry } from '../../src/planner/seed.js';
import {
  familySchema,
  lineSchema,
  programmeSchema,
  type Family,
  type Line,
  type Programme,
  type Registry,
} from '../../src/planner/schema.js';
import type { z } from 'zod';

/** A programme with defaults for everything not given. */
export function prog(
  p: Partial<z.input<typeof programmeSchema>> & { id: string; nation: string; family: string },
): Programme {
  return programmeSchema.parse({ area: 'X', statuses: ['in_service'], confidence: 'A', ...p });
}

export function fam(f: Partial<z.input<typeof familySchema>> & { id: string }): Family {
  return familySchema.parse({ name: f.id.toUpperCase(), ...f });
}

export function line(
  l: Partial<z.input<typeof lineSchema>> & { id: string; family: string; perMonth: number; from?: string },
): Line {
  const { perMonth, from, ...rest } = l;
  return lineSchema.parse({ steps: [{ from: from ?? '2026-01', perMonth }], ...rest });
}

export function registry(r: Partial<Registry>): Registry {
  return {
    nations: [],
    areas: [],
    families: [],
    programmes: [],
    lines: [],
    frameworks: [],
    suppliers: [],
    ...r,
  };
}

/** The seed: reference file plus the imported CSV, as a registry snapshot and the import report. */
export function seed() {
  return seedRegistry();
}
