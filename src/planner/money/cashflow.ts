/**
 * Cash-flow of programmes: each contract (tranche) of a programme becomes payments by calendar year. A tranche
 * comes from the registry (contracted value, contract date, reported delivery years) or from the nation's budget
 * overrides (lots, estimates for planned buys, funding shares). The default profile pays an advance in the
 * contract year and the rest evenly over the delivery years; every defaulted date is named in `basis`.
 */
import { programmeName } from '../names.js';
import type { Programme, Registry } from '../schema.js';
import type { NationBudget, Profile, ProgrammeMoney, Tranche } from './budget.js';

/** One contract of one programme, paid by year. */
export interface PaymentLine {
  programme: string;
  name: string;
  nation: string;
  tranche: string;
  valueEurM: number;
  contractYear: number;
  firstDeliveryYear: number;
  lastDeliveryYear: number;
  /** €m due by calendar year, over the whole life of the contract (also years before the horizon). */
  byYear: Record<number, number>;
  /** Shares by funding source id; `national` takes what the named sources leave. */
  funding: { source: string; share: number }[];
  /** Where each figure came from: registry, override, or a stated default. */
  basis: string[];
  confidence: string;
}

export interface Unpriced {
  programme: string;
  name: string;
  nation: string;
  reason: string;
}

const yearOf = (s: string | undefined): number | undefined =>
  s && /^\d{4}/.test(s) ? Number(s.slice(0, 4)) : undefined;

const words = (s: string) =>
  s
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

/** Does a budget override name this programme (by id, or system and a variant word)? */
export function overrideMatches(o: ProgrammeMoney, p: Programme): boolean {
  if (o.programme) return o.programme === p.id;
  if (!o.system || o.system.toLowerCase() !== p.system.trim().toLowerCase()) return false;
  if (!o.variant) return true;
  const have = new Set(words(p.variant));
  return words(o.variant).every((w) => have.has(w));
}

/** Spread a value over years by the profile: advance in the contract year, the rest evenly over deliveries. */
export function profilePayments(
  value: number,
  contract: number,
  first: number,
  last: number,
  advancePct: number,
): Record<number, number> {
  const out: Record<number, number> = {};
  const add = (y: number, v: number) => (out[y] = (out[y] ?? 0) + v);
  add(contract, (value * advancePct) / 100);
  const n = last - first + 1;
  for (let y = first; y <= last; y++) add(y, (value * (100 - advancePct)) / 100 / n);
  return out;
}

function line(
  p: Programme,
  t: Tranche | undefined,
  profile: Profile,
  funding: { source: string; share: number }[],
): PaymentLine | Unpriced {
  const name = programmeName(p);
  const basis: string[] = [];
  const value = t ? t.valueEurM : p.valueEurM?.value;
  if (value === undefined)
    return { programme: p.id, name, nation: p.nation, reason: 'no contracted value reported' };
  const contract = t ? yearOf(t.contract) : yearOf(p.stages.contract?.at ?? p.lots.at(-1));
  if (contract === undefined)
    return { programme: p.id, name, nation: p.nation, reason: 'no contract date to start payments' };
  basis.push(
    t
      ? `value €${value}m and contract ${contract} from the budget file`
      : `value €${value}m and contract ${contract} as reported`,
  );
  let first = t ? yearOf(t.firstDelivery) : yearOf(p.stages.firstDelivery?.at);
  if (first === undefined) {
    first = contract + profile.defaultFirstDeliveryYears;
    basis.push(`first delivery ${first}: default, contract + ${profile.defaultFirstDeliveryYears} years`);
  }
  first = Math.max(first, contract);
  let last = t ? yearOf(t.lastDelivery) : yearOf(p.stages.lastDelivery?.at);
  if (last === undefined) {
    last = Math.max(first, contract + profile.defaultLastDeliveryYears);
    basis.push(
      `last delivery ${last}: default, the later of first delivery and contract + ${profile.defaultLastDeliveryYears} years`,
    );
  }
  last = Math.max(last, first);
  const advance = t?.advancePct ?? profile.advancePct;
  let byYear: Record<number, number>;
  if (t?.payments) {
    byYear = Object.fromEntries(Object.entries(t.payments).map(([y, v]) => [Number(y), v]));
    basis.push('payments by year from the budget file');
  } else byYear = profilePayments(value, contract, first, last, advance);
  const named = funding.filter((f) => f.source !== 'national');
  const rest = Math.max(0, 1 - named.reduce((a, f) => a + f.share, 0));
  return {
    programme: p.id,
    name,
    nation: p.nation,
    tranche: t?.name ?? '',
    valueEurM: value,
    contractYear: contract,
    firstDeliveryYear: first,
    lastDeliveryYear: last,
    byYear,
    funding: [...(rest > 0 ? [{ source: 'national', share: rest }] : []), ...named],
    basis,
    confidence: t?.confidence ?? p.confidence,
  };
}

/** Is a programme still to be paid for (not legacy or in service only)? */
function active(p: Programme): boolean {
  return p.statuses.some((s) => s === 'ordered' || s === 'delivering' || s === 'planned');
}

/** Payment lines of every programme in the registry, with the nation budgets' overrides applied. */
export function paymentLines(
  reg: Registry,
  budgets: NationBudget[],
  profile: Profile,
): { lines: PaymentLine[]; unpriced: Unpriced[] } {
  const lines: PaymentLine[] = [];
  const unpriced: Unpriced[] = [];
  for (const p of reg.programmes) {
    const o = budgets.find((b) => b.id === p.nation)?.programmes.find((x) => overrideMatches(x, p));
    const made: (PaymentLine | Unpriced)[] = o?.tranches
      ? o.tranches.map((t) => line(p, t, profile, t.funding.length ? t.funding : o.funding))
      : [line(p, undefined, profile, o?.funding ?? [])];
    for (const m of made) {
      if ('byYear' in m) lines.push(m);
      else if (active(p)) unpriced.push(m);
    }
  }
  return { lines, unpriced };
}
