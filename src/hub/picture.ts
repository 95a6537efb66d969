/**
 * A new client's picture: the current state it may see, sent before live traffic. It is pumped from a live
 * iterator over the state, half a queue at a time, as the client's socket takes it, so a late joiner gets all of a
 * large picture without a burst that would overflow its queue.
 *
 * With team-scoped routing the picture waits for the client's own report (ATAK sends one as it connects), so it
 * holds only the entities its team sees instead of the whole group's (S3: 10,000 clients connecting would
 * otherwise each be sent thousands of other teams' entities); without a report within `waitMs` it is sent unscoped.
 */
import type { Envelope } from './envelope.js';
import type { Session } from './session.js';
import type { State } from './state.js';

export interface PictureDeps {
  state: State;
  /** Deliver through the egress gate (the hub's own deliver). */
  deliver(s: Session, env: Envelope): void;
  queueLimit: number;
  teamScoped: boolean;
  waitMs: number;
  now(): number;
}

export class Pictures {
  constructor(private readonly d: PictureDeps) {}

  /** Start sending `s` its picture (team-scoped and team unknown: once it reports, or after waitMs). */
  send(s: Session): void {
    if (s.closed || s.info.ingestOnly || s.pictureDue) return;
    // Only TAK clients on a stream announce themselves; a browser or gateway gets its picture at once.
    const announces = s.info.transport === 'tcp' || s.info.transport === 'tls';
    if (this.d.teamScoped && announces && s.team === undefined) {
      s.pictureDue = setTimeout(() => {
        s.pictureDue = undefined;
        this.start(s);
      }, this.d.waitMs);
      s.pictureDue.unref?.();
      return;
    }
    this.start(s);
  }

  /** `s` announced its team: a picture waiting for that starts now. */
  teamKnown(s: Session): void {
    if (!s.pictureDue || s.team === undefined) return;
    clearTimeout(s.pictureDue);
    s.pictureDue = undefined;
    this.start(s);
  }

  /** The session is closing. */
  cancel(s: Session): void {
    if (s.pictureDue) clearTimeout(s.pictureDue);
    s.pictureDue = undefined;
    s.picture = undefined;
  }

  /** Deliver more of the picture while the session's queue has room and its socket is not blocked. */
  pump(s: Session): void {
    const it = s.picture;
    if (!it) return;
    const now = this.d.now();
    const room = this.d.queueLimit >> 1;
    while (!s.closed && !s.blocked && s.queue.size < room) {
      const r = it.next();
      if (r.done) {
        s.picture = undefined;
        return;
      }
      const env = r.value;
      if (env.event.stale <= now) continue;
      // Team-scoped, as the hub's route() does: other teams' entities are not part of this client's picture.
      const team = this.d.teamScoped ? env.event.detail.group?.name : undefined;
      if (team !== undefined && s.team !== undefined && team !== s.team) continue;
      this.d.deliver(s, env);
    }
  }

  private start(s: Session): void {
    if (s.closed) return;
    s.picture = this.d.state.teamValues(this.d.teamScoped ? s.team : undefined);
    this.pump(s);
  }
}
