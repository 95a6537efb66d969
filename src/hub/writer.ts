/**
 * The hub's writer: one socket write per dirty session per event-loop turn, with everything queued for it, in its
 * own wire format (each envelope's bytes are shared, encoded once; the queue holds them). For byte-stream formats
 * the queued chunks become a few pieces (views of runs that lie back to back, or one joined copy), and sessions of
 * the same flush with equal lists share them (joins.ts); JSON sinks (websocket) get the chunks one by one, as
 * messages.
 */
import type { Metrics } from '../ops/metrics.js';
import { Joins } from './joins.js';
import type { Session, WireFormat } from './session.js';

export class Writer {
  private dirty = new Set<Session>();
  private scheduled = false;
  private readonly counters = new Map<WireFormat, { inc(n: number): void }>();
  private readonly joins = new Joins();

  /** `afterWrite` runs when a session took its bytes and is not blocked (the hub pumps the picture there). */
  constructor(
    private readonly m: Metrics,
    private readonly afterWrite: (s: Session) => void,
  ) {}

  /** Schedule a write for `s` at the end of this turn. */
  mark(s: Session): void {
    this.dirty.add(s);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  forget(s: Session): void {
    this.dirty.delete(s);
  }

  /** Write every dirty session now. */
  readonly flush = (): void => {
    this.scheduled = false;
    const dirty = this.dirty;
    this.dirty = new Set();
    for (const s of dirty) this.write(s);
    this.joins.clear();
  };

  /** Write what `s` has queued, unless it is closed or blocked. */
  write(s: Session): void {
    if (s.closed || s.blocked || s.queue.size === 0) return;
    const room = s.sink.room?.();
    const chunks = room === undefined ? s.queue.drain() : s.queue.drainUpTo(room);
    this.counter(s.format).inc(chunks.length);
    // JSON (websocket) and fig (federation links) sinks take their chunks one by one, as messages.
    const out = s.format !== 'json' && s.format !== 'fig' ? this.joins.join(chunks) : chunks;
    if (!s.sink.write(out)) s.blocked = true;
    else if (s.queue.size > 0)
      this.mark(s); // cut by room(): the rest goes next turn, if there is room then
    else this.afterWrite(s);
  }

  private counter(fmt: WireFormat): { inc(n: number): void } {
    let c = this.counters.get(fmt);
    if (!c) this.counters.set(fmt, (c = this.m.tallyOut(fmt)));
    return c;
  }
}
