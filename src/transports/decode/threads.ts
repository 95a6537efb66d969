/**
 * Decode threads: the hub's thread hands each CoT XML stream connection's chunks to a worker thread (worker.ts),
 * which frames and decodes them and sends back records (records.ts) that are cheaper to read than the XML. The
 * hub's thread then does what it did with events it decoded itself (stream.ts). On this 2-core machine the hub's
 * thread was saturated in S2 while the other core sat mostly idle (docs/performance.md).
 *
 * - Order: one connection always goes to the same thread, and messages between two threads keep their order, so a
 *   connection's events and errors arrive in stream order.
 * - Bounded: the bytes handed over and not yet answered are counted across all threads; above `inFlightBytes`,
 *   push() says so and the connection pauses reading (TCP pushes back on the sender, nothing is dropped) until the
 *   threads are under half of it again.
 * - Failure: a thread that dies (a bug, not bad input: decode errors are records) fails its connections (the
 *   transport closes them, clients reconnect) and is replaced.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { CodecError } from '../../errors.js';
import type { ErrorCode } from '../../errors.js';
import type { Event } from '../../model/event.js';
import { threadSource } from '../../ops/thread-source.js';
import { Mirror, RecordReader } from './records.js';
import { REC_EVENT, type DecoderData, type FromDecoder, type ToDecoder } from './protocol.js';

/** What a connection hears from its decode thread. */
export interface DecodeSink {
  /** A decoded event and the exact bytes it was read from. */
  event(event: Event, raw: Buffer): void;
  /** A framing or decoding error (CodecError), or an unexpected one (Error). */
  error(e: Error): void;
  /** After each chunk: how many frames it completed and whether an event is left unfinished. */
  chunk(frames: number, partial: boolean): void;
  /** After release(false): the chunks that arrived since the TAK Protocol request, in order. */
  released(held: Buffer[]): void;
  /** Reading may go on (after push() returned false). */
  resume(): void;
  /** The decode thread died (or its events could not be handled): the connection's state is lost. */
  failed(reason: 'decode_failed'): void;
}

export interface DecodeOptions {
  threads: number;
  maxEventBytes: number;
  inFlightBytes: number;
  log: Logger;
  /** Where to register bw_decode_pending_bytes and bw_decode_connections. */
  registry?: Registry;
}

/** A thread that dies sooner than this after its start is not replaced (it would die again: a crash loop). */
const RESPAWN_AFTER_MS = 5000;

interface Thread {
  started: number;
  worker: Worker;
  channels: Map<number, Channel>;
  inFlight: number;
}

export class DecodeThreads {
  private readonly threads: Thread[] = [];
  private nextId = 1;
  private inFlight = 0;
  private readonly waiting = new Set<Channel>();
  private closing = false;
  /** A thread died within RESPAWN_AFTER_MS of its start: no more threads, connections decode on the hub's thread. */
  private broken = false;

  constructor(private readonly o: DecodeOptions) {
    if (!(o.threads >= 1)) throw new RangeError('threads must be at least 1');
    const gauges: [string, string, () => number][] = [
      [
        'bw_decode_pending_bytes',
        'Bytes handed to the decode threads and not yet decoded (bounded by decode.inFlightBytes)',
        () => this.inFlight,
      ],
      [
        'bw_decode_connections',
        'Connections decoded on a decode thread',
        () => this.threads.reduce((n, t) => n + t.channels.size, 0),
      ],
    ];
    if (o.registry) {
      for (const [name, help, read] of gauges) {
        new Gauge({
          name,
          help,
          registers: [o.registry],
          collect() {
            this.set(read());
          },
        });
      }
    }
  }

  /**
   * A connection's way to a decode thread; undefined once the threads failed to start (decode on the caller's).
   * The threads start with the first connection that needs one: a hub without busy senders never starts them.
   */
  open(sink: DecodeSink): Channel | undefined {
    if (this.broken) return undefined;
    while (this.threads.length < this.o.threads) this.threads.push(this.spawn());
    const id = this.nextId++;
    const t = this.threads[id % this.threads.length]!;
    const ch = new Channel(id, this, t, sink);
    t.channels.set(id, ch);
    return ch;
  }

  /** Bytes handed over and not yet answered. */
  get pending(): number {
    return this.inFlight;
  }

  /**
   * Wait until every chunk handed over is answered, or `timeoutMs` passed (graceful shutdown). It first lets the
   * sockets hand over what the kernel already holds for them, then waits for quiet: nothing in flight twice in a
   * row 10 ms apart.
   */
  async drain(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    let quiet = 0;
    while (quiet < 2 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 10));
      quiet = this.inFlight > 0 ? 0 : quiet + 1;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  /** @internal */
  send(t: Thread, m: ToDecoder, transfer?: ArrayBuffer[]): void {
    t.worker.postMessage(m, transfer);
  }

  /** @internal Count bytes handed over; false when over the limit (the channel waits for resume). */
  handed(t: Thread, ch: Channel, bytes: number): boolean {
    t.inFlight += bytes;
    this.inFlight += bytes;
    if (this.inFlight <= this.o.inFlightBytes) return true;
    this.waiting.add(ch);
    return false;
  }

  /** @internal */
  forget(t: Thread, ch: Channel): void {
    t.channels.delete(ch.id);
    this.waiting.delete(ch);
  }

  private answered(t: Thread, bytes: number): void {
    t.inFlight -= bytes;
    this.inFlight -= bytes;
    if (this.waiting.size > 0 && this.inFlight <= this.o.inFlightBytes / 2) {
      const w = [...this.waiting];
      this.waiting.clear();
      for (const ch of w) ch.sink.resume();
    }
  }

  private spawn(): Thread {
    const src = threadSource(import.meta.url, 'worker');
    const data: DecoderData = { maxEventBytes: this.o.maxEventBytes };
    const worker = new Worker(src.code, {
      eval: src.eval,
      workerData: data,
      // 48 MB of young generation: 192 (as large as the hub thread's, runtime.ts) added 35 MB to S3's peak RSS when
      // every connection came here, and the decoder's garbage dies young either way.
      resourceLimits: { maxYoungGenerationSizeMb: 48 },
    });
    const t: Thread = { started: Date.now(), worker, channels: new Map(), inFlight: 0 };
    worker.unref();
    worker.on('message', (m: FromDecoder) => {
      const ch = t.channels.get(m.c);
      if (m.k === 'batch') this.answered(t, m.bytes);
      if (!ch) return;
      try {
        if (m.k === 'batch') ch.batch(m.b, m.n, m.partial);
        else ch.releasedWith(m.held.map((h) => Buffer.from(h.buffer, h.byteOffset, h.byteLength)));
      } catch (err) {
        // A bug (a record that does not read back, or a throw while handling an event): that connection's slots
        // can no longer be trusted, so it is closed; the others go on.
        this.o.log.error({ err }, 'decoded events could not be handled; the connection is closed');
        ch.close();
        ch.sink.failed('decode_failed');
      }
    });
    worker.on('error', (err) => this.o.log.error({ err }, 'decode thread failed'));
    worker.on('exit', (code) => {
      if (this.closing) return;
      const i = this.threads.indexOf(t);
      if (this.broken) {
        // already given up: nothing to replace
      } else if (Date.now() - t.started < RESPAWN_AFTER_MS) {
        this.broken = true;
        this.o.log.error({ code }, 'decode thread died at start: decoding on the hub thread from now on');
      } else {
        this.o.log.error({ code }, 'decode thread exited; its connections are closed and it is replaced');
        if (i >= 0) this.threads[i] = this.spawn();
      }
      this.inFlight -= t.inFlight;
      for (const ch of [...t.channels.values()]) {
        this.waiting.delete(ch);
        ch.sink.failed('decode_failed');
      }
      t.channels.clear();
    });
    return t;
  }
}

/** One connection's side of a decode thread. */
export class Channel {
  private readonly mirror = new Mirror();
  /** 'releasing': the held chunks are on their way back (release(false)); records already cut still count. */
  private state: 'open' | 'releasing' | 'closed' = 'open';

  constructor(
    readonly id: number,
    private readonly threads: DecodeThreads,
    private readonly thread: Thread,
    readonly sink: DecodeSink,
  ) {}

  /**
   * Hand over the next chunk. Its memory goes to the thread when the chunk owns it (a socket's reads do), else it
   * is copied. Returns false when the threads are over their in-flight limit: pause reading until sink.resume().
   */
  push(chunk: Buffer): boolean {
    if (this.state !== 'open') return true;
    const own = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;
    const b = own ? chunk : new Uint8Array(chunk);
    // Counted before the transfer: afterwards `b` is detached (length 0).
    const ok = this.threads.handed(this.thread, this, b.byteLength);
    this.threads.send(this.thread, { k: 'data', c: this.id, b }, [b.buffer as ArrayBuffer]);
    return ok;
  }

  /** After a TAK Protocol request: `keep` true decodes on as XML, false hands the held chunks back (released). */
  release(keep: boolean): void {
    if (this.state !== 'open') return;
    this.threads.send(this.thread, { k: 'release', c: this.id, keep });
    if (!keep) this.state = 'releasing';
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.threads.send(this.thread, { k: 'close', c: this.id });
    this.threads.forget(this.thread, this);
  }

  /** @internal The thread's answer to release(false). */
  releasedWith(held: Buffer[]): void {
    if (this.state !== 'releasing') return;
    this.state = 'closed';
    this.threads.forget(this.thread, this);
    this.sink.released(held);
  }

  /** @internal A batch of records for this connection. */
  batch(b: Uint8Array, n: number, partial: boolean): void {
    const r = new RecordReader(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    let frames = 0;
    for (let i = 0; i < n && this.state !== 'closed'; i++) {
      frames++;
      const kind = r.u8();
      if (kind === REC_EVENT) {
        const raw = r.blob();
        this.sink.event(r.event(this.mirror), raw);
      } else this.sink.error(toError(r.value(this.mirror) as ErrorFields));
    }
    if (this.state !== 'closed') this.sink.chunk(frames, partial);
  }
}

interface ErrorFields {
  code?: ErrorCode;
  protocol?: string;
  message: string;
  offset?: number;
  unexpected?: boolean;
}

function toError(f: ErrorFields): Error {
  if (f.unexpected || !f.code) return new Error(f.message);
  const e = new CodecError(f.code, f.protocol ?? 'cot-xml', [], f.offset);
  e.message = f.message;
  return e;
}
