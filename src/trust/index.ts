/**
 * Coalition trust: PKI and enrollment, mutual TLS identities, confidentiality labels at ingress, the audit trail.
 * {@link startTrust} wires all of it for the composition root; the pieces are exported for tests and tools.
 */
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createTrustMetrics } from './metrics.js';
import type { Identity } from '../model/identity.js';
import type { Store } from '../store/db.js';
import { createAudit, type Audit } from './audit.js';
import type { TrustConfig } from './config.js';
import { hubClients, type HubLike, type SessionLike } from './enroll/marti.js';
import { createIngressPolicy, type IngressResult, type IngressSession } from './ingress.js';
import { ensurePki, type Pki } from './pki/store.js';
import { startTrustServers, type TrustServerDeps, type TrustServers } from './servers.js';
import type { FastifyInstance } from 'fastify';
import { checkPeer, guardTlsServer, tlsServerOptions } from './tls.js';
import type { Event } from '../model/event.js';
import type { Label } from '../model/label.js';
import type { RouteTable } from '../ops/routes.js';
import type { CloseReason } from '../hub/close.js';
import type { Gate } from '../hub/gate.js';

/** What the audit records of the session whose write was refused. */
interface RefusedBy {
  info: { ingestOnly?: boolean; transport?: string; remote?: string };
}

export { trustConfig, type TrustConfig } from './config.js';
export { createAudit, type Audit, type AuditFilter, type AuditRow } from './audit.js';
export type { AuditKind, AuditFields, AuditSink } from './audit-types.js';
export { ensurePki, type Pki, type IssuedRecord } from './pki/store.js';
export { identityFromCert, identityFromPeerCert, IDENTITY_OID, type IdentitySpec } from './pki/binding.js';
export { clientP12, truststoreP12 } from './pki/p12.js';
export { tlsServerOptions, enrollmentTlsOptions, guardTlsServer, checkPeer, type PeerCheck } from './tls.js';
export { createIngressPolicy, withLabel, ownLabel } from './ingress.js';
export { labelToCot, labelFromCot, labelToXml, labelFromXml } from '../model/label-xml.js';
export { startTrustServers, type TrustServers } from './servers.js';
export { createTrustMetrics, type TrustMetrics } from './metrics.js';
export { createUserStore, type UserStore } from './users.js';
export { buildConnectionPackage, enrollmentLink, qrSvg, qrTerminal } from './package.js';

export interface Trust {
  pki: Pki;
  audit: Audit;
  servers: TrustServers;
  /** For the hub: `hub.setIngressPolicy(trust.ingressPolicy)` (startTrust does it when given the hub). */
  ingressPolicy: (event: Event, session: IngressSession, inherit?: Label) => IngressResult;
  /** Options for the 8089 listener's `tls.createServer` (use with `guardStream`). */
  tlsOptions(): ReturnType<typeof tlsServerOptions>;
  /** Call once with the 8089 server: logs/audits refusals with their reason and reloads the CRL without restart. */
  guardStream(server: TlsServer): void;
  /** For the 8089 listener's `identityOf`: the certificate's identity, or null to refuse (audited as 'connect'). */
  identityOf(socket: TLSSocket): Identity | null;
  close(): Promise<void>;
}

export interface StartTrustOptions {
  dataDir: string;
  cfg: TrustConfig;
  store: Store;
  log: Logger;
  /** The app's metrics registry: the trust counters are added to it. */
  registry?: Registry;
  /** The process's connection admission and the TLS handshake deadline, for the HTTPS listeners. */
  admission?: TrustServerDeps['admission'];
  handshakeTimeoutMs?: number;
  /** The route guard (ops/routes.ts): the Marti routes answer only a client certificate. */
  routes?: RouteTable;
  /** The hub (structural): gets the ingress policy; its sessions feed /Marti/api/clientEndPoints. */
  hub?: HubLike & {
    setIngressPolicy(p: (event: Event, session: IngressSession, inherit?: Label) => IngressResult): void;
    /** Refused writes (hub ownership): each is audited as `write-refused`. */
    onRefused?(listener: (s: SessionLike & RefusedBy, r: { code: string; uid: string }) => void): void;
    close(session: SessionLike, reason: CloseReason): void;
    /** The hub's egress gate: its denials are audited. */
    gate?: Gate;
  };
  /** More Marti routes for the mTLS API listener (e.g. the video list), registered before it listens. */
  martiRoutes?: (app: FastifyInstance) => void;
}

/**
 * Start trust for the hub: audit trail (and gate denials into it), the PKI (created on first start: secure default),
 * labelling at ingress, enrollment on 8446 and the mTLS Marti API on 8443.
 */
export async function startTrust(o: StartTrustOptions): Promise<Trust> {
  const log = o.log.child({ component: 'trust' });
  const metrics = createTrustMetrics(o.registry);
  const audit = createAudit(o.store, { ...o.cfg.audit, metrics });
  const offGate = audit.hookGate(o.hub?.gate);
  const pki = await ensurePki(o.dataDir, o.cfg, log, { audit, watch: true });
  const ingressPolicy = createIngressPolicy(o.cfg, log, audit, metrics);
  if (o.hub) o.hub.setIngressPolicy(ingressPolicy);
  o.hub?.onRefused?.((s, r) =>
    audit.record('write-refused', {
      actor: s.identity.id,
      nation: s.identity.nation,
      ref: r.uid,
      rule: r.code,
      path: s.info.transport,
      remote: s.info.remote,
    }),
  );
  const hub = o.hub;
  let servers: TrustServers;
  try {
    servers = await startTrustServers({
      cfg: o.cfg,
      store: o.store,
      pki,
      log,
      audit,
      listClients: hub ? () => hubClients(hub) : undefined,
      gate: hub?.gate,
      metrics,
      ...(o.admission ? { admission: o.admission } : {}),
      ...(o.handshakeTimeoutMs ? { handshakeTimeoutMs: o.handshakeTimeoutMs } : {}),
      ...(o.martiRoutes ? { martiRoutes: o.martiRoutes } : {}),
      ...(o.routes ? { routes: o.routes } : {}),
    });
  } catch (e) {
    offGate();
    pki.close();
    audit.close();
    throw e;
  }
  const unguard: (() => void)[] = [];
  /** TLS sessions whose disconnect row is not written yet, with the function that writes it. */
  const openSessions = new Map<object, (reason?: string) => void>();
  // A revoked certificate also ends the sessions it already opened, not only future handshakes.
  if (hub) {
    unguard.push(
      pki.onCrlChange(() => {
        for (const s of [...hub.sessions.all()]) {
          const serial = s.identity.certSerial;
          if (serial && pki.isRevoked(serial)) {
            log.warn({ id: s.identity.id, serial }, 'closing the session of a revoked certificate');
            audit.record('disconnect', {
              actor: s.identity.id,
              nation: s.identity.nation,
              ref: serial,
              rule: 'CERT_REVOKED',
            });
            hub.close(s, 'BW_CERT_REVOKED');
          }
        }
      }),
    );
  }
  return {
    pki,
    audit,
    servers,
    ingressPolicy,
    tlsOptions: () => tlsServerOptions(pki),
    guardStream(server) {
      unguard.push(guardTlsServer(server, pki, log, audit, 'stream', { metrics }));
    },
    identityOf(socket) {
      const r = checkPeer(socket, pki);
      if (!r.ok) return null;
      const id = r.identity;
      const remote = socket.remoteAddress;
      const fields = { actor: id.id, nation: id.nation, ref: id.certSerial, remote, path: 'tls' };
      audit.record('connect', fields);
      const since = Date.now();
      const disconnected = (reason?: string) =>
        audit.record('disconnect', {
          ...fields,
          detail: { seconds: Math.round((Date.now() - since) / 1000), ...(reason ? { reason } : {}) },
        });
      openSessions.set(socket, disconnected);
      socket.once('close', () => {
        if (openSessions.delete(socket)) disconnected();
      });
      return id;
    },
    async close() {
      for (const u of unguard) u();
      await servers.close();
      offGate();
      // Sessions still open at shutdown (their sockets' close events may come after the audit is closed) get their
      // disconnect row now, before the last flush.
      for (const disconnected of openSessions.values()) disconnected('shutdown');
      openSessions.clear();
      pki.close();
      audit.close();
    },
  };
}
