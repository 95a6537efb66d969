/**
 * From budget to contract to delivery: stage dates and durations per programme, medians across programmes
 * (budget → contract above all), programmes stalled beyond a threshold, and money approved but not yet
 * contracted. Durations use the month each stage is recorded at; approximate dates make approximate durations,
 * and each figure carries the worst grade of its rows.
 */
import { worstGrade, type Grade } from './grade.js';
import { resolveAsOf } from './asof.js';
import { formatMonth, parseMonth, type Month } from './month.js';
import { naturalCompare, programmeName } from './names.js';
import { reached, stageSpan } from './stages.js';
import { STAGES, type Programme, type Registry, type Stage } from './schema.js';

export interface PipelineOptions {
  /** `YYYY-MM` to measure "now" from; default the current month. */
  asOf?: string;
  /** Months a programme may sit before contract (requirement, approval, tender) before it counts as stalled. */
  stallMonths?: number;
  /** Months from contract to first delivery before it counts as stalled. */
  deliveryStallMonths?: number;
}

export interface StageSpan {
  from: Stage;
  to: Stage;
  months: number;
  approx: boolean;
}

export interface ProgrammePipeline {
  id: string;
  nation: string;
  area: string;
  family: string;
  system: string;
  name: string;
  kind: ProgrammeKind;
  stages: Partial<Record<Stage, { at: string; approx: boolean; planned: boolean }>>;
  durations: StageSpan[];
  /** Last stage reached by asOf; undefined when no dated stage has happened. */
  current?: Stage;
  monthsInStage?: number;
  stalled: boolean;
  stallReason?: string;
  valueEurM: number | null;
  confidence: Grade;
  /** The programme's sources (CSV source_keys). */
  sources: string[];
}

export interface Median {
  months: number;
  n: number;
  /** The spread: smallest, quartiles and largest of the durations. */
  min: number;
  p25: number;
  p75: number;
  max: number;
  /** Durations between two year-only dates (each ±6 months around its middle): shown, not hidden. */
  yearOnlyPairs: number;
  from: string[];
  confidence: Grade;
}

/** What a programme buys, so that lead times of new builds are not mixed with used kit and consumables. */
export type ProgrammeKind = 'new build' | 'used' | 'munitions' | 'commercial' | 'small arms';

/** Contract → first delivery medians per kind of programme. */
export type LeadTimes = Record<ProgrammeKind, Median | null>;

export interface PipelineResult {
  parameters: { asOf: string; stallMonths: number; deliveryStallMonths: number };
  programmes: ProgrammePipeline[];
  medians: Record<
    'budgetToContract' | 'requirementToContract' | 'contractToFirstDelivery' | 'firstToLastDelivery',
    Median | null
  >;
  /** Contract → first delivery, new builds apart from used transfers, munitions, commercial vehicles, small arms. */
  leadTimes: LeadTimes;
  stalled: ProgrammePipeline[];
  approvedNotContracted: {
    programmes: string[];
    knownValueEurM: number;
    unknownValue: string[];
    confidence: Grade;
  };
}

/** The median of numbers (mean of the middle two for an even count). */
export function median(xs: number[]): number {
  return quantile(xs, 0.5);
}

/** The q-quantile by linear interpolation between order statistics (q = 0.5 is the median). */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** New build, used transfer, munitions, commercial vehicle or small arms, from the area and the row's words. */
export function programmeKind(p: Programme, reg: Registry): ProgrammeKind {
  const cat = reg.areas.find((a) => a.id === p.area)?.category ?? 'platform';
  if (cat === 'munitions') return 'munitions';
  if (cat === 'commercial') return 'commercial';
  if (cat === 'small-arms') return 'small arms';
  const used = /\bused\b|\bex-/i;
  return used.test(p.route) || used.test(p.prime) || used.test(p.variant) ? 'used' : 'new build';
}

function isYearOnly(p: Programme, s: Stage): boolean {
  const d = p.stages[s];
  if (!d) return false;
  const sp = stageSpan(d);
  return sp.to - sp.from >= 11;
}

function at(p: Programme, s: Stage): Month | undefined {
  const d = p.stages[s];
  return d ? parseMonth(d.at) : undefined;
}

/** Stage timeline, medians, stalls and approved-but-uncontracted money. */
export function computePipeline(reg: Registry, opts: PipelineOptions = {}): PipelineResult {
  const now = resolveAsOf(reg, opts.asOf);
  const stallMonths = opts.stallMonths ?? 18;
  const deliveryStallMonths = opts.deliveryStallMonths ?? 48;
  const programmes = reg.programmes
    .map((p) => programmePipeline(p, reg, now, stallMonths, deliveryStallMonths))
    .sort((a, b) => naturalCompare(a.id, b.id));

  const medianOf = (a: Stage, b: Stage, only?: (p: Programme) => boolean): Median | null => {
    const rows = reg.programmes.filter(
      (p) => (!only || only(p)) && reached(p, a, now) && reached(p, b, now) && at(p, b)! >= at(p, a)!,
    );
    if (rows.length === 0) return null;
    const xs = rows.map((p) => at(p, b)! - at(p, a)!);
    return {
      months: median(xs),
      n: rows.length,
      min: Math.min(...xs),
      p25: quantile(xs, 0.25),
      p75: quantile(xs, 0.75),
      max: Math.max(...xs),
      yearOnlyPairs: rows.filter((p) => isYearOnly(p, a) && isYearOnly(p, b)).length,
      from: rows.map((p) => p.id),
      confidence: worstGrade(rows.map((p) => p.confidence)),
    };
  };
  const kinds: ProgrammeKind[] = ['new build', 'used', 'munitions', 'commercial', 'small arms'];
  const leadTimes = Object.fromEntries(
    kinds.map((k) => [k, medianOf('contract', 'firstDelivery', (p) => programmeKind(p, reg) === k)]),
  ) as LeadTimes;

  const approved = reg.programmes.filter((p) => {
    return reached(p, 'budgetApproved', now) && !reached(p, 'contract', now);
  });
  return {
    parameters: { asOf: formatMonth(now), stallMonths, deliveryStallMonths },
    programmes,
    medians: {
      budgetToContract: medianOf('budgetApproved', 'contract'),
      requirementToContract: medianOf('requirement', 'contract'),
      contractToFirstDelivery: medianOf('contract', 'firstDelivery'),
      firstToLastDelivery: medianOf('firstDelivery', 'lastDelivery'),
    },
    leadTimes,
    stalled: programmes.filter((p) => p.stalled),
    approvedNotContracted: {
      programmes: approved.map((p) => p.id),
      knownValueEurM: approved.reduce((a, p) => a + (p.valueEurM?.value ?? p.ceilingEurM?.value ?? 0), 0),
      unknownValue: approved.filter((p) => !p.valueEurM && !p.ceilingEurM).map((p) => p.id),
      confidence: worstGrade(approved.map((p) => p.confidence)),
    },
  };
}

function programmePipeline(
  p: Programme,
  reg: Registry,
  now: Month,
  stallMonths: number,
  deliveryStallMonths: number,
): ProgrammePipeline {
  const stages: ProgrammePipeline['stages'] = {};
  for (const s of STAGES) {
    const d = p.stages[s];
    if (d) stages[s] = { at: d.at, approx: d.approx, planned: !reached(p, s, now) };
  }
  const done = STAGES.filter((s) => stages[s] && !stages[s]!.planned);
  const durations: StageSpan[] = [];
  for (let i = 1; i < done.length; i++) {
    const a = done[i - 1]!;
    const b = done[i]!;
    durations.push({
      from: a,
      to: b,
      months: at(p, b)! - at(p, a)!,
      approx: stages[a]!.approx || stages[b]!.approx,
    });
  }
  const current = done.at(-1);
  const out: ProgrammePipeline = {
    id: p.id,
    name: programmeName(p),
    kind: programmeKind(p, reg),
    nation: p.nation,
    area: p.area,
    family: p.family,
    system: p.system,
    stages,
    durations,
    stalled: false,
    valueEurM: p.valueEurM?.value ?? null,
    confidence: p.confidence,
    sources: p.sources,
  };
  if (!current) return out;
  out.current = current;
  out.monthsInStage = now - at(p, current)!;
  const finished = p.statuses.every((s) => s === 'in_service' || s === 'legacy');
  // A later stage dated in the future means the programme is on its plan, however long this stage lasts.
  const onPlan = STAGES.slice(STAGES.indexOf(current) + 1).some((s) => stages[s]?.planned);
  if (finished || onPlan) return out;
  if (['requirement', 'budgetApproved', 'tender'].includes(current) && out.monthsInStage > stallMonths) {
    out.stalled = true;
    out.stallReason = `${out.monthsInStage} months since ${current} without a contract (threshold ${stallMonths})`;
  } else if (current === 'contract' && out.monthsInStage > deliveryStallMonths) {
    out.stalled = true;
    out.stallReason = `${out.monthsInStage} months since contract without a first delivery (threshold ${deliveryStallMonths})`;
  }
  return out;
}
