/**
 * The latest-state picture: the newest envelope per uid, until it goes stale or is deleted.
 * Events older than the one held (by `time`) do not replace it (CoT: newer events with the same uid win).
 */
import type { Event } from '../model/event.js';
import type { Envelope } from './envelope.js';

export class State {
  private readonly byUid = new Map<string, Envelope>();

  get size(): number {
    return this.byUid.size;
  }

  get(uid: string): Envelope | undefined {
    return this.byUid.get(uid);
  }

  /** Store `env` unless a newer event for the uid is held. Returns whether it was stored. */
  put(env: Envelope): boolean {
    const cur = this.byUid.get(env.event.uid);
    if (cur && cur.event.time > env.event.time) return false;
    this.byUid.set(env.event.uid, env);
    return true;
  }

  delete(uid: string): Envelope | undefined {
    const cur = this.byUid.get(uid);
    if (cur) this.byUid.delete(uid);
    return cur;
  }

  /** Remove and return every envelope whose stale time has passed. */
  expire(now: number): Envelope[] {
    const out: Envelope[] = [];
    for (const [uid, env] of this.byUid) {
      if (env.event.stale <= now) {
        this.byUid.delete(uid);
        out.push(env);
      }
    }
    return out;
  }

  /** The non-stale events for which `keep` holds. */
  visible(now: number, keep: (env: Envelope) => boolean): Event[] {
    const out = [];
    for (const env of this.byUid.values()) if (env.event.stale > now && keep(env)) out.push(env.event);
    return out;
  }

  values(): IterableIterator<Envelope> {
    return this.byUid.values();
  }
}
