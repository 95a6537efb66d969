/**
 * The page's copy of the picture: latest entity per uid, what changed since the map last drew, stale greying and
 * removal, and optional trails. The hub sends entities, then deltas; this keeps them and says what to redraw.
 */
import type { WebEntity } from '../../src/transports/web/protocol.js';

export interface Tracked {
  e: WebEntity;
  /** When this page received the latest update (for "time since update"). */
  receivedAt: number;
  stale: boolean;
  /** Recent positions, oldest first, within the trail window (and at most TRAIL_POINTS). */
  trail: [number, number][];
  /** When each trail position was received (ms), same order. */
  trailAt: number[];
}

/** Stale entities stay on the map, greyed, this long before they are removed. */
export const STALE_GRACE_MS = 60_000;
/** Trails are by time, not count (a 5 Hz drone's 30 points are 6 s hidden under its symbol); bounded anyway. */
const TRAIL_POINTS = 2000;
/** Default trail window; the header's selector changes it. */
export const TRAIL_WINDOW_MS = 5 * 60_000;
/** Hard cap on entities kept by the page: beyond it the oldest-updated are dropped (bounded memory). */
export const MAX_ENTITIES = 250_000;

export interface Changes {
  upserted: Set<string>;
  removed: Set<string>;
}

type Listener = (c: Changes) => void;

export class EntityStore {
  readonly all = new Map<string, Tracked>();
  private pending: Changes = { upserted: new Set(), removed: new Set() };
  private readonly listeners: Listener[] = [];
  /** How far back trails reach (ms). */
  trailWindowMs = TRAIL_WINDOW_MS;
  /** Receive time of the newest update, for the bench's visibility probe. */
  lastUpdateAt = 0;

  onChange(l: Listener): void {
    this.listeners.push(l);
  }

  upsert(e: WebEntity, now = Date.now()): void {
    const prev = this.all.get(e.uid);
    const trail = prev?.trail ?? [];
    const trailAt = prev?.trailAt ?? [];
    const last = trail[trail.length - 1];
    if (!last || last[0] !== e.lon || last[1] !== e.lat) {
      trail.push([e.lon, e.lat]);
      trailAt.push(now);
      let drop = 0;
      while (
        drop < trail.length - 1 &&
        (trailAt[drop]! < now - this.trailWindowMs || trail.length - drop > TRAIL_POINTS)
      )
        drop++;
      if (drop) {
        trail.splice(0, drop);
        trailAt.splice(0, drop);
      }
    }
    if (!prev && this.all.size >= MAX_ENTITIES) this.evictOldest();
    this.all.set(e.uid, { e, receivedAt: now, stale: e.stale <= now, trail, trailAt });
    this.pending.upserted.add(e.uid);
    this.pending.removed.delete(e.uid);
    this.lastUpdateAt = now;
  }

  remove(uid: string): void {
    if (!this.all.delete(uid)) return;
    this.pending.removed.add(uid);
    this.pending.upserted.delete(uid);
  }

  /**
   * The hub says these went stale or were deleted. An entity past its stale time stays greyed for the grace
   * period (the sweep removes it); one still within its validity was deleted and goes now.
   */
  expired(uids: string[], now = Date.now()): void {
    for (const uid of uids) {
      const t = this.all.get(uid);
      if (!t) continue;
      if (t.e.stale <= now) this.markStale(t);
      else this.remove(uid);
    }
  }

  /** Grey what went stale, remove what has been stale for longer than the grace period. */
  sweep(now = Date.now()): void {
    for (const [uid, t] of this.all) {
      if (t.e.stale + STALE_GRACE_MS <= now) this.remove(uid);
      else if (!t.stale && t.e.stale <= now) this.markStale(t);
    }
  }

  /** Hand the accumulated changes to listeners (the map and the panels) and start a new batch. */
  flush(): void {
    const c = this.pending;
    if (c.upserted.size === 0 && c.removed.size === 0) return;
    this.pending = { upserted: new Set(), removed: new Set() };
    for (const l of this.listeners) l(c);
  }

  private markStale(t: Tracked): void {
    t.stale = true;
    this.pending.upserted.add(t.e.uid);
  }

  private evictOldest(): void {
    let oldest: Tracked | undefined;
    for (const t of this.all.values()) if (!oldest || t.receivedAt < oldest.receivedAt) oldest = t;
    if (oldest) this.remove(oldest.e.uid);
  }
}
