/**
 * The hub's writer: one socket write per dirty session per event-loop turn, with everything queued for it, in its
 * own wire format (each envelope's bytes are shared, encoded once; the queue holds them).
 */
import type { Metrics } from '../ops/metrics.js';
import type { Session, WireFormat } from './session.js';

export class Writer {
  private dirty = new Set<Session>();
  private scheduled = false;
  private readonly counters = new Map<WireFormat, { inc(n: number): void }>();

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
  };

  /** Write what `s` has queued, unless it is closed or blocked. */
  write(s: Session): void {
    if (s.closed || s.blocked || s.queue.size === 0) return;
    const chunks = s.queue.drain();
    this.counter(s.format).inc(chunks.length);
    if (!s.sink.write(chunks)) s.blocked = true;
    else this.afterWrite(s);
  }

  private counter(fmt: WireFormat): { inc(n: number): void } {
    let c = this.counters.get(fmt);
    if (!c) this.counters.set(fmt, (c = this.m.eventsOut.labels({ format: fmt })));
    return c;
  }
}
