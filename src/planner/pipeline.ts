/**
 * From budget to contract to delivery: stage dates and durations per programme, medians across programmes
 * (budget → contract above all), programmes stalled beyond a threshold, and money approved but not yet
 * contracted. Durations use the month each stage is recorded at; approximate dates make approximate durations,
 * and each figure carries the worst grade of its rows.
 */
import { worstGrade, type Grade } from './grade.js';
import { formatMonth, monthOf, parseMonth, type Month } from './month.js';
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
  stages: Partial<Record<Stage, { at: string; approx: boolean; planned: boolean }>>;
  durations: StageSpan[];
  /** Last stage reached by asOf; undefined when no dated stage has happened. */
  current?: Stage;
  monthsInStage?: number;
  stalled: boolean;
  stallReason?: string;
  valueEurM: number | null;
  confidence: Grade;
}

export interface Median {
  months: number;
  n: number;
  from: string[];
  confidence: Grade;
}

export interface PipelineResult {
  parameters: { asOf: string; stallMonths: number; deliveryStallMonths: number };
  programmes: ProgrammePipeline[];
  medians: Record<
    'budgetToContract' | 'requirementToContract' | 'contractToFirstDelivery' | 'firstToLastDelivery',
    Median | null
  >;
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
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

function at(p: Programme, s: Stage): Month | undefined {
  const d = p.stages[s];
  return d ? parseMonth(d.at) : undefined;
}

/** Stage timeline, medians, stalls and approved-but-uncontracted money. */
export function computePipeline(reg: Registry, opts: PipelineOptions = {}): PipelineResult {
  const now = opts.asOf ? parseMonth(opts.asOf) : monthOf(new Date());
  if (now === undefined) throw new RangeError(`asOf "${opts.asOf}" is not YYYY-MM`);
  const stallMonths = opts.stallMonths ?? 18;
  const deliveryStallMonths = opts.deliveryStallMonths ?? 48;
  const programmes = reg.programmes.map((p) => programmePipeline(p, now, stallMonths, deliveryStallMonths));

  const medianOf = (a: Stage, b: Stage): Median | null => {
    const rows = reg.programmes.filter((p) => {
      const x = at(p, a);
      const y = at(p, b);
      return (
        x !== undefined &&
        y !== undefined &&
        y >= x &&
        y <= now &&
        !p.stages[a]!.planned &&
        !p.stages[b]!.planned
      );
    });
    if (rows.length === 0) return null;
    return {
      months: median(rows.map((p) => at(p, b)! - at(p, a)!)),
      n: rows.length,
      from: rows.map((p) => p.id),
      confidence: worstGrade(rows.map((p) => p.confidence)),
    };
  };

  const approved = reg.programmes.filter((p) => {
    const b = at(p, 'budgetApproved');
    return (
      b !== undefined &&
      b <= now &&
      !p.stages.budgetApproved!.planned &&
      (!p.stages.contract || p.stages.contract.planned)
    );
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
  now: Month,
  stallMonths: number,
  deliveryStallMonths: number,
): ProgrammePipeline {
  const stages: ProgrammePipeline['stages'] = {};
  for (const s of STAGES) {
    const d = p.stages[s];
    if (d) stages[s] = { at: d.at, approx: d.approx, planned: d.planned || (parseMonth(d.at) ?? 0) > now };
  }
  const reached = STAGES.filter((s) => stages[s] && !stages[s]!.planned);
  const durations: StageSpan[] = [];
  for (let i = 1; i < reached.length; i++) {
    const a = reached[i - 1]!;
    const b = reached[i]!;
    durations.push({
      from: a,
      to: b,
      months: at(p, b)! - at(p, a)!,
      approx: stages[a]!.approx || stages[b]!.approx,
    });
  }
  const current = reached.at(-1);
  const out: ProgrammePipeline = {
    id: p.id,
    nation: p.nation,
    area: p.area,
    family: p.family,
    system: p.system,
    stages,
    durations,
    stalled: false,
    valueEurM: p.valueEurM?.value ?? null,
    confidence: p.confidence,
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
