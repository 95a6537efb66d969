/**
 * `balticwall plan money|budgets|targets`: the affordability check (optionally fitted with HiGHS), budget lines per
 * nation, and capability targets against fielded fleets, over the store in --data-dir. Kept apart from plan.ts
 * (which registers it) so the money commands grow without touching the other planner commands.
 */
import type { Command } from 'commander';
import { openStore } from '../store/index.js';
import { PlannerError } from '../planner/errors.js';
import { PlannerRegistry } from '../planner/registry.js';
import { render, type Format, type Row } from '../planner/views.js';
import { affordability, type Affordability } from '../planner/money/affordability.js';
import { loadBudgets } from '../planner/money/budget.js';
import { fitToCaps, type Fit } from '../planner/money/fit.js';
import { MoneyStore } from '../planner/money/store.js';
import { targetsVersusFielded, type TargetResult } from '../planner/targets/targets.js';
import { stopSolver } from '../planner/solver.js';

type Opts = Record<string, string | boolean | undefined> & { format: string; dataDir: string };

const EMPTY = 'The planner registry is empty. Run `balticwall plan import` to load the seed data first.\n';

function fmt(f: string): Format {
  if (f !== 'table' && f !== 'csv' && f !== 'json')
    throw new PlannerError('BW_PLAN_BAD_INPUT', '--format must be table, csv or json');
  return f;
}

function int(name: string, v: unknown, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new PlannerError('BW_PLAN_BAD_INPUT', `--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

const eur = (x: number) => x.toFixed(1);

/** The affordability table: one row per nation and year. */
export function moneyRows(a: Affordability): Row[] {
  return a.nations.flatMap((n) =>
    n.rows.map((r) => ({
      nation: n.nation,
      year: r.year,
      'GDP €bn': r.gdpEurBn.toFixed(2),
      'defence %': r.defencePct,
      'envelope €m': eur(r.envelopeEurM),
      'due €m': eur(r.dueEurM),
      'national €m': eur(r.nationalDueEurM),
      external: r.sources
        .map((s) => `${s.source} ${eur(s.dueEurM)}${s.capEurM === null ? '' : `/${eur(s.capEurM)}`}`)
        .join('; '),
      'headroom €m': eur(r.headroomEurM),
      affordable: r.affordable ? 'yes' : `NO (short ${eur(r.shortEurM)})`,
    })),
  );
}

function fitRows(f: Fit): Row[] {
  return f.lines
    .filter((l) => l.delayEurMYears > 0.005)
    .map((l) => ({
      programme: `${l.name}${l.tranche ? ` (${l.tranche})` : ''}`,
      due: Object.entries(l.dueByYear)
        .filter(([, v]) => v > 0)
        .map(([y, v]) => `${y}: ${eur(v)}`)
        .join(', '),
      paid: Object.entries(l.paidByYear)
        .filter(([, v]) => v > 0)
        .map(([y, v]) => `${y}: ${eur(v)}`)
        .join(', '),
      'late €m-years': eur(l.delayEurMYears),
      'final payment slips':
        l.slipYears === 'beyond' ? `beyond the horizon (€${eur(l.beyondEurM)}m)` : `${l.slipYears} years`,
    }));
}

function targetRows(ts: TargetResult[]): Row[] {
  return ts.map((t) => ({
    target: t.target.id,
    nation: t.target.nation,
    what: `${t.target.quantity} ${t.target.family ?? t.target.area} ${t.target.measure === 'combatReady' ? 'combat-ready' : 'in service'} by ${t.target.by}`,
    'fielded now': t.fieldedNow,
    'fielded by': t.fieldedBy,
    'gap by': t.gapBy,
    reaches: t.reaches ?? 'not in horizon',
    'gap by year': t.years.map((y) => `${y.month.slice(0, 4)}: ${y.gap}`).join(', '),
  }));
}

/** Run one money subcommand and return what it prints. */
export async function runMoney(cmd: string, args: string[], o: Opts): Promise<string> {
  const format = fmt(o.format);
  const store = openStore(o.dataDir);
  try {
    const reg = new PlannerRegistry(store);
    const money = new MoneyStore(store);
    money.seedOnce();
    const snap = reg.snapshot();
    if (cmd === 'money') {
      if (snap.programmes.length === 0) return EMPTY;
      const file = typeof o.budgets === 'string' ? loadBudgets(o.budgets) : undefined;
      const budgets = file?.nations ?? money.budgets();
      const a = affordability(snap, budgets, {
        ...(typeof o.asOf === 'string' ? { asOf: o.asOf } : {}),
        ...(o.fromYear !== undefined ? { fromYear: int('from-year', o.fromYear, 1990, 2100)! } : {}),
        years: int('years', o.years ?? '6', 1, 30)!,
        profile: file?.profile ?? money.profile(),
      });
      const fit = o.fit ? await fitToCaps(a, budgets).finally(() => stopSolver()) : undefined;
      if (format !== 'table') return render(moneyRows(a), format, fit ? { ...a, fit } : a);
      let out =
        `money as of ${a.asOf}, years ${a.years[0]}-${a.years.at(-1)} (€m; envelope = GDP × defence % × equipment % × available %):\n` +
        render(moneyRows(a), 'table');
      out += `\npayments due in the horizon (${a.lines.length} contracts):\n`;
      out += render(
        a.lines.map((l) => ({
          programme: `${l.name}${l.tranche ? ` (${l.tranche})` : ''}`,
          'value €m': l.valueEurM,
          contract: l.contractYear,
          deliveries: `${l.firstDeliveryYear}-${l.lastDeliveryYear}`,
          funding: l.funding.map((f) => `${f.source} ${Math.round(f.share * 100)} %`).join(', '),
          'due in horizon €m': eur(l.dueInHorizonEurM),
        })),
        'table',
      );
      if (a.unpriced.length)
        out += `\nnot priced (no value): ${a.unpriced.map((u) => `${u.name} (${u.reason})`).join('; ')}\n`;
      if (a.noBudget.length) out += `no budget line for: ${a.noBudget.join(', ')}\n`;
      if (fit)
        out +=
          `\nfitted to the caps with HiGHS (${fit.status}): ${eur(fit.delayEurMYears)} €m-years late in all\n` +
          render(fitRows(fit), 'table');
      return out + `\nassumptions:\n${a.assumptions.map((x) => `  ${x}`).join('\n')}\n`;
    }
    if (cmd === 'budgets') {
      if (typeof o.load === 'string') {
        const file = loadBudgets(o.load);
        for (const b of file.nations) money.putBudget(b);
        money.setProfile(file.profile);
        return `loaded budget lines for ${file.nations.map((b) => b.id).join(', ')} from ${o.load}\n`;
      }
      const bs = money.budgets();
      const rows = bs.map((b) => ({
        nation: b.id,
        GDP: `€${b.gdp.eurBn}bn (${b.gdp.year}) +${b.gdp.growthPct} %/yr`,
        defence: b.defencePctGdp.map((s) => `${s.pct} % from ${s.from}`).join(', '),
        equipment: `${b.equipmentPct.pct} %`,
        available: `${b.availablePct} %`,
        sources: b.sources.map((s) => s.id).join(', ') || '-',
        overrides: b.programmes.length,
      }));
      return render(rows, format, { items: bs, profile: money.profile() });
    }
    // targets [list|set|remove] [id]
    const action = args[0] ?? 'list';
    if (action === 'set') {
      const id = args[1];
      if (!id)
        throw new PlannerError('BW_PLAN_BAD_INPUT', 'plan targets set <id> --nation --area --quantity --by');
      const t = money.putTarget({
        id,
        nation: o.nation,
        area: o.area,
        ...(typeof o.family === 'string' ? { family: o.family } : {}),
        quantity: int('quantity', o.quantity, 1, 1e7),
        by: o.by,
        ...(typeof o.measure === 'string' ? { measure: o.measure } : {}),
        ...(typeof o.note === 'string' ? { note: o.note } : {}),
      });
      return `saved target ${t.id}: ${t.nation} ${t.quantity} ${t.family ?? t.area} by ${t.by}\n`;
    }
    if (action === 'remove') {
      if (!args[1] || !money.deleteTarget(args[1]))
        throw new PlannerError('BW_PLAN_NOT_FOUND', `no target "${args[1] ?? ''}"`);
      return `removed target ${args[1]}\n`;
    }
    if (action !== 'list') throw new PlannerError('BW_PLAN_BAD_INPUT', 'plan targets [list|set|remove]');
    if (snap.programmes.length === 0) return EMPTY;
    const r = targetsVersusFielded(snap, money.targets(), {
      ...(typeof o.asOf === 'string' ? { asOf: o.asOf } : {}),
      ...(o.toYear !== undefined ? { toYear: int('to-year', o.toYear, 1990, 2100)! } : {}),
    });
    if (format !== 'table') return render(targetRows(r.targets), format, r);
    const notes = r.targets.flatMap((t) =>
      t.programmes.filter((p) => p.note).map((p) => `  ${t.target.id}: ${p.name}: ${p.note}`),
    );
    return (
      `capability targets against fielded fleets (delivered and in service, not ordered), as of ${r.asOf}:\n` +
      render(targetRows(r.targets), 'table') +
      (notes.length ? `\nprogrammes that add nothing beyond their deliveries:\n${notes.join('\n')}\n` : '')
    );
  } finally {
    store.close();
  }
}

/** Register `plan money`, `plan budgets` and `plan targets` on the `plan` command. */
export function registerMoneyCommands(plan: Command): void {
  const common = (c: Command) =>
    c
      .option('--format <format>', 'table | csv | json', 'table')
      .option('--data-dir <dir>', 'data directory of the store', '.balticwall');
  const act =
    (cmd: string) =>
    async (...a: unknown[]) => {
      const c = a.at(-1) as Command;
      const args = a.slice(0, -2).filter((x): x is string => typeof x === 'string');
      try {
        process.stdout.write(await runMoney(cmd, args, c.opts() as Opts));
      } catch (err) {
        const code = err instanceof PlannerError ? err.plannerCode : 'BW_PLAN_INTERNAL';
        console.error(`${code}: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      }
    };
  common(
    plan.command('money').description('affordability per nation and year: payments against budget lines'),
  )
    .option('--as-of <YYYY-MM>', "reference month (default: the data's own as-of date)")
    .option('--from-year <YYYY>', 'first year checked (default: the as-of year)')
    .option('--years <n>', 'years checked', '6')
    .option('--fit', 'shift payments to fit the caps with the least delay (HiGHS)')
    .option('--budgets <yaml>', 'budget file to use instead of the stored budget lines')
    .action(act('money'));
  common(plan.command('budgets').description('budget lines per nation (GDP, defence %, funding sources)'))
    .option('--load <yaml>', 'store the budget lines of this file (replaces those nations)')
    .action(act('budgets'));
  common(plan.command('targets').description('capability targets against fielded fleets, gap per year'))
    .argument('[action]', 'list (default), set or remove')
    .argument('[id]', 'target id (set, remove)')
    .option('--as-of <YYYY-MM>', "reference month (default: the data's own as-of date)")
    .option('--to-year <YYYY>', 'last year shown')
    .option('--nation <id>', 'set: nation (EE, LV, LT)')
    .option('--area <id>', 'set: capability area id (SPA, RA, IFV …)')
    .option('--family <id>', 'set: only this family (archer, himars …)')
    .option('--quantity <n>', 'set: units wanted')
    .option('--by <YYYY|YYYY-MM>', 'set: when they must be in the field')
    .option('--measure <m>', 'set: combatReady (default) or inService')
    .option('--note <text>', 'set: a note')
    .action(act('targets'));
}
