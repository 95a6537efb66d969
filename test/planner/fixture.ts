/** Small hand-made registry pieces for planner tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importCsv } from '../../src/planner/import.js';
import { loadReference, seedDir } from '../../src/planner/reference.js';
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
  const ref = loadReference();
  const report = importCsv(readFileSync(join(seedDir(), 'baltic-equipment.csv'), 'utf8'), {
    source: 'baltic-equipment',
    areas: ref.areas,
    families: ref.families,
    stageOverrides: ref.stages,
  });
  const reg = registry({
    nations: ref.nations,
    areas: ref.areas,
    families: ref.families,
    programmes: report.programmes,
    lines: ref.lines,
    frameworks: ref.frameworks,
  });
  return { ref, report, reg };
}
