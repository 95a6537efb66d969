/**
 * Fit payments to the budget lines with HiGHS: when a year's programmes cost more than its caps allow, which
 * payments should move later, and by how much, for the least delay? An LP over payment lines × funding sources ×
 * years: x = paid in a year, b = still owed after it (b carries to the next year). No payment comes earlier
 * than scheduled; each (nation, source, year) is capped; the objective is the €m-years owed late, Σ b, with a tiny
 * tie-break that pays older contracts first. What is still owed after the last year slips beyond the horizon.
 * A later final payment is read as a later delivery: the final tranche is paid on delivery.
 */
import { solveLp } from '../solver.js';
import { PlannerError } from '../errors.js';
import type { NationBudget } from './budget.js';
import { envelopeOf, type Affordability } from './affordability.js';

export interface FittedLine {
  programme: string;
  name: string;
  nation: string;
  tranche: string;
  dueByYear: Record<number, number>;
  paidByYear: Record<number, number>;
  /** €m-years paid late (Σ over years of what is owed after each year). */
  delayEurMYears: number;
  /** Still owed after the last year. */
  beyondEurM: number;
  lastDueYear: number | null;
  /** Last year with a payment after the fit; null when nothing is paid in the horizon. */
  lastPaidYear: number | null;
  /** Years the final payment (delivery) moves; "beyond" when part is still owed after the horizon. */
  slipYears: number | 'beyond' | 0;
}

export interface Fit {
  status: string;
  objective: number;
  delayEurMYears: number;
  lines: FittedLine[];
  /** Per nation and year: what the fit pays from national money against the envelope. */
  nations: { nation: string; rows: { year: number; envelopeEurM: number; paidNationalEurM: number }[] }[];
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** Shift payments to fit the caps with the least delay (HiGHS). */
export async function fitToCaps(a: Affordability, budgets: NationBudget[]): Promise<Fit> {
  const years = a.years;
  const lines = a.lines.filter((l) => budgets.some((b) => b.id === l.nation));
  // Older contracts first: rank by contract year, then id.
  const rank = [...lines.keys()].sort(
    (i, j) =>
      lines[i]!.contractYear - lines[j]!.contractYear ||
      lines[i]!.programme.localeCompare(lines[j]!.programme),
  );
  const weight = new Map(rank.map((k, r) => [k, 1 + (rank.length - r) * 1e-4]));
  const portions = lines.flatMap((l, i) => l.funding.map((f) => ({ i, source: f.source, share: f.share })));
  const obj: string[] = [];
  const rows: string[] = [];
  const caps = new Map<string, string[]>();
  const totals = new Map<string, string[]>();
  portions.forEach((p, k) => {
    const l = lines[p.i]!;
    years.forEach((y, t) => {
      const due = r2((l.byYear[y] ?? 0) * p.share);
      obj.push(`${weight.get(p.i)!.toFixed(6)} b_${k}_${t}`);
      const carry = t === 0 ? '' : ` - b_${k}_${t - 1}`;
      rows.push(` f_${k}_${t}: x_${k}_${t} + b_${k}_${t}${carry} = ${due}`);
      const key = `${l.nation}|${p.source}|${y}`;
      caps.set(key, [...(caps.get(key) ?? []), `x_${k}_${t}`]);
      const tk = `${l.nation}|${p.source}`;
      totals.set(tk, [...(totals.get(tk) ?? []), `x_${k}_${t}`]);
    });
  });
  let c = 0;
  for (const [key, xs] of caps) {
    const [nation, source, y] = key.split('|') as [string, string, string];
    const b = budgets.find((x) => x.id === nation)!;
    let cap: number | undefined;
    if (source === 'national') cap = envelopeOf(b, Number(y));
    else {
      const s = b.sources.find((x) => x.id === source);
      cap = !s ? 0 : s.byYear ? (s.byYear[y] ?? 0) : undefined;
    }
    if (cap !== undefined) rows.push(` cap_${c++}: ${xs.join(' + ')} <= ${r2(cap)}`);
  }
  for (const [key, xs] of totals) {
    const [nation, source] = key.split('|') as [string, string];
    const s = budgets.find((x) => x.id === nation)!.sources.find((x) => x.id === source);
    if (s?.totalEurM !== undefined) rows.push(` tot_${c++}: ${xs.join(' + ')} <= ${s.totalEurM}`);
  }
  if (portions.length === 0)
    return { status: 'Optimal', objective: 0, delayEurMYears: 0, lines: [], nations: [] };
  const lp = `Minimize\n obj: ${obj.join(' + ')}\nSubject To\n${rows.join('\n')}\nEnd\n`;
  const sol = await solveLp(lp);
  if (sol.status !== 'Optimal')
    throw new PlannerError('BW_PLAN_SOLVER', `the money fit ended with status ${sol.status}`);
  const v = (n: string) => sol.primal.get(n) ?? 0;
  const out: FittedLine[] = lines.map((l, i) => {
    const mine = portions.map((p, k) => ({ p, k })).filter(({ p }) => p.i === i);
    const paid: Record<number, number> = {};
    const due: Record<number, number> = {};
    let delay = 0;
    years.forEach((y, t) => {
      paid[y] = r2(mine.reduce((s, { k }) => s + v(`x_${k}_${t}`), 0));
      due[y] = r2(l.byYear[y] ?? 0);
      delay += mine.reduce((s, { k }) => s + v(`b_${k}_${t}`), 0);
    });
    const beyond = r2(mine.reduce((s, { k }) => s + v(`b_${k}_${years.length - 1}`), 0));
    const lastDue = [...years].reverse().find((y) => due[y]! > 0.005) ?? null;
    const lastPaid = [...years].reverse().find((y) => paid[y]! > 0.005) ?? null;
    return {
      programme: l.programme,
      name: l.name,
      nation: l.nation,
      tranche: l.tranche,
      dueByYear: due,
      paidByYear: paid,
      delayEurMYears: r2(delay),
      beyondEurM: beyond,
      lastDueYear: lastDue,
      lastPaidYear: lastPaid,
      slipYears: beyond > 0.005 ? 'beyond' : lastDue !== null && lastPaid !== null ? lastPaid - lastDue : 0,
    };
  });
  const nations = budgets
    .filter((b) => lines.some((l) => l.nation === b.id))
    .map((b) => ({
      nation: b.id,
      rows: years.map((y, t) => ({
        year: y,
        envelopeEurM: r2(envelopeOf(b, y)),
        paidNationalEurM: r2(
          portions.reduce(
            (s, p, k) => s + (p.source === 'national' && lines[p.i]!.nation === b.id ? v(`x_${k}_${t}`) : 0),
            0,
          ),
        ),
      })),
    }));
  return {
    status: sol.status,
    objective: sol.objective,
    delayEurMYears: r2(out.reduce((s, l) => s + l.delayEurMYears, 0)),
    lines: out,
    nations,
  };
}
