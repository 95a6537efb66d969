/**
 * The HiGHS solver (WASM, `highs` package) in a worker thread, loaded once and reused. A solve blocks its thread
 * for up to seconds (the benchmark model takes about one), and the hub's event loop also routes live CoT: so
 * solves never run on the main thread. One worker runs one solve at a time; at most MAX_QUEUED wait, further
 * requests are refused at once (BW_PLAN_BUSY). If the worker dies, pending solves fail and the next one starts a new worker.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { PlannerError } from './errors.js';

const MAX_QUEUED = 8;

// Plain CommonJS so it runs the same under tsx, vitest and the compiled build; the loader is required by path.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let loading;
function highs() {
  if (!loading) {
    const m = require(workerData.highsPath);
    loading = (typeof m === 'function' ? m : m.default)();
  }
  return loading;
}
parentPort.on('message', async (msg) => {
  try {
    const h = await highs();
    if (msg.warmOnly) return parentPort.postMessage({ id: msg.id, ok: true, result: null });
    const r = h.solve(msg.lp, msg.options);
    const names = [];
    const values = [];
    const duals = [];
    if (r.Status === 'Optimal') {
      for (const [name, col] of Object.entries(r.Columns)) {
        if (col.Primal !== 0) { names.push(name); values.push(col.Primal); }
      }
      for (const row of r.Rows) duals.push(row.Dual || 0);
    }
    parentPort.postMessage({ id: msg.id, ok: true, result: { status: r.Status, objective: r.ObjectiveValue, names, values, duals } });
  } catch (e) {
    parentPort.postMessage({ id: msg.id, ok: false, message: String((e && e.message) || e) });
  }
});
`;

/** Column name → primal value (non-zero only), row index → dual value, or the status when there is no solution. */
export interface LpSolution {
  status: string;
  objective: number;
  primal: Map<string, number>;
  duals: number[];
}

interface Raw {
  status: string;
  objective: number;
  names: string[];
  values: number[];
  duals: number[];
}

type Pending = { resolve: (r: Raw | null) => void; reject: (e: Error) => void };

let worker: Worker | undefined;
const pending = new Map<number, Pending>();
let nextId = 1;

function ensureWorker(): Worker {
  if (worker) return worker;
  const highsPath = createRequire(import.meta.url).resolve('highs');
  const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { highsPath } });
  w.on('message', (m: { id: number; ok: boolean; result?: Raw | null; message?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) w.unref();
    if (m.ok) p.resolve(m.result ?? null);
    else p.reject(new Error(m.message ?? 'solver error'));
  });
  const fail = (e: Error) => {
    if (worker === w) worker = undefined;
    for (const [id, p] of pending) {
      pending.delete(id);
      p.reject(e);
    }
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`solver worker exited (code ${code})`)));
  w.unref();
  worker = w;
  return w;
}

function send(msg: Record<string, unknown>): Promise<Raw | null> {
  if (pending.size >= MAX_QUEUED) {
    return Promise.reject(
      new PlannerError('BW_PLAN_BUSY', `solver busy: ${pending.size} solves already queued`),
    );
  }
  const w = ensureWorker();
  const id = nextId++;
  w.ref();
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.postMessage({ ...msg, id });
  });
}

/** Start the worker and load HiGHS (the benchmark times this apart from solves). */
export async function warmUp(): Promise<void> {
  await send({ warmOnly: true });
}

/** Solve CPLEX-LP-format text. Solver faults reject; an infeasible model is a status, not an error. */
export async function solveLp(lp: string, timeLimitSeconds = 60): Promise<LpSolution> {
  const r = (await send({
    lp,
    options: { output_flag: false, time_limit: timeLimitSeconds, presolve: 'on' },
  }))!;
  const primal = new Map<string, number>();
  r.names.forEach((n, i) => primal.set(n, r.values[i]!));
  return { status: r.status, objective: r.objective, primal, duals: r.duals };
}

/** Stop the worker (tests and shutdown); the next solve starts a new one. */
export async function stopSolver(): Promise<void> {
  const w = worker;
  worker = undefined;
  if (w) await w.terminate();
}
