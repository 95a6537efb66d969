import Fastify, { type FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../src/model/identity.js';
import { registerPlannerApi } from '../../src/planner/api.js';
import { parseCsv } from '../../src/planner/csv.js';
import { PLANNER_OPENAPI } from '../../src/planner/openapi.js';
import { seedDir } from '../../src/planner/reference.js';
import { openStore, type Store } from '../../src/store/index.js';

const who: Record<string, Identity> = {
  op: { id: 'op', kind: 'operator', clearance: 'SECRET', categories: [], groups: [] },
  ee: { id: 'ee-planner', kind: 'user', nation: 'EST', clearance: 'RESTRICTED', categories: [], groups: [] },
  lt: { id: 'lt-planner', kind: 'user', nation: 'LTU', clearance: 'RESTRICTED', categories: [], groups: [] },
};
const ltOnly = {
  policy: 'NATO',
  classification: 'RESTRICTED',
  categories: [{ tag: 'Releasable to', type: 'PERMISSIVE', values: ['LTU'] }],
};

describe('planner REST API', () => {
  let app: FastifyInstance;
  let store: Store;
  const routes: string[] = [];
  const as = (id: string) => ({ 'x-test-identity': id });

  beforeAll(async () => {
    store = openStore(':memory:');
    app = Fastify();
    app.addHook('onRoute', (r) => {
      const methods = Array.isArray(r.method) ? r.method : [r.method];
      for (const m of methods) if (m !== 'HEAD') routes.push(`${m} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    });
    registerPlannerApi(app, {
      store,
      log: pino({ level: 'silent' }),
      identityOf: (req) => who[String(req.headers['x-test-identity'] ?? 'ee')]!,
    });
    await app.ready();
    const csv = readFileSync(join(seedDir(), 'baltic-equipment.csv'), 'utf8');
    const r = await app.inject({
      method: 'POST',
      url: '/api/planner/import',
      headers: as('op'),
      payload: { csv, source: 'seed' },
    });
    expect(r.statusCode).toBe(200);
  });
  afterAll(async () => {
    await app.close();
    store.close();
  });

  it('describes exactly the registered routes in OpenAPI', async () => {
    const documented = Object.entries(PLANNER_OPENAPI.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(documented.sort());
    const r = await app.inject({ url: '/api/planner/openapi.json' });
    expect(r.json().openapi).toBe('3.1.0');
  });

  it('imports the seed with its unreadable-cell report and computes the mosaic', async () => {
    const m = (await app.inject({ url: '/api/planner/mosaic', headers: as('op') })).json();
    const count = (a: string) => m.areas.find((x: { area: string }) => x.area === a).familyCount;
    expect([count('SPA'), count('IFV'), count('MRAD'), count('VSHORAD')]).toEqual([5, 3, 2, 5]);
    const reports = (await app.inject({ url: '/api/planner/import/reports', headers: as('op') })).json()
      .reports;
    expect(
      reports[0].report.issues.filter((i: { severity: string }) => i.severity === 'unreadable'),
    ).toHaveLength(3);
  });

  it("keeps a nation's restricted plan from others and from others' figures", async () => {
    const csv =
      'nation,capability,system,qty_ordered,status,confidence,order_date\nLT,MRAD,IRIS-T SLM,4 fire units,planned,C,2026-09 (planned)\n';
    const imp = await app.inject({
      method: 'POST',
      url: '/api/planner/import',
      headers: as('lt'),
      payload: { csv, source: 'lt-secret', label: ltOnly },
    });
    expect(imp.statusCode).toBe(200);
    const id = imp.json().programmes[0];
    expect(
      (await app.inject({ url: `/api/planner/registry/programmes/${id}`, headers: as('lt') })).statusCode,
    ).toBe(200);
    const denied = await app.inject({ url: `/api/planner/registry/programmes/${id}`, headers: as('ee') });
    expect([denied.statusCode, denied.json().error.code]).toEqual([404, 'BW_PLAN_NOT_FOUND']);
    const ids = (who: string) =>
      app
        .inject({ url: '/api/planner/registry/programmes', headers: as(who) })
        .then((r) => r.json().items.map((p: { id: string }) => p.id));
    expect(await ids('ee')).not.toContain(id);
    expect(await ids('lt')).toContain(id);
    const interop = async (w: string) =>
      (await app.inject({ url: '/api/planner/interop?area=MRAD', headers: as(w) }))
        .json()
        .areas[0].systems.map((s: { nations: string[] }) => s.nations);
    expect(await interop('lt')).toContainEqual(['EE', 'LT', 'LV']);
    expect(await interop('ee')).not.toContainEqual(['EE', 'LT', 'LV']);
    // EE may not import Lithuanian rows.
    const bad = await app.inject({
      method: 'POST',
      url: '/api/planner/import',
      headers: as('ee'),
      payload: { csv, source: 'x' },
    });
    expect([bad.statusCode, bad.json().error.code]).toEqual([403, 'BW_PLAN_DENIED']);
    // Nor wipe them by importing an empty list under their source.
    const wipe = await app.inject({
      method: 'POST',
      url: '/api/planner/import',
      headers: as('ee'),
      payload: { csv: csv.split('\n')[0] + '\n', source: 'seed' },
    });
    expect([wipe.statusCode, wipe.json().error.code]).toEqual([403, 'BW_PLAN_DENIED']);
    expect(await ids('lt')).toContain(id);
  });

  it('validates edits and refuses another nation editing', async () => {
    const p = (
      await app.inject({ url: '/api/planner/registry/programmes/seed:45', headers: as('op') })
    ).json();
    expect(p.system).toBe('CAESAR');
    const eeEdit = await app.inject({
      method: 'PUT',
      url: '/api/planner/registry/programmes/seed:45',
      headers: as('ee'),
      payload: p,
    });
    expect([eeEdit.statusCode, eeEdit.json().error.code]).toEqual([403, 'BW_PLAN_DENIED']);
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/planner/registry/programmes/seed:45',
      headers: as('lt'),
      payload: { ...p, quantity: { value: 'lots' } },
    });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'BW_PLAN_BAD_INPUT']);
    expect(bad.json().error.message).toMatch(/quantity/);
    const good = await app.inject({
      method: 'PUT',
      url: '/api/planner/registry/programmes/seed:45',
      headers: as('lt'),
      payload: { ...p, quantity: { value: 50, kind: 'exact' } },
    });
    expect(good.statusCode).toBe(200);
    expect(good.json().quantity.value).toBe(50);
    const line = (
      await app.inject({ url: '/api/planner/registry/lines/caesar-roanne', headers: as('op') })
    ).json();
    const lineEdit = await app.inject({
      method: 'PUT',
      url: '/api/planner/registry/lines/caesar-roanne',
      headers: as('lt'),
      payload: { ...line, share: 1 },
    });
    expect([lineEdit.statusCode, lineEdit.json().error.code]).toEqual([403, 'BW_PLAN_DENIED']);
    const opEdit = await app.inject({
      method: 'PUT',
      url: '/api/planner/registry/lines/caesar-roanne',
      headers: as('op'),
      payload: { ...line, share: 0.3 },
    });
    expect(opEdit.json().share).toBe(0.3);
  });

  it('answers opportunities, pipeline and bad queries', async () => {
    const o = (
      await app.inject({ url: '/api/planner/opportunities?asOf=2026-06&windowYears=3', headers: as('op') })
    ).json();
    expect(o.opportunities.map((x: { area: string }) => x.area)).toContain('IFV');
    const p = (
      await app.inject({ url: '/api/planner/pipeline?asOf=2026-06&stallMonths=12', headers: as('op') })
    ).json();
    expect(p.parameters.stallMonths).toBe(12);
    const bad = await app.inject({ url: '/api/planner/opportunities?learningRate=7' });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'BW_PLAN_BAD_INPUT']);
  });

  it('schedules from the registry with what-ifs, and explains an infeasible input', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/planner/schedule',
      headers: as('op'),
      payload: { fromRegistry: { start: '2026-07', months: 60 }, whatIfs: 'default' },
    });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.summaries[0].name).toBe('base');
    expect(body.summaries.length).toBeGreaterThanOrEqual(4);
    expect(body.results[0].status).toBe('optimal');
    expect(body.assumptions.length).toBeGreaterThan(0);
    const inf = await app.inject({
      method: 'POST',
      url: '/api/planner/schedule',
      payload: {
        input: {
          start: '2026-01',
          months: 6,
          lines: [{ id: 'l', family: 'a', steps: [{ from: '2026-01', perMonth: 1 }] }],
          orders: [{ id: 'o', nation: 'EE', family: 'a', quantity: 100, wantedBy: '2026-06' }],
        },
      },
    });
    expect(inf.statusCode).toBe(200);
    expect(inf.json().results[0].status).toBe('infeasible');
    expect(inf.json().results[0].explanation[0]).toMatch(/short by 94/);
  });

  it('exports CSV that re-imports with the reported text', async () => {
    const r = await app.inject({ url: '/api/planner/export?format=csv', headers: as('op') });
    expect(r.headers['content-type']).toMatch(/text\/csv/);
    const rows = parseCsv(r.body);
    expect(rows[0]!.cells.slice(0, 3)).toEqual(['nation', 'capability', 'system']);
    expect(rows.some((x) => x.cells[7] === 'up to ~3000 (EE+LV)')).toBe(true);
  });
});
