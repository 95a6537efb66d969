/**
 * The read side of a streaming connection: bytes -> framer -> codec -> events, in one of four modes.
 *
 * - `xml-here`: CoT XML framed and decoded on the hub's thread (light senders: a position a second).
 * - `xml-thread`: CoT XML framed and decoded on a decode thread (decode/threads.ts); events and errors come back
 *   in order. A sender moves here once it reads past decode.fromBytesPerSecond, with what its framer holds.
 * - `switching`: a TAK Protocol request was decoded on a decode thread; the chunks read since wait here until the
 *   thread hands back what it had not framed yet (released), then all go on in `tak` mode, in order.
 * - `tak`: TAK Protocol v1 (0xbf frames), decoded here. XML the client wrote before it read our answer (more
 *   requests, events) is still read as XML until its first 0xbf frame (`xmlTail`, see splitAtTak).
 *
 * Negotiation (t-x-takp-q) happens here: version 1 switches both directions (the hub's switchFormat), a repeated
 * request is counted and ignored, any other version is refused with a t-x-takp-r answer.
 */
import type { Logger } from 'pino';
import { CodecError } from '../errors.js';
import type { Event } from '../model/event.js';
import type { Hub } from '../hub/hub.js';
import type { Session } from '../hub/session.js';
import type { Metrics } from '../ops/metrics.js';
import { CotFramer, decodeCot, encodeCotStream, newCotMemo } from '../codecs/cot/index.js';
import { buildProtocolResponse, readProtocolRequest } from '../codecs/cot/negotiation.js';
import { TakStreamFramer, decodeTakMessage } from '../codecs/takproto/index.js';
import type { Channel, DecodeSink, DecodeThreads } from './decode/threads.js';

type Mode =
  | { kind: 'xml-here'; cot: CotFramer }
  | { kind: 'xml-thread'; channel: Channel; partial: boolean }
  | { kind: 'switching'; tak: TakStreamFramer; xmlTail: CotFramer; queued: Buffer[] }
  | { kind: 'tak'; tak: TakStreamFramer; xmlTail: CotFramer | undefined };

export type Protocol = 'cot-xml' | 'takproto';

/** What the reader needs from its connection. */
export interface ReaderHost {
  hub: Hub;
  session: Session;
  log: Logger;
  metrics: Metrics;
  maxEventBytes: number;
  decoders: DecodeThreads | undefined;
  /** Bytes within a second after which XML decoding moves to a decode thread (0: from the start). */
  moveAt: number;
  closed(): boolean;
  accept(event: Event, protocol: Protocol, raw?: Buffer): void;
  fail(e: unknown): void;
  /** Reading pauses (true) or may go on (false), for the decode threads (`decode`) or a switch (`switching`). */
  hold(reason: 'decode' | 'switching', on: boolean): void;
}

/** Framing errors after which a TAK stream cannot be resynchronised: the connection closes. */
const FATAL = new Set(['BW_TAK_BAD_MAGIC', 'BW_TAK_BAD_VARINT', 'BW_TAK_TOO_LARGE']);

export class StreamReader {
  private mode: Mode;
  private decoders: DecodeThreads | undefined;
  /** This sender's previous detail children: the elements it repeats are not scanned again (see splitElements). */
  private readonly decodeOpts: { maxBytes: number; memo: ReturnType<typeof newCotMemo> };
  private windowStart = Date.now();
  private windowBytes = 0;
  private renegotiations = 0;
  /** Set when a chunk completed a frame: the slowloris clock (stream.ts) restarts. */
  framed = false;
  private readonly sink: DecodeSink;

  constructor(private readonly h: ReaderHost) {
    this.decoders = h.decoders;
    this.decodeOpts = { maxBytes: h.maxEventBytes, memo: newCotMemo() };
    this.sink = this.decodeSink();
    const channel = h.moveAt === 0 ? h.decoders?.open(this.sink) : undefined;
    this.mode = channel
      ? { kind: 'xml-thread', channel, partial: false }
      : { kind: 'xml-here', cot: this.newCot() };
  }

  /** Where the stream is: 'cot-xml' or 'takproto' (from the switch on). */
  get protocol(): Protocol {
    return this.mode.kind === 'tak' || this.mode.kind === 'switching' ? 'takproto' : 'cot-xml';
  }

  /** An event (or protobuf message) has started and not ended. */
  get partial(): boolean {
    const m = this.mode;
    switch (m.kind) {
      case 'xml-here':
        return m.cot.inEvent;
      case 'xml-thread':
        return m.partial;
      case 'switching':
        return m.xmlTail.inEvent;
      case 'tak':
        return m.xmlTail ? m.xmlTail.inEvent : m.tak.inMessage;
    }
  }

  /** A chunk read from the socket. */
  push(chunk: Buffer): void {
    if (this.h.closed()) return;
    const m = this.mode;
    if (m.kind === 'switching') m.queued.push(chunk);
    else if (m.kind === 'xml-thread') this.toThread(m.channel, chunk);
    else if (m.kind === 'xml-here' && this.moveToThread(m.cot, chunk)) {
      this.toThread((this.mode as { channel: Channel }).channel, chunk);
    } else this.dispatch(chunk);
  }

  close(): void {
    if (this.mode.kind === 'xml-thread') this.mode.channel.close();
  }

  private newCot(): CotFramer {
    return new CotFramer({ maxEventBytes: this.h.maxEventBytes });
  }

  private toThread(channel: Channel, chunk: Buffer): void {
    if (!channel.push(chunk)) this.h.hold('decode', true);
  }

  private decodeSink(): DecodeSink {
    const h = this.h;
    return {
      event: (event, raw) => {
        if (h.closed()) return;
        if (event.type === 't-x-takp-q') this.negotiate(event);
        else h.accept(event, 'cot-xml', raw);
      },
      error: (e) => {
        if (!h.closed()) h.fail(e);
      },
      chunk: (frames, partial) => {
        if (frames > 0) this.framed = true;
        if (this.mode.kind === 'xml-thread') this.mode.partial = partial;
      },
      released: (held) => {
        const m = this.mode;
        if (m.kind !== 'switching') return;
        this.mode = { kind: 'tak', tak: m.tak, xmlTail: m.xmlTail };
        for (const c of [...held, ...m.queued]) if (!h.closed()) this.dispatch(c);
        h.hold('switching', false);
      },
      resume: () => h.hold('decode', false),
      failed: (reason) => h.hub.close(h.session, reason),
    };
  }

  /**
   * A CoT XML sender that reads past decode.fromBytesPerSecond moves to a decode thread, with what its framer
   * holds; light senders (a position a second) stay here, without the hop and the thread's per-connection state.
   */
  private moveToThread(cot: CotFramer, chunk: Buffer): boolean {
    if (!this.decoders) return false;
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.windowBytes = 0;
    }
    this.windowBytes += chunk.length;
    if (this.windowBytes < this.h.moveAt || cot.inResync) return false;
    const channel = this.decoders.open(this.sink);
    if (!channel) {
      this.decoders = undefined;
      return false;
    }
    const rest = cot.detach()!;
    this.mode = { kind: 'xml-thread', channel, partial: false };
    if (rest.length > 0) channel.push(rest);
    this.h.log.debug('decoding on a decode thread');
    return true;
  }

  /** Frame and decode a chunk on this thread. */
  private dispatch(chunk: Buffer): void {
    const m = this.mode;
    if (m.kind === 'tak' && m.xmlTail) {
      const tail = m.xmlTail;
      const at = splitAtTak(chunk, !tail.inEvent && tail.buffered === 0);
      const xml = at < 0 ? chunk : chunk.subarray(0, at);
      if (xml.length > 0) this.frame(xml, tail, false);
      if (at < 0 || this.h.closed()) return;
      m.xmlTail = undefined;
      chunk = chunk.subarray(at);
    }
    // Frames of one batch are dispatched by the framer that produced them: a negotiation in the middle of the
    // batch switches the framer for the next chunk, not for the XML frames already cut from this one.
    if (m.kind === 'tak') this.frame(chunk, m.tak, true);
    else if (m.kind === 'xml-here') this.frame(chunk, m.cot, false);
  }

  private frame(chunk: Buffer, framer: CotFramer | TakStreamFramer, fromTak: boolean): void {
    const frames = framer.push(chunk);
    // An event completed: the slowloris clock restarts (a fast sender is always mid-event between chunks).
    if (frames.length > 0) this.framed = true;
    for (const f of frames) {
      if (this.h.closed()) return;
      if (f instanceof CodecError) {
        this.h.fail(f);
        if (FATAL.has(f.code)) {
          this.h.hub.close(this.h.session, f.code);
          return;
        }
        continue;
      }
      if (fromTak) this.onProto(f);
      else this.onXml(f);
    }
  }

  private onXml(frame: Buffer): void {
    let event: Event;
    try {
      event = decodeCot(frame, this.decodeOpts);
    } catch (e) {
      this.h.fail(e);
      return;
    }
    if (event.type === 't-x-takp-q') this.negotiate(event);
    else this.h.accept(event, 'cot-xml', frame);
  }

  private onProto(frame: Buffer): void {
    let event: Event | undefined;
    try {
      event = decodeTakMessage(frame).event;
    } catch (e) {
      this.h.fail(e);
      return;
    }
    if (event) this.h.accept(event, 'takproto');
  }

  private negotiate(req: Event): void {
    const { hub, session, metrics, log } = this.h;
    const m = this.mode;
    if (m.kind === 'tak' || m.kind === 'switching') {
      // Already switched: a client that wrote several requests before reading the answer gets one answer.
      metrics.rejected.inc({ code: 'BW_TAK_ALREADY_NEGOTIATED' });
      if (this.renegotiations++ === 0) log.info('repeated TAK protocol request ignored: already switched');
      return;
    }
    const version = readProtocolRequest(req);
    if (version !== 1) {
      this.h.fail(new CodecError('BW_TAK_UNKNOWN_VERSION', 'takproto', [String(version)]));
      hub.reply(session, buildProtocolResponse(req.uid, false, Date.now()));
      if (m.kind === 'xml-thread') m.channel.release(true);
      return;
    }
    const ok = encodeCotStream(buildProtocolResponse(req.uid, true, Date.now()));
    hub.switchFormat(session, 'tak-stream', 'takproto', ok);
    const tak = new TakStreamFramer({ maxMessageBytes: this.h.maxEventBytes });
    if (m.kind === 'xml-here') {
      // What the XML framer holds (and later chunks, up to the first 0xbf frame) is XML the client wrote first.
      this.mode = { kind: 'tak', tak, xmlTail: m.cot };
    } else {
      // Chunks the decode thread holds come back (released) before anything read from now on.
      m.channel.release(false);
      this.mode = { kind: 'switching', tak, xmlTail: this.newCot(), queued: [] };
      this.h.hold('switching', true);
    }
    log.debug('switched to TAK protocol v1');
  }
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
