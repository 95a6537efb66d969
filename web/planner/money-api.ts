/** REST calls of the Money and Targets views (same origin, the hub's session; a 401 goes to sign-in). */
import { ApiError, toSignIn } from './api.js';
import type { Affordability } from '../../src/planner/money/affordability.js';
import type { Fit } from '../../src/planner/money/fit.js';
import type { TargetResult } from '../../src/planner/targets/targets.js';

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const res = await fetch(url, init);
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

export type MoneyResult = Affordability & { fit?: Fit };
export type { TargetResult };

export const moneyApi = {
  money: (fit: boolean, years: number) =>
    call<MoneyResult>('GET', `/api/planner/money?years=${years}${fit ? '&fit=true' : ''}`),
  targets: () => call<{ asOf: string; targets: TargetResult[] }>('GET', '/api/planner/targets'),
  putTarget: (t: Record<string, unknown> & { id: string }) =>
    call<unknown>('PUT', `/api/planner/targets/${encodeURIComponent(t.id)}`, t),
  deleteTarget: (id: string) => call<void>('DELETE', `/api/planner/targets/${encodeURIComponent(id)}`),
};
