/**
 * A decode thread: frames and decodes the CoT XML streams of the connections the hub's thread hands it, and sends
 * back records (records.ts) of the events and errors, in stream order per connection. It keeps per connection
 * what decoding on the hub's thread kept: a framer and the sender's memo, plus the record tables.
 *
 * It never decides anything: negotiation, rate limits, closing and every count and log line stay with the hub's
 * thread (stream.ts), which sees the same events and errors, in the same order, as when it decoded them itself.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CodecError } from '../../errors.js';
import { CotFramer, decodeCot, newCotMemo, type CotMemo } from '../../codecs/cot/index.js';
import { Interner, RecordWriter } from './records.js';
import {
  REC_ERROR,
  REC_EVENT,
  type BatchMessage,
  type DecoderData,
  type ReleasedMessage,
  type ToDecoder,
} from './protocol.js';

interface Conn {
  framer: CotFramer;
  opts: { maxBytes: number; memo: CotMemo };
  interner: Interner;
  /** Set once the sender asked for TAK Protocol: chunks wait here for the hub thread's `release`. */
  held?: Uint8Array[];
}

const data = workerData as DecoderData;
const conns = new Map<number, Conn>();
const writer = new RecordWriter();
const port = parentPort!;

function conn(c: number): Conn {
  let s = conns.get(c);
  if (!s) {
    s = {
      framer: new CotFramer({ maxEventBytes: data.maxEventBytes }),
      opts: { maxBytes: data.maxEventBytes, memo: newCotMemo() },
      interner: new Interner(),
    };
    conns.set(c, s);
  }
  return s;
}

function error(e: unknown, it: Interner): void {
  writer.u8(REC_ERROR);
  const fields =
    e instanceof CodecError
      ? { code: e.code, protocol: e.protocol, message: e.message, offset: e.offset }
      : { unexpected: true, message: String((e as Error)?.stack ?? e) };
  writer.value(fields, it);
}

/** `bytes`: what the answer takes off the hub thread's in-flight count (0 for chunks it was told of already). */
function decode(c: number, s: Conn, chunk: Buffer, bytes: number): void {
  const frames = s.framer.push(chunk);
  let n = 0;
  for (const f of frames) {
    n++;
    if (f instanceof CodecError) {
      error(f, s.interner);
      continue;
    }
    let event;
    try {
      event = decodeCot(f, s.opts);
    } catch (e) {
      error(e, s.interner);
      continue;
    }
    const start = writer.pos;
    try {
      writer.u8(REC_EVENT);
      writer.blob(f);
      writer.event(event, s.interner);
      s.interner.endRecord();
    } catch (e) {
      // Never for what decodeCot makes (plain data), but if: take the record back. Its slots may be half given,
      // so the connection's tables start afresh: a fresh writer only names slots it has sent again since, so the
      // hub thread's copies stay right without being told.
      writer.pos = start;
      s.interner = new Interner();
      error(e, s.interner);
      continue;
    }
    // Frames already cut from this chunk are XML still (as on the hub thread); later chunks wait for the answer.
    if (event.type === 't-x-takp-q') s.held ??= [];
  }
  const msg: BatchMessage = {
    k: 'batch',
    c,
    b: writer.take(),
    n,
    partial: s.framer.inEvent,
    bytes,
  };
  port.postMessage(msg, [msg.b.buffer as ArrayBuffer]);
}

port.on('message', (m: ToDecoder) => {
  if (m.k === 'data') {
    const s = conn(m.c);
    const chunk = Buffer.from(m.b.buffer, m.b.byteOffset, m.b.byteLength);
    if (s.held) {
      s.held.push(chunk);
      // Answered at once (with no records): held chunks are not in flight; the hub thread bounds them (it pauses
      // the socket until the answer to the request is settled).
      const msg: BatchMessage = {
        k: 'batch',
        c: m.c,
        b: new Uint8Array(0),
        n: 0,
        partial: false,
        bytes: chunk.length,
      };
      port.postMessage(msg);
      return;
    }
    decode(m.c, s, chunk, chunk.length);
  } else if (m.k === 'release') {
    const s = conns.get(m.c);
    let held = s?.held ?? [];
    if (s) delete s.held;
    if (m.keep && s) {
      for (const chunk of held)
        decode(m.c, s, Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), 0);
      return;
    }
    conns.delete(m.c);
    // The start of an event the framer holds was written before the held chunks: it goes back first.
    const rest = s?.framer.detach();
    if (rest?.length) held = [new Uint8Array(rest.buffer, rest.byteOffset, rest.byteLength), ...held];
    const msg: ReleasedMessage = { k: 'released', c: m.c, held };
    port.postMessage(
      msg,
      held.map((h) => h.buffer as ArrayBuffer),
    );
  } else conns.delete(m.c);
});
