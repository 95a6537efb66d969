/**
 * JetStream publishes with acknowledgements, without a request (a promise, a timer and a reply mapping) per
 * message: every publish carries a reply subject under one inbox this node subscribes to once, and one sweep a
 * second fails those unanswered in time. The JetStream client's own `publish` cost about 80 µs of CPU per message
 * here, two per position report (stream and bucket): more than the event's decode and ingest together
 * (bench/hub/cluster-micro.ts, docs/performance.md).
 */
import { createInbox, headers, type NatsConnection, type Subscription } from '@nats-io/transport-node';

/** Called once per publish: no error and the stream sequence when stored, or the reason it was not. */
export type Acked = (err: Error | undefined, seq: number) => void;

interface Pending {
  done: Acked;
  deadline: number;
}

export class AckedPublisher {
  private readonly prefix: string;
  private readonly sub: Subscription;
  private readonly pending = new Map<string, Pending>();
  private next = 0;
  private readonly sweep: ReturnType<typeof setInterval>;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs: number,
  ) {
    this.prefix = createInbox();
    this.sub = nc.subscribe(`${this.prefix}.*`, {
      callback: (err, m) => {
        if (err) return;
        const token = m.subject.slice(this.prefix.length + 1);
        const p = this.pending.get(token);
        if (!p) return;
        this.pending.delete(token);
        answer(p.done, m.data);
      },
    });
    this.sweep = setInterval(() => this.expire(Date.now()), 1000);
    this.sweep.unref?.();
  }

  /** Publish `data` on `subject` (a stream's); `msgId` lets JetStream drop a retried duplicate. */
  publish(subject: string, data: Uint8Array, done: Acked, msgId?: string): void {
    const token = (this.next++).toString(36);
    this.pending.set(token, { done, deadline: Date.now() + this.timeoutMs });
    const opts: { reply: string; headers?: ReturnType<typeof headers> } = {
      reply: `${this.prefix}.${token}`,
    };
    if (msgId !== undefined) {
      const h = headers();
      h.set('Nats-Msg-Id', msgId);
      opts.headers = h;
    }
    try {
      this.nc.publish(subject, data, opts);
    } catch (err) {
      this.pending.delete(token);
      done(err as Error, 0);
    }
  }

  /** Fail every publish still waiting (the connection is gone or closing). */
  failAll(reason: string): void {
    this.expire(Infinity, reason);
  }

  close(): void {
    clearInterval(this.sweep);
    this.failAll('closed');
    this.sub.unsubscribe();
  }

  private expire(now: number, reason = 'no acknowledgement in time'): void {
    for (const [token, p] of this.pending) {
      if (p.deadline > now) continue;
      this.pending.delete(token);
      p.done(new Error(reason), 0);
    }
  }
}

const decoder = new TextDecoder();

/** A JetStream publish acknowledgement: `{"stream":…,"seq":N}` or `{"error":{…}}`; an empty reply: no stream. */
function answer(done: Acked, data: Uint8Array): void {
  if (data.length === 0) return done(new Error('no stream answered (no responders)'), 0);
  let a: { seq?: number; error?: { description?: string } };
  try {
    a = JSON.parse(decoder.decode(data)) as typeof a;
  } catch {
    return done(new Error('unreadable acknowledgement'), 0);
  }
  if (a.error) return done(new Error(a.error.description ?? 'JetStream error'), 0);
  done(undefined, a.seq ?? 0);
}
