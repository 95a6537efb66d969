/**
 * The hub's contacts table: every uid a client reported as itself (its position report with a contact endpoint or
 * client software), with who reported it, its callsign and the label and groups of its last report.
 *
 * - **Binding.** The first authenticated identity (client certificate, web sign-in) to report a uid binds it: from
 *   then on only that identity may write, delete or claim the uid, and directed messages to it (marti dest, chat)
 *   go to that identity's sessions only. The callsign of a bound contact is held the same way while the contact is
 *   present. A plain (unauthenticated) report records the contact but binds nothing.
 * - **Last label.** Presence is data: /Marti/api/clientEndPoints gates each contact with the label of its last
 *   report, which is kept here after the report itself went stale or was deleted (never the default label).
 *
 * Plain data behind a small interface ({@link ContactTable}), changes announced to listeners: a cluster replicates
 * it by applying the changes of its peers (`apply`) and publishing its own (`onChange`).
 * Bounded: at most `max` contacts; a contact not reported for `ttlMs` is forgotten. When full, the unbound contact
 * reported longest ago goes first; a binding is never evicted before its TTL, so a flood of plain self-reports
 * cannot free a bound uid for the taking. Full of bindings, a new contact is not held (its report still passes).
 */
import type { Label } from '../model/label.js';

export interface Contact {
  uid: string;
  /** Identity id of the reporter (the bound identity when `bound`). */
  identityId: string;
  /** Reported over an authenticated session: the uid (and its callsign while present) belongs to identityId. */
  bound: boolean;
  callsign?: string;
  /** Label and groups of the last report: the contact's presence is gated with them. */
  label: Label;
  groups: readonly string[];
  /** Time of the last report (ms). */
  seen: number;
  /** Stale time of the last report (ms): the contact is present until then. */
  stale: number;
}

/** A change to the table, as a cluster would carry it. */
export type ContactChange = { op: 'put'; contact: Contact } | { op: 'forget'; uid: string };

/** What the hub needs of a contacts table (the local one below, or a cluster-wide one). */
export interface ContactTable {
  get(uid: string): Contact | undefined;
  /** The bound contact whose callsign this is, if any. */
  byCallsign(callsign: string): Contact | undefined;
  /** Record a report; returns the contact as now held (the existing binding is never replaced). */
  note(c: Contact): Contact;
  /** Apply a peer's change (a cluster node's binding); listeners are not told. */
  apply?(change: ContactChange): void;
  onChange(listener: (c: ContactChange) => void): void;
}

export const CONTACT_TTL_MS = 24 * 3_600_000;
export const CONTACTS_MAX = 100_000;

export class Contacts implements ContactTable {
  /** In order of last report (re-inserted on each report): the first entry is the one reported longest ago. */
  private readonly byUid = new Map<string, Contact>();
  /** The unbound uids, in order of last report: eviction takes the first. */
  private readonly unbound = new Set<string>();
  /** callsign -> uid of the bound contact holding it. */
  private readonly callsigns = new Map<string, string>();
  private readonly listeners: ((c: ContactChange) => void)[] = [];

  constructor(
    private readonly max = CONTACTS_MAX,
    private readonly ttlMs = CONTACT_TTL_MS,
  ) {}

  get size(): number {
    return this.byUid.size;
  }

  get(uid: string): Contact | undefined {
    return this.byUid.get(uid);
  }

  byCallsign(callsign: string): Contact | undefined {
    const uid = this.callsigns.get(callsign);
    return uid === undefined ? undefined : this.byUid.get(uid);
  }

  note(c: Contact): Contact {
    const prev = this.byUid.get(c.uid);
    // A binding is never replaced by another identity's report (ownership.ts refuses those before they get here).
    if (prev?.bound && prev.identityId !== c.identityId) return prev;
    const next: Contact = prev?.bound ? { ...c, bound: true } : c;
    if (prev) this.drop(c.uid);
    else if (this.byUid.size >= this.max) {
      const oldest = this.unbound.values().next();
      if (oldest.done) return { ...c, bound: false };
      this.forget(oldest.value);
    }
    this.put(next);
    // The check before (ownership.ts) refused a callsign another identity holds while present: take it over.
    if (next.bound && next.callsign !== undefined) this.callsigns.set(next.callsign, c.uid);
    for (const l of this.listeners) l({ op: 'put', contact: next });
    return next;
  }

  /** Apply a peer's change (cluster). */
  apply(change: ContactChange): void {
    if (change.op === 'forget') this.drop(change.uid);
    else {
      this.drop(change.contact.uid);
      this.put(change.contact);
      const cs = change.contact.callsign;
      if (change.contact.bound && cs !== undefined) this.callsigns.set(cs, change.contact.uid);
    }
  }

  onChange(listener: (c: ContactChange) => void): void {
    this.listeners.push(listener);
  }

  /** Forget contacts not reported for the TTL (called by the hub's expiry timer). */
  sweep(now: number): void {
    for (const [uid, c] of this.byUid) {
      if (now - c.seen < this.ttlMs) break; // in order of last report: the rest are newer
      this.forget(uid);
    }
  }

  private forget(uid: string): void {
    if (!this.drop(uid)) return;
    for (const l of this.listeners) l({ op: 'forget', uid });
  }

  private put(c: Contact): void {
    this.byUid.set(c.uid, c);
    if (!c.bound) this.unbound.add(c.uid);
  }

  private drop(uid: string): boolean {
    const c = this.byUid.get(uid);
    if (!c) return false;
    this.byUid.delete(uid);
    this.unbound.delete(uid);
    if (c.callsign !== undefined && this.callsigns.get(c.callsign) === uid) this.callsigns.delete(c.callsign);
    return true;
  }
}
