/**
 * The trust module's own HTTPS listeners:
 * - enrollment (default 8446): server-authenticated TLS, no client certificate; tls/config, signClient(/v2),
 *   version(/config);
 * - API (default 8443): mutual TLS, the client certificate is the identity; version(/config), tls/config,
 *   clientEndPoints. Other modules' Marti routes can be added to `api` by the composition root.
 */
import type { TLSSocket, Server as TlsServer } from 'node:tls';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Identity } from '../model/identity.js';
import type { Store } from '../store/db.js';
import { NO_AUDIT, type AuditSink } from './audit-types.js';
import type { TrustConfig } from './config.js';
import { clientEndPoints, registerMartiInfo, type ClientInfo } from './enroll/marti.js';
import { enrollCounter, registerSignClient } from './enroll/sign.js';
import { publicHostOf, type Pki } from './pki/store.js';
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
  /** Host name reported by version/config; defaults to the PKI's public host or this machine's name. */
  hostname?: string;
}

export interface TrustServers {
  enrollment?: FastifyInstance;
  api?: FastifyInstance;
  /** Bound ports (useful with port 0 in tests). */
  ports: { enrollment?: number; api?: number };
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The mTLS identity (API listener only). */
    identity?: Identity;
  }
}

function common(app: FastifyInstance, log: Logger): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      enrollCounter.inc({ result: 'BW_BODY_TOO_LARGE' });
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

/** Start the enrollment and API listeners that the configuration enables. */
export async function startTrustServers(deps: TrustServerDeps): Promise<TrustServers> {
  const { cfg, store, pki, log } = deps;
  const audit = deps.audit ?? NO_AUDIT;
  const host = deps.hostname ?? publicHostOf(cfg);
  const users = createUserStore(store, cfg.enrollment);
  const out: TrustServers = { ports: {}, close: async () => {} };
  const closers: (() => Promise<void> | void)[] = [];

  try {
    if (cfg.enrollment.enabled) {
      const app = Fastify({
        https: enrollmentTlsOptions(pki),
        bodyLimit: cfg.enrollment.bodyLimit,
        logger: false,
      });
      common(app, log);
      registerMartiInfo(app, cfg, host);
      registerSignClient(app, {
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
      const app = Fastify({
        https: tlsServerOptions(pki),
        bodyLimit: cfg.enrollment.bodyLimit,
        logger: false,
      });
      common(app, log);
      const unguard = guardTlsServer(app.server as unknown as TlsServer, pki, log, audit, 'api');
      app.addHook('onRequest', async (req, reply) => {
        const r = checkPeer(req.raw.socket as TLSSocket, pki);
        if (!r.ok) return reply.code(401).send({ code: 'BW_CERT_REFUSED', message: r.reason });
        req.identity = r.identity;
      });
      registerMartiInfo(app, cfg, host);
      app.get('/Marti/api/clientEndPoints', async (req) =>
        clientEndPoints(req.identity!, deps.listClients?.() ?? []),
      );
      out.ports.api = await listen(app, cfg.api.host, cfg.api.port);
      out.api = app;
      closers.push(unguard, () => app.close());
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
