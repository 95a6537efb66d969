/**
 * Learning-curve savings of a pooled lot against national lots: the first-unit cost from the family's recorded
 * unit cost (or, failing that, a contract's package price, marked as overstating), escalated to the price year,
 * and the line's position on its curve from its production history.
 */
import type { Grade } from './grade.js';
import { firstUnitFromAverage, poolingSavings } from './learning.js';
import { parseMonth } from './month.js';
import type { Proposal } from './opportunities.js';
import type { Programme, Registry } from './schema.js';

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

/** Learning-curve savings of one pooled lot against national lots, from the line's position, in base-year euros. */
export function poolSavings(
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
