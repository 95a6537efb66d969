/**
 * The hub's side of ownership (ownership.ts holds the rules): runs the checks for each ingested event, keeps the
 * contacts table current from self-reports, takes a uid and callsign away from other identities' sessions when an
 * authenticated identity binds them, and answers, counts and reports refusals.
 */
import type { Event } from '../model/event.js';
import type { Label } from '../model/label.js';
import { Contacts, type Contact, type ContactTable } from './contacts.js';
import type { Envelope } from './envelope.js';
import {
  checkCallsign,
  checkLabel,
  checkWrite,
  inheritedLabel,
  isAuthenticated,
  owns,
  writtenUids,
  type OwnershipView,
  type Refusal,
} from './ownership.js';
import { isSelfReport, pathOf, type Kind } from './routing.js';
import type { Session } from './session.js';
import type { Sessions } from './sessions.js';
import type { State } from './state.js';

/** Builds the event a TAK client is told a refusal with (see buildRefusal in codecs/cot/negotiation.ts). */
export type RefusalBuilder = (ref: string, code: string, reason: string, now: number) => Event;
export type RefusalListener = (s: Session, r: Refusal) => void;

/** A client is told about refusals of the same uid and code at most once in this window. */
const ANSWER_EVERY_MS = 5000;
const ANSWERS_TRACKED = 256;

export interface OwnersDeps {
  state: State;
  sessions: Sessions;
  now(): number;
  /** Deliver a hub-made event to one session (hub.reply). */
  reply(s: Session, e: Event): void;
  refusal?: RefusalBuilder | undefined;
  /** Count a refusal that does not refuse the event (a callsign kept from a session): bw_rejected_total. */
  count(code: string): void;
  contacts?: ContactTable & { sweep?(now: number): void };
}

/** The outcome of the checks before labelling: a refusal, or the current version and the label to inherit. */
export type Before = { refusal: Refusal } | { refusal?: undefined; current?: Envelope; inherit?: Label };

export class Owners implements OwnershipView {
  readonly contacts: ContactTable & { sweep?(now: number): void };
  private readonly listeners: RefusalListener[] = [];
  private readonly answered = new WeakMap<Session, Map<string, number>>();
  /** uid -> identity id of the entity's first writer (kept while the entity is in the picture, see sweep). */
  private readonly creators = new Map<string, string>();

  constructor(private readonly d: OwnersDeps) {
    this.contacts = d.contacts ?? new Contacts();
  }

  current(uid: string): Envelope | undefined {
    return this.d.state.get(uid);
  }

  creatorOf(uid: string): string | undefined {
    return this.creators.get(uid) ?? this.d.state.get(uid)?.event.origin.identityId;
  }

  present(c: Contact): boolean {
    return c.stale > this.d.now() || this.d.sessions.byUids([c.uid]).size > 0;
  }

  onRefused(l: RefusalListener): void {
    this.listeners.push(l);
  }

  /** Rules 1 and 2 (and the callsign of a self-report), before the ingress policy labels the event. */
  before(s: Session, kind: Kind, e: Event): Before {
    const who = s.identity;
    const uids = writtenUids(kind, e);
    for (const uid of uids) {
      const r = checkWrite(this, who, uid);
      if (r) return { refusal: r };
    }
    // Deletes carry no content: only updates inherit a label and are held to it. An authenticated self-report
    // binds its uid (it passed rule 2 above): the reporter owns it from now on, with its own label; unless the uid
    // is another identity's entity (a marker, or another client's contact), which a self-report updates like any
    // other writer, held to rule 3 and without taking it.
    if (kind === 'delete' || uids.length === 0) return {};
    if (isSelfReport(e) && this.mayBind(s, e.uid)) return {};
    const current = this.current(e.uid);
    const inherit = inheritedLabel(this, current, who);
    return current ? (inherit ? { current, inherit } : { current }) : {};
  }

  /**
   * May `s`'s self-report bind `uid`: an authenticated session, and the uid new, its own, or the self-report of an
   * unauthenticated client (an authenticated one may take that over, never the reverse).
   */
  mayBind(s: Session, uid: string): boolean {
    if (!isAuthenticated(s.info)) return false;
    const cur = this.current(uid);
    if (!cur || owns(this, uid, s.identity)) return true;
    const c = this.contacts.get(uid);
    return c !== undefined && !c.bound && c.identityId === cur.event.origin.identityId;
  }

  /** Rule 3, once the event is labelled. */
  after(s: Session, current: Envelope | undefined, label: Label): Refusal | undefined {
    return checkLabel(this, current, s.identity, label);
  }

  /** An accepted update of `uid` that was not in the picture, or a binding self-report: its writer owns it. */
  created(uid: string, s: Session): void {
    this.creators.set(uid, s.identity.id);
  }

  /**
   * A self-report was accepted: record the contact; a new binding takes the uid and callsign from other identities'
   * sessions. Returns the callsign the session may now be addressed by: not one another identity's present, bound
   * contact holds (the report itself is accepted, as ATAK shows two contacts of one callsign; directed messages by
   * that callsign keep going to the bound identity only, and the attempt is counted and audited).
   */
  learn(s: Session, e: Event, groups: readonly string[], bound: boolean): string | undefined {
    const prev = this.contacts.get(e.uid);
    let callsign = e.detail.contact?.callsign;
    const taken = callsign === undefined ? undefined : checkCallsign(this, s.identity, e);
    if (taken) {
      this.d.count(taken.code);
      this.refused(s, taken, e.uid, false);
      callsign = undefined;
    }
    const c = this.contacts.note({
      uid: e.uid,
      identityId: s.identity.id,
      bound,
      ...(callsign !== undefined ? { callsign } : {}),
      label: e.label,
      groups,
      seen: this.d.now(),
      stale: e.stale,
    });
    if (!c.bound || (prev?.bound && prev.callsign === c.callsign)) return callsign;
    this.takeFromOthers(c);
    return callsign;
  }

  /**
   * A binding made elsewhere (another cluster node, which claimed it first cluster-wide): hold it here too, and take
   * its uid and callsign from other identities' sessions of this hub, as a binding made here does.
   */
  boundElsewhere(c: Contact): void {
    if (!this.contacts.apply) return;
    this.contacts.apply({ op: 'put', contact: { ...c, bound: true } });
    this.takeFromOthers(c);
  }

  private takeFromOthers(c: Contact): void {
    for (const other of this.d.sessions.byUids([c.uid]))
      if (other.identity.id !== c.identityId) this.d.sessions.releaseUid(other, c.uid);
    if (c.callsign === undefined) return;
    for (const other of this.d.sessions.all())
      if (other.callsign === c.callsign && other.identity.id !== c.identityId) other.callsign = undefined;
  }

  /** Tell the listeners (audit) and a TAK client, at most once per refused event uid and code in a while. */
  refused(s: Session, r: Refusal, eventUid: string, answer = true): void {
    for (const l of this.listeners) l(s, r);
    const build = this.d.refusal;
    if (!answer || !build || s.info.ingestOnly || pathOf(s) !== 'stream') return;
    const now = this.d.now();
    let seen = this.answered.get(s);
    if (!seen) this.answered.set(s, (seen = new Map()));
    const key = `${r.code}\u0000${eventUid}`;
    if ((seen.get(key) ?? -Infinity) + ANSWER_EVERY_MS > now) return;
    if (seen.size >= ANSWERS_TRACKED) seen.clear();
    seen.set(key, now);
    this.d.reply(s, build(r.uid, r.code, r.reason, now));
  }

  /** Forget contacts past their TTL and the creators of entities no longer in the picture (once a minute). */
  sweep(now: number): void {
    if (now - this.swept < 60_000) return;
    this.swept = now;
    this.contacts.sweep?.(now);
    for (const uid of this.creators.keys()) if (!this.d.state.get(uid)) this.creators.delete(uid);
  }
  private swept = 0;
}
