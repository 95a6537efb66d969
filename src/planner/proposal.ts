/**
 * One pooling proposal for a group of nations in an area: which programmes join a common family, what that does
 * to the effective number of types, which frameworks and line capacity support it, what switching undoes, and
 * what pooling buys (learning-curve savings in pooling-savings.ts, one configuration, a common spares pool).
 */
import { builtBy, lineOutput } from './capacity.js';
import { fleetQuantity, isFielded } from './mosaic.js';
import type { Month } from './month.js';
import { programmeName } from './names.js';
import { isOpen, type PoolingBenefits, type Proposal } from './opportunities.js';
import { poolSavings } from './pooling-savings.js';
import type { Programme, Registry } from './schema.js';
import { reached } from './stages.js';

function effectiveTypes(q: Map<string, number>): number {
  const total = [...q.values()].reduce((a, b) => a + b, 0);
  if (total <= 0) return q.size;
  return 1 / [...q.values()].reduce((a, v) => a + (v / total) ** 2, 0);
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

/** Fleet per family before and after the pooled programmes join `family`, and the families counted. */
function typeCounts(inArea: Programme[], members: Programme[], pooledPs: Programme[], family: string) {
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
  return { before, after, famBefore, famAfter };
}

/**
 * Frameworks that cover the nations for the family (an unfunded one counts half), and the lines' output over the
 * window less what other contracts of the family still await.
 */
function support(
  reg: Registry,
  family: string,
  nations: string[],
  pooledPs: Programme[],
  start: Month,
  W: number,
) {
  const frameworks = reg.frameworks.filter((f) => f.families.includes(family) && f.status !== 'ended');
  let frameworkScore = 0;
  for (const f of frameworks) {
    const covered = nations.filter((n) => f.participants.includes(n)).length / nations.length;
    frameworkScore = Math.max(frameworkScore, f.status === 'unfunded' ? covered / 2 : covered);
  }
  const lines = reg.lines.filter((l) => l.family === family);
  const units = lines.reduce((a, l) => a + lineOutput(l, start, start + W), 0);
  const booked = reg.programmes
    .filter((p) => p.family === family && !pooledPs.includes(p) && p.quantity && p.quantity.kind !== 'max')
    .filter((p) => p.statuses.includes('ordered') || p.statuses.includes('delivering'))
    .reduce((a, p) => a + Math.max(0, p.quantity!.value - (p.delivered?.value ?? 0)), 0);
  const capacity = lines.length
    ? { units: Math.max(0, Math.floor(units - booked)), booked, lines: lines.map((l) => l.id) }
    : null;
  return { frameworks, frameworkScore, lines, capacity };
}

/** What pooling buys beyond the learning curve: one configuration, a smaller spares pool, shared training. */
function benefitsOf(
  configurations: number,
  nations: string[],
  nationalLots: number[],
  pooledQuantity: number,
  priorUnits: number,
): PoolingBenefits {
  const sqrtSum = nationalLots.reduce((a, q) => a + Math.sqrt(q), 0);
  return {
    configurations: { national: configurations, pooled: 1 },
    sparesStockReduction:
      nationalLots.length >= 2 && sqrtSum > 0 ? 1 - Math.sqrt(pooledQuantity) / sqrtSum : null,
    sharedTraining: nations,
    assumptions: [
      `one production configuration (integration, qualification, acceptance) instead of ${configurations}`,
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
}

/** Propose pooling a group's programmes into `family`; null when fewer than two nations or nothing open. */
export function propose(
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
  const { before, after, famBefore, famAfter } = typeCounts(inArea, members, pooledPs, family);
  const typesBefore = effectiveTypes(before);
  const typesAfter = effectiveTypes(after);
  const withQty = pooledPs.filter((p) => p.quantity);
  const pooledQuantity = withQty.reduce((a, p) => a + p.quantity!.value, 0);
  const fleetTotal = [...before.values()].reduce((a, b) => a + b, 0);

  const { frameworks, frameworkScore, lines, capacity } = support(reg, family, nations, pooledPs, start, W);

  const famRec = reg.families.find((f) => f.id === family);
  const priorUnits = Math.round(lines.reduce((a, l) => a + builtBy(l, start), 0));
  const savings = poolSavings(reg, family, famRec, withQty, learningRate, priorUnits, money);
  const nationalLots = withQty.map((p) => p.quantity!.value);
  const benefits = benefitsOf(pooledPs.length, nations, nationalLots, pooledQuantity, priorUnits);
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
