/** Issue 20: an empty planner tells the user what to run, and `serve --demo` fills it with the seed data. */
import Fastify from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { runPlan } from '../../src/cli/plan.js';
import { registerPlannerApi } from '../../src/planner/api.js';
import { openStore } from '../../src/store/index.js';

describe('an empty planner and the demo', () => {
  it('`plan mosaic` on an empty registry says to run `balticwall plan import`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-empty-'));
    try {
      const out = await runPlan('mosaic', [], { format: 'table', dataDir: dir });
      expect(out).toMatch(/registry is empty\. Run `balticwall plan import`/);
      expect(out).not.toMatch(/\(no rows\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with seedProgrammes (serve --demo) the API imports the seed into an empty registry, once', async () => {
    const store = openStore(':memory:');
    const start = async () => {
      const app = Fastify();
      registerPlannerApi(app, {
        store,
        log: pino({ level: 'silent' }),
        seedProgrammes: true,
        identityOf: () => ({ id: 'op', kind: 'operator', clearance: 'SECRET', categories: [], groups: [] }),
      });
      await app.ready();
      return app;
    };
    const app = await start();
    const items = (await app.inject({ url: '/api/planner/registry/programmes' })).json().items;
    expect(items).toHaveLength(58);
    const marking = (await app.inject({ url: '/api/planner/marking' })).json();
    expect(marking).toMatchObject({ classification: 'UNCLASSIFIED', asOf: '2026-06' });
    await app.close();
    const again = await start();
    expect((await again.inject({ url: '/api/planner/registry/programmes' })).json().items).toHaveLength(58);
    await again.close();
    store.close();
  });
});
