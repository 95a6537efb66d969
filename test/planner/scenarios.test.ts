/**
 * Issue 21 section 3, scenarios: saved registry edits ("LV buys CAESAR instead of Archer", "EE joins CV90 with
 * 40") applied to the seed, compared side by side across every analysis in the library and over REST (save,
 * list, rename, compare, brief, delete; another nation's user neither sees nor changes them).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../src/model/identity.js';
import { registerPlannerApi } from '../../src/planner/api.js';
import { compareScenarios } from '../../src/planner/compare.js';
import { COMPARATORS } from '../../src/planner/comparators.js';
import { seedDir } from '../../src/planner/reference.js';
import { applyScenario } from '../../src/planner/scenarios.js';
import { openStore, type Store } from '../../src/store/index.js';
import { seed } from './fixture.js';

export const LV_CAESAR = {
  name: 'LV buys CAESAR instead of Archer',
  description: 'Latvia orders 18 CAESAR Mk II from KNDS France in place of the Archer G2G buy.',
  edits: [
    {
      op: 'change',
      programme: 'seed:27',
      set: {
        family: 'caesar',
        system: 'CAESAR',
        variant: 'Mk II 6x6',
        supplierCountries: ['FR'],
        prime: 'KNDS France',
      },
    },
  ],
};
export const EE_CV90 = {
  name: 'EE joins CV90 with 40',
  edits: [{ op: 'change', programme: 'seed:3', set: { quantity: 40, stages: { contract: '2027-01' } } }],
};

describe('scenarios in the library', () => {
  const { ref, reg } = seed();
  const at = (id: string) => id.replace('seed:', 'baltic-equipment:');
  const lv = {
    id: 'lv',
    ...LV_CAESAR,
    edits: LV_CAESAR.edits.map((e) => ({ ...e, programme: at(e.programme) })),
  };
  const ee = {
    id: 'ee',
    ...EE_CV90,
    edits: EE_CV90.edits.map((e) => ({ ...e, programme: at(e.programme) })),
  };

  it('applies edits to a copy, names the scenario as a source, and reports edits that cannot apply', () => {
    const a = applyScenario(reg, lv as never);
    const p = a.registry.programmes.find((x) => x.id === 'baltic-equipment:27')!;
    expect(p).toMatchObject({ family: 'caesar', system: 'CAESAR', nation: 'LV' });
    expect(p.sources).toContain('scenario: LV buys CAESAR instead of Archer');
    expect(p.sources).toContain('defensenews 2026-01-15');
    expect(reg.programmes.find((x) => x.id === 'baltic-equipment:27')!.family).toBe('archer');
    const bad = applyScenario(reg, {
      id: 'x',
      name: 'x',
      edits: [
        { op: 'remove', programme: 'nope:1' },
        { op: 'add', programme: { nation: 'EE', area: 'SP artillery', family: 'caesar', quantity: 6 } },
      ],
    });
    expect(bad.problems).toEqual([expect.stringMatching(/edit 1 \(remove nope:1\): no programme "nope:1"/)]);
    expect(bad.applied).toEqual([expect.stringMatching(/^added scenario\.x:2 \(EE caesar × 6\)/)]);
  });

  it('compares base and scenarios across mosaic, opportunities, pipeline, schedule, ammunition and uncertainty', async () => {
    const cmp = await compareScenarios(reg, [lv as never, ee as never], COMPARATORS, {
      months: 72,
      draws: 100,
      munitions: ref.munitions,
    });
    expect(cmp.columns.map((c) => c.name)).toEqual(['Base (registry)', LV_CAESAR.name, EE_CV90.name]);
    expect(cmp.sections.map((s) => s.id)).toEqual([
      'mosaic',
      'opportunities',
      'pipeline',
      'schedule',
      'ammunition',
      'uncertainty',
    ]);
    const row = (sec: string, key: string) =>
      cmp.sections.find((s) => s.id === sec)!.rows.find((r) => r.key === key)!;
    // LV's switch leaves four SP-gun families instead of five; EE's 40 CV90s change nothing there.
    const spa = cmp.sections
      .find((s) => s.id === 'mosaic')!
      .rows.find((r) => /self-propelled.*families/.test(r.label))!;
    expect(spa.values[0]! as number).toBeGreaterThan(spa.values[1]! as number);
    expect(spa.deltas).toEqual(['better', null]);
    expect(spa.sources).toContain('scenario: LV buys CAESAR instead of Archer');
    // The schedule sees 18 more CAESAR for LV on the CAESAR line, and 40 EE CV90s on the CV90 line.
    expect(row('schedule', 'orders').values[2]! as number).toBeGreaterThan(
      row('schedule', 'orders').values[0]! as number,
    );
    expect(row('schedule', 'done:EE').sources.length).toBeGreaterThan(0);
    // 155 mm days of fire: LV's guns change family, not ammunition; every row names its sources.
    expect(cmp.sections.find((s) => s.id === 'ammunition')!.rows.every((r) => r.sources.length > 0)).toBe(
      true,
    );
    expect(cmp.sections.find((s) => s.id === 'uncertainty')!.rows.length).toBeGreaterThan(0);
  }, 120_000);
});

describe('scenarios over REST', () => {
  let app: FastifyInstance;
  let store: Store;
  const who: Record<string, Identity> = {
    op: { id: 'op', kind: 'operator', clearance: 'SECRET', categories: [], groups: [] },
    lv: {
      id: 'lv-planner',
      kind: 'user',
      nation: 'LVA',
      clearance: 'RESTRICTED',
      categories: [],
      groups: [],
    },
    lt: {
      id: 'lt-planner',
      kind: 'user',
      nation: 'LTU',
      clearance: 'RESTRICTED',
      categories: [],
      groups: [],
    },
  };
  const as = (id: string) => ({ 'x-test-identity': id });

  beforeAll(async () => {
    store = openStore(':memory:');
    app = Fastify();
    registerPlannerApi(app, {
      store,
      log: pino({ level: 'silent' }),
      identityOf: (req) => who[String(req.headers['x-test-identity'] ?? 'lv')]!,
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
  });

  it('saves, lists, renames, compares and deletes', async () => {
    const made = await app.inject({
      method: 'POST',
      url: '/api/planner/scenarios',
      headers: as('lv'),
      payload: LV_CAESAR,
    });
    expect(made.statusCode).toBe(201);
    const s = made.json();
    expect(s).toMatchObject({ id: 'lv-buys-caesar-instead-of-archer', createdBy: 'lv-planner' });
    const ee = (
      await app.inject({ method: 'POST', url: '/api/planner/scenarios', headers: as('op'), payload: EE_CV90 })
    ).json();
    const list = (await app.inject({ url: '/api/planner/scenarios', headers: as('lv') })).json();
    expect(list.items.map((x: { name: string }) => x.name)).toEqual([EE_CV90.name, LV_CAESAR.name]);

    const renamed = await app.inject({
      method: 'PUT',
      url: `/api/planner/scenarios/${s.id}`,
      headers: as('lv'),
      payload: { name: 'LV: CAESAR, not Archer' },
    });
    expect(renamed.json()).toMatchObject({
      id: s.id,
      name: 'LV: CAESAR, not Archer',
      edits: LV_CAESAR.edits,
    });
    // Another nation's planner may read an unrestricted scenario but not change or delete it.
    const lt = await app.inject({
      method: 'DELETE',
      url: `/api/planner/scenarios/${s.id}`,
      headers: as('lt'),
    });
    expect(lt.statusCode).toBe(403);
    expect(lt.json().error.code).toBe('BW_PLAN_DENIED');

    const cmp = await app.inject({
      url: `/api/planner/scenarios/compare?ids=${s.id},${ee.id}&draws=50`,
      headers: as('lv'),
    });
    expect(cmp.statusCode).toBe(200);
    const body = cmp.json();
    expect(body.columns.map((c: { id: string }) => c.id)).toEqual(['base', s.id, ee.id]);
    expect(body.columns[1].applied[0]).toMatch(/^changed seed:27: family = caesar/);
    expect(body.sections.find((x: { id: string }) => x.id === 'mosaic').changedRows).toBeGreaterThan(0);
    // Money joins with the budget lines the reader may see: LV buying CAESAR instead of Archer changes LV's dues.
    const money = body.sections.find((x: { id: string }) => x.id === 'money');
    expect(money.rows.map((r: { key: string }) => r.key)).toContain('LV:due');

    const gone = await app.inject({
      method: 'DELETE',
      url: `/api/planner/scenarios/${s.id}`,
      headers: as('lv'),
    });
    expect(gone.statusCode).toBe(204);
    expect((await app.inject({ url: `/api/planner/scenarios/${s.id}`, headers: as('lv') })).statusCode).toBe(
      404,
    );
  }, 120_000);

  it('refuses bad scenarios with a planner code, and keeps restricted ones from others', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/planner/scenarios',
      headers: as('lv'),
      payload: { name: 'x', edits: [{ op: 'change', programme: 'seed:27', set: { colour: 'red' } }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'BW_PLAN_BAD_INPUT' });
    expect(bad.json().error.message).toMatch(/edits\.0\.set/);
    const ltOnly = {
      policy: 'NATO',
      classification: 'RESTRICTED',
      categories: [{ tag: 'Releasable to', type: 'PERMISSIVE', values: ['LTU'] }],
    };
    const mine = await app.inject({
      method: 'POST',
      url: '/api/planner/scenarios',
      headers: as('lt'),
      payload: { name: 'LT only', edits: [], label: ltOnly },
    });
    expect(mine.statusCode).toBe(201);
    const seen = (await app.inject({ url: '/api/planner/scenarios', headers: as('lv') })).json();
    expect(seen.items.map((x: { name: string }) => x.name)).not.toContain('LT only');
    expect(
      (await app.inject({ url: `/api/planner/scenarios/${mine.json().id}`, headers: as('lv') })).statusCode,
    ).toBe(404);
  });

  it('lists the scenario routes in the generated OpenAPI document', async () => {
    const doc = (await app.inject({ url: '/api/planner/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/planner/scenarios',
        '/api/planner/scenarios/compare',
        '/api/planner/scenarios/{id}',
        '/api/planner/scenarios/{id}/briefing',
      ]),
    );
    expect(doc.components.schemas.scenario.properties.edits).toBeDefined();
  });
});
