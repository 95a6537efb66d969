/**
 * The latest-state picture: the newest envelope per uid, until it goes stale or is deleted.
 * Events older than the one held (by `time`) do not replace it (CoT: newer events with the same uid win).
 *
 * The envelopes are also indexed by ATAK team (`__group name`), so a joining client's team-scoped picture walks
 * its team and the team-less entities only. Walking the whole state for each of 10,000 joining clients (S3) cost
 * milliseconds each and held the accept queue for tens of seconds (docs/performance.md, seventh session).
 *
 * Bounded (docs/hub.md, "Picture bounds"): at most `maxEntities` in total and `maxPerOwner` per owner (the identity
 * that reported the uid first). Updates of held uids always pass; a new uid past either bound is refused
 * ({@link admits}), never an existing entity evicted, so a flood of new uids cannot push out anyone's picture.
 */
import type { Event } from '../model/event.js';
import type { Envelope } from './envelope.js';

export interface StateBounds {
  maxEntities: number;
  maxPerOwner: number;
}

export class State {
  private readonly byUid = new Map<string, Envelope>();
  /** Entities per owner (the reporting identity of the uid's first held version). */
  private readonly owners = new Map<string, number>();
  private readonly ownerOf = new Map<string, string>();

  /** Owners with a bound of their own instead of `maxPerOwner` (a federation peer: `federate:<name>`). */
  private readonly ownerBounds = new Map<string, number>();

  constructor(readonly bounds: StateBounds = { maxEntities: Infinity, maxPerOwner: Infinity }) {}

  /** Give `owner` its own bound (undefined: back to `maxPerOwner`). Held entities are never evicted by it. */
  setOwnerBound(owner: string, max: number | undefined): void {
    if (max === undefined) this.ownerBounds.delete(owner);
    else this.ownerBounds.set(owner, max);
  }

  /** Whether `env` may be stored: its uid is held already, or neither the total nor its owner's bound is reached. */
  admits(env: Envelope): 'ok' | 'total' | 'owner' {
    if (this.byUid.has(env.event.uid)) return 'ok';
    if (this.byUid.size >= this.bounds.maxEntities) return 'total';
    const key = ownerKey(env);
    const n = this.owners.get(key) ?? 0;
    return n >= (this.ownerBounds.get(key) ?? this.bounds.maxPerOwner) ? 'owner' : 'ok';
  }

  /** Entities held for `owner` (an identity id). */
  ownedBy(owner: string): number {
    return this.owners.get(owner) ?? 0;
  }
  /** Team name -> its entities; an empty team's map is removed. */
  private readonly byTeam = new Map<string, Map<string, Envelope>>();
  /** Entities that name no team: every team sees them. */
  private readonly noTeam = new Map<string, Envelope>();

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
    const uid = env.event.uid;
    this.byUid.set(uid, env);
    if (!cur) this.own(uid, ownerKey(env));
    const team = teamOf(env);
    if (cur && teamOf(cur) !== team) this.unindex(cur);
    if (team === undefined) this.noTeam.set(uid, env);
    else {
      let members = this.byTeam.get(team);
      if (!members) this.byTeam.set(team, (members = new Map()));
      members.set(uid, env);
    }
    return true;
  }

  delete(uid: string): Envelope | undefined {
    const cur = this.byUid.get(uid);
    if (cur) {
      this.byUid.delete(uid);
      this.unindex(cur);
      this.disown(uid);
    }
    return cur;
  }

  /** Remove and return every envelope whose stale time has passed. */
  expire(now: number): Envelope[] {
    const out: Envelope[] = [];
    for (const [uid, env] of this.byUid) {
      if (env.event.stale <= now) {
        this.byUid.delete(uid);
        this.unindex(env);
        this.disown(uid);
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

  /**
   * What a member of `team` may be sent under team scoping: its team's entities, then those that name no team
   * (live iterators: entities added while a picture is pumped are included). No team: every entity.
   */
  teamValues(team: string | undefined): Iterator<Envelope> {
    if (team === undefined) return this.byUid.values();
    const members = this.byTeam.get(team);
    return members ? chain(members.values(), this.noTeam.values()) : this.noTeam.values();
  }

  private own(uid: string, owner: string): void {
    this.ownerOf.set(uid, owner);
    this.owners.set(owner, (this.owners.get(owner) ?? 0) + 1);
  }

  private disown(uid: string): void {
    const owner = this.ownerOf.get(uid);
    if (owner === undefined) return;
    this.ownerOf.delete(uid);
    const n = (this.owners.get(owner) ?? 1) - 1;
    if (n > 0) this.owners.set(owner, n);
    else this.owners.delete(owner);
  }

  private unindex(env: Envelope): void {
    const uid = env.event.uid;
    const team = teamOf(env);
    if (team === undefined) {
      this.noTeam.delete(uid);
      return;
    }
    const members = this.byTeam.get(team);
    if (!members) return;
    members.delete(uid);
    if (members.size === 0) this.byTeam.delete(team);
  }
}

/** Who a held uid counts against: the identity that reported it (restored state: the store's own key). */
function ownerKey(env: Envelope): string {
  return env.event.origin.identityId ?? '';
}

function teamOf(env: Envelope): string | undefined {
  return env.event.detail.group?.name;
}

function* chain<T>(a: Iterator<T>, b: Iterator<T>): Generator<T> {
  for (let r = a.next(); !r.done; r = a.next()) yield r.value;
  for (let r = b.next(); !r.done; r = b.next()) yield r.value;
}
