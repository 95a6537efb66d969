/**
 * Marti endpoints TAK clients call while connecting: version, version/config, tls/config, and (on 8443, mTLS)
 * clientEndPoints. Response shapes follow what TAK Server returns (public client code reads them this way).
 */
import type { FastifyInstance } from 'fastify';
import { unownedGate, type Gate } from '../../hub/gate.js';
import type { Identity } from '../../model/identity.js';
import type { Label } from '../../model/label.js';
import type { TrustConfig } from '../config.js';

export const SERVER_VERSION = 'Baltic Wall 0.1.0';
/** Marti API version we claim: 3 is what current ATAK/iTAK expect for the v2 enrollment and JSON envelopes. */
const API_VERSION = '3';

/** A connected client as the hub reports it. */
export interface ClientInfo {
  uid: string;
  callsign?: string;
  lastSeen: number;
  identity: Identity;
  /**
   * Label of the client's last report: presence is data too, and goes through the gate. Kept after the report went
   * stale (the hub's contacts table); a client whose label is unknown is not listed (never the default label).
   */
  label: Label | undefined;
  groups?: string[];
}

/**
 * The XML /Marti/api/tls/config returns: which subject names to put in the CSR. Like TAK Server's certificateConfig
 * it holds nameEntries only (the validity is the server's to choose).
 */
export function tlsConfigXml(cfg: TrustConfig): string {
  const esc = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<ns2:certificateConfig xmlns="http://bbn.com/marti/xml/config" xmlns:ns2="com.bbn.marti.config">' +
    `<nameEntries><nameEntry name="O" value="${esc(cfg.pki.organization)}"/>` +
    `<nameEntry name="OU" value="${esc(cfg.pki.organizationalUnit)}"/></nameEntries>` +
    '</ns2:certificateConfig>'
  );
}

/** version, version/config and tls/config: served on both 8446 and 8443. */
export function registerMartiInfo(app: FastifyInstance, cfg: TrustConfig, hostname: string): void {
  app.get('/Marti/api/version', async (_req, reply) => reply.type('text/plain').send(SERVER_VERSION));
  app.get('/Marti/api/version/config', async () => ({
    version: API_VERSION,
    type: 'ServerConfig',
    data: { version: SERVER_VERSION, api: API_VERSION, hostname },
    nodeId: hostname,
  }));
  app.get('/Marti/api/tls/config', async (_req, reply) =>
    reply.type('application/xml').send(tlsConfigXml(cfg)),
  );
}

/**
 * /Marti/api/clientEndPoints for an authenticated (mTLS) requester: the connected clients it may see. Each entry is
 * gated like any other data (path 'rest') with the label of the client's last report, so a client's presence does
 * not leak across releasability lines, also once that report went stale. `gate` is the hub's (`hub.gate`).
 */
export function clientEndPoints(
  requester: Identity,
  clients: ClientInfo[],
  gate: Gate = unownedGate,
  ref = 'clientEndPoints',
) {
  const data = [];
  for (const c of clients) {
    if (!c.label) continue; // fail closed: no label known, not listed
    const gated = { label: c.label, groups: c.groups ?? c.identity.groups };
    if (!gate.egress(gated, requester, 'rest', `${ref}:${c.uid}`).allow) continue;
    data.push({
      callsign: c.callsign ?? c.uid,
      uid: c.uid,
      username: c.identity.id,
      lastEventTime: new Date(c.lastSeen).toISOString(),
      lastStatus: 'Connected',
    });
  }
  return { version: API_VERSION, type: 'com.bbn.marti.remote.ClientEndpoint', data, nodeId: 'balticwall' };
}

/** What clientEndPoints needs of the hub: its sessions (structural, so this module does not import the Hub). */
/** The parts of a hub session trust reads. */
export interface SessionLike {
  uids: Set<string>;
  callsign?: string;
  openedAt: number;
  identity: Identity;
  info: { ingestOnly?: boolean };
}

/** What a contact's last report left in the hub's contacts table (src/hub/contacts.ts). */
export interface ContactLike {
  label: Label;
  groups: readonly string[];
  seen: number;
}

export interface HubLike {
  sessions: { all(): Iterable<SessionLike> };
  state: { get(uid: string): { event: { label: Label; time: number } } | undefined };
  /** The contacts table: each contact's last label, kept after its report went stale or was deleted. */
  owners?: { contacts: { get(uid: string): ContactLike | undefined } };
}

/**
 * The hub's connected clients, each with the label and groups of its last self-report (the contacts table), or of
 * the entity the picture holds for it; with neither, no label (the entry is not listed).
 */
export function hubClients(hub: HubLike): ClientInfo[] {
  const out: ClientInfo[] = [];
  for (const s of hub.sessions.all()) {
    if (s.info.ingestOnly) continue;
    for (const uid of s.uids) {
      const contact = hub.owners?.contacts.get(uid);
      const latest = hub.state.get(uid)?.event;
      out.push({
        uid,
        callsign: s.callsign,
        lastSeen: latest?.time ?? contact?.seen ?? s.openedAt,
        identity: s.identity,
        label: contact?.label ?? latest?.label,
        groups: [...(contact?.groups ?? s.identity.groups)],
      });
    }
  }
  return out;
}
