/**
 * Joint-procurement opportunities: capability areas where two or more nations plan or order within one window
 * (default 3 years). For each group the finder tries every candidate common family, pools the quantities that can
 * still move (open programmes, and programmes already of that family), and scores the result on reduction of the
 * effective number of types, volume, existing frameworks and line capacity. Savings come from an explicit
 * learning-curve model. Weights and parameters are inputs and are echoed in the output.
 */
import { worstGrade, type Grade } from './grade.js';
import { builtBy, lineOutput } from './capacity.js';
import { firstUnitFromAverage, poolingSavings, type PoolingSavings } from './learning.js';
import { fleetQuantity, isFielded } from './mosaic.js';
import { resolveAsOf } from './asof.js';
import { reached } from './stages.js';
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

function effectiveTypes(q: Map<string, number>): number {
  const total = [...q.values()].reduce((a, b) => a + b, 0);
  if (total <= 0) return q.size;
  return 1 / [...q.values()].reduce((a, v) => a + (v / total) ** 2, 0);
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
    const groups: (typeof cands)[] = [];
    for (let i = 0; i < cands.length; i++) {
      const g = cands.filter((x) => x.d >= cands[i]!.d && x.d < cands[i]!.d + W);
      if (new Set(g.map((x) => x.p.nation)).size < 2) continue;
      const ids = new Set(g.map((x) => x.p.id));
      if (groups.some((h) => g.every((x) => h.some((y) => y.p.id === x.p.id)))) continue;
      for (let k = groups.length - 1; k >= 0; k--)
        if (groups[k]!.every((x) => ids.has(x.p.id))) groups.splice(k, 1);
      groups.push(g);
    }
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
  // Scores need the volume and type components normalised across all proposals.
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
  found.sort((a, b) => b.proposal.score - a.proposal.score || a.area.localeCompare(b.area));
  return {
    parameters,
    assumptions: opportunityAssumptions(parameters),
    opportunities: found.map((o, i) => ({ rank: i + 1, ...o })),
    unranked,
  };
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

function propose(
  reg: Registry,
  area: string,
  inArea: Programme[],
  members: Programme[],
  family: string,
  start: Month,
  W: number,
  learningRate: number,
  money: { priceYear: number; escalation: number; now: Month },
): Proposal | null {
  const now = money.now;
  const pooledPs = members.filter((p) => p.family === family || isOpen(p));
  const locked = members.filter((p) => !pooledPs.includes(p)).map((p) => programmeName(p));
  const nations = [...new Set(pooledPs.map((p) => p.nation))].sort();
  // Two nations, and something still to decide: a group that is all signed contracts is history.
  if (nations.length < 2 || !pooledPs.some(isOpen)) return null;
  const fleet = inArea.filter((p) => p.quantity && (isFielded(p) || members.includes(p)));
  const before = new Map<string, number>();
  const after = new Map<string, number>();
  for (const p of fleet) {
    before.set(p.family, (before.get(p.family) ?? 0) + fleetQuantity(p)!);
    const f = pooledPs.includes(p) ? family : p.family;
    after.set(f, (after.get(f) ?? 0) + fleetQuantity(p)!);
  }
  const famBefore = new Set(inArea.filter((p) => isFielded(p) || members.includes(p)).map((p) => p.family));
  const famAfter = new Set(
    [...famBefore].filter(
      (f) =>
        f === family ||
        inArea.some((p) => p.family === f && !pooledPs.includes(p) && (isFielded(p) || members.includes(p))),
    ),
  );
  const typesBefore = effectiveTypes(before);
  const typesAfter = effectiveTypes(after);
  const withQty = pooledPs.filter((p) => p.quantity);
  const pooledQuantity = withQty.reduce((a, p) => a + p.quantity!.value, 0);
  const fleetTotal = [...before.values()].reduce((a, b) => a + b, 0);

  const frameworks = reg.frameworks.filter((f) => f.families.includes(family) && f.status !== 'ended');
  let frameworkScore = 0;
  for (const f of frameworks) {
    const covered = nations.filter((n) => f.participants.includes(n)).length / nations.length;
    frameworkScore = Math.max(frameworkScore, f.status === 'unfunded' ? covered / 2 : covered);
  }
  // Capacity available: the lines' output over the window less what other contracts of the family still await.
  const lines = reg.lines.filter((l) => l.family === family);
  const units = lines.reduce((a, l) => a + lineOutput(l, start, start + W), 0);
  const booked = reg.programmes
    .filter((p) => p.family === family && !pooledPs.includes(p) && p.quantity && p.quantity.kind !== 'max')
    .filter((p) => p.statuses.includes('ordered') || p.statuses.includes('delivering'))
    .reduce((a, p) => a + Math.max(0, p.quantity!.value - (p.delivered?.value ?? 0)), 0);
  const capacity = lines.length
    ? { units: Math.max(0, Math.floor(units - booked)), booked, lines: lines.map((l) => l.id) }
    : null;

  const famRec = reg.families.find((f) => f.id === family);
  const priorUnits = Math.round(lines.reduce((a, l) => a + builtBy(l, start), 0));
  const savings = poolSavings(reg, family, famRec, withQty, learningRate, priorUnits, money);
  const nationalLots = withQty.map((p) => p.quantity!.value);
  const sqrtSum = nationalLots.reduce((a, q) => a + Math.sqrt(q), 0);
  const benefits: PoolingBenefits = {
    configurations: { national: pooledPs.length, pooled: 1 },
    sparesStockReduction:
      nationalLots.length >= 2 && sqrtSum > 0 ? 1 - Math.sqrt(pooledQuantity) / sqrtSum : null,
    sharedTraining: nations,
    assumptions: [
      `one production configuration (integration, qualification, acceptance) instead of ${pooledPs.length}`,
      'spares safety stock by the square-root law, independent national demand',
      ...(priorUnits > 0
        ? [
            `the line had built about ${priorUnits} units before these lots (recorded history plus output since)`,
          ]
        : [
            'no production history recorded: the line is treated as new (learning savings overstated if it is not)',
          ]),
    ],
  };
  const switchers = pooledPs.filter((p) => p.family !== family);
  const switchedQty = switchers.reduce((a, p) => a + (p.quantity?.value ?? 0), 0);
  return {
    family,
    name: reg.families.find((f) => f.id === family)?.name ?? family,
    pooled: pooledPs.map((p) => ({
      programme: p.id,
      name: programmeName(p),
      nation: p.nation,
      quantity: p.quantity?.value ?? null,
      switches: p.family !== family,
    })),
    locked,
    nations,
    pooledQuantity,
    unknownQuantity: pooledPs.filter((p) => !p.quantity).map((p) => p.id),
    typesBefore,
    typesAfter,
    familiesBefore: famBefore.size,
    familiesAfter: famAfter.size,
    frameworks: frameworks.map((f) => f.id),
    capacity,
    savings,
    benefits,
    switching: switchers.map((p) => ({
      name: programmeName(p),
      quantity: p.quantity?.value ?? null,
      stage: lastStage(p, now),
    })),
    components: {
      types: typesBefore > 0 ? Math.max(0, (typesBefore - typesAfter) / typesBefore) : 0,
      volume: fleetTotal > 0 ? pooledQuantity / fleetTotal : 0,
      framework: frameworkScore,
      capacity: capacity && pooledQuantity > 0 ? Math.min(1, capacity.units / pooledQuantity) : 0,
      switching: pooledQuantity > 0 ? switchedQty / pooledQuantity : 0,
    },
    score: 0,
  };
}

/** The best-graded programme of a family with both a contracted value and a quantity: its average unit cost. */
function unitCostReference(
  ps: Programme[],
): { id: string; avg: number; q: number; value: number; grade: Grade; year?: number } | undefined {
  const usable = ps
    .filter(
      (p) =>
        p.valueEurM &&
        p.quantity &&
        p.quantity.value > 0 &&
        (p.quantity.kind === 'exact' || p.quantity.kind === 'approx'),
    )
    .sort((a, b) => a.confidence.localeCompare(b.confidence));
  const p = usable[0];
  if (!p) return undefined;
  return {
    id: p.id,
    avg: p.valueEurM!.value / p.quantity!.value,
    q: p.quantity!.value,
    value: p.valueEurM!.value,
    grade: p.confidence,
    ...(p.stages.contract ? { year: Math.floor(parseMonth(p.stages.contract.at)! / 12) } : {}),
  };
}

/** The latest stage a programme records (for "what switching would undo"). */
function lastStage(p: Programme, now: Month): string {
  const order = [
    'lastDelivery',
    'firstDelivery',
    'contract',
    'tender',
    'budgetApproved',
    'requirement',
  ] as const;
  const s = order.find((k) => reached(p, k, now));
  return s ? `${s} ${p.stages[s]!.at}` : 'no stage reached';
}

/** Learning-curve savings of one pooled lot against national lots, from the line's position, in base-year euros. */
function poolSavings(
  reg: Registry,
  family: string,
  famRec: Registry['families'][number] | undefined,
  withQty: Programme[],
  learningRate: number,
  priorUnits: number,
  money: { priceYear: number; escalation: number },
): Proposal['savings'] {
  if (withQty.length < 2) return null;
  const lots = withQty.map((p) => p.quantity!.value);
  const escalate = (eur: number, year: number) => eur * (1 + money.escalation) ** (money.priceYear - year);
  const meanLot = lots.reduce((a, b) => a + b, 0) / lots.length;
  let first: number | undefined;
  let basis: string | undefined;
  let costBasis: 'unit' | 'package' | undefined;
  if (famRec?.unitCost) {
    const u = famRec.unitCost;
    first = firstUnitFromAverage(escalate(u.eurM, u.year), meanLot, learningRate, priorUnits);
    basis = `unit cost €${u.eurM}m (${u.year} prices, grade ${u.confidence}: ${u.source}) → €${escalate(u.eurM, u.year).toFixed(2)}m in ${money.priceYear}`;
    costBasis = 'unit';
  } else {
    const ref = unitCostReference(reg.programmes.filter((p) => p.family === family));
    if (ref) {
      const year = ref.year ?? money.priceYear;
      first = firstUnitFromAverage(escalate(ref.avg, year), ref.q, learningRate, priorUnits);
      basis = `${ref.id}: €${ref.value}m for ${ref.q} units (grade ${ref.grade}), a package price incl. munitions and support: overstates the saving`;
      costBasis = 'package';
    }
  }
  const out: NonNullable<Proposal['savings']> = {
    ...poolingSavings(lots, {
      learningRate,
      priorUnits,
      ...(first !== undefined ? { firstUnitCost: first } : {}),
    }),
  };
  if (basis) {
    out.firstUnitBasis = basis;
    out.costBasis = costBasis!;
    out.priceYear = money.priceYear;
  }
  return out;
}
