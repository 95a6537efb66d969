/**
 * One streaming CoT connection (TCP or TLS): bytes -> framer -> codec -> hub, and hub -> batched socket writes.
 *
 * - Starts in CoT XML; offers TAK Protocol v1 (t-x-takp-v) at connect; a t-x-takp-q for version 1 switches both
 *   directions to 0xbf-framed protobuf after the t-x-takp-r answer (standards.md §2.4).
 * - Pings (t-x-c-t) are answered by the hub with a pong to this connection only.
 * - Bad input: the bad event is skipped with a counted, logged reason; the connection lives on, except for stream
 *   damage that cannot be resynchronised (bad protobuf magic) or a run of errors, which close it.
 * - With decode threads (deps.decoders), CoT XML chunks are framed and decoded there; the events and errors come
 *   back in order and are handled here exactly as below. A connection that switches to TAK Protocol is decoded
 *   here from then on.
 * - Limits: event rate per connection (token bucket: events read past it wait for their tokens and reading pauses,
 *   so the hub never takes more than the rate and the burst, and the sender is slowed), an event that never ends (closed after eventTimeoutMs), idle connections (idleTimeoutMs), socket
 *   high-water mark (the hub stops writing and coalesces until 'drain').
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { CodecError } from '../errors.js';
import type { Event } from '../model/event.js';
import type { Identity } from '../model/identity.js';
import type { Hub } from '../hub/hub.js';
import type { Session, TransportKind } from '../hub/session.js';
import type { Metrics } from '../ops/metrics.js';
import type { Config } from '../app/config.js';
import { CotFramer, decodeCot, encodeCotStream, newCotMemo } from '../codecs/cot/index.js';
import {
  buildProtocolResponse,
  buildProtocolSupport,
  readProtocolRequest,
} from '../codecs/cot/negotiation.js';
import { TakStreamFramer, decodeTakMessage } from '../codecs/takproto/index.js';
import { TokenBucket } from './rate.js';
import type { Channel, DecodeSink, DecodeThreads } from './decode/threads.js';

export interface StreamDeps {
  hub: Hub;
  log: Logger;
  metrics: Metrics;
  limits: Config['limits'];
  /** When set, CoT XML is framed and decoded on these threads (decode/threads.ts), not on the hub's. */
  decoders?: DecodeThreads | undefined;
  /** A connection moves to the decode threads once it reads this many bytes within a second (0: from the start). */
  decodeFromBytesPerSecond?: number;
}

/** Consecutive bad events after which a connection is closed: it is not speaking CoT. */
const MAX_ERROR_RUN = 50;
/** Log the first few errors of a connection, then one in LOG_EVERY (counters always count). */
const LOG_FIRST = 5;
const LOG_EVERY = 1000;
const PROTO_UID = 'balticwall-takp';

export function handleStream(
  socket: Socket,
  deps: StreamDeps,
  transport: TransportKind,
  identity: Identity,
): Session {
  const { hub, metrics, limits } = deps;
  const remote = `${socket.remoteAddress}:${socket.remotePort}`;
  let cot: CotFramer | undefined = new CotFramer({ maxEventBytes: limits.maxEventBytes });
  /** This sender's previous detail children: the elements it repeats are not scanned again (see splitElements). */
  const decodeOpts = { maxBytes: limits.maxEventBytes, memo: newCotMemo() };
  let tak: TakStreamFramer | undefined;
  /**
   * After the switch to TAK Protocol: the XML the client wrote before it read our answer (more requests, events),
   * framed as XML until its first 0xbf frame (see splitAtTak).
   */
  let xmlTail: CotFramer | undefined;
  let errors = 0;
  let errorRun = 0;
  let renegotiations = 0;
  let partialSince = 0;
  let closed = false;
  const bucket = new TokenBucket(limits.ratePerClient, limits.burstPerClient, Date.now());
  let paused = false;
  let throttled = 0;
  /** Events read past the rate limit, in order, waiting for tokens (bounded: reading pauses meanwhile). */
  const held: { event: Event; raw: Buffer | undefined }[] = [];
  /** Reading waits for the decode threads to catch up, or (switching) for the chunks held after a TAK request. */
  let decodeWait = false;
  let switching: Buffer[] | undefined;
  /** What the decode thread last said: an event has started and not ended. */
  let remotePartial = false;
  const sink: DecodeSink = {
    event(event, raw) {
      if (closed) return;
      if (event.type === 't-x-takp-q') negotiate(event);
      else accept(event, 'cot-xml', raw);
    },
    error: (e) => {
      if (!closed) fail(e);
    },
    chunk(frames, partial) {
      if (frames > 0) partialSince = 0;
      remotePartial = partial;
    },
    released(held) {
      const queued = switching ?? [];
      switching = undefined;
      for (const c of [...held, ...queued]) if (!closed) dispatch(c);
      resumeIfFree();
    },
    resume() {
      decodeWait = false;
      resumeIfFree();
    },
    failed(reason) {
      hub.close(session, reason);
    },
  };
  /** Bytes read in the current second (windowStart): past decode.fromBytesPerSecond, decoding moves to a thread. */
  const moveAt = deps.decodeFromBytesPerSecond ?? 0;
  let decoders = deps.decoders;
  let windowStart = Date.now();
  let windowBytes = 0;
  let channel: Channel | undefined = moveAt === 0 ? deps.decoders?.open(sink) : undefined;

  const session = hub.open(
    {
      write(chunks) {
        if (closed) return false;
        if (chunks.length === 1) socket.write(chunks[0]!);
        else {
          // Several pieces of one flush (views of the hub's slabs, see joins.ts): one writev, no copy.
          socket.cork();
          for (const c of chunks) socket.write(c);
          socket.uncork();
        }
        return socket.writableLength < limits.socketHighWater;
      },
      close(reason) {
        if (closed) return;
        closed = true;
        log.info({ reason }, 'connection closed');
        socket.end();
        // Give the flush a moment, then make sure the socket is gone.
        setTimeout(() => socket.destroy(), 2000).unref();
      },
    },
    // The picture follows the protocol offer (below), so the offer is never queued behind it.
    { transport, protocol: 'cot-xml', remote, identity, format: 'cot-xml', noPicture: true },
  );
  const log = deps.log.child({ conn: session.id, remote, identity: identity.id });
  metrics.connectionsTotal.inc({ transport });
  socket.setNoDelay(true);
  socket.setTimeout(limits.idleTimeoutMs);
  socket.on('timeout', () => hub.close(session, 'BW_IDLE_TIMEOUT'));
  socket.on('drain', () => hub.drained(session));
  socket.on('error', (err) => log.debug({ err: err.message }, 'socket error'));
  socket.on('close', () => {
    closed = true;
    if (held.length > 0) {
      metrics.drops.inc({ reason: 'rate_limited_at_close' }, held.length);
      log.info({ events: held.length }, 'connection closed with events waiting for the rate limit: dropped');
      held.length = 0;
    }
    channel?.close();
    clearInterval(timer);
    hub.close(session, 'peer closed');
  });

  // Slowloris: an event (or protobuf message) that started but did not finish in time closes the connection.
  const timer = setInterval(
    () => {
      const partial = xmlTail
        ? xmlTail.inEvent
        : tak
          ? tak.inMessage
          : channel
            ? remotePartial
            : (cot?.inEvent ?? false);
      if (!partial) partialSince = 0;
      else if (partialSince === 0) partialSince = Date.now();
      else if (Date.now() - partialSince > limits.eventTimeoutMs) {
        fail(new CodecError('BW_EVENT_TIMEOUT', tak ? 'takproto' : 'cot-xml'));
        hub.close(session, 'BW_EVENT_TIMEOUT');
      }
    },
    Math.min(1000, limits.eventTimeoutMs),
  );
  timer.unref();

  hub.reply(session, buildProtocolSupport(PROTO_UID, Date.now()));
  hub.sendPicture(session);

  socket.on('data', (chunk: Buffer) => {
    if (closed) return;
    if (switching) switching.push(chunk);
    else if (channel || moveToThread(chunk)) {
      if (!channel!.push(chunk)) {
        decodeWait = true;
        socket.pause();
      }
    } else dispatch(chunk);
  });

  /**
   * A CoT XML sender that reads past decode.fromBytesPerSecond moves to a decode thread, with what its framer
   * holds; light senders (a position a second) stay here, without the hop and the thread's per-connection state.
   */
  function moveToThread(chunk: Buffer): boolean {
    if (!decoders || !cot) return false;
    const now = Date.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      windowBytes = 0;
    }
    windowBytes += chunk.length;
    if (windowBytes < moveAt || cot.inResync) return false;
    channel = decoders.open(sink);
    if (!channel) {
      decoders = undefined;
      return false;
    }
    const rest = cot.detach()!;
    cot = undefined;
    if (rest.length > 0) channel.push(rest);
    log.debug('decoding on a decode thread');
    return true;
  }

  /** Frame and decode a chunk on this thread. */
  function dispatch(chunk: Buffer): void {
    if (xmlTail) {
      const at = splitAtTak(chunk, !xmlTail.inEvent && xmlTail.buffered === 0);
      const xml = at < 0 ? chunk : chunk.subarray(0, at);
      if (xml.length > 0) frame(xml, xmlTail, false);
      if (at < 0 || closed) return;
      xmlTail = undefined;
      chunk = chunk.subarray(at);
    }
    // Frames of one batch are dispatched by the framer that produced them: a negotiation in the middle of the
    // batch switches the framer for the next chunk, not for the XML frames already cut from this one.
    if (tak) frame(chunk, tak, true);
    else frame(chunk, cot!, false);
  }

  function frame(chunk: Buffer, framer: CotFramer | TakStreamFramer, fromTak: boolean): void {
    const frames = framer.push(chunk);
    // An event completed: the slowloris clock restarts (a fast sender is always mid-event between chunks).
    if (frames.length > 0) partialSince = 0;
    for (const f of frames) {
      if (closed) return;
      if (f instanceof CodecError) {
        fail(f);
        if (
          f.code === 'BW_TAK_BAD_MAGIC' ||
          f.code === 'BW_TAK_BAD_VARINT' ||
          f.code === 'BW_TAK_TOO_LARGE'
        ) {
          hub.close(session, f.code);
          return;
        }
        continue;
      }
      if (fromTak) onProto(f);
      else onXml(f);
    }
  }

  function onXml(frame: Buffer): void {
    let event: Event;
    try {
      event = decodeCot(frame, decodeOpts);
    } catch (e) {
      fail(e);
      return;
    }
    if (event.type === 't-x-takp-q') {
      negotiate(event);
      return;
    }
    accept(event, 'cot-xml', frame);
  }

  function onProto(frame: Buffer): void {
    let event: Event | undefined;
    try {
      event = decodeTakMessage(frame).event;
    } catch (e) {
      fail(e);
      return;
    }
    if (event) accept(event, 'takproto');
  }

  function negotiate(req: Event): void {
    if (tak) {
      // Already switched: a client that wrote several requests before reading the answer gets one answer.
      metrics.rejected.inc({ code: 'BW_TAK_ALREADY_NEGOTIATED' });
      if (renegotiations++ === 0) log.info('repeated TAK protocol request ignored: already switched');
      return;
    }
    const version = readProtocolRequest(req);
    if (version === 1) {
      const ok = encodeCotStream(buildProtocolResponse(req.uid, true, Date.now()));
      hub.switchFormat(session, 'tak-stream', 'takproto', ok);
      tak = new TakStreamFramer({ maxMessageBytes: limits.maxEventBytes });
      // What the XML framer holds (and later chunks, up to the first 0xbf frame) is XML the client wrote first.
      xmlTail = cot ?? new CotFramer({ maxEventBytes: limits.maxEventBytes });
      cot = undefined;
      if (channel) {
        // Chunks the decode thread holds come back (released) before anything read from now on.
        channel.release(false);
        channel = undefined;
        switching = [];
        socket.pause();
      }
      log.debug('switched to TAK protocol v1');
    } else {
      fail(new CodecError('BW_TAK_UNKNOWN_VERSION', 'takproto', [String(version)]));
      hub.reply(session, buildProtocolResponse(req.uid, false, Date.now()));
      channel?.release(true);
    }
  }

  function accept(event: Event, protocol: 'cot-xml' | 'takproto', raw?: Buffer): void {
    errorRun = 0;
    event.origin = { protocol, connectionId: session.id, identityId: identity.id };
    if (identity.nation) event.origin.nation = identity.nation;
    // Over the rate, an event that was read waits here for its token and reading pauses: the hub takes at most
    // the rate (and the burst), whatever one read or one decode-thread batch held.
    if (held.length > 0 || !bucket.take(Date.now())) {
      held.push({ event, raw });
      throttle();
      return;
    }
    ingest(event, raw);
  }

  function ingest(event: Event, raw: Buffer | undefined): void {
    const r = hub.ingest(session, event, { raw, owned: true });
    if (!r.ok) {
      errors++;
      if (errors <= LOG_FIRST || errors % LOG_EVERY === 0) {
        log.warn({ code: r.code, uid: event.uid, type: event.type, errors }, r.reason);
      }
    }
  }

  function throttle(): void {
    if (paused || closed) return;
    paused = true;
    metrics.rejected.inc({ code: 'BW_RATE_LIMITED' });
    if (throttled++ % LOG_EVERY === 0)
      log.warn({ rate: limits.ratePerClient, throttled }, 'rate limit: pausing reads');
    socket.pause();
    setTimeout(release, bucket.waitMs(1)).unref();
  }

  /** Hand the held events to the hub as tokens come; read again once none is left. */
  function release(): void {
    if (closed) return;
    while (held.length > 0 && bucket.take(Date.now())) {
      const h = held.shift()!;
      ingest(h.event, h.raw);
      if (closed) return;
    }
    if (held.length > 0) {
      setTimeout(release, bucket.waitMs(1)).unref();
      return;
    }
    paused = false;
    resumeIfFree();
  }

  /** Reading goes on only when nothing holds it: the rate limit, the decode threads, a protocol switch. */
  function resumeIfFree(): void {
    if (!paused && !decodeWait && !switching && !closed) socket.resume();
  }

  function fail(e: unknown): void {
    const code = e instanceof CodecError ? e.code : 'BW_COT_MALFORMED';
    metrics.rejected.inc({ code });
    errors++;
    errorRun++;
    if (errors <= LOG_FIRST || errors % LOG_EVERY === 0) {
      log.warn(
        { code, offset: e instanceof CodecError ? e.offset : undefined, errors },
        (e as Error).message,
      );
    }
    if (!(e instanceof CodecError)) log.error({ err: e }, 'unexpected decode failure');
    if (errorRun >= MAX_ERROR_RUN) hub.close(session, 'too many bad events');
  }

  return session;
}

const EVENT_END = Buffer.from('</event>');

/**
 * Where TAK Protocol starts in `chunk`, which follows XML: the first byte other than white space and `<` that comes
 * after `</event>` (or at the start of the chunk, when `atBoundary`: the XML framer holds nothing); -1 if none.
 * From there on the stream is TAK Protocol (0xbf frames; anything else is bad magic).
 */
export function splitAtTak(chunk: Buffer, atBoundary: boolean): number {
  let from = atBoundary ? 0 : -1;
  for (;;) {
    if (from >= 0) {
      let j = from;
      while (j < chunk.length && isWs(chunk[j]!)) j++;
      if (j < chunk.length && chunk[j] !== 0x3c) return j;
    }
    const end = chunk.indexOf(EVENT_END, from < 0 ? 0 : from);
    if (end === -1) return -1;
    from = end + EVENT_END.length;
  }
}

function isWs(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}
