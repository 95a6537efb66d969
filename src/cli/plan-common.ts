/**
 * What every `plan` subcommand shares: the output format, number options, JSON files, and the registry in the
 * store of --data-dir (opened for the command and closed after it).
 */
import { readFileSync } from 'node:fs';
import { openStore, type Store } from '../store/index.js';
import { PlannerError } from '../planner/errors.js';
import { PlannerRegistry } from '../planner/registry.js';
import type { Format } from '../planner/views.js';

/** Options a subcommand gets from commander. */
export type Opts = Record<string, string | boolean | undefined> & Common;

export interface Common {
  format: string;
  dataDir: string;
}

export function fmt(f: string): Format {
  if (f !== 'table' && f !== 'csv' && f !== 'json')
    throw new PlannerError('BW_PLAN_BAD_INPUT', '--format must be table, csv or json');
  return f;
}

export function num(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new PlannerError('BW_PLAN_BAD_INPUT', `--${name} must be a number from ${min} to ${max}`);
  return n;
}

export function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new PlannerError('BW_PLAN_BAD_INPUT', `cannot read JSON from ${file}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

export function withRegistry<T>(dataDir: string, fn: (r: PlannerRegistry, s: Store) => T): T {
  const store = openStore(dataDir);
  try {
    return fn(new PlannerRegistry(store), store);
  } finally {
    store.close();
  }
}
