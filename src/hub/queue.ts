/**
 * A client's bounded outgoing queue. Overflow policy (invariant 4, docs/hub.md):
 * - state-like events (positions, markers, shapes) carry a coalesce key (their uid): while the client lags (its
 *   socket is blocked), a newer one replaces the queued older one in place (latest wins, counted as coalesced); if
 *   the queue is full and the uid is not queued, the new update is dropped and counted (the state still has it;
 *   the next update brings it);
 * - chat, alerts, deletes and directed messages are never dropped: if one does not fit, push() returns 'overflow'
 *   and the hub disconnects the client with a logged reason.
 *
 * The queue holds the bytes the client will get (the envelope's shared encoding in the client's wire format), not
 * the envelope: an event waiting for a flush then keeps only its bytes alive, not its decoded Event, which keeps
 * the young-generation GC cheap when thousands of events arrive in one event-loop turn (S2).
 */
export type PushResult = 'queued' | 'coalesced' | 'dropped' | 'overflow';

export class OutQueue {
  private items: Uint8Array[] = [];
  private byKey = new Map<string, number>();
  readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  get size(): number {
    return this.items.length;
  }

  /**
   * Queue `bytes`. With `coalesce` (the hub passes it while the client's socket is blocked) a state-like update
   * (one with a `key`) replaces the queued one for its key; while the client keeps up every update is sent, and no
   * per-key index is kept (the common case costs one array push).
   */
  push(bytes: Uint8Array, key: string | undefined, coalesce = true): PushResult {
    if (coalesce && key !== undefined) {
      const at = this.byKey.get(key);
      if (at !== undefined) {
        this.items[at] = bytes;
        return 'coalesced';
      }
      if (this.items.length >= this.limit) return 'dropped';
      this.byKey.set(key, this.items.length);
    } else if (this.items.length >= this.limit) {
      return key !== undefined ? 'dropped' : 'overflow';
    }
    this.items.push(bytes);
    return 'queued';
  }

  /** Replace each queued chunk by `f(chunk)` (the hub gives long-queued bytes memory of their own, see slabs.ts). */
  settle(f: (bytes: Uint8Array) => Uint8Array): void {
    for (let i = 0; i < this.items.length; i++) this.items[i] = f(this.items[i]!);
  }

  /**
   * Take queued chunks from the front, in order, up to `maxBytes` in total (at least one). What stays keeps its
   * place and its coalescing keys.
   */
  drainUpTo(maxBytes: number): Uint8Array[] {
    let n = 0;
    let bytes = 0;
    while (n < this.items.length && (n === 0 || bytes + this.items[n]!.length <= maxBytes)) {
      bytes += this.items[n]!.length;
      n++;
    }
    if (n === this.items.length) return this.drain();
    const out = this.items.slice(0, n);
    this.items = this.items.slice(n);
    if (this.byKey.size) {
      const keys = new Map<string, number>();
      for (const [k, at] of this.byKey) if (at >= n) keys.set(k, at - n);
      this.byKey = keys;
    }
    return out;
  }

  /** Take everything queued, in order. */
  drain(): Uint8Array[] {
    const out = this.items;
    this.items = [];
    if (this.byKey.size) this.byKey = new Map();
    return out;
  }
}
