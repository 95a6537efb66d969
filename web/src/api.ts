/** The REST calls the page makes: configuration, session, sign-in and sign-out (cookie-based). */
import type { Classification } from '../../src/model/label.js';
import type { MapSourceView } from './basemaps.js';

export interface WebConfig {
  hubId: string;
  devMode: boolean;
  /** Optional detail tiles (raster URL template). */
  tiles?: string;
  /** Optional local raster PMTiles archive served by the hub (its path). */
  pmtiles?: string;
  /** Basemaps to switch to and raster overlays (web.basemaps, web.overlays). */
  basemaps?: MapSourceView[];
  overlays?: MapSourceView[];
}

export interface SessionView {
  id: string;
  nation?: string;
  clearance: Classification;
  groups: string[];
  devMode: boolean;
}

async function json<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as T & { code?: string; message?: string };
  if (!res.ok)
    throw Object.assign(new Error(body.message ?? res.statusText), { code: body.code, status: res.status });
  return body;
}

export const api = {
  config: () => fetch('/api/config').then((r) => json<WebConfig>(r)),
  /** The signed-in identity, or null when the hub wants a sign-in. */
  session: async (): Promise<SessionView | null> => {
    const r = await fetch('/api/session');
    if (r.status === 401) return null;
    return json<SessionView>(r);
  },
  login: (body: Record<string, string>) =>
    fetch('/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => json<SessionView>(r)),
  logout: () => fetch('/api/logout', { method: 'POST' }),
};
