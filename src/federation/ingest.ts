/**
 * Everything a peer sends us enters the hub here, in one function ({@link ingestFromPeer}), so every check that
 * applies at the border (and any added later, e.g. the hub's ownership rules) has one place to hook:
 * decode -> loop (provenance, flow tags) -> hop limit -> duplicate (uid and time) -> the peer's default label for an
 * unlabelled event -> inbound group mapping -> hub.ingest as the peer (the trust module's ingress floors and
 * ceilings apply there, per peer, as for a client).
 */
import type { Logger } from 'pino';
import type { Hub } from '../hub/hub.js';
import type { Session } from '../hub/session.js';
import type { Event } from '../model/event.js';
import type { Label } from '../model/label.js';
import { CodecError, type ErrorCode } from '../errors.js';
import { contactDeleteEvent, decodeFederatedEvent, geoToEvent } from '../codecs/fig/index.js';
import { completeFromDefault, ownLabel, withLabel } from '../trust/ingress.js';
import type { AuditSink } from '../trust/audit-types.js';
import { LABEL_ELEMENT, LabelError } from '../model/label-xml.js';
import { stampFlowTag } from '../hub/flow-tags.js';
import type { Link } from './link.js';
import { peerIdentity } from './link.js';
import type { FedMetrics } from './metrics.js';

/** Recently received uid+time+type, hub-wide (an event may come back over another link): bounded, oldest out. */
export class SeenSet {
  private readonly seen = new Set<string>();
  constructor(private readonly max = 200_000) {}
  /** True when `key` was already seen; remembers it otherwise. */
  check(key: string): boolean {
    if (this.seen.has(key)) return true;
    this.seen.add(key);
    if (this.seen.size > this.max) {
      const first = this.seen.values().next().value;
      if (first !== undefined) this.seen.delete(first);
    }
    return false;
  }
}

export interface IngestDeps {
  hub: Hub;
  hubId: string;
  log: Logger;
  m: FedMetrics;
  audit: AuditSink;
  seen: SeenSet;
  /** limits.maxEventBytes: a larger message is refused before it is decoded. */
  maxEventBytes: number;
  /** The peer's default label for unlabelled events (from its config), if any. */
  defaultLabel(link: Link): Label | undefined;
  /** The hub's ingest-only session of `link` for these local groups (made once per group set). */
  sessionFor(link: Link, groups: string[]): Session;
}

export type PeerIngestResult = { ok: true } | { ok: false; code: ErrorCode; reason: string };

/** Map the peer's group names to ours (groupsIn), or the link's default groups. */
export function inboundGroups(link: Link, remote: string[]): string[] {
  const out = new Set<string>();
  for (const g of remote) {
    const local = link.peer.groupsIn[g];
    if (local !== undefined) out.add(local);
  }
  return out.size ? [...out].sort() : [...link.peer.groupsInDefault].sort();
}

function refuse(d: IngestDeps, link: Link, code: ErrorCode, reason: string): PeerIngestResult {
  d.m.received.inc({ peer: link.name, result: code });
  return { ok: false, code, reason };
}

/** Give an unlabelled (or partly labelled) event from a peer the peer's default label. */
function applyDefault(d: IngestDeps, link: Link, e: Event): Event {
  const def = d.defaultLabel(link);
  if (!def) return e;
  const own = ownLabel(e);
  if (!own) {
    d.audit.record('fed-label', { actor: link.name, ref: e.uid, rule: 'default-label', path: 'federation' });
    return withLabel(e, def);
  }
  if (e.detail.elements.some((el) => el.name.endsWith(LABEL_ELEMENT))) return e;
  return withLabel(e, completeFromDefault(own, e, def));
}

/** A server id that can name an XML attribute after `TAK-Server-` (TAK Server's are letters, digits and dashes). */
const FLOW_ID = /^[\w.-]{1,128}$/;

/**
 * Record where an event has been, as TAK Server does, in its `_flow-tags_`: one `TAK-Server-<id>` attribute for
 * every hub in the message's federateProvenance and for the sending peer, with the time it reached us. The client's
 * own detail, and the tags already there, stay as they are. The outbound provenance and the loop and hop checks of
 * every link are read from these tags (record.ts), so an event from a TAK Server that does not stamp flow tags
 * still never goes back to a hub it passed.
 */
export function recordProvenance(e: Event, ids: readonly string[], now: number): Event {
  let out = e;
  for (const id of ids) {
    const key = `TAK-Server-${id}`;
    if (!FLOW_ID.test(id) || out.detail.flowTags?.[key] !== undefined) continue;
    out = stampFlowTag(out, key, now, true);
  }
  return out;
}

/** Longest uid accepted from a peer (bytes): a uid names an entity, it is never a payload, and it is remembered. */
const MAX_UID_BYTES = 256;

/** One FederatedEvent from `link` (its bytes as received). */
export function ingestFromPeer(d: IngestDeps, link: Link, bytes: Uint8Array): PeerIngestResult {
  link.contact();
  link.stats.bytesIn += bytes.length;
  d.m.bytes.inc({ peer: link.name, direction: 'in' }, bytes.length);
  let event: Event;
  let remoteGroups: string[];
  let provenance: string[];
  if (bytes.length > d.maxEventBytes) {
    d.log.warn(
      { peer: link.name, bytes: bytes.length, code: 'BW_COT_TOO_LARGE' },
      'federation: message too large',
    );
    return refuse(d, link, 'BW_COT_TOO_LARGE', `${bytes.length} bytes`);
  }
  try {
    const msg = decodeFederatedEvent(bytes);
    if (msg.federateProvenance.some((p) => p.federationServerId === d.hubId))
      return refuse(d, link, 'BW_FED_LOOP', 'provenance names this hub');
    const h = msg.federateHops;
    if (h && h.maxHops > 0 && h.currentHops > h.maxHops)
      return refuse(d, link, 'BW_FED_HOPS', `hop ${h.currentHops} of ${h.maxHops}`);
    if (msg.event) event = geoToEvent(msg.event);
    else if (msg.contact && msg.contact.operation === 4 && msg.contact.uid)
      event = contactDeleteEvent(msg.contact.uid, msg.contact.callsign, Date.now());
    else return refuse(d, link, 'BW_FIG_BAD_PROTO', 'neither an event nor a contact deletion');
    remoteGroups = msg.federateGroups;
    provenance = msg.federateProvenance.map((p) => p.federationServerId);
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    d.log.warn({ peer: link.name, code: e.code, err: e.message }, 'federation: bad message skipped');
    return refuse(d, link, e.code, e.message);
  }
  if (Buffer.byteLength(event.uid) > MAX_UID_BYTES) {
    d.log.warn({ peer: link.name, code: 'BW_COT_BAD_VALUE' }, 'federation: uid too long');
    return refuse(d, link, 'BW_COT_BAD_VALUE', 'uid too long');
  }
  if (event.detail.flowTags?.[`TAK-Server-${d.hubId}`] !== undefined)
    return refuse(d, link, 'BW_FED_LOOP', 'flow tags name this hub');
  if (d.seen.check(`${event.uid}|${event.time}|${event.type}`))
    return refuse(d, link, 'BW_FED_DUPLICATE', 'already received');
  const who = peerIdentity(link.peer);
  event.origin = { protocol: 'federation', connectionId: link.connectionId, identityId: who.id };
  if (who.nation) event.origin.nation = who.nation;
  if (link.remoteServerId) provenance.push(link.remoteServerId);
  event = recordProvenance(event, provenance, Date.now());
  try {
    event = applyDefault(d, link, event);
  } catch (e) {
    if (!(e instanceof LabelError)) throw e;
    d.log.warn(
      { peer: link.name, uid: event.uid, code: e.labelCode, err: e.message },
      'federation: bad label',
    );
    return refuse(d, link, e.labelCode, e.message);
  }
  const session = d.sessionFor(link, inboundGroups(link, remoteGroups));
  const r = d.hub.ingest(session, event, { owned: true });
  if (!r.ok) return refuse(d, link, r.code, r.reason);
  link.stats.received++;
  d.m.received.inc({ peer: link.name, result: 'accepted' });
  return { ok: true };
}
