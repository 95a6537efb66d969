/**
 * Money and fleets in the field over the seed data, through the REST API (egress gate, nation-only writes, clear
 * errors) and the CLI. The figures are those of docs/planner.md's worked example, checked there by hand.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlan } from '../../src/cli/plan.js';
import { runMoney } from '../../src/cli/plan-money.js';
import type { Identity } from '../../src/model/identity.js';
import { registerPlannerApi } from '../../src/planner/api.js';
import { seedDir } from '../../src/planner/reference.js';
import { stopSolver } from '../../src/planner/solver.js';
import { openStore, type Store } from '../../src/store/index.js';

const who: Record<string, Identity> = {
  op: { id: 'op', kind: 'operator', clearance: 'SECRET', categories: [], groups: [] },
  ee: { id: 'ee-planner', kind: 'user', nation: 'EST', clearance: 'RESTRICTED', categories: [], groups: [] },
  lv: { id: 'lv-planner', kind: 'user', nation: 'LVA', clearance: 'RESTRICTED', categories: [], groups: [] },
};
const lvOnly = {
  policy: 'NATO',
  classification: 'RESTRICTED',
  categories: [{ tag: 'Releasable to', type: 'PERMISSIVE', values: ['LVA'] }],
};

describe('money and targets over REST', () => {
  let app: FastifyInstance;
  let store: Store;
  const as = (id: string) => ({ 'x-test-identity': id });

  beforeAll(async () => {
    store = openStore(':memory:');
    app = Fastify();
    registerPlannerApi(app, {
      store,
      log: pino({ level: 'silent' }),
      identityOf: (req) => who[String(req.headers['x-test-identity'] ?? 'ee')]!,
    });
    await app.ready();
    const csv = readFileSync(join(seedDir(), 'baltic-equipment.csv'), 'utf8');
    await app.inject({
      method: 'POST',
      url: '/api/planner/import',
      headers: as('op'),
      payload: { csv, source: 'seed' },
    });
  });
  afterAll(async () => {
    await app.close();
    store.close();
    await stopSolver();
  });

  it('checks affordability per nation and year on the seed budget lines', async () => {
    const r = await app.inject({ url: '/api/planner/money', headers: as('op') });
    expect(r.statusCode).toBe(200);
    const m = r.json();
    expect(m.asOf).toBe('2026-06');
    expect(m.years).toEqual([2026, 2027, 2028, 2029, 2030, 2031]);
    const row = (n: string, y: number) =>
      m.nations
        .find((x: { nation: string }) => x.nation === n)
        .rows.find((x: { year: number }) => x.year === y);
    // LV 2027: envelope 40 × 1.03³ × 1000 × 5 % × 21.9 % = 478.61; national due 547.51 → short 68.9.
    expect(row('LV', 2027)).toMatchObject({
      envelopeEurM: 478.61,
      nationalDueEurM: 547.51,
      affordable: false,
      shortEurM: 68.9,
    });
    // LT 2028: envelope 961.3; Leopard 760 + Boxer 98.67 + CV90 213.33 + Arocs 21.6 = 1093.6 → short 132.3.
    expect(row('LT', 2028)).toMatchObject({ envelopeEurM: 961.3, nationalDueEurM: 1093.6, shortEurM: 132.3 });
    expect(m.nations.find((x: { nation: string }) => x.nation === 'EE').firstShortYear).toBeNull();
    expect(m.unpriced.map((u: { name: string }) => u.name)).toContain('LV Archer');
    expect(m.assumptions.join('\n')).toMatch(/5 % of GDP from 2026/);
  });

  it('fits the payments to the caps with HiGHS', async () => {
    const m = (await app.inject({ url: '/api/planner/money?fit=true', headers: as('op') })).json();
    // The least delay is the shortfall itself, moved one year: 68.9 (LV 2027) + 132.3 (LT 2028).
    expect(m.fit.status).toBe('Optimal');
    expect(m.fit.delayEurMYears).toBeCloseTo(201.2, 1);
  });

  it('refuses bad queries and bodies with a planner code', async () => {
    const bad = await app.inject({ url: '/api/planner/money?years=0', headers: as('op') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('BW_PLAN_BAD_INPUT');
    const put = await app.inject({
      method: 'PUT',
      url: '/api/planner/budgets/LV',
      headers: as('lv'),
      payload: { gdp: { eurBn: -1 } },
    });
    expect(put.statusCode).toBe(400);
    expect(put.json().error.code).toBe('BW_PLAN_BAD_INPUT');
  });

  it('lets a nation edit only its own budget, and hides a restricted one from others', async () => {
    const lv = (await app.inject({ url: '/api/planner/budgets/LV', headers: as('op') })).json();
    const denied = await app.inject({
      method: 'PUT',
      url: '/api/planner/budgets/LV',
      headers: as('ee'),
      payload: lv,
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('BW_PLAN_DENIED');
    const saved = await app.inject({
      method: 'PUT',
      url: '/api/planner/budgets/LV',
      headers: as('lv'),
      payload: { ...lv, availablePct: 50, label: lvOnly },
    });
    expect(saved.statusCode).toBe(200);
    // Estonia no longer sees Latvia's budget, nor money figures computed from it.
    const ee = (await app.inject({ url: '/api/planner/budgets', headers: as('ee') })).json();
    expect(ee.items.map((b: { id: string }) => b.id)).toEqual(['EE', 'LT']);
    expect((await app.inject({ url: '/api/planner/budgets/LV', headers: as('ee') })).statusCode).toBe(404);
    const eeMoney = (await app.inject({ url: '/api/planner/money', headers: as('ee') })).json();
    expect(eeMoney.nations.map((n: { nation: string }) => n.nation)).toEqual(['EE', 'LT']);
    expect(eeMoney.noBudget).toEqual(['LV']);
    // Latvia sees its halved envelope: 478.61 / 2 = 239.3.
    const lvMoney = (await app.inject({ url: '/api/planner/money', headers: as('lv') })).json();
    const lv27 = lvMoney.nations.find((n: { nation: string }) => n.nation === 'LV').rows[1];
    expect(lv27.envelopeEurM).toBeCloseTo(239.3, 1);
  });

  it('shows targets against fielded fleets and edits them', async () => {
    const t = (await app.inject({ url: '/api/planner/targets', headers: as('op') })).json();
    const lt = t.targets.find((x: { target: { id: string } }) => x.target.id === 'lt-spa-2030');
    // CAESAR 48 delivered linearly 2027-01 → 2030-06 plus 18 PzH 2000 in service: 66 by the end of 2030.
    expect(lt).toMatchObject({ fieldedNow: 18, fieldedBy: 66, gapBy: 0, met: true, reaches: '2030-12' });
    const lv = t.targets.find((x: { target: { id: string } }) => x.target.id === 'lv-archer-2029');
    expect(lv).toMatchObject({ fieldedBy: 0, gapBy: 18, met: false });
    const put = await app.inject({
      method: 'PUT',
      url: '/api/planner/targets/ee-himars',
      headers: as('ee'),
      payload: { nation: 'EE', area: 'RA', family: 'himars', quantity: 6, by: 2026 },
    });
    expect(put.statusCode).toBe(200);
    const lvPut = await app.inject({
      method: 'PUT',
      url: '/api/planner/targets/lv-x',
      headers: as('ee'),
      payload: { nation: 'LV', area: 'RA', quantity: 6, by: 2026 },
    });
    expect(lvPut.statusCode).toBe(403);
    const after = (await app.inject({ url: '/api/planner/targets', headers: as('ee') })).json();
    const mine = after.targets.find((x: { target: { id: string } }) => x.target.id === 'ee-himars');
    expect(mine).toMatchObject({ fieldedBy: 6, met: true });
    const del = await app.inject({
      method: 'DELETE',
      url: '/api/planner/targets/ee-himars',
      headers: as('ee'),
    });
    expect(del.statusCode).toBe(204);
    const gone = await app.inject({
      method: 'DELETE',
      url: '/api/planner/targets/ee-himars',
      headers: as('ee'),
    });
    expect(gone.json().error.code).toBe('BW_PLAN_NOT_FOUND');
  });
});

describe('money and targets in the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bw-money-'));
  const o = (x: Record<string, string | boolean> = {}) => ({ format: 'table', dataDir: dir, ...x });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await stopSolver();
  });

  it('says to import first on an empty registry', async () => {
    expect(await runMoney('money', [], o())).toMatch(/balticwall plan import/);
  });

  it('prints the affordability table, the fit and the assumptions', async () => {
    await runPlan('import', [], o());
    const out = await runMoney('money', [], o({ fit: true }));
    expect(out).toMatch(
      /LV\s+2027\s+43\.71\s+5\s+478\.6\s+600\.7\s+547\.5\s+FMF 53\.2\/66\.5\s+-68\.9\s+NO \(short 68\.9\)/,
    );
    expect(out).toMatch(/fitted to the caps with HiGHS \(Optimal\): 201\.2 €m-years late/);
    expect(out).toMatch(/not priced \(no value\):.*LV Archer/);
    const json = JSON.parse(await runMoney('money', [], o({ format: 'json' })));
    expect(json.nations).toHaveLength(3);
  });

  it('refuses a budget file with a mistake, naming the field', async () => {
    const bad = join(dir, 'bad-budgets.yaml');
    writeFileSync(
      bad,
      'nations:\n  - id: EE\n    gdp: { eurBn: 39, year: 2024 }\n    defencePctGdp: []\n    equipmentPct: { pct: 20 }\n',
    );
    await expect(runMoney('money', [], o({ budgets: bad }))).rejects.toThrow(
      /budget file: nations\.0\.defencePctGdp/,
    );
  });

  it('sets, lists and removes targets', async () => {
    expect(
      await runMoney(
        'targets',
        ['set', 'lv-spa'],
        o({ nation: 'LV', area: 'SPA', quantity: '18', by: '2029' }),
      ),
    ).toMatch(/saved target lv-spa/);
    const list = await runMoney('targets', [], o());
    // Latvia's M109s: 47 bought, 6 given to Ukraine → 41 in service, so 18 SP guns are there already.
    expect(list).toMatch(/lv-spa\s+LV\s+18 SPA combat-ready by 2029\s+41\s+41\s+0/);
    expect(list).toMatch(/LV Archer: no delivery plan/);
    expect(await runMoney('targets', ['remove', 'lv-spa'], o())).toMatch(/removed/);
    await expect(runMoney('targets', ['remove', 'lv-spa'], o())).rejects.toThrow(/no target/);
    await expect(
      runMoney('targets', ['set', 'x'], o({ nation: 'LV', area: 'SPA', quantity: 'many', by: '2029' })),
    ).rejects.toThrow(/--quantity/);
  });
});
