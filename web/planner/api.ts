/** The planner page's REST calls (same origin, the hub's session cookie). Errors carry the planner code. */

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const res = await fetch(url, init);
  // No session (or it expired): the hub's sign-in is on the COP page; come back here afterwards.
  if (res.status === 401) {
    toSignIn();
    throw new ApiError('signed out: going to sign-in', 'BW_AUTH', 401);
  }
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => ({}))) as T & { error?: { code: string; message: string } };
  if (!res.ok)
    throw new ApiError(data.error?.message ?? res.statusText, data.error?.code ?? 'HTTP', res.status);
  return data;
}

/** Go to the hub's sign-in (the COP page's sign-in dialog), asking it to return to this view. */
export function toSignIn(): void {
  location.assign(`/?next=${encodeURIComponent(location.pathname + location.hash)}`);
}

const qs = (q: Record<string, string | number | undefined>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

export type Rec = Record<string, unknown> & { id: string };

export const api = {
  list: (kind: string) => call<{ items: Rec[] }>('GET', `/api/planner/registry/${kind}`).then((r) => r.items),
  put: (kind: string, rec: Rec) =>
    call<Rec>('PUT', `/api/planner/registry/${kind}/${encodeURIComponent(rec.id)}`, rec),
  mosaic: (includePlanned: boolean) =>
    call<Mosaic>('GET', `/api/planner/mosaic${qs({ includePlanned: String(includePlanned) })}`),
  opportunities: (q: Record<string, string | number | undefined>) =>
    call<Opportunities>('GET', `/api/planner/opportunities${qs(q)}`),
  interop: (area: string) =>
    call<{ areas: AreaInterop[] }>('GET', `/api/planner/interop${qs({ area })}`).then((r) => r.areas[0]),
  pipeline: (q: Record<string, string | number | undefined>) =>
    call<Pipeline>('GET', `/api/planner/pipeline${qs(q)}`),
  schedule: (body: unknown) => call<ScheduleRun>('POST', '/api/planner/schedule', body),
  marking: () =>
    call<{ classification: Classification; releasableTo?: string[]; asOf: string; records: number }>(
      'GET',
      '/api/planner/marking',
    ),
  /** Who is signed in; null when the hub has no session API (the planner served on its own). */
  session: async (): Promise<{ id: string; nation?: string; clearance: string } | null> => {
    const r = await fetch('/api/session', { credentials: 'same-origin' });
    if (r.status === 401) {
      toSignIn();
      throw new ApiError('signed out: going to sign-in', 'BW_AUTH', 401);
    }
    return r.ok ? ((await r.json()) as { id: string; nation?: string; clearance: string }) : null;
  },
  ammunition: (q: Record<string, string | number | undefined>) =>
    call<AmmunitionResult>('GET', `/api/planner/ammunition${qs(q)}`),
  monteCarlo: (q: Record<string, string | number | undefined>) =>
    call<MonteCarloResult>('GET', `/api/planner/montecarlo${qs(q)}`),
  scenarios: () => call<{ items: SavedScenario[] }>('GET', '/api/planner/scenarios').then((r) => r.items),
  createScenario: (body: unknown) => call<SavedScenario>('POST', '/api/planner/scenarios', body),
  updateScenario: (id: string, body: unknown) =>
    call<SavedScenario>('PUT', `/api/planner/scenarios/${encodeURIComponent(id)}`, body),
  deleteScenario: (id: string) => call<void>('DELETE', `/api/planner/scenarios/${encodeURIComponent(id)}`),
  compareScenarios: (ids: string[]) =>
    call<Comparison>('GET', `/api/planner/scenarios/compare${qs({ ids: ids.join(','), draws: 200 })}`),
};

// Response shapes: the server's own types (type-only imports, erased from the bundle), so the page and the API
// cannot drift apart.
import type { Measure, AreaMosaic, Mosaic } from '../../src/planner/mosaic.js';
import type { AreaInterop } from '../../src/planner/interop.js';
import type { OpportunityResult, Proposal } from '../../src/planner/opportunities.js';
import type { PipelineResult } from '../../src/planner/pipeline.js';
import type { ScheduleResult } from '../../src/planner/scheduler.js';
import type { ScenarioSummary } from '../../src/planner/whatif.js';
import type { MonteCarloResult } from '../../src/planner/montecarlo.js';
import type { Classification } from '../../src/model/label.js';
import type { Comparison } from '../../src/planner/compare.js';
import type { Scenario as SavedScenario } from '../../src/planner/scenarios.js';

export type { Comparison, SavedScenario };

export type { MonteCarloResult };
export type AmmunitionResult = ReturnType<typeof computeAmmunition>;
import type { computeAmmunition } from '../../src/planner/ammunition.js';

export type { AreaInterop, AreaMosaic, Measure, Mosaic, Proposal, ScheduleResult };
export type Opportunities = OpportunityResult;
export type Pipeline = PipelineResult;
/** POST /api/planner/schedule: the what-if comparison, and what the registry could not turn into orders. */
export interface ScheduleRun {
  summaries: ScenarioSummary[];
  results: ScheduleResult[];
  skipped: { programme: string; name: string; reason: string }[];
  assumptions: string[];
  defaults: string[];
  /** Each order's sources (programme id → source keys) when the orders came from the registry. */
  sources?: Record<string, string[]>;
}
