/**
 * The trust module's own HTTPS listeners:
 * - enrollment (default 8446): server-authenticated TLS, no client certificate; tls/config, signClient(/v2),
 *   version(/config);
 * - API (default 8443): mutual TLS for the Marti routes (/Marti/…), the client certificate is the identity;
 *   version(/config), tls/config, clientEndPoints. The same listener serves a second app (the browser COP) for
 *   every other path once the composition root mounts it ({@link TrustServers.mountWeb}): browsers have no client
 *   certificate, so the listener asks for one but lets a peer without any through; a Marti request from such a
 *   peer is refused (connection closed, logged, counted and audited as `NO_CLIENT_CERT`, as before), and a
 *   certificate that is sent and fails is refused at the handshake whatever the path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Admission } from '../ops/admission.js';
import type { TLSSocket, Server as TlsServer } from 'node:tls';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Identity } from '../model/identity.js';
import type { RouteTable } from '../ops/routes.js';
import type { Gate } from '../hub/gate.js';
import type { ErrorCode } from '../errors.js';
import type { Store } from '../store/db.js';
import { NO_AUDIT, type AuditSink } from './audit-types.js';
import type { TrustConfig } from './config.js';
import { clientEndPoints, registerMartiInfo, type ClientInfo } from './enroll/marti.js';
import { registerSignClient } from './enroll/sign.js';
import { publicHostOf, type Pki } from './pki/store.js';
import { createTrustMetrics, type TrustMetrics } from './metrics.js';
import { checkPeer, enrollmentTlsOptions, guardTlsServer, tlsServerOptions } from './tls.js';
import { createUserStore } from './users.js';

export interface TrustServerDeps {
  cfg: TrustConfig;
  store: Store;
  pki: Pki;
  log: Logger;
  audit?: AuditSink;
  /** Connected clients for /Marti/api/clientEndPoints (the hub's sessions). */
  listClients?: () => ClientInfo[];
  /** The hub's egress gate, which decides what clientEndPoints lists. */
  gate?: Gate;
  /** The app's trust counters (a start without an app gets its own, registered nowhere). */
  metrics?: TrustMetrics;
  /** More Marti routes for the API listener (e.g. the video list), registered before it listens. */
  martiRoutes?: (app: FastifyInstance) => void;
  /** The route guard (ops/routes.ts): Marti routes need the client certificate; enrollment routes are tracked. */
  routes?: RouteTable;
  /** Host name reported by version/config; defaults to the PKI's public host or this machine's name. */
  hostname?: string;
  /** The process's connection admission (handshake deadline, accept budgets, descriptor reserve). */
  admission?: Admission;
  /** A TLS handshake must finish within this time (default 10 s). */
  handshakeTimeoutMs?: number;
}

export interface TrustServers {
  enrollment?: FastifyInstance;
  api?: FastifyInstance;
  /** Bound ports (useful with port 0 in tests). */
  ports: { enrollment?: number; api?: number };
  /**
   * With the API listener: serve another app on it for every path outside /Marti/ (the browser COP over HTTPS).
   * `register` adds its routes to a fresh fastify instance that shares the listener; call at most once.
   */
  mountWeb?(register: (app: FastifyInstance) => Promise<void>): Promise<FastifyInstance>;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The mTLS identity (API listener only). */
    identity?: Identity;
  }
}

function common(app: FastifyInstance, log: Logger, m: TrustMetrics): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      m.enrollResults.inc({ result: 'BW_BODY_TOO_LARGE' });
      log.warn({ remote: req.ip, url: req.url }, 'request body too large');
      return reply.code(413).send({ code: 'BW_BODY_TOO_LARGE', message: 'request body too large' });
    }
    if (err.statusCode && err.statusCode < 500)
      return reply.code(err.statusCode).send({ message: err.message });
    log.error({ err, url: req.url }, 'trust endpoint failed');
    return reply.code(500).send({ message: 'internal error' });
  });
}

async function listen(app: FastifyInstance, host: string, port: number): Promise<number> {
  await app.listen({ host, port });
  const addr = app.server.address();
  return typeof addr === 'object' && addr ? addr.port : port;
}

/** TAK clients' paths on the API listener: only these need (and get) the client certificate's identity. */
function isMartiPath(url: string | undefined): boolean {
  return !!url && (url === '/Marti' || url.startsWith('/Marti/') || url.startsWith('/Marti?'));
}

/** Start the enrollment and API listeners that the configuration enables. */
export async function startTrustServers(deps: TrustServerDeps): Promise<TrustServers> {
  const { cfg, store, pki, log } = deps;
  const audit = deps.audit ?? NO_AUDIT;
  const metrics = deps.metrics ?? createTrustMetrics();
  const host = deps.hostname ?? publicHostOf(cfg);
  const users = createUserStore(store, cfg.enrollment);
  const out: TrustServers = { ports: {}, close: async () => {} };
  const closers: (() => Promise<void> | void)[] = [];
  const handshakeTimeout = deps.handshakeTimeoutMs ?? 10_000;
  /** Node keeps a socket whose handshake timed out or failed open (it only emits tlsClientError): close it. */
  const guardHandshakes = (server: TlsServer, name: string) => {
    if (deps.admission) deps.admission.guard(server, name, true);
    else server.on('tlsClientError', (_err, socket) => socket.destroy());
  };

  try {
    if (cfg.enrollment.enabled) {
      const server = createHttpsServer({ ...enrollmentTlsOptions(pki), handshakeTimeout });
      guardHandshakes(server as TlsServer, 'enrollment');
      const app = Fastify({
        serverFactory: (handler) => server.on('request', handler),
        bodyLimit: cfg.enrollment.bodyLimit,
        logger: false,
      });
      common(app, log, metrics);
      // Enrollment is how a client gets a certificate: signClient checks its own credentials (Basic, 401).
      deps.routes?.guard(app, {
        listener: 'enrollment',
        trackOnly: true,
        signedIn: () => false,
        refuse: (_req, reply) => reply.code(401).send({ code: 'BW_AUTH_REQUIRED' }),
      });
      registerMartiInfo(app, cfg, host);
      registerSignClient(app, {
        enrollResults: metrics.enrollResults,
        pki,
        users,
        log,
        audit,
        failuresPerAddress: cfg.enrollment.failuresPerAddressPerMinute,
      });
      out.ports.enrollment = await listen(app, cfg.enrollment.host, cfg.enrollment.port);
      out.enrollment = app;
      closers.push(() => app.close());
      log.info({ port: out.ports.enrollment }, 'enrollment listening (HTTPS, no client certificate)');
    }
    if (cfg.api.enabled) {
      type Handler = (req: IncomingMessage, res: ServerResponse) => void;
      let marti: Handler | undefined;
      let web: Handler | undefined;
      const server = createHttpsServer({ ...tlsServerOptions(pki), handshakeTimeout }, (req, res) =>
        (web && !isMartiPath(req.url) ? web : marti!)(req, res),
      );
      guardHandshakes(server as TlsServer, 'api');
      const unguard = guardTlsServer(server as TlsServer, pki, log, audit, 'api', {
        certificateOptional: true,
        metrics,
      });
      const app = Fastify({
        serverFactory: (handler) => {
          marti = handler;
          return server;
        },
        bodyLimit: cfg.enrollment.bodyLimit,
        logger: false,
      }) as unknown as FastifyInstance;
      common(app, log, metrics);
      // The hook below closes a peer without a certificate; the guard answers 401 should any other get through.
      deps.routes?.guard(app, {
        listener: 'marti',
        signedIn: (req) => req.identity !== undefined,
        refuse: (_req, reply) =>
          reply
            .code(401)
            .send({ code: 'BW_CERT_REFUSED' satisfies ErrorCode, message: 'client certificate required' }),
      });
      app.addHook('onRequest', async (req, reply) => {
        const socket = req.raw.socket as TLSSocket;
        const r = checkPeer(socket, pki);
        if (r.ok) {
          req.identity = r.identity;
          return;
        }
        // Only a peer without any certificate gets here (the guard destroyed the others): refuse it as the
        // handshake did before browsers shared this listener.
        metrics.tlsRefused.inc({ reason: r.reason });
        log.warn(
          { remote: socket.remoteAddress, reason: r.reason, listener: 'api', url: req.url },
          'TLS peer refused',
        );
        audit.record('tls-refused', { rule: r.reason, remote: socket.remoteAddress, path: 'api' });
        reply.hijack();
        socket.destroy();
      });
      registerMartiInfo(app, cfg, host);
      app.get('/Marti/api/clientEndPoints', async (req) =>
        clientEndPoints(req.identity!, deps.listClients?.() ?? [], deps.gate),
      );
      deps.martiRoutes?.(app);
      out.ports.api = await listen(app, cfg.api.host, cfg.api.port);
      out.api = app;
      closers.push(unguard, () => app.close());
      out.mountWeb = async (register) => {
        if (web) throw new Error('a web app is already mounted on the API listener');
        let handler: Handler | undefined;
        const webApp = Fastify({
          serverFactory: (h) => {
            handler = h;
            return server;
          },
          logger: false,
        }) as unknown as FastifyInstance;
        closers.push(() => webApp.close());
        await register(webApp);
        await webApp.ready();
        web = handler; // only now: until the app is ready every path stays with the Marti routes
        return webApp;
      };
      log.info({ port: out.ports.api }, 'Marti API listening (mutual TLS)');
    }
  } catch (e) {
    for (const c of closers.reverse()) await c();
    throw e;
  }
  out.close = async () => {
    for (const c of closers.reverse()) await c();
  };
  return out;
}
