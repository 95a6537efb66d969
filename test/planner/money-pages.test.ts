/**
 * The Money and Targets pages in Debian chromium (playwright-core): built with Vite, served with the planner API
 * over the seed data; the affordability tables, the HiGHS fit and a target added through the form.
 */
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPlannerApi } from '../../src/planner/api.js';
import { seedDir } from '../../src/planner/reference.js';
import { stopSolver } from '../../src/planner/solver.js';
import { openStore, type Store } from '../../src/store/index.js';

const out = resolve('test-artifacts/planner-money');
const dist = join(out, 'dist');
const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('money and targets pages in chromium', () => {
  let app: FastifyInstance;
  let store: Store;
  let browser: Browser;
  let page: Page;
  let base: string;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(out, { recursive: true });
    await build({
      root: resolve('web/planner'),
      base: '/planner/',
      logLevel: 'warn',
      configFile: false,
      build: { outDir: dist, emptyOutDir: true, chunkSizeWarningLimit: 4096 },
    });
    store = openStore(':memory:');
    app = Fastify();
    registerPlannerApi(app, {
      store,
      log: pino({ level: 'silent' }),
      identityOf: () => ({ id: 'op', kind: 'operator', clearance: 'SECRET', categories: [], groups: [] }),
    });
    app.get('/api/session', async () => ({ id: 'op', nation: 'EST', clearance: 'SECRET', groups: [] }));
    await app.register(fastifyStatic, { root: dist, prefix: '/planner/' });
    await app.ready();
    const csv = readFileSync(join(seedDir(), 'baltic-equipment.csv'), 'utf8');
    await app.inject({ method: 'POST', url: '/api/planner/import', payload: { csv, source: 'seed' } });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    store?.close();
    await stopSolver();
  });

  const open = async (view: string) => {
    await page.goto(`${base}/planner/#${view}`);
    await page.waitForSelector(`main[data-view="${view}"][data-ready="true"]`, { timeout: 60_000 });
  };

  it('shows affordability per nation and year, and the HiGHS fit', async () => {
    await open('money');
    await page.waitForSelector('[data-testid="money-chart-LV"] canvas');
    const lv2027 = await page.locator('[data-testid="money-LV"] tr', { hasText: '2027' }).innerText();
    expect(lv2027).toMatch(/478\.6\t600\.7\t547\.5\tFMF 53\.2\/66\.5\t-68\.9\tNO \(short 68\.9\)/);
    expect(await page.innerText('[data-testid="money-assumptions"]')).toMatch(/5 % of GDP from 2026/);
    expect(await page.innerText('[data-testid="money-lines"]')).toMatch(
      /LT CAESAR Mk II 6x6 \(lot 2 \(30 guns, SAFE\)\)/,
    );
    await page.check('[data-testid="money-form"] input[name="fit"]');
    await page.click('[data-testid="money-form"] button[type="submit"]');
    await page.waitForSelector('[data-testid="money-fit"]');
    expect(await page.innerText('h3:has-text("Fitted to the caps")')).toMatch(/201\.2 €m-years late/);
    expect(await page.innerText('[data-testid="money-fit"]')).toMatch(/LT CV90 MkIV/);
    await page.screenshot({ path: join(out, 'money.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 120_000);

  it('shows targets against fielded fleets and adds one through the form', async () => {
    await open('targets');
    const lt = await page.locator('[data-testid="targets-table"] tr', { hasText: 'lt-spa-2030' }).innerText();
    expect(lt).toMatch(/66 SPA in service by 2030\t18\t66\t0\t2030-12/);
    await page.waitForSelector('[data-testid="target-chart-lt-spa-2030"] canvas');
    await page.fill('[data-testid="target-form"] input[name="id"]', 'ee-himars-2026');
    await page.fill('[data-testid="target-form"] input[name="family"]', 'himars');
    await page.fill('[data-testid="target-form"] input[name="quantity"]', '6');
    await page.fill('[data-testid="target-form"] input[name="by"]', '2026');
    await page.click('[data-testid="target-form"] button[type="submit"]');
    await page.waitForSelector('[data-testid="status"]:has-text("saved target ee-himars-2026")');
    const row = await page
      .locator('[data-testid="targets-table"] tr', { hasText: 'ee-himars-2026' })
      .innerText();
    expect(row).toMatch(/6 himars combat-ready by 2026\t6\t6\t0/);
    const saved = (await app.inject({ url: '/api/planner/targets' })).json();
    expect(saved.targets.map((t: { target: { id: string } }) => t.target.id)).toContain('ee-himars-2026');
    // A bad quantity is refused with the planner's message, and nothing is saved.
    await page.fill('[data-testid="target-form"] input[name="id"]', 'bad');
    await page.fill('[data-testid="target-form"] input[name="quantity"]', '0');
    await page.click('[data-testid="target-form"] button[type="submit"]');
    await page.waitForSelector('[data-testid="status"][data-kind="error"]');
    await page.screenshot({ path: join(out, 'targets.png'), fullPage: true });
    expect(errors.filter((e) => !/400/.test(e))).toEqual([]);
  }, 120_000);
});
