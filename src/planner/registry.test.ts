import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seed } from '../../test/planner/fixture.js';
import { openStore } from '../store/index.js';
import { PlannerError } from './errors.js';
import { PlannerRegistry } from './registry.js';

describe('planner registry in the store', () => {
  it('persists reference and imports across reopen, and re-import replaces a source', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-reg-'));
    try {
      const { ref, report } = seed();
      let store = openStore(dir);
      const reg = new PlannerRegistry(store);
      reg.loadReference(ref);
      reg.saveImport(report);
      reg.saveImport({ ...report, programmes: report.programmes.slice(0, 3) });
      store.close();
      store = openStore(dir);
      const again = new PlannerRegistry(store);
      expect(again.list('programmes')).toHaveLength(3);
      expect(again.list('families').length).toBe(ref.families.length);
      expect(again.list('suppliers').map((s) => s.name)).toContain('KNDS France');
      expect(again.imports()[0]).toMatchObject({ source: 'baltic-equipment' });
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('validates records and keeps labels', () => {
    const store = openStore(':memory:');
    const reg = new PlannerRegistry(store);
    expect(() => reg.put('lines', { id: 'x', family: 'f', steps: [] })).toThrow(PlannerError);
    const label = {
      policy: 'NATO',
      classification: 'RESTRICTED' as const,
      categories: [{ tag: 'Releasable to', type: 'PERMISSIVE' as const, values: ['EST'] }],
    };
    reg.put('nations', { id: 'EE', name: 'Estonia', alpha3: 'EST', label });
    expect(reg.get('nations', 'EE')!.label).toEqual(label);
    expect(reg.snapshot((l) => l.classification === 'UNCLASSIFIED').nations).toEqual([]);
    expect(reg.delete('nations', 'EE')).toBe(true);
    expect(reg.delete('nations', 'EE')).toBe(false);
    store.close();
  });
});
