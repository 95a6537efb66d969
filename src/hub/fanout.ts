/**
 * Fan-out: who an accepted event goes to (marti dest, chat members, groups and teams), the egress gate for each of
 * them, and their bounded queues (coalesce, drop, or disconnect a slow consumer: queue.ts). The hub calls it; it
 * knows sessions, never sockets.
 */
import type { Logger } from 'pino';
import type { Identity } from '../model/identity.js';
import type { Metrics } from '../ops/metrics.js';
import type { CloseReason } from './close.js';
import type { Envelope } from './envelope.js';
import type { DeliveryPath, Gate } from './gate.js';
import { chatMembers, orderedAfter, pathOf } from './routing.js';
import type { Session } from './session.js';
import type { Sessions } from './sessions.js';
import type { Writer } from './writer.js';

export interface FanOutDeps {
  gate: Gate;
  sessions: Sessions;
  writer: Writer;
  metrics: Metrics;
  log: Logger;
  teamScoped: boolean;
  close(s: Session, why: CloseReason): void;
}

export class FanOut {
  constructor(private readonly d: FanOutDeps) {}

  route(from: Session | undefined, env: Envelope): void {
    const dests = env.event.detail.dests;
    if (dests?.length) {
      for (const s of this.d.sessions.addressed(dests)) if (s !== from) this.deliver(s, env);
      return;
    }
    const members = env.event.type.startsWith('b-t-f') ? chatMembers(env.event) : undefined;
    if (members) {
      for (const s of this.d.sessions.byUids(members)) if (s !== from) this.deliver(s, env);
      return;
    }
    const team = this.d.teamScoped ? env.event.detail.group?.name : undefined;
    // Sessions whose identities look the same to the gate (same gate key: every plain-TCP client, a unit's
    // devices) get the same answer within this event: the gate runs once per run of them. A denial is re-asked for
    // each other identity, so every actor's denial reaches the audit trail.
    let lastKey: string | undefined;
    let lastId: Identity | undefined;
    let lastPath: DeliveryPath | undefined;
    let lastAllow = false;
    for (const g of env.groups ?? []) {
      const members = this.d.sessions.inGroup(g);
      if (!members) continue;
      // Team-scoped: the sender's team and the sessions with no team; otherwise the whole group. (Two variables,
      // not an array of sets: this runs per event and per group.)
      const first = team === undefined ? members.all : members.teamSet(team, false);
      const second = team === undefined ? undefined : members.noTeam;
      for (let k = 0; k < 2; k++) {
        const set = k === 0 ? first : second;
        if (!set) continue;
        for (const s of set) {
          if (s === from || s.lastSeq === env.seq || s.info.ingestOnly) continue;
          s.lastSeq = env.seq;
          const path = pathOf(s);
          const key = s.gateKey;
          if (key !== lastKey || path !== lastPath || (!lastAllow && s.identity !== lastId)) {
            lastKey = key;
            lastId = s.identity;
            lastPath = path;
            lastAllow = this.allowed(s, env, path);
          }
          if (lastAllow) this.enqueue(s, env);
        }
      }
    }
  }

  /** The egress gate for one delivery, counting label denials. */
  private allowed(s: Session, env: Envelope, path: DeliveryPath): boolean {
    const d = this.d.gate.egress(env, s.identity, path, env.event.uid);
    if (!d.allow && d.reason !== 'group') this.d.metrics.egressDenied.inc({ rule: d.reason, path });
    return d.allow;
  }

  deliver(s: Session, env: Envelope, path: DeliveryPath = pathOf(s)): void {
    if (s.closed || s.info.ingestOnly) return;
    if (this.allowed(s, env, path)) this.enqueue(s, env);
  }

  /** Queue an envelope the gate allowed (callers: deliver, and route's gate-key cache). */
  enqueue(s: Session, env: Envelope): void {
    if (s.closed) return;
    const bytes = env.bytes(s.format);
    const key = env.coalesceKey;
    // Full within one tick but the socket takes bytes: write now rather than coalesce, drop or disconnect.
    if (!s.blocked && s.queue.size >= s.queue.limit) this.d.writer.write(s);
    switch (s.queue.push(bytes, key, s.blocked, key === undefined ? orderedAfter(env.event) : undefined)) {
      case 'queued':
        break;
      case 'coalesced':
        this.d.metrics.coalesced.inc();
        break;
      case 'dropped':
        this.d.metrics.drops.inc({ reason: 'queue_full' });
        return;
      case 'overflow':
        this.d.log.warn(
          {
            session: s.id,
            remote: s.info.remote,
            queued: s.queue.size,
            undroppable: s.queue.pendingUndroppable,
          },
          'slow consumer disconnected',
        );
        this.d.metrics.drops.inc({ reason: 'slow_consumer' });
        this.d.close(s, 'BW_SLOW_CONSUMER');
        return;
    }
    if (!s.blocked) this.markDirty(s);
  }

  markDirty(s: Session): void {
    this.d.writer.mark(s);
  }

  notifyExpired(gone: Envelope[]): void {
    for (const s of this.d.sessions.all()) {
      if (!s.sink.expired || s.closed) continue;
      const uids: string[] = [];
      const path = pathOf(s);
      for (const env of gone)
        if (this.d.gate.egress(env, s.identity, path, env.event.uid).allow) uids.push(env.event.uid);
      if (uids.length) s.sink.expired(uids);
    }
  }
}
