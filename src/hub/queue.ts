/**
 * A client's bounded outgoing queue. Overflow policy (invariant 4, docs/hub.md):
 * - state-like events (positions, markers, shapes) carry a coalesce key (their uid): while the client lags (its
 *   socket is blocked), a newer one replaces the queued older one in place (latest wins, counted as coalesced); if
 *   the queue is full and the uid is not queued, the new update is dropped and counted (the state still has it;
 *   the next update brings it);
 * - chat, alerts, deletes and directed messages are never dropped: if one does not fit, push() returns 'overflow'
 *   and the hub disconnects the client with a logged reason.
 */
import type { Envelope } from './envelope.js';

export type PushResult = 'queued' | 'coalesced' | 'dropped' | 'overflow';

export class OutQueue {
  private items: (Envelope | undefined)[] = [];
  private byKey = new Map<string, number>();
  private live = 0;
  readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  get size(): number {
    return this.live;
  }

  /**
   * Queue `env`. With `coalesce` (the hub passes it while the client's socket is blocked) a state-like update
   * replaces the queued one for its uid; while the client keeps up every update is sent, and no per-uid index is
   * kept (the common case costs one array push).
   */
  push(env: Envelope, coalesce = true): PushResult {
    const key = coalesce ? env.coalesceKey : undefined;
    if (key !== undefined) {
      const at = this.byKey.get(key);
      if (at !== undefined) {
        this.items[at] = env;
        return 'coalesced';
      }
      if (this.live >= this.limit) return 'dropped';
      this.byKey.set(key, this.items.length);
    } else if (this.live >= this.limit) {
      return env.coalesceKey !== undefined ? 'dropped' : 'overflow';
    }
    this.items.push(env);
    this.live++;
    return 'queued';
  }

  /** Take everything queued, in order. */
  drain(): Envelope[] {
    const out = this.items as Envelope[];
    this.items = [];
    if (this.byKey.size) this.byKey = new Map();
    this.live = 0;
    return out;
  }
}
