/**
 * The affordability check: per nation and year, what the planned programmes cost as scheduled (their cash-flow
 * lines, split by funding source) against what the budget lines allow (the national equipment envelope =
 * GDP × defence % × equipment % × available %, and each external source's annual and total amounts).
 * `affordability` is the function other analyses (scenario comparison) call per registry snapshot.
 */
import { resolveAsOf } from '../asof.js';
import type { Registry } from '../schema.js';
import { defencePctOf, gdpOf, profileSchema, type NationBudget, type Profile } from './budget.js';
import { paymentLines, type PaymentLine, type Unpriced } from './cashflow.js';

export interface AffordabilityOptions {
  asOf?: string;
  /** First year checked (default: the as-of year). */
  fromYear?: number;
  /** Number of years checked (default 6). */
  years?: number;
  profile?: Partial<Profile>;
}

export interface SourceYear {
  source: string;
  dueEurM: number;
  /** Money the source allows this year (its annual amount, less what its total has already paid); null = no cap. */
  capEurM: number | null;
  shortEurM: number;
}

export interface YearRow {
  year: number;
  gdpEurBn: number;
  defencePct: number;
  defenceEurM: number;
  /** National money for the registry's programmes: defence × equipment % × available %. */
  envelopeEurM: number;
  dueEurM: number;
  nationalDueEurM: number;
  headroomEurM: number;
  sources: SourceYear[];
  affordable: boolean;
  shortEurM: number;
}

export interface NationMoney {
  nation: string;
  rows: YearRow[];
  /** The first year a programme cannot be paid as scheduled, or null. */
  firstShortYear: number | null;
  totalDueEurM: number;
  totalShortEurM: number;
}

export interface Affordability {
  asOf: string;
  years: number[];
  profile: Profile;
  nations: NationMoney[];
  /** Payment lines with money due within the horizon. */
  lines: (PaymentLine & { dueInHorizonEurM: number })[];
  unpriced: Unpriced[];
  /** Nations with programmes but no budget line: their money cannot be checked. */
  noBudget: string[];
  assumptions: string[];
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** Money due in `year` from `source` across lines. */
export function dueFrom(lines: PaymentLine[], year: number, source: string): number {
  return lines.reduce(
    (a, l) => a + (l.byYear[year] ?? 0) * (l.funding.find((f) => f.source === source)?.share ?? 0),
    0,
  );
}

/** The national envelope of a year (€m). */
export function envelopeOf(b: NationBudget, y: number): number {
  return (
    gdpOf(b, y) * 1000 * (defencePctOf(b, y) / 100) * (b.equipmentPct.pct / 100) * (b.availablePct / 100)
  );
}

/** Per nation and year: due against allowed, by funding source. */
export function affordability(
  reg: Registry,
  budgets: NationBudget[],
  opts: AffordabilityOptions = {},
): Affordability {
  const asOf = resolveAsOf(reg, opts.asOf);
  const from = opts.fromYear ?? Math.floor(asOf / 12);
  const years = Array.from({ length: opts.years ?? 6 }, (_x, i) => from + i);
  const profile = profileSchema.parse(opts.profile ?? {});
  const { lines, unpriced } = paymentLines(reg, budgets, profile);
  const inHorizon = lines
    .map((l) => ({ ...l, dueInHorizonEurM: r2(years.reduce((a, y) => a + (l.byYear[y] ?? 0), 0)) }))
    .filter((l) => l.dueInHorizonEurM > 0);
  const nationsWithLines = [...new Set(inHorizon.map((l) => l.nation))].sort();
  const nations: NationMoney[] = [];
  for (const b of [...budgets].sort((a, c) => a.id.localeCompare(c.id))) {
    const mine = inHorizon.filter((l) => l.nation === b.id);
    const used = new Map<string, number>();
    const rows = years.map((y): YearRow => {
      const envelope = envelopeOf(b, y);
      const national = dueFrom(mine, y, 'national');
      const ids = [...new Set(mine.flatMap((l) => l.funding.map((f) => f.source)))].filter(
        (s) => s !== 'national',
      );
      const sources = ids.map((id): SourceYear => {
        const s = b.sources.find((x) => x.id === id);
        const due = dueFrom(mine, y, id);
        let cap: number | null = s ? null : 0;
        if (s?.byYear) cap = s.byYear[String(y)] ?? 0;
        if (s?.totalEurM !== undefined) {
          const left = Math.max(0, s.totalEurM - (used.get(id) ?? 0));
          cap = cap === null ? left : Math.min(cap, left);
        }
        const paid = cap === null ? due : Math.min(due, cap);
        used.set(id, (used.get(id) ?? 0) + paid);
        return {
          source: id,
          dueEurM: r2(due),
          capEurM: cap === null ? null : r2(cap),
          shortEurM: r2(due - paid),
        };
      });
      const short = Math.max(0, national - envelope) + sources.reduce((a, s) => a + s.shortEurM, 0);
      return {
        year: y,
        gdpEurBn: r2(gdpOf(b, y)),
        defencePct: defencePctOf(b, y),
        defenceEurM: r2(gdpOf(b, y) * 1000 * (defencePctOf(b, y) / 100)),
        envelopeEurM: r2(envelope),
        dueEurM: r2(mine.reduce((a, l) => a + (l.byYear[y] ?? 0), 0)),
        nationalDueEurM: r2(national),
        headroomEurM: r2(envelope - national),
        sources,
        affordable: short <= 0.005,
        shortEurM: r2(short),
      };
    });
    nations.push({
      nation: b.id,
      rows,
      firstShortYear: rows.find((x) => !x.affordable)?.year ?? null,
      totalDueEurM: r2(rows.reduce((a, x) => a + x.dueEurM, 0)),
      totalShortEurM: r2(rows.reduce((a, x) => a + x.shortEurM, 0)),
    });
  }
  const noBudget = nationsWithLines.filter((n) => !budgets.some((b) => b.id === n));
  return {
    asOf: `${Math.floor(asOf / 12)}-${String((asOf % 12) + 1).padStart(2, '0')}`,
    years,
    profile,
    nations,
    lines: inHorizon,
    unpriced,
    noBudget,
    assumptions: assumptionsOf(budgets, profile),
  };
}

function assumptionsOf(budgets: NationBudget[], p: Profile): string[] {
  const out = [
    `payment profile: ${p.advancePct} % in the contract year, the rest evenly over the delivery years (first to last, inclusive)`,
    `no first delivery reported: contract + ${p.defaultFirstDeliveryYears} years; no last delivery: the later of first delivery and contract + ${p.defaultLastDeliveryYears} years`,
    'values are as reported (€m, each contract in its own year’s prices, no escalation); framework ceilings are not money owed',
    'payments due before the first year are taken as paid; national money unspent in a year does not carry over',
    'loans are money in the year drawn; their repayments fall outside the horizon',
  ];
  for (const b of budgets) {
    out.push(
      `${b.id}: GDP €${b.gdp.eurBn}bn in ${b.gdp.year}, growing ${b.gdp.growthPct} % a year (grade ${b.gdp.confidence}: ${b.gdp.source})`,
      ...b.defencePctGdp.map(
        (s) => `${b.id}: defence ${s.pct} % of GDP from ${s.from} (grade ${s.confidence}: ${s.source})`,
      ),
      `${b.id}: equipment ${b.equipmentPct.pct} % of defence spending (grade ${b.equipmentPct.confidence}: ${b.equipmentPct.source}); ${b.availablePct} % of it open to these programmes`,
      ...b.sources.map(
        (s) =>
          `${b.id}: ${s.name} (${s.id}, ${s.kind}${s.loan ? ', loan' : ''})${s.totalEurM !== undefined ? ` total €${s.totalEurM}m` : ''}${
            s.byYear
              ? ` by year ${Object.entries(s.byYear)
                  .map(([y, v]) => `${y}: ${v}`)
                  .join(', ')}`
              : ''
          } (grade ${s.confidence}: ${s.source})`,
      ),
    );
  }
  return out;
}
