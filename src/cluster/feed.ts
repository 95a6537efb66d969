/**
 * A node's feed from the event stream: one ordered consumer per subject filter, and for each the last stream
 * sequence it handed to the hub. When the NATS connection drops the consumers are stopped here; when it is back
 * they are made again from the message after that position, so what the other nodes published meanwhile (and what
 * was on its way when the connection dropped) arrives once and in order. The client library's own recovery of an
 * ordered consumer after a server restart can wait up to 30 s (a jittered back-off); this does not.
 */
import { DeliverPolicy, type ConsumerMessages, type JetStreamClient } from '@nats-io/jetstream';

export class Feed {
  private consumers: ConsumerMessages[] = [];
  /** Per filter: the last stream sequence handed on. Empty until the first start. */
  private lastSeq: number[] = [];

  constructor(private readonly receive: (data: Uint8Array) => void) {}

  /**
   * Whether the positions held can resume on a stream whose next sequence is `nextSeq` (false the first time, and
   * when the stream is behind them: it was made anew, its store lost).
   */
  canResume(nextSeq: number): boolean {
    return this.lastSeq.length > 0 && this.lastSeq.every((s) => s < nextSeq);
  }

  /** Start every filter live from `nextSeq` (after a picture load that read up to it). */
  from(filters: readonly string[], nextSeq: number): void {
    this.lastSeq = filters.map(() => nextSeq - 1);
  }

  /** Consume `stream`, each filter from the message after its position. */
  async start(js: JetStreamClient, stream: string, filters: readonly string[]): Promise<void> {
    await this.stop();
    for (const [i, f] of filters.entries()) {
      const c = await js.consumers.get(stream, {
        filter_subjects: f,
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: this.lastSeq[i]! + 1,
      });
      this.consumers.push(
        await c.consume({
          callback: (m) => {
            if (m.seq <= this.lastSeq[i]!) return;
            this.lastSeq[i] = m.seq;
            this.receive(m.data);
          },
        }),
      );
    }
  }

  /** Stop consuming, locally (a lost connection's consumers are made again from our own positions). */
  async stop(): Promise<void> {
    const cs = this.consumers;
    this.consumers = [];
    for (const c of cs) {
      c.stop();
      await c.close().catch(() => undefined);
    }
  }
}
