/**
 * The edges the composition root adds to a running hub: the web COP and its APIs, the planner API, the MAVLink
 * gateway and the demo scenario. Each is optional by configuration.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { PACKAGE_ROOT } from '../version.js';
import type { Hub } from '../hub/hub.js';
import type { Metrics } from '../ops/metrics.js';
import type { Store } from '../store/db.js';
import type { Identity } from '../model/identity.js';
import type { TLSSocket } from 'node:tls';
import {
  CertificateAuth,
  createWebAuth,
  registerWebApi,
  userStoreDirectory,
  type WebAuth,
} from '../transports/web/index.js';
import type { Trust } from '../trust/index.js';
import { checkPeer } from '../trust/tls.js';
import { createUserStore } from '../trust/users.js';
import { FailureWindow } from '../trust/enroll/failures.js';
import { registerPlannerApi } from '../planner/api.js';
import { stopSolver } from '../planner/solver.js';
import { startMavlinkGateway, type MavlinkGateway } from '../gateways/mavlink/index.js';
import { demoMavlinkConfig, startDemo, type Demo } from '../sim/demo.js';
import {
  createVideo,
  registerVideoRoutes,
  startDemoCameraFor,
  withDemoCameraUrl,
  type DemoCamera,
  type VideoService,
} from '../video/index.js';
import type { RouteTable } from '../ops/routes.js';
import { webError } from '../transports/web/errors.js';
import { registerFederationRoutes } from '../federation/rest.js';
import type { LinkStatus } from '../federation/link.js';

/** Who a browser request is when nobody signed in: sees only unlabelled (releasable to all, unclassified) data. */
const ANONYMOUS: Identity = Object.freeze({
  id: 'anonymous',
  kind: 'anonymous',
  clearance: 'UNCLASSIFIED',
  categories: [],
  groups: [],
}) as Identity;

export interface HttpEdges {
  auth: WebAuth;
  /** The COP's app on the HTTPS API listener (8443), when `web.https` and the listener are on. */
  https?: FastifyInstance;
  /** With the demo: the sign-in made for the person who ran `npm start`. */
  demoLogin?: { user: string; password: string };
  /** Full-motion video (`video.enabled`): started by startEdges. */
  video?: VideoService;
}

/** The demo's web user: a fresh random password at every start, printed by `serve`. */
async function ensureDemoUser(users: ReturnType<typeof createUserStore>, groups: string[]) {
  const user = 'demo';
  const password = randomBytes(9).toString('base64url');
  if (users.get(user)) await users.setPassword(user, password);
  else
    await users.add(
      { id: user, kind: 'operator', nation: 'LTU', clearance: 'SECRET', categories: ['NATO'], groups },
      password,
    );
  return { user, password };
}

/**
 * Register the web and planner routes on the hub's HTTP server (before it listens) and, with `web.https`, on the
 * trust module's HTTPS API listener (8443) next to the Marti routes. Both use one user store and the same egress
 * gate; HTTPS sessions have their own `Secure` cookie, and there a valid client certificate also signs in.
 */
export async function registerHttpEdges(
  http: FastifyInstance,
  deps: {
    config: Config;
    hub: Hub;
    store: Store;
    log: Logger;
    metrics: Metrics;
    trust?: Trust;
    /** The latest-state store's write of one entity, resolved once written (acknowledged page markers and deletes). */
    persist?: (uid: string) => Promise<boolean>;
    /** The route guard (ops/routes.ts): the HTTPS listener's web app is guarded with its own sign-in. */
    routes?: RouteTable;
    /** Federation link state for the COP's links panel (undefined when federation is off). */
    federationLinks?: () => LinkStatus[] | undefined;
  },
): Promise<HttpEdges> {
  const { config, hub, store, log, metrics, trust } = deps;
  const users = createUserStore(store, config.trust.enrollment);
  const auth = createWebAuth(config.web, userStoreDirectory(users));
  const demoLogin = config.demo.enabled ? await ensureDemoUser(users, [...config.local.groups]) : undefined;
  const signInFailures = new FailureWindow(config.web.signInFailuresPerMinute);
  const video = config.video.enabled ? createVideo({ config, hub, log, metrics, trust, users }) : undefined;
  const register = async (app: FastifyInstance, who: WebAuth) => {
    if (config.web.enabled) {
      await registerWebApi(app, {
        hub,
        log,
        staticDir: resolve(PACKAGE_ROOT, config.web.staticDir),
        auth: who,
        config: config.web,
        hubId: config.hubId,
        metrics,
        ...(trust ? { audit: trust.audit } : {}),
        ...(deps.persist ? { persist: deps.persist } : {}),
        signInFailures,
      });
      if (video) registerVideoRoutes(app, { video, identityOf: (req) => who.identityOf(req), log });
    }
    if (config.web.enabled && deps.federationLinks) {
      const links = deps.federationLinks;
      const nation = config.local.nation;
      registerFederationRoutes(app, {
        identityOf: (req) => who.identityOf(req),
        links,
        ...(nation ? { nation } : {}),
      });
    }
    if (config.planner.enabled) {
      registerPlannerApi(app, {
        store,
        log: log.child({ component: 'planner' }),
        identityOf: (req: FastifyRequest) => who.identityOf(req) ?? ANONYMOUS,
        seedProgrammes: config.demo.enabled,
      });
    }
  };
  await register(http, auth);
  const out: HttpEdges = { auth, ...(demoLogin ? { demoLogin } : {}), ...(video ? { video } : {}) };
  if (config.web.enabled && config.web.https && trust?.servers.mountWeb) {
    const pki = trust.pki;
    const secureAuth = config.web.certificateSignIn
      ? new CertificateAuth(auth, (req) => {
          const r = checkPeer(req.raw.socket as TLSSocket, pki);
          return r.ok ? r.identity : null;
        })
      : auth;
    out.https = await trust.servers.mountWeb((app) => {
      deps.routes?.guard(app, {
        listener: 'https',
        signedIn: (req) => secureAuth.identityOf(req) !== null,
        refuse: (_req, reply) => reply.code(401).send(webError('BW_WEB_AUTH_REQUIRED')),
      });
      return register(app, secureAuth);
    });
    log.info({ port: trust.servers.ports.api }, 'web COP also served over HTTPS on the API listener');
  }
  return out;
}

export interface RunningEdges {
  ports: { mavlink?: number };
  close(): Promise<void>;
}

/** Start the MAVLink gateway and, with `demo.enabled`, the demo scenario against the hub's own ports. */
export async function startEdges(deps: {
  config: Config;
  hub: Hub;
  log: Logger;
  metrics: Metrics;
  tcpPort: number | undefined;
  video?: VideoService;
  httpPort?: number;
}): Promise<RunningEdges> {
  const { config, hub, log, metrics } = deps;
  if (deps.video && deps.httpPort !== undefined) deps.video.setPublicBaseUrl(config, deps.httpPort);
  await deps.video?.start();
  let gateway: MavlinkGateway | undefined;
  let demo: Demo | undefined;
  let camera: DemoCamera | undefined;
  const ports: RunningEdges['ports'] = {};
  let cfg = config.mavlink;
  if (config.mavlink.enabled) {
    if (config.demo.enabled) cfg = demoMavlinkConfig(config.mavlink, config.demo.scenario);
    if (config.demo.enabled && deps.video) cfg = withDemoCameraUrl(cfg, deps.video, config.video.ffmpeg);
    const video = config.video.fromMavlink ? deps.video : undefined;
    gateway = await startMavlinkGateway({
      cfg,
      hub,
      log: log.child({ component: 'mavlink' }),
      metrics,
      ...(video ? { onVideoStream: (uid, uri, from) => void video.addAnnounced(uid, uri, from) } : {}),
    });
    ports.mavlink = gateway.port;
  }
  if (config.demo.enabled) {
    if (deps.tcpPort === undefined || !gateway) {
      log.warn('demo needs the CoT TCP listener and the MAVLink gateway enabled; not started');
    } else {
      demo = startDemo({
        scenario: config.demo.scenario,
        speed: config.demo.speed,
        cotHost: config.tcp.host,
        cotPort: deps.tcpPort,
        mavlinkHost: config.mavlink.host,
        mavlinkPort: gateway.port,
        log: log.child({ component: 'demo' }),
      });
      log.info({ scenario: demo.scenario.name }, 'demo scenario playing');
      if (deps.video) camera = await startDemoCameraFor(cfg, deps.video, hub, config.video.ffmpeg, log);
    }
  }
  return {
    ports,
    async close() {
      await demo?.stop();
      await camera?.stop();
      await deps.video?.close();
      await gateway?.close();
      await stopSolver();
    },
  };
}
