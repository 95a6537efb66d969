/**
 * Cluster-wide uid binding. One hub binds a contact uid (and its callsign while present) to the first authenticated
 * identity that reports it as itself (src/hub/contacts.ts); in a cluster a client on another node could otherwise
 * take the uid there. Each node claims the bindings its own clients make in a JetStream KV bucket
 * (`bw_<name>_bindings`, one key per uid):
 *
 * - **Claim.** `create` stores the key only if it does not exist, atomically on the NATS servers: of two nodes
 *   that bind one uid to different identities at the same moment, exactly one wins. The loser holds the winner's
 *   binding from then on (its own client's later reports of the uid are refused, `BW_UID_BOUND`). The same
 *   identity on several nodes updates the key with the revision it read (a changed callsign).
 * - **Hold.** Every node watches the bucket and holds every other node's binding in its contacts table, so the
 *   ownership checks (src/hub/ownership.ts) refuse another identity's writes of the uid on every node, and
 *   directed messages to it go to the bound identity only.
 * - **Expiry.** A binding lives as long as a contact does (24 h since its last report, the bucket's TTL); a node
 *   re-writes a binding it holds at most once an hour while its client keeps reporting.
 * - **Degraded.** Bindings made while NATS is unreachable are held locally and claimed once it is back; a claim
 *   that then loses (another node bound the uid meanwhile) hands the uid to the winner.
 */
import type { Logger } from 'pino';
import { StorageType, type JetStreamClient } from '@nats-io/jetstream';
import { Kvm, type KV, type KvEntry, type KvWatchEntry } from '@nats-io/kv';
import type { Contact, ContactChange } from '../hub/contacts.js';
import { CONTACT_TTL_MS } from '../hub/contacts.js';
import type { Label } from '../model/label.js';
import { uidKey } from './subjects.js';

/** A binding held longer than this is written again while its contact keeps reporting (the bucket's TTL is 24 h). */
const REFRESH_MS = 3_600_000;
/** A claim that got no answer is tried again after this. */
const RETRY_MS = 2000;

/** What a bucket entry holds: the identity, the callsign and what the contact's presence is gated with. */
interface Held {
  uid: string;
  /** Identity id. */
  i: string;
  c?: string;
  l: Label;
  g: readonly string[];
  /** Stale time of the report that made or refreshed it (ms). */
  s: number;
  /** Node that wrote it. */
  n: string;
}

export interface BindingsDeps {
  node: string;
  bucket: string;
  replicas: number;
  log: Logger;
  now(): number;
  /** The hub's contacts table, for a binding's current holder here. */
  get(uid: string): Contact | undefined;
  /** Hold a binding another node made (src/hub/owners.ts boundElsewhere). */
  hold(c: Contact): void;
  /** A claim lost to another identity's binding (counted). */
  lost(uid: string): void;
}

export class Bindings {
  private kv: KV | undefined;
  private watcher: { stop(): void } | undefined;
  /** uid -> when this node last wrote its binding, and with which identity and callsign. */
  private readonly written = new Map<string, { at: number; i: string; c: string | undefined }>();
  /** Bindings made while the bucket was not open: claimed once it is. */
  private readonly pending = new Map<string, Contact>();
  private retry: ReturnType<typeof setTimeout> | undefined;
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  constructor(private readonly d: BindingsDeps) {}

  /** Open (or create) the bucket and watch it; again after each reconnection (the old watch is stopped). */
  async open(js: JetStreamClient): Promise<void> {
    this.close();
    const kv = await new Kvm(js).create(this.d.bucket, {
      history: 1,
      replicas: this.d.replicas,
      storage: StorageType.File,
      ttl: CONTACT_TTL_MS,
    });
    const iter = await kv.watch();
    this.watcher = iter;
    void (async () => {
      for await (const e of iter) this.seen(e);
    })().catch((err: Error) => this.d.log.warn({ err: err.message }, 'cluster: bindings watch ended'));
    this.kv = kv;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const c of waiting) void this.claim(c);
  }

  close(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    this.watcher?.stop();
    this.watcher = undefined;
    this.kv = undefined;
  }

  /** A change of this hub's contacts table (its own clients' reports): claim new and changed bindings. */
  changed(change: ContactChange): void {
    if (change.op !== 'put' || !change.contact.bound) return;
    const c = change.contact;
    const w = this.written.get(c.uid);
    if (w && w.i === c.identityId && w.c === c.callsign && this.d.now() - w.at < REFRESH_MS) return;
    if (!this.kv) {
      this.pending.set(c.uid, c);
      return;
    }
    // Marked before the answer: one claim per uid at a time, not one per report while it is on its way.
    this.written.set(c.uid, { at: this.d.now(), i: c.identityId, c: c.callsign });
    void this.claim(c);
  }

  private async claim(c: Contact): Promise<void> {
    const kv = this.kv;
    if (!kv) {
      this.pending.set(c.uid, c);
      return;
    }
    const key = uidKey(c.uid);
    const value = this.encoder.encode(JSON.stringify(this.held(c)));
    try {
      try {
        await kv.create(key, value);
        return;
      } catch {
        // The key exists (or a transient error: the entry read below tells).
      }
      const e = await kv.get(key);
      if (!e || e.operation !== 'PUT') {
        await kv.create(key, value);
        return;
      }
      const other = this.read(e);
      if (!other || other.i === c.identityId) {
        await kv.update(key, value, e.revision);
        return;
      }
      // Another identity bound the uid first, on some node: it holds here too.
      this.written.delete(c.uid);
      this.d.lost(c.uid);
      this.d.log.warn(
        { uid: c.uid, identity: c.identityId, holder: other.i, node: other.n },
        'cluster: uid already bound to another identity on the cluster (BW_UID_BOUND)',
      );
      this.apply(other);
    } catch (err) {
      // NATS went away mid-claim, or did not answer in time: claimed again shortly, or when the bucket is open again.
      this.written.delete(c.uid);
      this.pending.set(c.uid, c);
      this.d.log.debug({ uid: c.uid, err: (err as Error).message }, 'cluster: binding claim deferred');
      this.retryLater();
    }
  }

  private retryLater(): void {
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.kv) return;
      const waiting = [...this.pending.values()];
      this.pending.clear();
      for (const c of waiting) void this.claim(c);
    }, RETRY_MS);
    this.retry.unref?.();
  }

  /** A bucket entry (initial values, then updates): hold another node's binding. */
  private seen(e: KvWatchEntry): void {
    if (e.operation !== 'PUT') return;
    const h = this.read(e);
    if (!h || h.n === this.d.node) return;
    const mine = this.d.get(h.uid);
    if (mine?.bound && mine.identityId === h.i && mine.callsign === h.c) return;
    this.apply(h);
  }

  private apply(h: Held): void {
    this.d.hold({
      uid: h.uid,
      identityId: h.i,
      bound: true,
      ...(h.c !== undefined ? { callsign: h.c } : {}),
      label: h.l,
      groups: h.g,
      seen: this.d.now(),
      stale: h.s,
    });
  }

  private held(c: Contact): Held {
    return {
      uid: c.uid,
      i: c.identityId,
      ...(c.callsign !== undefined ? { c: c.callsign } : {}),
      l: c.label,
      g: c.groups,
      s: c.stale,
      n: this.d.node,
    };
  }

  private read(e: KvEntry | KvWatchEntry): Held | undefined {
    try {
      const h = JSON.parse(this.decoder.decode(e.value)) as Held;
      return typeof h.uid === 'string' && typeof h.i === 'string' && typeof h.n === 'string' ? h : undefined;
    } catch {
      this.d.log.warn({ key: e.key }, 'cluster: unreadable binding skipped');
      return undefined;
    }
  }
}
