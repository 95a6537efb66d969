/**
 * Issue 16 item 11, over real sockets: every API route on every listener (fastify's own route list, as the app
 * registered it: the HTTP listener, the COP and the Marti API on the HTTPS API listener, enrollment) is called
 * without a session. Each answers 401, except health, metrics and what signing in needs; the Marti routes, which
 * TAK clients call with their certificate, close a peer that has none. The planner REST API included.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteEntry } from '../../src/ops/routes.js';
import { addUser, ENROLLMENT, type TestApp } from '../helpers/app.js';
import { startHostileApp } from './integrity-helpers.js';

/** The only APIs that answer without a session: health, metrics, signing in and out, the sign-in page's
 * configuration, and the OpenAPI documents. */
const PUBLIC_APIS = [
  'GET /healthz',
  'GET /metrics',
  'POST /api/login',
  'POST /api/logout',
  'GET /api/config',
  'GET /api/openapi.json',
  'GET /api/planner/openapi.json',
];

/** A concrete path for a route pattern (parameters and wildcards filled in). */
function pathOf(r: RouteEntry): string {
  return r.url
    .replace(/:kind/g, 'programmes')
    .replace(/:[A-Za-z]+/g, 'x')
    .replace(/\*/g, 'x');
}

interface Answer {
  status: number;
  body: string;
  /** The server closed the connection without an HTTP answer. */
  closed?: boolean;
}

function call(
  port: number,
  tls: { ca: string } | undefined,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const body = method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? undefined : '{}';
  const h = { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) };
  if (!tls) {
    return fetch(`http://127.0.0.1:${port}${path}`, { method, headers: h, ...(body ? { body } : {}) }).then(
      async (r) => ({ status: r.status, body: await r.text() }),
    );
  }
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        servername: 'localhost',
        ca: tls.ca,
        headers: h,
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', () => resolve({ status: 0, body: '', closed: true }));
    req.end(body);
  });
}

describe('every API on every listener requires a session', { timeout: 120_000 }, () => {
  let app: TestApp;
  let ca: string;

  beforeAll(async () => {
    app = await startHostileApp(ENROLLMENT);
    ca = readFileSync(join(app.dir, 'pki', 'ca.pem'), 'utf8');
    await addUser(app, 'mara', 'LTU', 'SECRET', 'mara-pass-1');
  });
  afterAll(async () => app?.stop());

  const portOf = (r: RouteEntry) =>
    r.listener === 'http'
      ? app.ports.http!
      : r.listener === 'enrollment'
        ? app.ports.enrollment!
        : app.ports.api!;

  it('lists the routes of all four listeners, the planner API among them', () => {
    const listeners = new Set(app.routes.map((r) => r.listener));
    expect([...listeners].sort()).toEqual(['enrollment', 'http', 'https', 'marti']);
    for (const l of ['http', 'https'])
      expect(app.routes.some((r) => r.listener === l && r.url.startsWith('/api/planner/'))).toBe(true);
    expect(app.routes.filter((r) => r.access === 'session').length).toBeGreaterThan(40);
  });

  it('answers 401 on every guarded route of the HTTP and HTTPS listeners, and nothing else answers without a session', async () => {
    const answers: string[] = [];
    for (const r of app.routes) {
      if (r.listener !== 'http' && r.listener !== 'https') continue;
      if (r.access === 'page' || r.method === 'OPTIONS') continue;
      const a = await call(portOf(r), r.listener === 'https' ? { ca } : undefined, r.method, pathOf(r));
      const want = r.access === 'public' ? 'answered' : 401;
      const got =
        r.access === 'public' ? (a.status > 0 && a.status !== 401 ? 'answered' : a.status) : a.status;
      answers.push(
        `${r.listener} ${r.method} ${r.url} -> ${got === want ? 'ok' : `${a.status} ${a.body.slice(0, 80)}`}`,
      );
    }
    expect(answers.filter((a) => !a.endsWith('-> ok'))).toEqual([]);
    // The only APIs that answer without a session are the documented ones.
    const open = app.routes
      .filter((r) => r.access === 'public')
      .map((r) => `${r.method === 'HEAD' ? 'GET' : r.method} ${r.url}`);
    expect(new Set(open)).toEqual(new Set(PUBLIC_APIS.filter((p) => open.includes(p))));
  });

  it('closes a Marti request without a client certificate on every Marti route', async () => {
    for (const r of app.routes.filter((x) => x.listener === 'marti' && x.method !== 'OPTIONS')) {
      const a = await call(portOf(r), { ca }, r.method, pathOf(r));
      expect([r.url, a.closed === true || a.status === 401]).toEqual([r.url, true]);
    }
  });

  it('enrollment answers certificate requests only with credentials; its other routes describe the server only', async () => {
    // What an enrolling client reads before it has credentials checked: nothing of the picture or of any user.
    const describesServer = [
      '/Marti/api/tls/config',
      '/Marti/api/tls/profile/enrollment',
      '/Marti/api/version',
      '/Marti/api/version/config',
    ];
    const routes = app.routes.filter((r) => r.listener === 'enrollment' && r.method !== 'OPTIONS');
    expect(routes.some((r) => r.url.includes('signClient'))).toBe(true);
    const open: string[] = [];
    for (const r of routes) {
      const a = await call(portOf(r), { ca }, r.method, pathOf(r));
      if (a.status !== 401) open.push(r.url);
    }
    expect(open.filter((u) => !describesServer.includes(u))).toEqual([]);
  });

  it('the planner REST API answers a signed-in user, and nobody else, on both listeners', async () => {
    const path = '/api/planner/registry/programmes';
    expect((await call(app.ports.http!, undefined, 'GET', path)).status).toBe(401);
    expect((await call(app.ports.api!, { ca }, 'GET', path)).status).toBe(401);
    const login = await fetch(`http://127.0.0.1:${app.ports.http}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'mara', password: 'mara-pass-1' }),
    });
    expect(login.status).toBe(200);
    const cookie = String(login.headers.get('set-cookie')).split(';')[0]!;
    const r = await call(app.ports.http!, undefined, 'GET', path, { cookie });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toHaveProperty('items');
  });
});
