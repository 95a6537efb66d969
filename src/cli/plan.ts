/**
 * `balticwall plan import|mosaic|opportunities|pipeline|schedule|ammo|montecarlo|scenario|export`: the planner from the command line, over the
 * store in --data-dir, printing a table, CSV or JSON. The CLI runs as the local operator (it has the database
 * file); the egress gate applies to what the hub serves, not to a planner's own machine.
 */
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PlannerError } from '../planner/errors.js';
import { programmesToCsv, registryToJson } from '../planner/export.js';
import { importCsv, slug } from '../planner/import.js';
import { MoneyStore } from '../planner/money/store.js';
import { registryToXlsx, XLSX_SHEETS } from '../planner/xlsx.js';
import { computeMosaic } from '../planner/mosaic.js';
import { findOpportunities } from '../planner/opportunities.js';
import { loadReference, seedDir } from '../planner/reference.js';
import { defaultLabel } from '../planner/schema.js';
import { render, importRows, mosaicRows, opportunityRows } from '../planner/views.js';
import type { Label } from '../model/label.js';
import { isClassification } from '../model/label.js';
import { registerMoneyCommands } from './plan-money.js';
import { runAmmo, runMonteCarlo, runPipeline, runSchedule } from './plan-analyses.js';
import { fmt, num, withRegistry, type Common } from './plan-common.js';
import { registerScenarioCommand, runScenario } from './plan-scenarios.js';

/** What an empty registry prints instead of "(no rows)": the command that fills it. */
export const EMPTY =
  'The planner registry is empty. Run `balticwall plan import` to load the seed data (data/baltic-equipment.csv\n' +
  'and data/planner-reference.yaml), or `balticwall plan import your.csv` for your own list.\n';

/** Run one plan subcommand and return what it prints; errors are PlannerErrors with stable codes. */
export async function runPlan(
  cmd: string,
  args: string[],
  o: Record<string, string | boolean | undefined> & Common,
): Promise<string> {
  const format = fmt(o.format);
  switch (cmd) {
    case 'import': {
      const file = args[0] ?? join(seedDir(), 'baltic-equipment.csv');
      const ref = loadReference(typeof o.reference === 'string' ? o.reference : undefined);
      let label: Label | undefined;
      if (typeof o.releasableTo === 'string' || typeof o.classification === 'string') {
        label = defaultLabel();
        if (typeof o.classification === 'string') {
          if (!isClassification(o.classification))
            throw new PlannerError('BW_PLAN_BAD_INPUT', `unknown classification "${o.classification}"`);
          label.classification = o.classification;
        }
        if (typeof o.releasableTo === 'string') {
          label.categories.push({
            tag: 'Releasable to',
            type: 'PERMISSIVE',
            values: o.releasableTo.split(',').map((x) => x.trim().toUpperCase()),
          });
        }
      }
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new PlannerError('BW_PLAN_CSV', `cannot read ${file}: ${(e as Error).message}`, { cause: e });
      }
      const source = typeof o.source === 'string' ? o.source : slug(basename(file).replace(/\.csv$/i, ''));
      const report = importCsv(text, {
        source,
        areas: ref.areas,
        families: ref.families,
        stageOverrides: ref.stages,
        ...(label ? { label } : {}),
      });
      withRegistry(o.dataDir, (r) => {
        r.loadReference(ref);
        r.saveImport(report);
      });
      const head = `imported ${report.programmes.length} programmes from ${report.rows} rows of ${file}; ${report.issues.filter((i) => i.severity === 'unreadable').length} unreadable cells, ${report.issues.filter((i) => i.severity === 'warning').length} warnings\n`;
      const body = render(importRows(report), format, {
        ...report,
        programmes: report.programmes.map((p) => p.id),
      });
      return format === 'table' ? head + body : body;
    }
    case 'mosaic': {
      const m = withRegistry(o.dataDir, (r) =>
        computeMosaic(r.snapshot(), {
          includePlanned: o.includePlanned === true,
          ...(typeof o.asOf === 'string' ? { asOf: o.asOf } : {}),
        }),
      );
      if (format === 'table' && m.areas.length === 0) return EMPTY;
      const body = render(mosaicRows(m), format, m);
      return format === 'table'
        ? `as of ${m.asOf}; shares are n/a where some quantities are unknown\n${body}`
        : body;
    }
    case 'opportunities': {
      const res = withRegistry(o.dataDir, (r) =>
        findOpportunities(r.snapshot(), {
          ...(num('window-years', o.windowYears as string | undefined, 0.25, 20) !== undefined
            ? { windowYears: Number(o.windowYears) }
            : {}),
          ...(typeof o.asOf === 'string' ? { asOf: o.asOf } : {}),
          ...(num('learning-rate', o.learningRate as string | undefined, 0.5, 1) !== undefined
            ? { learningRate: Number(o.learningRate) }
            : {}),
        }),
      );
      const p = res.parameters;
      const head = `window ${p.windowYears} y, as of ${p.asOf}, learning rate ${p.learningRate}, weights ${JSON.stringify(p.weights)} (a judgement, not a fact: change them with the API or the page)\n`;
      const body = render(opportunityRows(res), format, res);
      return format === 'table' ? head + body : body;
    }
    case 'pipeline':
      return runPipeline(o, format);
    case 'scenario':
      return runScenario(args, o, format);
    case 'schedule':
      return runSchedule(o, format);
    case 'ammo':
      return runAmmo(o, format);
    case 'montecarlo':
      return runMonteCarlo(o, format);
    case 'export': {
      const { snap, budgets, targets } = withRegistry(o.dataDir, (r, store) => {
        const money = new MoneyStore(store);
        return { snap: r.snapshot(), budgets: money.budgets(), targets: money.targets() };
      });
      if (typeof o.out === 'string' && o.out.toLowerCase().endsWith('.xlsx')) {
        const ref = loadReference(typeof o.reference === 'string' ? o.reference : undefined);
        writeFileSync(o.out, await registryToXlsx(snap, ref.munitions, undefined, { budgets, targets }));
        const made = XLSX_SHEETS.filter(
          (n) => (n !== 'Money' || budgets.length > 0) && (n !== 'Targets' || targets.length > 0),
        );
        return `wrote ${o.out}: sheets ${made.join(', ')}\n`;
      }
      if (format === 'csv') return programmesToCsv(snap);
      if (format === 'json') return registryToJson(snap) + '\n';
      return render(
        snap.programmes.map((p) => ({
          id: p.id,
          nation: p.nation,
          area: p.area,
          family: p.family,
          quantity: p.quantity?.value,
          grade: p.confidence,
        })),
        'table',
      );
    }
    default:
      throw new PlannerError('BW_PLAN_BAD_INPUT', `unknown plan command "${cmd}"`);
  }
}

/** Register `plan` and its subcommands. */
export function registerPlanCommands(program: Command): void {
  const plan = program.command('plan').description('joint procurement and industrial capacity planner');
  const common = (c: Command) =>
    c
      .option('--format <format>', 'table | csv | json', 'table')
      .option('--data-dir <dir>', 'data directory of the store', '.balticwall');
  const act =
    (cmd: string) =>
    async (...a: unknown[]) => {
      const c = a.at(-1) as Command;
      const args = a
        .slice(0, -2)
        .flat()
        .filter((x): x is string => typeof x === 'string');
      try {
        process.stdout.write(
          await runPlan(cmd, args, c.opts() as Record<string, string | boolean | undefined> & Common),
        );
      } catch (err) {
        const code = err instanceof PlannerError ? err.plannerCode : 'BW_PLAN_INTERNAL';
        console.error(`${code}: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      }
    };
  common(
    plan
      .command('import')
      .description('import an equipment CSV (default: the seed data) and the reference file'),
  )
    .argument('[csv]', 'CSV file shaped like data/baltic-equipment.csv')
    .option('--reference <yaml>', 'reference file (areas, families, lines, frameworks)')
    .option('--source <name>', 'source name; re-importing a source replaces its programmes')
    .option(
      '--releasable-to <nations>',
      'label the rows releasable only to these alpha-3 nations, e.g. EST,LVA',
    )
    .option('--classification <level>', 'label classification, e.g. RESTRICTED')
    .action(act('import'));
  common(plan.command('mosaic').description('fragmentation per capability area'))
    .option('--include-planned', 'count planned-only programmes')
    .option('--as-of <YYYY-MM>', "reference month (default: the data's own as-of date)")
    .action(act('mosaic'));
  common(plan.command('opportunities').description('ranked joint-procurement opportunities'))
    .option('--window-years <n>', 'overlap window in years', '3')
    .option('--as-of <YYYY-MM>', "reference month (default: the data's own as-of date)")
    .option('--learning-rate <r>', 'learning-curve rate', '0.9')
    .action(act('opportunities'));
  common(plan.command('pipeline').description('budget → contract → delivery'))
    .option('--as-of <YYYY-MM>', "reference month (default: the data's own as-of date)")
    .option('--stall-months <n>', 'stall threshold before contract', '18')
    .action(act('pipeline'));
  common(
    plan
      .command('export')
      .description(
        'export the registry: programmes as CSV, everything as JSON, every table as .xlsx (--out)',
      ),
  )
    .option('--out <file.xlsx>', 'write every table to an Excel workbook')
    .action(act('export'));
  common(plan.command('ammo').description('days of fire: demand against stockpile and production'))
    .option('--intensity <name>', 'planning intensity (high, sustained)', 'high')
    .option('--as-of <YYYY-MM>', "reference month (default: the data's own as-of date)")
    .option('--reference <yaml>', 'reference file with the munitions (default: the seed)')
    .action(act('ammo'));
  common(
    plan
      .command('montecarlo')
      .description(
        'Monte Carlo over quantity ranges, line shares, lead times and slip: P10/P50/P90 fielding dates and days of fire',
      ),
  )
    .option('--draws <n>', 'number of draws', '2000')
    .option('--seed <n>', 'random seed (same seed, same answer)', '1')
    .option('--start <YYYY-MM>', "first month (default: the month after the data's as-of date)")
    .option('--months <n>', 'horizon in months', '72')
    .option('--intensity <name>', 'days-of-fire intensity (high, sustained)', 'high')
    .option('--reference <yaml>', 'reference file with the munitions (default: the seed)')
    .action(act('montecarlo'));
  common(plan.command('schedule').description('allocate line output to orders (HiGHS) with what-ifs'))
    .option('--input <json>', 'schedule input file (lines and orders); default: orders from the registry')
    .option('--start <YYYY-MM>', "first month (default: the month after the data's as-of date)")
    .option('--months <n>', 'horizon in months', '72')
    .option(
      '--lead-months <n>',
      'wanted-by = decision + n months when a programme has no planned last delivery',
      '36',
    )
    .option(
      '--what-if <file|default|none>',
      'what-if scenarios (JSON array), the default set, or none',
      'default',
    )
    .action(act('schedule'));
  registerMoneyCommands(plan);
  registerScenarioCommand(plan, common, act);
}
