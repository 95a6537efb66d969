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
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => ({}))) as T & { error?: { code: string; message: string } };
  if (!res.ok)
    throw new ApiError(data.error?.message ?? res.statusText, data.error?.code ?? 'HTTP', res.status);
  return data;
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
};

// Response shapes the page reads (subsets of src/planner types; the page does not import server code).
export interface Measure {
  value: number;
  confidence: string;
}
export interface AreaMosaic {
  area: string;
  name: string;
  unit: string;
  familyCount: number;
  variantCount: number;
  nations: string[];
  families: {
    family: string;
    name: string;
    nations: string[];
    quantity: number | null;
    share: number | null;
  }[];
  effectiveTypes: (Measure & { hhi: number }) | null;
  supplierHhi: (Measure & { effective: number; top: string }) | null;
  ammoCommonShare: (Measure & { pool: string }) | null;
  sparesCommonShare: (Measure & { pool: string }) | null;
}
export interface Mosaic {
  areas: AreaMosaic[];
  nations: string[];
  matrix: Record<string, Record<string, { families: string[]; quantity: number | null; confidence: string }>>;
}
export interface AreaInterop {
  area: string;
  systems: { key: string; name: string; nations: string[] }[];
  pairs: {
    a: string;
    b: string;
    sameFamily: boolean;
    sharedAmmo: boolean | null;
    sameCalibre: boolean | null;
    sameBarrel: boolean | null;
    sameMissile: boolean | null;
    sharedDataLinks: string[];
    battlespace: { meet: boolean; via: string[]; reason: string };
    confidence: string;
  }[];
}
export interface Proposal {
  family: string;
  name: string;
  nations: string[];
  pooledQuantity: number;
  unknownQuantity: string[];
  typesBefore: number;
  typesAfter: number;
  frameworks: string[];
  capacity: { units: number; lines: string[] } | null;
  savings: { savingShare: number; saving?: number; learningRate: number; firstUnitBasis?: string } | null;
  components: Record<string, number>;
  score: number;
  locked: string[];
}
export interface Opportunities {
  parameters: { windowYears: number; asOf: string; learningRate: number; weights: Record<string, number> };
  opportunities: {
    rank: number;
    area: string;
    window: { from: string; to: string };
    nations: string[];
    proposal: Proposal;
    alternatives: Proposal[];
    confidence: string;
  }[];
}
export interface Pipeline {
  parameters: { asOf: string; stallMonths: number };
  programmes: {
    id: string;
    nation: string;
    area: string;
    system: string;
    stages: Record<string, { at: string; approx: boolean; planned: boolean } | undefined>;
    current?: string;
    stalled: boolean;
    stallReason?: string;
    confidence: string;
  }[];
  medians: Record<string, { months: number; n: number; confidence: string } | null>;
  approvedNotContracted: { programmes: string[]; knownValueEurM: number; unknownValue: string[] };
}
export interface ScheduleResult {
  status: string;
  explanation: string[];
  orders: {
    id: string;
    nation: string;
    family: string;
    quantity: number;
    wantedBy: string;
    completion: string | null;
    monthsLate: number;
  }[];
  lines: { id: string; capacity: number; used: number; utilisation: number; shadowPrice: number }[];
  bottlenecks: { line: string; shadowPrice: number }[];
  fielding: { months: string[]; nations: Record<string, number[]> };
}
export interface ScheduleRun {
  summaries: {
    name: string;
    status: string;
    weightedLateness: number | null;
    lateOrders: number;
    shortOrders: number;
    completionByNation: Record<string, string | null>;
    bottlenecks: { line: string; shadowPrice: number }[];
  }[];
  results: ScheduleResult[];
  skipped: { programme: string; reason: string }[];
  assumptions: string[];
}
