/** Issue 21 section 3, uncertainty: the Monte Carlo in the library, the CLI and the REST API. */
import Fastify from 'fastify';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { runPlan } from '../../src/cli/plan.js';
import { registerPlannerApi } from '../../src/planner/api.js';
import { drawQuantity, monteCarlo } from '../../src/planner/montecarlo.js';
import { seedDir } from '../../src/planner/reference.js';
import { openStore } from '../../src/store/index.js';
import { seed } from './fixture.js';

describe('Monte Carlo over the 3-nation schedule', () => {
  const { reg } = seed();
  const r = monteCarlo(reg, { draws: 500, seed: 7 });

  it('gives P10 ≤ P50 ≤ P90 per order and nation, and keeps contracted first deliveries', () => {
    expect(r.orders.map((o) => o.name).sort()).toEqual([
      'EE HIMARS M142 (second batch)',
      'LT CAESAR Mk II 6x6',
      'LT CV90 MkIV',
      'LV HIMARS M142',
    ]);
    for (const o of [...r.orders, ...Object.values(r.nations)]) {
      expect(o.p10! <= o.p50! && o.p50! <= o.p90!).toBe(true);
    }
    const lv = r.orders.find((o) => o.id === 'baltic-equipment:28')!;
    expect(lv.p10! >= '2027-01').toBe(true);
    // Slip and assumed line shares spread the dates: the CV90 is not one month for all draws.
    const cv90 = r.orders.find((o) => o.id === 'baltic-equipment:40')!;
    expect(cv90.p90! > cv90.p10!).toBe(true);
    expect(r.assumptions.join(' ')).toMatch(/new-build programmes/);
  });

  it('is reproducible with its seed', () => {
    expect(monteCarlo(reg, { draws: 500, seed: 7 }).orders).toEqual(r.orders);
  });

  it('draws quantities inside the reported bounds', () => {
    expect(drawQuantity({ value: 102, high: 120, kind: 'range' }, 0)).toBe(102);
    expect(drawQuantity({ value: 102, high: 120, kind: 'range' }, 1)).toBe(120);
    expect(drawQuantity({ value: 100, kind: 'approx' }, 0)).toBeCloseTo(90, 10);
    expect(drawQuantity({ value: 200, kind: 'min' }, 0.5)).toBeCloseTo(220, 10);
    expect(drawQuantity({ value: 6, kind: 'exact' }, 0.9)).toBe(6);
  });
});

describe('Monte Carlo through the CLI and the REST API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bw-mc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints P10/P50/P90 and its assumptions', async () => {
    const o = { format: 'table', dataDir: dir };
    await runPlan('import', [], o);
    const out = await runPlan('montecarlo', [], { ...o, draws: '300' });
    expect(out).toMatch(/300 draws \(seed 1\) from 2026-07/);
    expect(out).toMatch(/LT CV90 MkIV/);
    expect(out).toMatch(/LT \(all orders\)/);
    expect(out).toMatch(/assumptions:/);
  });

  it('answers GET /api/planner/montecarlo, and refuses bad draws', async () => {
    const store = openStore(':memory:');
    const app = Fastify();
    registerPlannerApi(app, {
      store,
      log: pino({ level: 'silent' }),
      identityOf: () => ({ id: 'op', kind: 'operator', clearance: 'SECRET', categories: [], groups: [] }),
    });
    await app.ready();
    const csv = readFileSync(join(seedDir(), 'baltic-equipment.csv'), 'utf8');
    await app.inject({ method: 'POST', url: '/api/planner/import', payload: { csv, source: 'seed' } });
    const res = await app.inject({ url: '/api/planner/montecarlo?draws=200&seed=3' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.parameters).toMatchObject({ draws: 200, seed: 3, start: '2026-07', months: 72 });
    expect(Object.keys(body.nations)).toEqual(['EE', 'LT', 'LV']);
    const bad = await app.inject({ url: '/api/planner/montecarlo?draws=0' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('BW_PLAN_BAD_INPUT');
    await app.close();
    store.close();
  });
});
