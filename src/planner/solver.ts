/**
 * The HiGHS solver (WASM, `highs` package), loaded once per process and reused: instantiating the module costs
 * tens of milliseconds, a solve of the benchmark model a few hundred.
 */
import * as highsModule from 'highs';
import type { Highs } from 'highs';

type Loader = () => Promise<Highs>;
// The package's typings are CommonJS while Node loads its ESM build: the loader is `default`, or `default.default`
// when seen through the CommonJS typings.
const mod = highsModule as unknown as { default: Loader | { default: Loader } };
const loader: Loader = typeof mod.default === 'function' ? mod.default : mod.default.default;

let loading: Promise<Highs> | undefined;

/** The shared HiGHS instance. */
export function highs(): Promise<Highs> {
  loading ??= loader();
  return loading;
}

/** Column name → primal value, row index → dual value, or the status when there is no solution. */
export interface LpSolution {
  status: string;
  objective: number;
  primal: Map<string, number>;
  duals: number[];
}

/** Solve CPLEX-LP-format text. Solver faults propagate as exceptions; an infeasible model is a status. */
export async function solveLp(lp: string, timeLimitSeconds = 60): Promise<LpSolution> {
  const h = await highs();
  const r = h.solve(lp, { output_flag: false, time_limit: timeLimitSeconds, presolve: 'on' });
  const primal = new Map<string, number>();
  const duals: number[] = [];
  if (r.Status === 'Optimal') {
    for (const [name, col] of Object.entries(r.Columns)) primal.set(name, (col as { Primal: number }).Primal);
    for (const row of r.Rows as { Dual?: number }[]) duals.push(row.Dual ?? 0);
  }
  return { status: r.Status, objective: r.ObjectiveValue, primal, duals };
}
