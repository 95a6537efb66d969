/**
 * Every HTTP route of every listener, and the one rule they follow: an API route answers only a caller with a
 * session — a web sign-in cookie, or a client certificate where TAK clients use one (the Marti API). The public
 * APIs are health, metrics, what signing in needs and the OpenAPI documents ({@link PUBLIC_APIS}). Pages and their static assets (the COP,
 * the planner page) are not APIs; they ask for sign-in through the APIs they call.
 *
 * The check is added to each route as it is registered (fastify's onRoute), so a route added later by any module
 * (the planner, a future federation or video API) is guarded without opting in. The table of routes is kept for
 * operators and for the test that walks every route on every listener without a session.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';

export type Access = 'public' | 'session' | 'credential' | 'page';

/**
 * A route that accepts a credential of its own besides a session (e.g. a video stream's watch token, for TAK clients
 * that have no cookie) says so in its route config: `{ config: { credential: (req) => boolean } }`. The guard lets
 * a request through only when that check holds; the handler still reads the identity from the credential.
 */
export interface CredentialConfig {
  credential?: (req: FastifyRequest) => boolean;
}

export interface RouteEntry {
  listener: string;
  method: string;
  url: string;
  access: Access;
  websocket: boolean;
}

/** The APIs that answer without a session, on every listener. */
export const PUBLIC_APIS: readonly string[] = [
  'GET /healthz',
  'GET /metrics',
  // Signing in and out, and the sign-in page's configuration (hub id, whether development sign-in is on, map tile
  // sources): nothing of the picture or of the planner.
  'POST /api/login',
  'POST /api/logout',
  'GET /api/config',
  // The APIs' own descriptions (OpenAPI): how to call them, no data.
  'GET /api/openapi.json',
  'GET /api/planner/openapi.json',
];

/** API paths: the REST, live and Marti APIs, health and metrics. Anything else is a page or a static asset. */
export function isApiPath(url: string): boolean {
  return (
    url.startsWith('/api/') ||
    url === '/api' ||
    url === '/Marti' ||
    url.startsWith('/Marti/') ||
    url === '/metrics' ||
    url === '/healthz'
  );
}

export interface GuardOptions {
  /** Name of the listener in the table ('http', 'https', 'marti', 'enrollment'). */
  listener: string;
  /** Does the request carry a session (cookie or client certificate)? */
  signedIn(req: FastifyRequest): boolean;
  /** Answer a caller without a session (401 with the listener's BW code). */
  refuse(req: FastifyRequest, reply: FastifyReply): FastifyReply;
  /** Track only (the listener enforces its own credentials, e.g. enrollment's Basic authentication). */
  trackOnly?: boolean;
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export class RouteTable {
  readonly entries: RouteEntry[] = [];

  /**
   * Guard every API route `app` registers from now on (call before registering routes). Routes that upgrade to a
   * WebSocket let an upgrade request through: their handler closes it with its own code (4401 on /api/live), which
   * the page reads; a plain request to them is refused here like any other.
   */
  guard(app: FastifyInstance, o: GuardOptions): void {
    app.addHook('onRoute', (route) => {
      const websocket = (route as { websocket?: boolean }).websocket === true;
      const credential = (route.config as CredentialConfig | undefined)?.credential;
      for (const method of asArray(route.method)) {
        const api = isApiPath(route.url);
        const access: Access = !api
          ? 'page'
          : PUBLIC_APIS.includes(`${method === 'HEAD' ? 'GET' : method} ${route.url}`)
            ? 'public'
            : credential
              ? 'credential'
              : 'session';
        this.entries.push({ listener: o.listener, method, url: route.url, access, websocket });
      }
      if (o.trackOnly || !isApiPath(route.url)) return;
      const publicFor = (m: string) => PUBLIC_APIS.includes(`${m === 'HEAD' ? 'GET' : m} ${route.url}`);
      const check: onRequestHookHandler = async (req, reply) => {
        if (publicFor(req.method) || o.signedIn(req) || credential?.(req) === true) return;
        if (websocket && req.headers.upgrade?.toLowerCase() === 'websocket') return;
        return o.refuse(req, reply);
      };
      route.onRequest = [check, ...asArray(route.onRequest)];
    });
  }
}
