/**
 * The composition root: wires model, codecs, hub, transports, store and ops from one validated Config.
 * Shutdown order: stop accepting -> flush queues -> close sessions -> persist state -> close the store.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createLogger } from './logger.js';
import { VERSION } from '../version.js';
import { Hub } from '../hub/hub.js';
import { localOperator, type Identity } from '../model/identity.js';
import { createMetrics, type Metrics } from '../ops/metrics.js';
import { createHttp } from '../ops/http.js';
import { RouteTable, type RouteEntry } from '../ops/routes.js';
import { webError } from '../transports/web/errors.js';
import { openStore, type Store } from '../store/db.js';
import { attachLatestStore } from '../store/latest.js';
import { encodeCotStream } from '../codecs/cot/index.js';
import { buildPong, buildRefusal } from '../codecs/cot/negotiation.js';
import { encodeTakStream } from '../codecs/takproto/index.js';
import { startTcp, startTls, type Listener } from '../transports/listeners.js';
import { Admission } from '../ops/admission.js';
import { startTrust, type Trust } from '../trust/index.js';
import { registerHttpEdges, startEdges, type RunningEdges } from './edges.js';
import { registerVideoMarti, type VideoService } from '../video/index.js';
import { startUdp } from '../transports/udp.js';
import { DecodeThreads } from '../transports/decode/threads.js';
import type { ClusterNode } from '../cluster/index.js';
import { startFederation, type Federation } from '../federation/index.js';

export interface App {
  config: Config;
  log: Logger;
  metrics: Metrics;
  hub: Hub;
  store: Store;
  http: FastifyInstance;
  /** With `cluster.nats.servers`: this process on the cluster bus. */
  cluster?: ClusterNode;
  /** With the demo: the web sign-in made for this run. */
  demoLogin?: { user: string; password: string };
  /** Full-motion video, when `video.enabled`. */
  video?: VideoService;
  /** Every HTTP route of every listener and who may call it (ops/routes.ts). */
  routes: readonly RouteEntry[];
  /** Bound ports (useful when the config asked for port 0). */
  ports: {
    tcp?: number;
    udp?: number;
    tls?: number;
    http?: number;
    enrollment?: number;
    api?: number;
    mavlink?: number;
    federation?: number;
  };
  /** Federation links (when `federation.enabled`). */
  federation?: Federation;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
}

export async function startApp(config: Config, opts: StartOptions = {}): Promise<App> {
  const log = opts.log ?? createLogger(config.log);
  const metrics = createMetrics();
  const storeLog = log.child({ component: 'store' });
  // WAL checkpoints (with their fsync) run on a worker thread, not in the hub's commits (store/checkpointer.ts).
  const store = openStore(config.dataDir, {
    checkpointMs: 1000,
    onCheckpoint: (r) => {
      if ('error' in r) storeLog.warn({ err: r.error }, 'store: background checkpoint failed');
    },
  });
  const started = Date.now();
  let stopping = false;
  const hub = new Hub({
    hubId: config.hubId,
    log: log.child({ component: 'hub' }),
    metrics,
    encoders: { 'cot-xml': encodeCotStream, 'tak-stream': encodeTakStream },
    queueLimit: config.limits.queueLimit,
    sessionsPerIdentity: config.limits.sessionsPerIdentity,
    maxEntities: config.limits.maxEntities,
    maxEntitiesPerIdentity: config.limits.maxEntitiesPerIdentity,
    teamScoped: config.routing.teamScoped,
    pong: buildPong,
    refusal: buildRefusal,
  });
  const latest = attachLatestStore(store, hub, storeLog, config.store.flushMs, metrics.registry);
  const restored = latest.restore();
  if (restored) log.info({ entities: restored }, 'restored the latest picture from the store');
  // Clustering (docs/cluster.md): joins the bus in the background; the node serves locally meanwhile. Loaded only
  // when configured: one process without NATS does not load the NATS client.
  const cluster =
    config.cluster.nats.servers.length > 0
      ? new (await import('../cluster/index.js')).ClusterNode({
          cfg: config.cluster,
          hub,
          log: log.child({ component: 'cluster' }),
          metrics,
          registry: metrics.registry,
          maxEventBytes: config.limits.maxEventBytes,
        })
      : undefined;
  void cluster?.start();
  const expiry = setInterval(() => hub.expire(), 1000);
  expiry.unref();

  // One identity object for every plain-TCP/UDP connection: the hub's route caches the gate's answer per identity
  // object within an event, so 1,000 local clients cost one gate decision per event, not 1,000. Frozen: shared.
  const local = localOperator(config.local.groups);
  local.clearance = config.local.clearance;
  if (config.local.nation) local.nation = config.local.nation;
  Object.freeze(local.groups);
  Object.freeze(local.categories);
  Object.freeze(local);
  const localIdentity = (): Identity => local;
  const decoders =
    config.decode.threads > 0
      ? new DecodeThreads({
          threads: config.decode.threads,
          maxEventBytes: config.limits.maxEventBytes,
          inFlightBytes: config.decode.inFlightBytes,
          log: log.child({ component: 'decode' }),
          registry: metrics.registry,
        })
      : undefined;
  const deps = {
    hub,
    log: log.child({ component: 'transport' }),
    metrics,
    limits: config.limits,
    decoders,
    decodeFromBytesPerSecond: config.decode.fromBytesPerSecond,
  };
  const listeners: Listener[] = [];
  const ports: App['ports'] = {};
  const admission = new Admission({
    handshakeTimeoutMs: config.limits.handshakeTimeoutMs,
    acceptPerSecond: config.limits.acceptPerSecond,
    acceptPerSecondPerAddress: config.limits.acceptPerSecondPerAddress,
    maxPending: config.limits.maxPendingConnections,
    maxPendingPerAddress: config.limits.maxPendingPerAddress,
    registry: metrics.registry,
    log: log.child({ component: 'admission' }),
  });
  const accept = { maxConnections: config.limits.maxConnections, admission };
  warnIfExposed(log, 'tcp', config.tcp);
  warnIfExposed(log, 'udp', config.udp);
  warnIfExposed(log, 'http', config.http);

  // Every API route on every listener answers only a caller with a session (ops/routes.ts). The HTTP listener's
  // sign-in is made with the web edges below: until then, and without the web API, nobody is signed in.
  const routes = new RouteTable();
  let httpAuth: { identityOf(req: FastifyRequest): unknown } | undefined;
  const http = createHttp(
    log,
    metrics,
    () => {
      const c = cluster?.status();
      return {
        status: stopping ? 'stopping' : c?.state === 'degraded' ? 'degraded' : 'ok',
        uptimeS: Math.round((Date.now() - started) / 1000),
        clients: hub.sessions.clients(),
        entities: hub.state.size,
        version: VERSION,
        ...(c ? { cluster: c } : {}),
      };
    },
    (app) =>
      routes.guard(app, {
        listener: 'http',
        signedIn: (req) => (httpAuth?.identityOf(req) ?? null) !== null,
        refuse: (_req, reply) => reply.code(401).send(webError('BW_WEB_AUTH_REQUIRED')),
      }),
  );

  let trust: Trust | undefined;
  let edges: RunningEdges | undefined;
  let demoLogin: App['demoLogin'];
  let video: VideoService | undefined;
  let federation: Federation | undefined;
  try {
    trust = await startTrust({
      dataDir: config.dataDir,
      cfg: config.trust,
      store,
      log,
      hub,
      registry: metrics.registry,
      admission,
      handshakeTimeoutMs: config.limits.handshakeTimeoutMs,
      martiRoutes: (app) => registerVideoMarti(app, () => video),
      routes,
    });
    if (config.tls.enabled) {
      const t = trust;
      const l = await startTls(deps, {
        ...accept,
        host: config.tls.host,
        port: config.tls.port,
        secure: t.tlsOptions(),
        handshakeTimeoutMs: config.limits.handshakeTimeoutMs,
        identityOf: (socket) => t.identityOf(socket),
      });
      t.guardStream(l.server);
      listeners.push(l);
      ports.tls = l.port;
    }
    if (trust.servers.ports.enrollment) ports.enrollment = trust.servers.ports.enrollment;
    if (trust.servers.ports.api) ports.api = trust.servers.ports.api;
    if (config.tcp.enabled) {
      const l = await startTcp(
        deps,
        { ...accept, host: config.tcp.host, port: config.tcp.port },
        localIdentity,
      );
      listeners.push(l);
      ports.tcp = l.port;
    }
    if (config.udp.enabled) {
      const l = await startUdp(deps, { host: config.udp.host, port: config.udp.port }, localIdentity());
      listeners.push(l);
      ports.udp = l.port;
    }
    // The web routes go on the HTTP server and (web.https) on the trust module's HTTPS API listener.
    const web = await registerHttpEdges(http, {
      config,
      hub,
      store,
      log,
      metrics,
      trust,
      // With a cluster, a page's change is acknowledged once it is in the local store and in JetStream.
      persist: cluster
        ? async (uid) => (await Promise.all([latest.persist(uid), cluster.settled(uid)])).every(Boolean)
        : (uid) => latest.persist(uid),
      routes,
      federationLinks: () => federation?.links(),
    });
    httpAuth = web.auth;
    if (web.demoLogin) demoLogin = web.demoLogin;
    video = web.video;
    if (config.http.enabled) {
      await http.listen({ host: config.http.host, port: config.http.port });
      const addr = http.server.address();
      if (addr && typeof addr === 'object') ports.http = addr.port;
    }
    edges = await startEdges({
      config,
      hub,
      log,
      metrics,
      tcpPort: ports.tcp,
      ...(web.video ? { video: web.video } : {}),
      ...(ports.http !== undefined ? { httpPort: ports.http } : {}),
    });
    if (config.federation.enabled) {
      federation = await startFederation({
        cfg: config.federation,
        hub,
        hubId: config.hubId,
        dataDir: config.dataDir,
        log: log.child({ component: 'federation' }),
        registry: metrics.registry,
        audit: trust.audit,
        pki: trust.pki,
        maxEventBytes: config.limits.maxEventBytes,
      });
      if (federation.port !== undefined) ports.federation = federation.port;
    }
    if (edges.ports.mavlink !== undefined) ports.mavlink = edges.ports.mavlink;
  } catch (err) {
    await edges?.close();
    await federation?.close();
    await Promise.all(listeners.map((l) => l.close()));
    await trust?.close();
    await http.close();
    await cluster?.close(0);
    await latest.close();
    store.close();
    metrics.stop();
    admission.close();
    await decoders?.close();
    throw err;
  }
  log.info({ ports, hubId: config.hubId, version: VERSION }, 'Baltic Wall hub started');

  return {
    config,
    log,
    metrics,
    hub,
    store,
    http,
    ports,
    ...(cluster ? { cluster } : {}),
    routes: routes.entries,
    ...(demoLogin ? { demoLogin } : {}),
    ...(video ? { video } : {}),
    ...(federation ? { federation } : {}),
    async close() {
      if (stopping) return;
      stopping = true;
      clearInterval(expiry);
      await edges?.close();
      // What was read and is still being decoded reaches the hub before the last flush.
      await decoders?.drain(2000);
      hub.flushNow();
      // Clients and listeners first, federation last: what a client gets accepted until its session closes is
      // still routed to the federation links, whose close writes it to their durable queues.
      for (const s of [...hub.sessions.all()]) if (s.info.protocol !== 'fig') hub.close(s, 'shutdown');
      await Promise.all(listeners.map((l) => l.close()));
      hub.flushNow();
      await federation?.close();
      for (const s of [...hub.sessions.all()]) hub.close(s, 'shutdown');
      // Nothing is accepted any more: what this node accepted reaches JetStream (up to 2 s) before it leaves the bus.
      await cluster?.close();
      await trust?.close();
      await http.close();
      await latest.close();
      store.close();
      metrics.stop();
      admission.close();
      await decoders?.close();
      log.info('Baltic Wall hub stopped');
    },
  };
}

function warnIfExposed(log: Logger, name: string, l: { enabled: boolean; host: string }): void {
  if (l.enabled && l.host !== '127.0.0.1' && l.host !== '::1' && l.host !== 'localhost') {
    log.warn({ listener: name, host: l.host }, 'plain (unauthenticated) listener exposed beyond loopback');
  }
}

export { loadConfig, validateConfig, type Config } from './config.js';
