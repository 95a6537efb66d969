/**
 * `balticwall plan scenario list|show|create|rename|edit|delete|compare|briefing`: saved registry scenarios from
 * the command line, in the same store the hub serves them from, compared side by side with every figure's sources.
 */
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { renderBriefing } from '../planner/briefing.js';
import { compareScenarios, type Comparison } from '../planner/compare.js';
import { MoneyStore } from '../planner/money/store.js';
import { COMPARATORS } from '../planner/comparators.js';
import { PlannerError } from '../planner/errors.js';
import { loadReference } from '../planner/reference.js';
import { ScenarioStore } from '../planner/scenario-store.js';
import type { Scenario } from '../planner/scenarios.js';
import { render, type Format, type Row } from '../planner/views.js';
import { num, readJson, withRegistry, type Opts } from './plan-common.js';

const MARK = { better: ' ▲', worse: ' ▼', changed: ' *' } as const;

/** The comparison as rows: one per figure, a column per scenario (▲ better, ▼ worse, * changed), its sources. */
export function comparisonRows(c: Comparison, changedOnly = false): Row[] {
  return c.sections.flatMap((sec) =>
    sec.rows
      .filter((r) => !changedOnly || r.deltas.some((d) => d !== null))
      .map((r) => {
        const row: Row = { analysis: sec.id, figure: r.label + (r.unit ? ` (${r.unit})` : '') };
        c.columns.forEach((col, i) => {
          const d = i === 0 ? null : r.deltas[i - 1];
          row[col.name] = `${r.values[i] ?? '-'}${d ? MARK[d] : ''}`;
        });
        row.sources = r.sources.join('; ');
        return row;
      }),
  );
}

function scenarioInput(args: string[], o: Opts): unknown {
  if (args[0]) return readJson(args[0]);
  if (typeof o.name !== 'string')
    throw new PlannerError('BW_PLAN_BAD_INPUT', 'give a scenario file, or --name and --edits');
  return {
    name: o.name,
    ...(typeof o.description === 'string' ? { description: o.description } : {}),
    edits: typeof o.edits === 'string' ? parseEdits(o.edits) : [],
  };
}

function parseEdits(text: string): unknown {
  try {
    return JSON.parse(text.trim().startsWith('[') ? text : readFileSync(text, 'utf8'));
  } catch (e) {
    throw new PlannerError('BW_PLAN_BAD_INPUT', `--edits: not a JSON array or file: ${(e as Error).message}`);
  }
}

async function compare(o: Opts, ids: string[], pick: (s: ScenarioStore) => Scenario[]): Promise<Comparison> {
  const ref = loadReference(typeof o.reference === 'string' ? o.reference : undefined);
  const { reg, chosen, budgets } = withRegistry(o.dataDir, (r, store) => {
    const ss = new ScenarioStore(store);
    return { reg: r.snapshot(), chosen: pick(ss), budgets: new MoneyStore(store).budgets() };
  });
  if (ids.length === 0 && chosen.length === 0)
    throw new PlannerError('BW_PLAN_NOT_FOUND', 'no saved scenario (create one with `plan scenario create`)');
  return compareScenarios(reg, chosen, COMPARATORS, {
    ...(typeof o.asOf === 'string' ? { asOf: o.asOf } : {}),
    months: num('months', (o.months as string) ?? '72', 12, 600)!,
    draws: num('draws', (o.draws as string) ?? '200', 0, 5000)!,
    munitions: ref.munitions,
    budgets,
  });
}

const must = (ss: ScenarioStore, id: string | undefined): Scenario => {
  const s = id ? ss.get(id) : undefined;
  if (!s) throw new PlannerError('BW_PLAN_NOT_FOUND', `no scenario "${id ?? ''}"`);
  return s;
};

function listRows(items: Scenario[]): Row[] {
  return items.map((s) => ({
    id: s.id,
    name: s.name,
    edits: s.edits.length,
    by: s.createdBy,
    updated: s.updatedAt,
  }));
}

/** Run `plan scenario <action> [args…]`. */
export async function runScenario(args: string[], o: Opts, format: Format): Promise<string> {
  const [action, ...rest] = args;
  const store = (fn: (ss: ScenarioStore) => unknown) =>
    withRegistry(o.dataDir, (_r, s) => fn(new ScenarioStore(s)));
  switch (action) {
    case 'list': {
      const items = store((ss) => ss.list()) as Scenario[];
      return render(listRows(items), format, { items });
    }
    case 'show':
      return (
        JSON.stringify(
          store((ss) => must(ss, rest[0])),
          null,
          2,
        ) + '\n'
      );
    case 'create': {
      const s = store((ss) => ss.create(scenarioInput(rest, o), 'cli')) as Scenario;
      return format === 'json'
        ? JSON.stringify(s, null, 2) + '\n'
        : `saved scenario ${s.id} (${s.edits.length} edits)\n`;
    }
    case 'rename':
    case 'edit': {
      const [id, ...more] = rest;
      const patch = action === 'rename' ? { name: more.join(' ') } : { edits: readJson(more[0] ?? '') };
      const s = store((ss) => (must(ss, id), ss.update(id!, patch))) as Scenario;
      return `${action === 'rename' ? 'renamed' : 'edited'} scenario ${s.id}: ${s.name}\n`;
    }
    case 'delete':
      store((ss) => (must(ss, rest[0]), ss.delete(rest[0]!)));
      return `deleted scenario ${rest[0]}\n`;
    case 'compare': {
      const c = await compare(o, rest, (ss) =>
        rest.length ? rest.map((id) => must(ss, id)) : ss.list().slice(0, 6),
      );
      const rows = comparisonRows(c, o.changed === true);
      if (format !== 'table') return render(rows, format, c);
      const edits = c.columns
        .slice(1)
        .map(
          (col) =>
            `${col.name}:\n${[...col.applied, ...col.problems.map((p) => `NOT APPLIED ${p}`)].map((a) => `  ${a}`).join('\n')}`,
        )
        .join('\n');
      return `${edits}\n\n${render(rows, 'table')}\n▲ better, ▼ worse, * changed against the base\n`;
    }
    case 'briefing': {
      const c = await compare(o, rest.slice(0, 1), (ss) => [must(ss, rest[0])]);
      const s = store((ss) => must(ss, rest[0])) as Scenario;
      const html = renderBriefing(s, c, { generated: new Date().toISOString().slice(0, 10) });
      if (typeof o.out !== 'string') return html;
      writeFileSync(o.out, html);
      return `wrote ${o.out}: the one-page briefing of ${s.name} (print it, or open it in a browser)\n`;
    }
    default:
      throw new PlannerError(
        'BW_PLAN_BAD_INPUT',
        `plan scenario: unknown action "${action ?? ''}" (list, show, create, rename, edit, delete, compare, briefing)`,
      );
  }
}

/** Register `plan scenario` on the plan command. */
export function registerScenarioCommand(
  plan: Command,
  common: (c: Command) => Command,
  act: (cmd: string) => (...a: unknown[]) => Promise<void>,
): void {
  common(
    plan
      .command('scenario')
      .description('saved registry scenarios: list, show, create, rename, edit, delete, compare, briefing')
      .argument(
        '<action>',
        'list | show <id> | create [file.json] | rename <id> <name> | edit <id> <edits.json> | delete <id> | compare [ids…] | briefing <id>',
      )
      .argument('[args...]', "the action's arguments"),
  )
    .option('--name <name>', 'create: the scenario name (instead of a file)')
    .option('--description <text>', 'create: what the scenario asks')
    .option('--edits <json|file>', 'create: the edits, a JSON array or a file holding one')
    .option('--changed', 'compare: only the figures a scenario changes')
    .option(
      '--draws <n>',
      'compare, briefing: Monte Carlo draws per column (0 leaves uncertainty out)',
      '200',
    )
    .option('--months <n>', 'compare, briefing: schedule horizon in months', '72')
    .option('--as-of <YYYY-MM>', "compare, briefing: reference month (default: the data's own)")
    .option('--out <file.html>', 'briefing: write the page to a file')
    .action(act('scenario'));
}
