/**
 * The fuzz targets in the test suite: every input kept in fuzz/crashes (a past finding) and every seed must pass its
 * target, and a short run of each target's generator must find nothing. The long run is `npm run fuzz`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fuzzTarget } from '../../fuzz/run.js';
import { TARGETS } from '../../fuzz/targets.js';

const CRASHES = fileURLToPath(new URL('../../fuzz/crashes/', import.meta.url));
const kept = readdirSync(CRASHES).filter((f) => f.endsWith('.bin'));

describe('fuzz targets', () => {
  it('every kept finding names a target and passes it now', () => {
    for (const f of kept) {
      const target = TARGETS.find((t) => f.startsWith(`${t.name}-`));
      expect(target, f).toBeDefined();
      const data = readFileSync(CRASHES + f);
      for (const cuts of [[], [1], [7, 64, 300]]) target!.run(data, cuts);
    }
  });

  it.each(TARGETS.map((t) => [t.name, t] as const))(
    '%s: seeds pass and a short run finds nothing',
    (_n, t) => {
      expect(t.seeds.length).toBeGreaterThan(0);
      for (const s of t.seeds) t.run(s, [5, 50]);
      expect(fuzzTarget(t, 1500, 7, false).findings).toEqual([]);
    },
  );
});
