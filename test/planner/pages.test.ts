/**
 * The planner pages in Debian chromium (playwright-core): built with Vite, served with the planner API over the
 * seed data by a small fastify server, each view driven and screenshotted to test-artifacts/planner/.
 */
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPlannerApi } from '../../src/planner/api.js';
import { seedDir } from '../../src/planner/reference.js';
import { openStore, type Store } from '../../src/store/index.js';

const out = resolve('test-artifacts/planner');
const dist = join(out, 'dist');
const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('planner pages in chromium', () => {
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
    // The hub's session route, as the COP page's sign-in leaves it.
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
  });

  const open = async (view: string) => {
    await page.goto(`${base}/planner/#${view}`);
    await page.waitForSelector(`main[data-view="${view}"][data-ready="true"]`, { timeout: 60_000 });
  };

  it('draws the mosaic heat map and the measures table', async () => {
    await open('mosaic');
    await page.waitForSelector('[data-testid="mosaic-heatmap"] canvas');
    const spa = await page
      .locator('[data-testid="mosaic-table"] tr', { hasText: '155 mm self-propelled artillery' })
      .innerText();
    expect(spa).toMatch(/\t5\t6\t/);
    // Axes name the areas; partly unknown areas read n/a, never 100 %.
    const axis = JSON.parse((await page.getAttribute('[data-testid="mosaic-heatmap"]', 'data-axis'))!);
    expect(axis).toContain('Loitering munitions');
    expect(axis).not.toContain('LM');
    const mrad = await page
      .locator('[data-testid="mosaic-table"] tr', { hasText: 'Medium-range air defence' })
      .innerText();
    expect(mrad).toMatch(/n\/a \(1 quantity unknown\)/);
    expect(mrad).not.toMatch(/100 %/);
    // Every figure shows its sources (the CSV's source_keys).
    expect(mrad).toMatch(/norwaytoday/);
    // The classification banner, as on the COP page, with the data's as-of month.
    expect(await page.innerText('[data-testid="banner-top"]')).toMatch(
      /UNCLASSIFIED\s+data as of 2026-06\s+op \(EST\) · cleared SECRET/,
    );
    expect(await page.getAttribute('[data-testid="banner-bottom"]', 'data-classification')).toBe(
      'UNCLASSIFIED',
    );
    await page.waitForSelector('[data-testid="interop-table"]');
    expect(await page.locator('[data-testid="interop-table"] tbody tr').count()).toBe(10);
    await page.screenshot({ path: join(out, 'mosaic.png'), fullPage: true });
  }, 90_000);

  it('edits a registry cell and saves it through the API; a bad value is refused', async () => {
    await open('registry');
    const cell = page.locator('tr[data-id="seed:45"] td[data-field="quantity"]');
    await cell.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('50');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="status"]:has-text("saved programmes/seed:45")');
    const rec = (await app.inject({ url: '/api/planner/registry/programmes/seed:45' })).json();
    expect(rec.quantity).toMatchObject({ value: 50, kind: 'exact' });
    await cell.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('lots');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="status"][data-kind="error"]');
    expect(await cell.innerText()).toBe('50');
    await page.screenshot({ path: join(out, 'registry.png') });
    // A new record from the JSON template.
    await page.click('[data-testid="registry-new"]');
    await page.click('[data-testid="registry-new"]');
    await page.waitForSelector('tr[data-id="manual:1"]');
    const made = (await app.inject({ url: '/api/planner/registry/programmes/manual:1' })).json();
    expect(made).toMatchObject({ nation: 'EE', family: 'caesar', statuses: ['planned'] });
  }, 90_000);

  it('ranks opportunities with a stacked score chart', async () => {
    await open('opportunities');
    // The default as-of is the data's own (2026-06), the same as the CLI's, whatever the clock says.
    expect(await page.inputValue('[data-testid="opp-form"] input[name="asOf"]')).toBe('2026-06');
    await page.click('[data-testid="opp-form"] button[type="submit"]');
    await page.waitForSelector('[data-testid="opp-chart"] canvas');
    expect(await page.locator('[data-testid="opp-list"] li h4').first().innerText()).toMatch(
      /^Rocket artillery: HIMARS for EE \+ LV/,
    );
    expect(await page.innerText('[data-testid="opp-list"]')).toMatch(/LV Archer 18 \(switches\)/);
    expect(await page.innerText('[data-testid="opp-list"]')).not.toMatch(/seed:\d/);
    expect(await page.innerText('[data-testid="opp-note"]')).toMatch(/a judgement, not a fact/);
    expect(await page.locator('[data-testid="opp-list"] li').count()).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: join(out, 'opportunities.png'), fullPage: true });
  }, 90_000);

  it('draws the pipeline timeline with medians', async () => {
    await open('pipeline');
    await page.waitForSelector('[data-testid="pipeline-chart"] canvas');
    expect(await page.locator('[data-testid="pipeline-facts"]').innerText()).toMatch(
      /Median requirement → contract: \d+ months/,
    );
    await page.screenshot({ path: join(out, 'pipeline.png'), fullPage: true });
  }, 90_000);

  it('schedules and draws fielding curves, line utilisation and the what-if table', async () => {
    await open('fielding');
    await page.waitForSelector('[data-testid="fielding-chart"] canvas', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="lines-chart"] canvas');
    expect(await page.locator('[data-testid="scenario-table"] tbody tr').count()).toBeGreaterThanOrEqual(4);
    expect(await page.innerText('[data-testid="scenario-table"]')).not.toMatch(/same as base/);
    expect(await page.innerText('[data-testid="orders-table"]')).toMatch(/LV HIMARS M142/);
    expect(await page.innerText('[data-testid="schedule-defaults"]')).toMatch(/assumption, grade C/);
    await page.waitForSelector('[data-testid="montecarlo-table"]', { timeout: 60_000 });
    expect(await page.innerText('[data-testid="montecarlo-table"]')).toMatch(/LT, all orders/);
    expect(await page.innerText('[data-testid="montecarlo-days"]')).toMatch(/155 mm artillery shells\s+EE/);
    expect(await page.locator('[data-testid="orders-table"] sup.src').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(out, 'fielding.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 120_000);

  it('shows days of fire per munition and nation', async () => {
    await open('ammunition');
    expect(await page.innerText('[data-testid="ammo-155mm"]')).toMatch(/not entered \(counted 0\)/);
    expect(await page.innerText('[data-testid="view"]')).toMatch(/40 rounds per weapon per day/);
    await page.screenshot({ path: join(out, 'ammunition.png'), fullPage: true });
  }, 60_000);

  it('shows the sources of figures as marks with tooltips and a numbered list', async () => {
    await open('ammunition');
    const mark = page.locator('[data-testid="ammo-155mm"] sup.src').first();
    expect(await mark.getAttribute('title')).toMatch(/^Sources: .*SIPRI/);
    expect(await page.innerText('[data-testid="ammo-sources"]')).toMatch(/reuters/);
    expect(await page.innerText('[data-testid="ammo-sources"]')).toMatch(/1\.?\s*\S+/);
    await open('opportunities');
    await page.click('[data-testid="opp-form"] button[type="submit"]');
    await page.waitForSelector('[data-testid="opp-list"] h4 sup.src');
    expect(await page.innerText('[data-testid="opp-sources"]')).toMatch(/overtdefense/);
  }, 90_000);

  it('saves a scenario from the change builder, compares it with the base, renames and deletes it', async () => {
    await open('scenarios');
    await page.fill('[data-testid="scenario-form"] input[name="name"]', 'LV buys CAESAR instead of Archer');
    await page.selectOption('[data-testid="scenario-form"] select[name="programme"]', 'seed:27');
    await page.selectOption('[data-testid="scenario-form"] select[name="field"]', 'family');
    await page.fill('[data-testid="scenario-form"] input[name="value"]', 'caesar');
    await page.click('[data-testid="scenario-add-change"]');
    expect(JSON.parse(await page.inputValue('[data-testid="scenario-edits"]'))).toEqual([
      { op: 'change', programme: 'seed:27', set: { family: 'caesar' } },
    ]);
    await page.click('[data-testid="scenario-form"] button[type="submit"]');
    await page.waitForSelector(
      '[data-testid="scenario-list"] tr:has-text("LV buys CAESAR instead of Archer")',
    );
    await page.click('[data-testid="scenario-compare-button"]');
    await page.waitForSelector('[data-testid="scenario-compare"]', { timeout: 90_000 });
    const mosaic = await page.innerText('[data-testid="scenario-compare"] table[data-section="mosaic"]');
    expect(mosaic).toMatch(/155 mm self-propelled artillery: families.*\t5\t4 ▲/);
    expect(
      await page.locator('[data-testid="scenario-compare"] table[data-section="schedule"]').count(),
    ).toBe(1);
    expect(await page.innerText('[data-testid="scenario-sources"]')).toMatch(
      /scenario: LV buys CAESAR instead of Archer/,
    );
    await page.screenshot({ path: join(out, 'scenarios.png'), fullPage: true });
    await page.click('[data-testid="scenario-list"] button[data-action="rename"]');
    await page.fill('[data-testid="scenario-rename"]', 'LV: CAESAR, not Archer');
    await page.press('[data-testid="scenario-rename"]', 'Enter');
    await page.waitForSelector('[data-testid="scenario-list"] tr:has-text("LV: CAESAR, not Archer")');
    await page.click('[data-testid="scenario-list"] button[data-action="delete"]');
    await page.click('[data-testid="scenario-list"] button[data-action="delete"]');
    await page.waitForSelector('text=No saved scenario yet');
    expect(errors).toEqual([]);
  }, 150_000);

  it('prints a scenario briefing on one A4 page with its key figures', async () => {
    const s = (
      await app.inject({
        method: 'POST',
        url: '/api/planner/scenarios',
        payload: {
          name: 'EE joins CV90 with 40',
          description: 'Estonia joins the CV90 MkIV buy with 40 vehicles.',
          edits: [{ op: 'change', programme: 'seed:3', set: { quantity: 40 } }],
        },
      })
    ).json();
    const p = await browser.newPage();
    await p.goto(`${base}/api/planner/scenarios/${s.id}/briefing?draws=100`);
    const text = await p.innerText('body');
    expect(text).toMatch(/EE joins CV90 with 40/);
    expect(text).toMatch(/changed seed:3: quantity = 40/);
    expect(text).toMatch(/EE: all orders complete/);
    expect(text).toMatch(/days of fire in 5 years/);
    expect(text).toMatch(/Sources/);
    await p.emulateMedia({ media: 'print' });
    const pdf = await p.pdf({ preferCSSPageSize: true, printBackground: true });
    writeFileSync(join(out, 'briefing.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
    expect(pages.length).toBe(1);
    await p.close();
  }, 120_000);

  it('goes to sign-in when the hub answers 401 (no session)', async () => {
    const p2 = await browser.newPage();
    await p2.route('**/api/**', (r) =>
      r.fulfill({ status: 401, contentType: 'application/json', body: '{}' }),
    );
    await p2.goto(`${base}/planner/#mosaic`);
    await p2.waitForURL(/\/\?next=%2Fplanner%2F/, { timeout: 30_000 });
    expect(new URL(p2.url()).searchParams.get('next')).toBe('/planner/#mosaic');
    await p2.close();
  }, 60_000);
});
