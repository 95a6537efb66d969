/**
 * Federation (TAK Server Federation v2): national hubs linked hub to hub. {@link startFederation} is what the
 * composition root calls: it registers the 'fig' wire format, opens one link per configured peer (inbound: the
 * peer calls our port; outbound: we call it), the listener, and watches the peers file for `federation add|remove`.
 * See docs/federation.md.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, watchFile, unwatchFile, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Hub } from '../hub/hub.js';
import type { Session } from '../hub/session.js';
import { normalizeLabel, RELEASABLE_TO, type Label } from '../model/label.js';
import { NO_AUDIT, type AuditSink } from '../trust/audit-types.js';
import type { FederationConfig, PeerConfig } from './config.js';
import { Connector } from './client.js';
import { ingestFromPeer, SeenSet } from './ingest.js';
import { Link, peerIdentity, type LinkStatus } from './link.js';
import { createFedMetrics } from './metrics.js';
import { fedDir, mergePeers, peersFile, readPeersFile, statusFile } from './peers.js';
import { QueueDb } from './queue.js';
import { encodeRecord } from './record.js';
import { FederationServer } from './server.js';
import { V1Connector, V1Server } from './v1.js';

export type { LinkStatus } from './link.js';
export { federationConfig, peerConfig, type FederationConfig, type PeerConfig } from './config.js';

export interface FederationDeps {
  cfg: FederationConfig;
  hub: Hub;
  hubId: string;
  dataDir: string;
  log: Logger;
  registry: Registry;
  audit?: AuditSink;
  /** Our PKI: CA, server certificate and key (PEM), revocation. */
  /** limits.maxEventBytes: the largest message accepted from a peer (default 1 MiB). */
  maxEventBytes?: number;
  pki: {
    ca: string;
    serverCert: string;
    serverKey: string;
    isRevoked(serial: string): boolean;
    /** Called when the CRL changes: open calls of a revoked certificate are ended. */
    onCrlChange?(cb: () => void): () => void;
  };
}

export interface Federation {
  port: number | undefined;
  /** The v1 listener's port, when `federation.v1.enabled`. */
  v1Port: number | undefined;
  links(): LinkStatus[];
  close(): Promise<void>;
}

const same = (a: PeerConfig, b: PeerConfig) => JSON.stringify(a) === JSON.stringify(b);

function labelOf(p: PeerConfig): Label | undefined {
  const d = p.defaultLabel;
  if (!d) return undefined;
  const categories = d.releasableTo.length
    ? [{ tag: RELEASABLE_TO, type: 'PERMISSIVE' as const, values: [...d.releasableTo] }]
    : [];
  return normalizeLabel({ policy: 'NATO', classification: d.classification, categories });
}

export async function startFederation(d: FederationDeps): Promise<Federation> {
  const { cfg, hub, log } = d;
  const audit = d.audit ?? NO_AUDIT;
  const m = createFedMetrics(d.registry);
  hub.registerFormat('fig', encodeRecord);
  const qdb = new QueueDb(d.dataDir);
  const links = new Map<string, Link>();
  const connectors = new Map<string, { start(): void; stop(): void }>();
  const ingestSessions = new Map<Link, Map<string, Session>>();
  const seen = new SeenSet();
  const readPem = (f: string) => readFileSync(f, 'utf8');

  const ingestDeps = {
    hub,
    hubId: d.hubId,
    log,
    m,
    audit,
    seen,
    maxEventBytes: d.maxEventBytes ?? 1024 * 1024,
    defaultLabel: (l: Link) => labelOf(l.peer),
    sessionFor(link: Link, groups: string[]): Session {
      let byGroups = ingestSessions.get(link);
      if (!byGroups) ingestSessions.set(link, (byGroups = new Map()));
      const key = groups.join('\n');
      let s = byGroups.get(key);
      if (!s || s.closed) {
        s = hub.open(
          { write: () => true, close: () => undefined },
          {
            transport: 'internal',
            protocol: 'fig',
            remote: link.name,
            identity: { ...peerIdentity(link.peer), groups },
            format: 'cot-xml',
            ingestOnly: true,
            noPicture: true,
          },
        );
        byGroups.set(key, s);
      }
      return s;
    },
  };
  /** Called from gRPC stream listeners: nothing may throw out of here (it would take the process down). */
  const ingest = (link: Link, bytes: Uint8Array) => {
    if (link.closed || links.get(link.name) !== link) {
      // A stream of a peer removed, changed or revoked since it opened: nothing it sends enters.
      m.received.inc({ peer: link.name, result: 'BW_FED_REFUSED' });
      return;
    }
    let r;
    try {
      r = ingestFromPeer(ingestDeps, link, bytes);
    } catch (e) {
      m.received.inc({ peer: link.name, result: 'error' });
      log.error({ peer: link.name, err: (e as Error).message }, 'federation: event from peer failed');
      return;
    }
    if (!r.ok && r.code !== 'BW_FED_DUPLICATE' && r.code !== 'BW_FED_LOOP')
      log.debug({ peer: link.name, code: r.code, reason: r.reason }, 'federation: event not accepted');
  };

  /**
   * CAs of peers with their own PKI, read and checked once when a link is configured (sync), kept in memory: a
   * handshake never reads a file, and a missing or unreadable CA is logged once (that peer cannot authenticate)
   * instead of failing the listener.
   */
  const caPems = new Map<string, string>();
  const loadCa = (p: PeerConfig) => {
    caPems.delete(p.name);
    if (!p.ca) return;
    try {
      const pem = readPem(p.ca);
      new X509Certificate(pem);
      caPems.set(p.name, pem);
    } catch (e) {
      log.error(
        { peer: p.name, file: p.ca, err: (e as Error).message },
        'federation: peer CA unreadable, ignored',
      );
    }
  };
  const peerCas = () => caPems;
  const server = new FederationServer({
    hubId: d.hubId,
    log,
    m,
    audit,
    ca: d.pki.ca,
    cert: d.pki.serverCert,
    key: d.pki.serverKey,
    isRevoked: (s) => d.pki.isRevoked(s),
    peerCas,
    inbound: (name) => {
      const l = links.get(name);
      return l && l.peer.role === 'inbound' ? l : undefined;
    },
    ingest,
    compression: cfg.compression,
  });
  const clientDeps = {
    hubId: d.hubId,
    log,
    audit,
    ingest,
    healthMs: cfg.healthMs,
    reconnectMinMs: cfg.reconnectMinMs,
    reconnectMaxMs: cfg.reconnectMaxMs,
    compression: cfg.compression,
    tls: (l: Link) => ({
      ca: l.peer.ca ? readPem(l.peer.ca) : d.pki.ca,
      cert: l.peer.cert ? readPem(l.peer.cert) : d.pki.serverCert,
      key: l.peer.key ? readPem(l.peer.key) : d.pki.serverKey,
    }),
  };

  const v1Deps = {
    ...clientDeps,
    m,
    ca: d.pki.ca,
    cert: d.pki.serverCert,
    key: d.pki.serverKey,
    isRevoked: (s: string) => d.pki.isRevoked(s),
    peerCas,
    inbound: (name: string) => {
      const l = links.get(name);
      return l && l.peer.role === 'inbound' ? l : undefined;
    },
  };
  const v1Server = new V1Server(v1Deps);

  const addLink = (p: PeerConfig) => {
    const link = new Link(p, qdb.queue(p.name, cfg.queueMaxRows), { hub, hubId: d.hubId, log, m });
    links.set(p.name, link);
    loadCa(p);
    hub.state.setOwnerBound(peerIdentity(p).id, p.maxEntities ?? cfg.maxEntitiesPerPeer);
    link.open();
    if (p.role === 'outbound') {
      const c = p.protocol === 'v1' ? new V1Connector(link, v1Deps) : new Connector(link, clientDeps);
      connectors.set(p.name, c);
      c.start();
    }
    log.info({ peer: p.name, role: p.role }, 'federation: link configured');
  };
  const removeLink = (name: string, clear: boolean) => {
    connectors.get(name)?.stop();
    connectors.delete(name);
    const link = links.get(name);
    if (!link) return;
    for (const s of ingestSessions.get(link)?.values() ?? []) hub.close(s, 'federation link removed');
    ingestSessions.delete(link);
    link.close(clear);
    links.delete(name);
    caPems.delete(name);
    hub.state.setOwnerBound(peerIdentity(link.peer).id, undefined);
  };

  /** Bring the links in line with the config and the peers file. */
  const sync = (peers: PeerConfig[]): boolean => {
    let casChanged = false;
    const want = new Map(peers.filter((p) => p.enabled).map((p) => [p.name, p]));
    for (const [name, link] of links) {
      const p = want.get(name);
      if (!p || !same(p, link.peer)) {
        casChanged ||= link.peer.ca !== p?.ca;
        removeLink(name, !p);
      }
    }
    for (const [name, p] of want)
      if (!links.has(name)) {
        casChanged ||= p.ca !== undefined;
        addLink(p);
      }
    return casChanged;
  };

  const filePeers = () => {
    try {
      return readPeersFile(d.dataDir);
    } catch (e) {
      log.error(
        { err: (e as Error).message, file: peersFile(d.dataDir) },
        'federation: peers file invalid, ignored',
      );
      return undefined;
    }
  };
  sync(mergePeers(cfg.peers, filePeers() ?? []));
  let port: number | undefined;
  let v1Port: number | undefined;
  let closed = false;
  if (cfg.enabled) port = await server.listen(cfg.host, cfg.port);
  if (cfg.enabled && cfg.v1.enabled) v1Port = await v1Server.listen(cfg.host, cfg.v1.port);
  log.info({ port, v1Port, peers: links.size }, 'federation started');

  /** Restart a listener with the new peer CAs; a failure is logged and the bind tried again, never thrown. */
  const restart = async (which: string, close: () => Promise<void>, listen: () => Promise<void>) => {
    try {
      await close();
    } catch (e) {
      log.warn({ which, err: (e as Error).message }, 'federation: listener close failed');
    }
    for (let attempt = 1; !closed; attempt++) {
      try {
        await listen();
        log.info({ which, port, v1Port }, 'federation: listener restarted with the new peer CAs');
        return;
      } catch (e) {
        log.error(
          { which, attempt, err: (e as Error).message },
          'federation: listener restart failed, retrying',
        );
        await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** attempt)).unref());
      }
    }
  };
  const onFile = () => {
    const fp = filePeers();
    if (!fp) return;
    const casChanged = sync(mergePeers(cfg.peers, fp));
    if (casChanged && port !== undefined) {
      // A new peer CA is a new trust anchor of the listener: restart it on the same port.
      void restart(
        'v2',
        () => server.close(),
        async () => {
          port = await server.listen(cfg.host, port ?? cfg.port);
        },
      );
      if (v1Port !== undefined)
        void restart(
          'v1',
          () => v1Server.close(),
          async () => {
            v1Port = await v1Server.listen(cfg.host, v1Port ?? cfg.v1.port);
          },
        );
    }
  };
  const offCrl = d.pki.onCrlChange?.(() => {
    for (const l of links.values()) l.endRevoked((s) => d.pki.isRevoked(s));
  });
  mkdirSync(fedDir(d.dataDir), { recursive: true });
  watchFile(peersFile(d.dataDir), { interval: 500 }, onFile);

  const status = () => [...links.values()].map((l) => l.status());
  const writeStatus = () => {
    const f = statusFile(d.dataDir);
    const tmp = `${f}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify({ at: Date.now(), port, links: status() }, null, 2));
      renameSync(tmp, f);
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'federation: cannot write status file');
    }
  };
  const statusTimer = setInterval(writeStatus, 2000);
  statusTimer.unref();
  writeStatus();

  return {
    get port() {
      return port;
    },
    get v1Port() {
      return v1Port;
    },
    links: status,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(statusTimer);
      unwatchFile(peersFile(d.dataDir), onFile);
      offCrl?.();
      for (const name of [...links.keys()]) removeLink(name, false);
      await Promise.all([server.close(), v1Server.close()]);
      writeStatus();
      await qdb.close();
    },
  };
}
