/**
 * `npm run bench:planner`: the scheduler on 3 nations × 60 orders × 20 lines × 120 months. Budget: ≤ 5 s per
 * solve (model build + HiGHS in its worker thread + result). Starting the worker and loading the WASM is timed
 * apart (once per process). Then a 2,000-draw Monte Carlo over the 3-nation schedule of the seed data and its days
 * of fire, budget 10 s. Exits 1 over either budget.
 */
import { monteCarlo } from '../../src/planner/montecarlo.js';
import { seedRegistry } from '../../src/planner/seed.js';
import { stopSolver, warmUp } from '../../src/planner/solver.js';
import { schedule } from '../../src/planner/scheduler.js';
import { benchInstance } from './instance.js';
import { recordRun } from '../lib/results.js';

const BUDGET_MS = 5000;
const runs = Number(process.env.BENCH_RUNS ?? 3);

const t0 = performance.now();
await warmUp();
const loadMs = performance.now() - t0;
const input = benchInstance();
const times: number[] = [];
let last;
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  last = await schedule(input);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
const demand = input.orders.reduce((a, o) => a + o.quantity, 0);
const delivered = last!.orders.reduce((a, o) => a + o.delivered, 0);
const scheduler = {
  bench: 'planner scheduler',
  size: { nations: 3, orders: input.orders.length, lines: input.lines.length, months: input.months },
  status: last!.status,
  variables: last!.stats.variables,
  constraints: last!.stats.constraints,
  demand,
  delivered,
  weightedLateness: last!.objective,
  wasmLoadMs: Math.round(loadMs),
  solveMs: last!.stats.solveMs,
  totalMs: times.map((t) => Math.round(t)),
  medianMs: Math.round(median),
  budgetMs: BUDGET_MS,
};
console.log(JSON.stringify(scheduler, null, 2));
await stopSolver();
if (median > BUDGET_MS) {
  console.error(`over budget: median ${Math.round(median)} ms > ${BUDGET_MS} ms`);
  process.exitCode = 1;
}

// Monte Carlo: 2,000 draws over the 3-nation schedule from the seed registry (quantity ranges, line shares, slip).
const MC_BUDGET_MS = 10_000;
const { ref, reg } = seedRegistry();
const tMc = performance.now();
const mc = monteCarlo(reg, { draws: 2000, months: 72 }, ref.munitions);
const mcMs = performance.now() - tMc;
const montecarlo = {
  bench: 'planner Monte Carlo',
  draws: mc.parameters.draws,
  orders: mc.orders.length,
  nations: Object.keys(mc.nations),
  totalMs: Math.round(mcMs),
  budgetMs: MC_BUDGET_MS,
  p50ByNation: Object.fromEntries(Object.entries(mc.nations).map(([n, p]) => [n, p.p50])),
  daysOfFireIn5YearsP50: Object.fromEntries(
    mc.daysOfFire.map((d) => [`${d.munition} ${d.nation}`, d.days5.p50]),
  ),
};
console.log(JSON.stringify(montecarlo, null, 2));
recordRun('planner', { scheduler, montecarlo });
if (mcMs > MC_BUDGET_MS) {
  console.error(`Monte Carlo over budget: ${Math.round(mcMs)} ms > ${MC_BUDGET_MS} ms`);
  process.exitCode = 1;
}
