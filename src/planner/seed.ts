/**
 * The seed registry in memory: data/planner-reference.yaml plus data/baltic-equipment.csv imported, as one
 * snapshot. The benchmark, the tests and anyone trying the analyses without a store start from it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importCsv } from './import.js';
import { loadReference, seedDir } from './reference.js';
import type { Registry } from './schema.js';

/** The reference file, the seed CSV's import report, and the registry they make. */
export function seedRegistry(source = 'baltic-equipment') {
  const ref = loadReference();
  const report = importCsv(readFileSync(join(seedDir(), 'baltic-equipment.csv'), 'utf8'), {
    source,
    areas: ref.areas,
    families: ref.families,
    stageOverrides: ref.stages,
  });
  const reg: Registry = {
    nations: ref.nations,
    areas: ref.areas,
    families: ref.families,
    programmes: report.programmes,
    lines: ref.lines,
    frameworks: ref.frameworks,
    suppliers: [],
  };
  return { ref, report, reg };
}
