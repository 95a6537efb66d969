/**
 * A client's bounded outgoing queue: the one coalescing mechanism of every delivery path (stream, websocket, and
 * any later path that delivers through a hub Session). Overflow policy (invariant 4, docs/hub.md):
 * - state-like events (positions, markers, shapes) carry a coalesce key (their uid). While the client lags, a
 *   newer update replaces the queued one for its uid in place (latest wins, counted as coalesced): the uid keeps
 *   its place in line, so every uid's newest state goes out in turn and the oldest state waiting is at most one
 *   pass over the queue old. State updates are never dropped for a full queue: they take one slot per uid, bounded
 *   by `keyLimit` (the picture's own bound); only a new uid past that is dropped and counted.
 * - chat, alerts, deletes and directed messages are never dropped or reordered: at most `limit` of them wait; one
 *   more and push() says 'overflow' (the hub disconnects the client with a logged reason). A newer state update is
 *   never moved in front of such a message that concerns its uid (a delete of it): it then queues behind it.
 *
 * The per-uid index is built only once the client lags (the hub says so: its socket is blocked) or the queue
 * reaches `limit`; while the client keeps up a push is one array push. The queue holds the bytes the client will
 * get (the envelope's shared encoding in the client's wire format), not the envelope: an event waiting for a flush
 * keeps only its bytes alive, which keeps the young-generation GC cheap (S2).
 */
export type PushResult = 'queued' | 'coalesced' | 'dropped' | 'overflow';

export class OutQueue {
  /** Queued bytes from `head` on; `undefined` marks a state update superseded by a later one for its key. */
  private items: (Uint8Array | undefined)[] = [];
  private keys: (string | undefined)[] = [];
  private head = 0;
  /** Absolute position of items[0]: positions in `byKey` and `touching` do not move when the front is dropped. */
  private base = 0;
  private live = 0;
  private undroppable = 0;
  /** Key -> absolute position of its queued update (only while lagging). */
  private byKey: Map<string, number> | undefined;
  /** Undroppable messages that concern state keys (a delete names its uids), by absolute position. */
  private touching = new Map<number, readonly string[]>();
  readonly limit: number;
  readonly keyLimit: number;

  constructor(limit: number, keyLimit = Math.max(limit * 16, 65_536)) {
    this.limit = limit;
    this.keyLimit = keyLimit;
  }

  /** Messages queued. */
  get size(): number {
    return this.live;
  }

  /** Undroppable messages queued (chat, alerts, deletes, directed). */
  get pendingUndroppable(): number {
    return this.undroppable;
  }

  /**
   * Queue `bytes`. `key`: a state update's coalesce key (undefined: never dropped). `coalesce`: the client lags
   * (the hub passes it while the client's socket is blocked): replace a queued update for the same key.
   * `touches`: for an undroppable message, the keys it must stay after (a delete's uids): an update for one of them
   * queued before it is not replaced by a later one, which queues behind the message instead.
   */
  push(bytes: Uint8Array, key: string | undefined, coalesce = true, touches?: readonly string[]): PushResult {
    if (key === undefined) {
      if (this.undroppable >= this.limit) return 'overflow';
      const at = this.append(bytes, undefined);
      this.undroppable++;
      if (touches?.length) {
        this.touching.set(at, touches);
        if (this.byKey) for (const k of touches) this.byKey.delete(k);
      }
      return 'queued';
    }
    if (!this.byKey && (coalesce || this.live >= this.limit)) this.index();
    if (!this.byKey) {
      this.append(bytes, key);
      return 'queued';
    }
    const at = this.byKey.get(key);
    if (at !== undefined) {
      this.items[at - this.base] = bytes;
      return 'coalesced';
    }
    if (this.live - this.undroppable >= this.keyLimit) return 'dropped';
    this.byKey.set(key, this.append(bytes, key));
    return 'queued';
  }

  /** Replace each queued chunk by `f(chunk)` (the hub gives long-queued bytes memory of their own, see slabs.ts). */
  settle(f: (bytes: Uint8Array) => Uint8Array): void {
    for (let i = this.head; i < this.items.length; i++) {
      const b = this.items[i];
      if (b) this.items[i] = f(b);
    }
  }

  /**
   * Take queued chunks from the front, in order, up to `maxBytes` in total (at least one). What stays keeps its
   * place and its coalescing keys.
   */
  drainUpTo(maxBytes: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    let bytes = 0;
    while (this.head < this.items.length) {
      const b = this.items[this.head];
      if (b) {
        if (out.length > 0 && bytes + b.length > maxBytes) break;
        bytes += b.length;
        out.push(b);
        this.take(this.head);
      }
      this.head++;
    }
    this.compact();
    return out;
  }

  /** Take everything queued, in order. */
  drain(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const b = this.items[i];
      if (b) out.push(b);
    }
    this.reset();
    return out;
  }

  private append(bytes: Uint8Array, key: string | undefined): number {
    this.items.push(bytes);
    this.keys.push(key);
    this.live++;
    return this.base + this.items.length - 1;
  }

  /** Drop a superseded update at absolute position `at`. */
  private hole(at: number): void {
    this.items[at - this.base] = undefined;
    this.keys[at - this.base] = undefined;
    this.live--;
  }

  /** The item at array index `i` leaves the queue (written). */
  private take(i: number): void {
    const key = this.keys[i];
    if (key === undefined) {
      this.undroppable--;
      if (this.touching.size) this.touching.delete(this.base + i);
    } else if (this.byKey?.get(key) === this.base + i) this.byKey.delete(key);
    this.items[i] = undefined;
    this.keys[i] = undefined;
    this.live--;
  }

  /**
   * Start coalescing: index the queued updates by key. Of two queued for one key the older goes, unless a message
   * that touches the key lies between them.
   */
  private index(): void {
    const byKey = new Map<string, number>();
    for (let i = this.head; i < this.items.length; i++) {
      if (!this.items[i]) continue;
      const key = this.keys[i];
      const at = this.base + i;
      if (key === undefined) {
        for (const k of this.touching.get(at) ?? []) byKey.delete(k);
        continue;
      }
      const prev = byKey.get(key);
      if (prev !== undefined) this.hole(prev);
      byKey.set(key, at);
    }
    this.byKey = byKey;
  }

  private compact(): void {
    if (this.live === 0) return this.reset();
    if (this.head < 1024 || this.head < this.items.length >> 1) return;
    this.items = this.items.slice(this.head);
    this.keys = this.keys.slice(this.head);
    this.base += this.head;
    this.head = 0;
  }

  /** Empty: forget the index too (the client caught up). */
  private reset(): void {
    this.base += this.items.length;
    this.items = [];
    this.keys = [];
    this.head = 0;
    this.live = 0;
    this.undroppable = 0;
    this.byKey = undefined;
    if (this.touching.size) this.touching.clear();
  }
}
