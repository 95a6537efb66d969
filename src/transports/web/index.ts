/**
 * The web transport: static COP assets, the live WebSocket, the REST picture, sign-in and the OpenAPI document,
 * registered on the hub's HTTP server. Call {@link registerWebApi} before the server listens.
 *
 *   GET  /                  the COP (dist/web), /planner/ the planner pages
 *   GET  /api/config        page configuration (dev mode, basemaps, overlays)
 *   GET  /tiles/…           local maps for signed-in pages (map-sources.ts)
 *   POST /api/login         sign in -> bw_session cookie (__Host-bw_session over HTTPS);  POST /api/logout;  GET /api/session
 *   GET  /api/picture       GeoJSON picture (bbox, type, nation), gated for the caller
 *   GET  /api/live          WebSocket: hello, picture, deltas; accepts markers, chat, receipts, presence, deletes
 *   GET  /api/openapi.json  OpenAPI 3.1 for the REST part
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Hub } from '../../hub/hub.js';
import type { Identity } from '../../model/identity.js';
import type { Metrics } from '../../ops/metrics.js';
import type { AuditSink } from '../../trust/audit-types.js';
import { FailureWindow } from '../../trust/enroll/failures.js';
import { VERSION } from '../../version.js';
import { SignInLocked, type WebAuth } from './auth.js';
import { webConfig, type WebConfig } from './config.js';
import { encodeJson } from './encode.js';
import { webError } from './errors.js';
import { handleLive, liveFrameLimit, liveSocketError } from './live.js';
import { openApiDocument } from './openapi.js';
import { parsePictureQuery, pictureGeoJson, type PictureQuery } from './picture.js';
import { PMTILES_PATH, checkPmtiles, servePmtiles } from './pmtiles.js';
import { registerMapSources } from './map-sources.js';

export {
  CertificateAuth,
  DevAuth,
  DirectoryAuth,
  NoAuth,
  SECURE_SESSION_COOKIE,
  SESSION_COOKIE,
  type UserDirectory,
  type WebAuth,
} from './auth.js';
export { webConfig, type WebConfig } from './config.js';
export { encodeJson, toServerMessage, toWebEntity } from './encode.js';
export type * from './protocol.js';

export interface WebDeps {
  hub: Hub;
  log: Logger;
  /** The built web app (vite output, dist/web). */
  staticDir: string;
  auth: WebAuth;
  /** The `web` config section; defaults when omitted. */
  config?: Partial<WebConfig>;
  hubId?: string;
  metrics?: Metrics;
  /** The trust audit trail: sign-ins, refused sign-ins and sign-outs are recorded (never passwords). */
  audit?: AuditSink;
  /** The latest-state store's write of one entity, resolved once written (acknowledged markers and deletes). */
  persist?: (uid: string) => Promise<boolean>;
  /**
   * Failed sign-ins per address, shared by every listener the API is registered on (HTTP and HTTPS), so the
   * limit is one per address, not one per listener. Made from `web.signInFailuresPerMinute` when omitted.
   */
  signInFailures?: FailureWindow;
}

/** Create the auth a config asks for: development mode, a user directory, or none (every sign-in refused). */
export { createWebAuth } from './create-auth.js';
export { userStoreDirectory } from './users.js';

/**
 * Register the web API on the hub's HTTP server and the 'json' wire format on the hub. Awaits the plugins, so
 * call it before `listen`.
 */
export async function registerWebApi(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const cfg = webConfig.parse(deps.config ?? {});
  const { hub, auth } = deps;
  const log = deps.log.child({ component: 'web' });
  const hubId = deps.hubId ?? 'balticwall';
  hub.registerFormat('json', encodeJson);
  if (auth.devMode) log.warn('web development sign-in is ON: anyone can claim any identity (web.devMode)');

  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, {
    options: { maxPayload: liveFrameLimit(cfg.maxMessageBytes) },
    errorHandler: liveSocketError(log, deps.metrics),
  });

  const secure = (req: FastifyRequest) => req.protocol === 'https';
  const signedIn = (req: FastifyRequest) => auth.identityOf(req);
  const unauthorised = webError('BW_WEB_AUTH_REQUIRED');
  const pmtiles = cfg.pmtiles ? checkPmtiles(resolve(cfg.pmtiles)) : undefined;
  if (pmtiles) {
    servePmtiles(app, pmtiles, (req) => signedIn(req) !== null, unauthorised);
    log.info(
      { file: pmtiles.path, tiles: pmtiles.tileType, zoom: [pmtiles.minZoom, pmtiles.maxZoom] },
      'detail map',
    );
  }

  const isSignedIn = (req: FastifyRequest) => signedIn(req) !== null;
  const basemaps = registerMapSources(app, cfg.basemaps, 'basemaps', isSignedIn, unauthorised);
  const overlays = registerMapSources(app, cfg.overlays, 'overlays', isSignedIn, unauthorised);
  if (basemaps.length + overlays.length)
    log.info({ basemaps: basemaps.map((b) => b.name), overlays: overlays.map((o) => o.name) }, 'maps');

  app.get('/api/config', async () => ({
    hubId,
    devMode: auth.devMode,
    ...(cfg.tiles ? { tiles: cfg.tiles } : {}),
    ...(pmtiles ? { pmtiles: PMTILES_PATH } : {}),
    basemaps,
    overlays,
  }));

  app.get('/api/session', async (req, reply) => {
    const who = signedIn(req);
    if (!who) return reply.code(401).send(unauthorised);
    return {
      id: who.id,
      nation: who.nation,
      clearance: who.clearance,
      groups: who.groups,
      devMode: auth.devMode,
    };
  });

  // Failed sign-ins per address: guessing across user names (each user also locks after repeated failures) and
  // flooding the audit trail both stop at the limit.
  const failures = deps.signInFailures ?? new FailureWindow(cfg.signInFailuresPerMinute);
  app.post('/api/login', async (req, reply) => {
    if (failures.blocked(req.ip)) {
      deps.metrics?.rejected.inc({ code: 'BW_WEB_SIGNIN_LIMITED' });
      return reply.code(429).header('retry-after', '60').send(webError('BW_WEB_SIGNIN_LIMITED'));
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    if (!str('user') || str('user').length > 200 || str('password').length > 1000) {
      return reply.code(400).send(webError('BW_WEB_BAD_MESSAGE', 'user (and password) are required'));
    }
    const path = secure(req) ? 'web-https' : 'web-http';
    let who: Identity | null;
    try {
      who = await auth.login(
        str('user'),
        str('password'),
        { nation: str('nation'), clearance: str('clearance') },
        req.ip,
      );
    } catch (e) {
      if (!(e instanceof SignInLocked)) throw e;
      if (e.started) failures.fail(req.ip);
      deps.metrics?.rejected.inc({ code: 'BW_WEB_SIGNIN_LOCKED' });
      log.info({ user: str('user').slice(0, 64), remote: req.ip }, 'web sign-in locked out');
      deps.audit?.record('login-locked', {
        actor: str('user').slice(0, 64),
        rule: 'BW_WEB_SIGNIN_LOCKED',
        remote: req.ip,
        path,
        detail: { lockedForMs: e.retryAfterMs, started: e.started },
      });
      const retry = String(Math.max(1, Math.ceil(e.retryAfterMs / 1000)));
      return reply.code(423).header('retry-after', retry).send(webError('BW_WEB_SIGNIN_LOCKED'));
    }
    if (!who) {
      failures.fail(req.ip);
      deps.metrics?.rejected.inc({ code: 'BW_WEB_AUTH_FAILED' });
      log.info({ user: str('user').slice(0, 64), remote: req.ip }, 'web sign-in refused');
      deps.audit?.record('web-login-refused', {
        actor: str('user').slice(0, 64),
        rule: 'BW_WEB_AUTH_FAILED',
        remote: req.ip,
        path,
      });
      return reply.code(401).send(webError('BW_WEB_AUTH_FAILED'));
    }
    auth.startSession(reply, who, secure(req));
    log.info({ user: who.id, nation: who.nation, clearance: who.clearance, remote: req.ip }, 'web sign-in');
    deps.audit?.record('web-login', {
      actor: who.id,
      ...(who.nation ? { nation: who.nation } : {}),
      remote: req.ip,
      path,
      detail: { clearance: who.clearance, devMode: auth.devMode },
    });
    return {
      id: who.id,
      nation: who.nation,
      clearance: who.clearance,
      groups: who.groups,
      devMode: auth.devMode,
    };
  });

  app.post('/api/logout', async (req, reply) => {
    const who = signedIn(req);
    if (who)
      deps.audit?.record('web-logout', {
        actor: who.id,
        ...(who.nation ? { nation: who.nation } : {}),
        remote: req.ip,
        path: secure(req) ? 'web-https' : 'web-http',
      });
    auth.endSession(req, reply);
    return reply.code(204).send();
  });

  app.get('/api/picture', async (req, reply) => {
    const who = signedIn(req);
    if (!who) return reply.code(401).send(unauthorised);
    const q = parsePictureQuery(req.query as PictureQuery);
    if (!q.ok) {
      deps.metrics?.rejected.inc({ code: q.code });
      return reply.code(400).send({ code: q.code, message: q.message });
    }
    reply.header('content-type', 'application/geo+json');
    return pictureGeoJson(hub, who, q.filter, q.detail, q.limit);
  });

  const doc = openApiDocument(VERSION);
  app.get('/api/openapi.json', async () => doc);

  app.get('/api/live', { websocket: true }, (socket, req) =>
    handleLive(socket, req, {
      hub,
      log,
      auth,
      hubId,
      limits: cfg,
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
      ...(deps.persist ? { persist: deps.persist } : {}),
    }),
  );

  const root = resolve(deps.staticDir);
  if (existsSync(resolve(root, 'index.html'))) {
    await app.register(fastifyStatic, { root, prefix: '/', index: ['index.html'], maxAge: 0 });
  } else {
    log.warn({ staticDir: root }, 'web app not built: run `npm run build` (serving a placeholder at /)');
    app.get('/', async (_req, reply) =>
      reply
        .type('text/plain')
        .send('Baltic Wall: the web app is not built. Run `npm run build`, then restart.'),
    );
  }
}
