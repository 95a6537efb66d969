/**
 * The hub's indexes of open sessions: by group (broadcast), by uid and callsign (marti dest, chat), and the cap on
 * parallel sessions per client identity (a device reconnecting 200 times in parallel keeps at most N sessions).
 */
import type { Dest } from '../model/event.js';
import type { Session } from './session.js';

/**
 * The sessions of one group, also indexed by ATAK team: team-scoped routing visits only the sender's team and the
 * sessions with no team yet, not the whole group (S3: 10,000 clients in 100 teams).
 */
export class GroupMembers {
  readonly all = new Set<Session>();
  readonly noTeam = new Set<Session>();
  readonly byTeam = new Map<string, Set<Session>>();

  add(s: Session): void {
    this.all.add(s);
    this.teamSet(s.team, true)!.add(s);
  }

  delete(s: Session, team = s.team): void {
    this.all.delete(s);
    const set = this.teamSet(team, false);
    if (set?.delete(s) && set.size === 0 && team !== undefined) this.byTeam.delete(team);
  }

  teamSet(team: string | undefined, create: boolean): Set<Session> | undefined {
    if (team === undefined) return this.noTeam;
    let set = this.byTeam.get(team);
    if (!set && create) this.byTeam.set(team, (set = new Set()));
    return set;
  }
}

export class Sessions {
  private readonly all_ = new Set<Session>();
  private readonly groups = new Map<string, GroupMembers>();
  private readonly uids = new Map<string, Set<Session>>();
  private readonly perIdentity: number;

  constructor(perIdentity: number) {
    this.perIdentity = perIdentity;
  }

  get size(): number {
    return this.all_.size;
  }

  /** Connected clients (not counting ingest-only sources such as UDP and gateways). */
  clients(): number {
    let n = 0;
    for (const s of this.all_) if (!s.info.ingestOnly) n++;
    return n;
  }

  all(): Iterable<Session> {
    return this.all_;
  }

  add(s: Session): void {
    this.all_.add(s);
    if (s.info.ingestOnly) return;
    for (const g of s.identity.groups) {
      let set = this.groups.get(g);
      if (!set) this.groups.set(g, (set = new GroupMembers()));
      set.add(s);
    }
  }

  /** A client announced its ATAK team (its own __group): move it in the team index. */
  setTeam(s: Session, team: string | undefined): void {
    if (team === s.team) return;
    if (s.closed || s.info.ingestOnly) {
      s.team = team;
      return;
    }
    for (const g of s.identity.groups) this.groups.get(g)?.delete(s);
    s.team = team;
    for (const g of s.identity.groups) this.groups.get(g)?.add(s);
  }

  remove(s: Session): void {
    this.all_.delete(s);
    for (const g of s.identity.groups) {
      const set = this.groups.get(g);
      if (!set) continue;
      set.delete(s);
      if (set.all.size === 0) this.groups.delete(g);
    }
    for (const uid of s.uids) {
      const set = this.uids.get(uid);
      if (set?.delete(s) && set.size === 0) this.uids.delete(uid);
    }
  }

  inGroup(group: string): GroupMembers | undefined {
    return this.groups.get(group);
  }

  /**
   * Record that `s` reports as `uid`. Returns the sessions to close: for certificate identities the cap counts
   * sessions of the same identity, otherwise sessions claiming the same uid; the oldest go first.
   */
  claimUid(s: Session, uid: string): Session[] {
    let set = this.uids.get(uid);
    if (!set) this.uids.set(uid, (set = new Set()));
    set.add(s);
    const peers = s.identity.certSerial !== undefined ? this.sameIdentity(s) : [...set];
    if (peers.length <= this.perIdentity) return [];
    peers.sort((a, b) => a.openedAt - b.openedAt || idNum(a) - idNum(b));
    return peers.slice(0, peers.length - this.perIdentity).filter((p) => p !== s);
  }

  /** `s` no longer reports as `uid` (another identity bound it, owners.ts): messages to the uid stop reaching it. */
  releaseUid(s: Session, uid: string): void {
    s.uids.delete(uid);
    const set = this.uids.get(uid);
    if (set?.delete(s) && set.size === 0) this.uids.delete(uid);
  }

  private sameIdentity(s: Session): Session[] {
    const out: Session[] = [];
    for (const p of this.all_) if (!p.info.ingestOnly && p.identity.id === s.identity.id) out.push(p);
    return out;
  }

  /** Sessions addressed by marti dest entries (callsign, uid or server-side group), each once. */
  addressed(dests: readonly Dest[]): Set<Session> {
    const out = new Set<Session>();
    for (const d of dests) {
      if (d.uid) for (const s of this.uids.get(d.uid) ?? []) out.add(s);
      if (d.group) for (const s of this.groups.get(d.group)?.all ?? []) out.add(s);
      if (d.callsign)
        for (const s of this.all_) if (s.callsign === d.callsign && !s.info.ingestOnly) out.add(s);
    }
    return out;
  }

  byUids(uids: readonly string[]): Set<Session> {
    const out = new Set<Session>();
    for (const u of uids) for (const s of this.uids.get(u) ?? []) out.add(s);
    return out;
  }

  /** [total queued, deepest queue] for metrics. */
  queueStats(): [number, number] {
    let total = 0;
    let max = 0;
    for (const s of this.all_) {
      const n = s.queue.size;
      total += n;
      if (n > max) max = n;
    }
    return [total, max];
  }
}

function idNum(s: Session): number {
  return Number(s.id.slice(1));
}
