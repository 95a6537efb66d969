/**
 * Joint-procurement opportunities: capability areas where two or more nations plan or order within one window
 * (default 3 years). For each group the finder tries every candidate common family, pools the quantities that can
 * still move (open programmes, and programmes already of that family), and scores the result on reduction of the
 * effective number of types, volume, existing frameworks and line capacity. Savings come from an explicit
 * learning-curve model. Weights and parameters are inputs and are echoed in the output.
 */
import { worstGrade, type Grade } from './grade.js';
import type { PoolingSavings } from './learning.js';
import { resolveAsOf } from './asof.js';
import { propose } from './proposal.js';
import { formatMonth, parseMonth, type Month } from './month.js';
import { programmeName } from './names.js';
import type { Programme, Registry } from './schema.js';

export interface OpportunityWeights {
  types: number;
  volume: number;
  framework: number;
  capacity: number;
  /** Subtracted: the share of the pooled quantity that must change family (LV Archer → CAESAR). */
  switching: number;
}

export interface OpportunityOptions {
  windowYears?: number;
  /**
   * `YYYY-MM` (default: the current month); programmes whose decision month is older than asOf − window are
   * history, not opportunities.
   */
  asOf?: string;
  learningRate?: number;
  weights?: Partial<OpportunityWeights>;
  /** Prices are brought to this year's euros (default: the as-of year) at `escalation` a year (default 3 %). */
  priceYear?: number;
  escalation?: number;
}

export const DEFAULT_WEIGHTS: OpportunityWeights = {
  types: 0.3,
  volume: 0.2,
  framework: 0.25,
  capacity: 0.25,
  switching: 0.1,
};

/** What a pooled buy buys beyond the learning curve, with the assumption behind each figure. */
export interface PoolingBenefits {
  /** Production configurations: one per national lot today, one when pooled (integration, qualification). */
  configurations: { national: number; pooled: number };
  /** Safety stock of spares for one pool instead of one per nation: 1 − √Σq / Σ√qᵢ (square-root law). */
  sparesStockReduction: number | null;
  /** Nations that would share one training pipeline instead of running their own. */
  sharedTraining: string[];
  assumptions: string[];
}

export interface Proposal {
  family: string;
  name: string;
  /** Programmes pooled: open ones (switching to this family) and those already of it. */
  pooled: { programme: string; name: string; nation: string; quantity: number | null; switches: boolean }[];
  /** Contracted programmes of another family: they stay as they are (names). */
  locked: string[];
  nations: string[];
  pooledQuantity: number;
  unknownQuantity: string[];
  typesBefore: number;
  typesAfter: number;
  familiesBefore: number;
  familiesAfter: number;
  frameworks: string[];
  /** Units the family's lines can still make in the window (output less other contracts' open quantities). */
  capacity: { units: number; booked: number; lines: string[] } | null;
  savings:
    | (PoolingSavings & {
        firstUnitBasis?: string;
        /** unit: the platform's own price; package: a contract price incl. munitions and support (overstates). */
        costBasis?: 'unit' | 'package';
        priceYear?: number;
      })
    | null;
  benefits: PoolingBenefits;
  /** Programmes that would change family, with what they have already reached (a cost the score counts). */
  switching: { name: string; quantity: number | null; stage: string }[];
  components: Record<keyof OpportunityWeights, number>;
  score: number;
}

export interface Opportunity {
  rank: number;
  area: string;
  areaName: string;
  window: { from: string; to: string };
  nations: string[];
  programmes: { id: string; name: string; nation: string; family: string; decision: string; open: boolean }[];
  proposal: Proposal;
  alternatives: Proposal[];
  confidence: Grade;
  /** The sources (CSV source_keys) of the programmes in the window. */
  sources: string[];
}

export interface OpportunityResult {
  parameters: {
    windowYears: number;
    asOf: string;
    learningRate: number;
    weights: OpportunityWeights;
    priceYear: number;
    escalation: number;
  };
  /** Every assumption behind the figures, in words (printed by the CLI and the page). */
  assumptions: string[];
  opportunities: Opportunity[];
  /** Groups whose proposals pool no known quantity: listed, not ranked. */
  unranked: { area: string; nations: string[]; family: string; reason: string }[];
}

/** Is the programme still open to a change of family (no contract signed yet)? */
export function isOpen(p: Programme): boolean {
  return !p.stages.contract || p.stages.contract.planned;
}

/** The month a nation planned or ordered: the latest lot, planned contract, approval or requirement. */
export function decisionMonth(p: Programme): Month | undefined {
  const cands = [
    ...p.lots.map((l) => parseMonth(l)),
    p.stages.contract?.at,
    p.stages.budgetApproved?.at,
    p.stages.requirement?.at,
  ]
    .map((x) => (typeof x === 'string' ? parseMonth(x) : x))
    .filter((x): x is number => x !== undefined);
  if (cands.length) return Math.max(...cands);
  const fd = p.stages.firstDelivery?.at;
  return fd ? parseMonth(fd) : undefined;
}

function active(p: Programme): boolean {
  const s = p.statuses;
  const current = s.some((x) => x === 'planned' || x === 'ordered' || x === 'delivering' || x === 'approved');
  return current && !s.includes('legacy');
}

/** Find, score and rank joint-procurement opportunities over a registry snapshot. */
export function findOpportunities(reg: Registry, opts: OpportunityOptions = {}): OpportunityResult {
  const windowYears = opts.windowYears ?? 3;
  const W = Math.round(windowYears * 12);
  const now = resolveAsOf(reg, opts.asOf);
  const learningRate = opts.learningRate ?? 0.9;
  const weights = { ...DEFAULT_WEIGHTS, ...opts.weights };
  const priceYear = opts.priceYear ?? Math.floor(now / 12);
  const escalation = opts.escalation ?? 0.03;
  const parameters = { windowYears, asOf: formatMonth(now), learningRate, weights, priceYear, escalation };
  const money = { priceYear, escalation, now };
  const unranked: OpportunityResult['unranked'] = [];

  const found: Omit<Opportunity, 'rank'>[] = [];
  const areas = [...new Set(reg.programmes.map((p) => p.area))].sort();
  for (const area of areas) {
    const inArea = reg.programmes.filter((p) => p.area === area);
    const cands = inArea
      .filter(active)
      .map((p) => ({ p, d: decisionMonth(p) }))
      .filter((x): x is { p: Programme; d: number } => x.d !== undefined && x.d >= now - W)
      .sort((a, b) => a.d - b.d);
    const groups = overlapGroups(cands, W);
    for (const g of groups) {
      const members = g.map((x) => x.p);
      const families = [...new Set(members.map((p) => p.family))];
      const proposals = families
        .map((f) => propose(reg, area, inArea, members, f, Math.max(g[0]!.d, now), W, learningRate, money))
        .filter((x): x is Proposal => x !== null);
      // A proposal that pools no known quantity cannot be weighed against the others: listed, not ranked.
      for (const pr of proposals.filter((x) => x.pooledQuantity <= 0))
        unranked.push({
          area,
          nations: pr.nations,
          family: pr.name,
          reason: 'no pooled programme has a known quantity',
        });
      const ranked = proposals.filter((x) => x.pooledQuantity > 0);
      if (ranked.length === 0) continue;
      found.push({
        area,
        areaName: reg.areas.find((a) => a.id === area)?.name ?? area,
        window: { from: formatMonth(g[0]!.d), to: formatMonth(g.at(-1)!.d) },
        nations: [...new Set(members.map((p) => p.nation))].sort(),
        programmes: g.map((x) => ({
          id: x.p.id,
          name: programmeName(x.p),
          nation: x.p.nation,
          family: x.p.family,
          decision: formatMonth(x.d),
          open: isOpen(x.p),
        })),
        proposal: ranked[0]!,
        alternatives: ranked.slice(1),
        confidence: worstGrade(members.map((p) => p.confidence)),
        sources: [...new Set(g.flatMap((x) => x.p.sources))].sort(),
      });
    }
  }
  rankProposals(found, weights);
  found.sort((a, b) => b.proposal.score - a.proposal.score || a.area.localeCompare(b.area));
  return {
    parameters,
    assumptions: opportunityAssumptions(parameters),
    opportunities: found.map((o, i) => ({ rank: i + 1, ...o })),
    unranked,
  };
}

/** Groups of decisions within one window by two or more nations; a group inside another is dropped. */
function overlapGroups<T extends { p: Programme; d: number }>(cands: T[], W: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < cands.length; i++) {
    const g = cands.filter((x) => x.d >= cands[i]!.d && x.d < cands[i]!.d + W);
    if (new Set(g.map((x) => x.p.nation)).size < 2) continue;
    const ids = new Set(g.map((x) => x.p.id));
    if (groups.some((h) => g.every((x) => h.some((y) => y.p.id === x.p.id)))) continue;
    for (let k = groups.length - 1; k >= 0; k--)
      if (groups[k]!.every((x) => ids.has(x.p.id))) groups.splice(k, 1);
    groups.push(g);
  }
  return groups;
}

/** Score every proposal with the weights, and put each group's best first. */
function rankProposals(found: Omit<Opportunity, 'rank'>[], weights: OpportunityWeights): void {
  const all = found.flatMap((o) => [o.proposal, ...o.alternatives]);
  for (const pr of all) {
    pr.score =
      weights.types * pr.components.types +
      weights.volume * pr.components.volume +
      weights.framework * pr.components.framework +
      weights.capacity * pr.components.capacity -
      weights.switching * pr.components.switching;
  }
  for (const o of found) {
    const sorted = [o.proposal, ...o.alternatives].sort(
      (a, b) => b.score - a.score || b.pooledQuantity - a.pooledQuantity,
    );
    o.proposal = sorted[0]!;
    o.alternatives = sorted.slice(1);
  }
}

/** The assumptions behind the ranking, in words. */
function opportunityAssumptions(p: OpportunityResult['parameters']): string[] {
  return [
    `Weights ${JSON.stringify(p.weights)} are a judgement, not a fact; change them to see the ranking move.`,
    `Learning rate ${p.learningRate} (Wright): each doubling of a line's cumulative output cuts unit cost to ${p.learningRate * 100} %. Every lot starts from the line's recorded history (a warm line has spent most of its learning).`,
    `Money in ${p.priceYear} euros: contract prices escalated at ${(p.escalation * 100).toFixed(1)} % a year from their contract year.`,
    'Savings use the platform unit cost where the reference file records one; a package price (munitions, spares, support) overstates them and is marked so.',
    'Spares: one pool needs a safety stock ∝ √(pooled fleet) instead of Σ √(national fleet) (square-root law, independent demand).',
    `Line capacity counts from the later of the group's first decision and the as-of month (${p.asOf}), over the window, less other contracts' open quantities; line shares are assumptions (grade C).`,
  ];
}
