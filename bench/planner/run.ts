/**
 * `npm run bench:planner`: the scheduler on 3 nations × 60 orders × 20 lines × 120 months. Budget: ≤ 5 s per
 * solve (model build + HiGHS in its worker thread + result). Starting the worker and loading the WASM is timed
 * apart (once per process). Exits 1 over budget.
 */
import { stopSolver, warmUp } from '../../src/planner/solver.js';
import { schedule } from '../../src/planner/scheduler.js';
import { benchInstance } from './instance.js';

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
console.log(
  JSON.stringify(
    {
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
    },
    null,
    2,
  ),
);
await stopSolver();
if (median > BUDGET_MS) {
  console.error(`over budget: median ${Math.round(median)} ms > ${BUDGET_MS} ms`);
  process.exitCode = 1;
}
