/**
 * One streaming CoT connection (TCP or TLS): socket -> StreamReader -> rate limit -> hub, and hub -> batched socket
 * writes.
 *
 * - The read side (stream-reader.ts) starts in CoT XML, on the hub's thread or a decode thread, and switches to TAK
 *   Protocol v1 when the client asks (t-x-takp-q, offered here at connect: standards.md §2.4).
 * - Pings (t-x-c-t) are answered by the hub with a pong to this connection only.
 * - Bad input: the bad event is skipped with a counted, logged reason; the connection lives on, except for stream
 *   damage that cannot be resynchronised (bad protobuf magic) or a run of errors, which close it.
 * - Limits: event rate per connection (stream-rate.ts: events read past it wait for their tokens and reading
 *   pauses), an event that never ends (closed after eventTimeoutMs), idle connections (idleTimeoutMs), socket
 *   high-water mark (the hub stops writing and coalesces until 'drain').
 * - Writes: the hub hands one flush's pieces at a time: one socket write (one TLS record run) per flush.
 */
import type { Socket } from 'node:net';
import { CodecError } from '../errors.js';
import type { Event } from '../model/event.js';
import type { Identity } from '../model/identity.js';
import type { Session, TransportKind } from '../hub/session.js';
import { buildProtocolSupport } from '../codecs/cot/negotiation.js';
import type { StreamDeps } from './stream-options.js';
import { RateHold } from './stream-rate.js';
import { StreamReader, type Protocol } from './stream-reader.js';

export type { StreamDeps, StreamLimits } from './stream-options.js';
export { splitAtTak } from './stream-reader.js';

/** Consecutive bad events after which a connection is closed: it is not speaking CoT. */
const MAX_ERROR_RUN = 50;
/** Log the first few errors of a connection, then one in LOG_EVERY (counters always count). */
const LOG_FIRST = 5;
const LOG_EVERY = 1000;
const PROTO_UID = 'balticwall-takp';

type HoldReason = 'rate' | 'decode' | 'switching';

export function handleStream(
  socket: Socket,
  deps: StreamDeps,
  transport: TransportKind,
  identity: Identity,
): Session {
  const { hub, metrics, limits } = deps;
  const remote = `${socket.remoteAddress}:${socket.remotePort}`;
  let closed = false;
  let errors = 0;
  let errorRun = 0;
  let throttled = 0;
  let partialSince = 0;
  /** Why reading is paused; it goes on only when nothing holds it. */
  const holds = new Set<HoldReason>();
  const hold = (reason: HoldReason, on: boolean): void => {
    if (on) {
      holds.add(reason);
      socket.pause();
    } else if (holds.delete(reason) && holds.size === 0 && !closed) socket.resume();
  };

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
  const isClosed = (): boolean => closed;

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

  const rate = new RateHold(limits.ratePerClient, limits.burstPerClient, {
    ingest(event, raw) {
      const r = hub.ingest(session, event, { raw, owned: true });
      if (r.ok) return;
      errors++;
      if (errors <= LOG_FIRST || errors % LOG_EVERY === 0) {
        log.warn({ code: r.code, uid: event.uid, type: event.type, errors }, r.reason);
      }
    },
    hold: (on) => hold('rate', on),
    throttled() {
      metrics.rejected.inc({ code: 'BW_RATE_LIMITED' });
      if (throttled++ % LOG_EVERY === 0)
        log.warn({ rate: limits.ratePerClient, throttled }, 'rate limit: pausing reads');
    },
    closed: isClosed,
  });

  function accept(event: Event, protocol: Protocol, raw?: Buffer): void {
    errorRun = 0;
    event.origin = { protocol, connectionId: session.id, identityId: identity.id };
    if (identity.nation) event.origin.nation = identity.nation;
    rate.offer(event, raw);
  }

  const reader = new StreamReader({
    hub,
    session,
    log,
    metrics,
    maxEventBytes: limits.maxEventBytes,
    decoders: deps.decoders,
    moveAt: deps.decodeFromBytesPerSecond ?? 0,
    closed: isClosed,
    accept,
    fail,
    hold,
  });

  metrics.connectionsTotal.inc({ transport });
  socket.setNoDelay(true);
  socket.setTimeout(limits.idleTimeoutMs);
  socket.on('timeout', () => hub.close(session, 'BW_IDLE_TIMEOUT'));
  socket.on('drain', () => hub.drained(session));
  socket.on('error', (err) => log.debug({ err: err.message }, 'socket error'));
  socket.on('close', () => {
    closed = true;
    const dropped = rate.discard();
    if (dropped > 0) {
      metrics.drops.inc({ reason: 'rate_limited_at_close' }, dropped);
      log.info({ events: dropped }, 'connection closed with events waiting for the rate limit: dropped');
    }
    reader.close();
    clearInterval(timer);
    hub.close(session, 'peer closed');
  });

  // Slowloris: an event (or protobuf message) that started but did not finish in time closes the connection.
  const timer = setInterval(
    () => {
      if (reader.framed) {
        reader.framed = false;
        partialSince = 0;
      }
      if (!reader.partial) partialSince = 0;
      else if (partialSince === 0) partialSince = Date.now();
      else if (Date.now() - partialSince > limits.eventTimeoutMs) {
        fail(new CodecError('BW_EVENT_TIMEOUT', reader.protocol));
        hub.close(session, 'BW_EVENT_TIMEOUT');
      }
    },
    Math.min(1000, limits.eventTimeoutMs),
  );
  timer.unref();

  hub.reply(session, buildProtocolSupport(PROTO_UID, Date.now()));
  hub.sendPicture(session);

  socket.on('data', (chunk: Buffer) => reader.push(chunk));
  return session;
}
