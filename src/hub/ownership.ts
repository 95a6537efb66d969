/**
 * Who may change what. One check, made by the hub for every event that writes an entity, whichever path brought it
 * (TCP, TLS, UDP, the web page, the MAVLink gateway through hub.ingest; federation and cluster links call the same
 * functions on what they bring in). docs/trust.md states the model; in short:
 *
 * 1. A contact uid bound to an identity (contacts.ts: the first authenticated identity that reported it as itself)
 *    is written, deleted and claimed by that identity only. Its callsign, while the contact is present, addresses
 *    that identity only: another identity's report with it is shown, but its session is not given the callsign.
 * 2. Any other uid is a shared entity: whoever may see its current version may update or delete it, whatever their
 *    nation (ATAK teammates move and delete each other's markers). "May see" is the egress gate's own decision
 *    (gate.ts maySee), so the hub never takes a write about something it would not show the writer. The identity
 *    that created the entity (its first writer) may always write it again.
 * 3. An update by another identity keeps the entity's releasability: an update with no label of its own inherits
 *    the current label (the ingress policy is given it as the default), and one whose label would be less
 *    restrictive than the current one is refused. Edits never re-release another identity's data.
 *
 * Refusals are answered (a t-x-c-n event to TAK clients, an error to web pages), counted, logged and audited.
 */
import type { Event } from '../model/event.js';
import type { Identity } from '../model/identity.js';
import { labelAtLeast, type Label } from '../model/label.js';
import type { Contact, ContactTable } from './contacts.js';
import type { Envelope } from './envelope.js';
import { maySee } from './gate.js';
import { deleteTargets, type Kind } from './routing.js';
import type { SessionInfo } from './session.js';

export type OwnershipCode = 'BW_UID_BOUND' | 'BW_CALLSIGN_BOUND' | 'BW_WRITE_UNSEEN' | 'BW_WRITE_WIDENS';

export interface Refusal {
  code: OwnershipCode;
  /** The uid the refused write was about. */
  uid: string;
  reason: string;
}

/** What the check needs of the hub. */
export interface OwnershipView {
  /** The current version of an entity (the latest state), if any. */
  current(uid: string): Envelope | undefined;
  /** Identity id of whoever created the entity `uid` now in the picture (its first writer). */
  creatorOf(uid: string): string | undefined;
  contacts: ContactTable;
  /** Is a contact present (its last report is not stale, or a session claims its uid)? */
  present(c: Contact): boolean;
}

/**
 * Is the session's identity authenticated (a client certificate, a web sign-in)? Plain TCP and UDP clients, and
 * gateways, speak for the hub's configured local identity: they never bind a uid.
 */
export function isAuthenticated(info: Pick<SessionInfo, 'transport' | 'identity'>): boolean {
  return info.identity.certSerial !== undefined || info.transport === 'tls' || info.transport === 'websocket';
}

/** The entity uids an event writes: its own uid for state, alerts and directed updates; a delete's targets. */
export function writtenUids(kind: Kind, e: Event): readonly string[] {
  switch (kind) {
    case 'state':
    case 'emergency':
    case 'emergency-cancel':
    case 'directed':
      return [e.uid];
    case 'delete':
      return deleteTargets(e);
    default:
      return [];
  }
}

/** Does `writer` own the entity: the identity its uid is bound to, or else its creator (first writer)? */
export function owns(view: OwnershipView, uid: string, writer: Identity): boolean {
  return created(view, uid, writer);
}

function created(view: OwnershipView, uid: string, writer: Identity): boolean {
  const c = view.contacts.get(uid);
  if (c?.bound) return c.identityId === writer.id;
  return view.creatorOf(uid) === writer.id;
}

/** Rules 1 and 2 for one uid, before the event is labelled. */
export function checkWrite(view: OwnershipView, writer: Identity, uid: string): Refusal | undefined {
  const c = view.contacts.get(uid);
  if (c?.bound && c.identityId !== writer.id) {
    return { code: 'BW_UID_BOUND', uid, reason: `uid ${uid} is bound to another identity` };
  }
  const cur = view.current(uid);
  if (cur && !created(view, uid, writer) && !maySee(cur, writer).allow) {
    return { code: 'BW_WRITE_UNSEEN', uid, reason: `the current version of ${uid} is not yours to change` };
  }
  return undefined;
}

/** Rule 1 for a self-report's callsign: one held by another identity's present, bound contact is refused. */
export function checkCallsign(view: OwnershipView, writer: Identity, e: Event): Refusal | undefined {
  const callsign = e.detail.contact?.callsign;
  if (!callsign) return undefined;
  const holder = view.contacts.byCallsign(callsign);
  if (!holder || holder.uid === e.uid || holder.identityId === writer.id || !view.present(holder))
    return undefined;
  return {
    code: 'BW_CALLSIGN_BOUND',
    uid: e.uid,
    reason: `callsign ${callsign} belongs to another identity's contact`,
  };
}

/** Rule 3: the label an unlabelled update by another identity inherits (the ingress policy's default for it). */
export function inheritedLabel(
  view: OwnershipView,
  cur: Envelope | undefined,
  writer: Identity,
): Label | undefined {
  return cur && !created(view, cur.event.uid, writer) ? cur.label : undefined;
}

/** Rule 3: an update by another identity may not be less restrictive than the current version. */
export function checkLabel(
  view: OwnershipView,
  cur: Envelope | undefined,
  writer: Identity,
  label: Label,
): Refusal | undefined {
  if (!cur) return undefined;
  const uid = cur.event.uid;
  if (created(view, uid, writer) || labelAtLeast(label, cur.label)) return undefined;
  return {
    code: 'BW_WRITE_WIDENS',
    uid,
    reason: `an update of ${uid} by another identity may not release it wider than its current label`,
  };
}
