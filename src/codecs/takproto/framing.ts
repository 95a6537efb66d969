/**
 * TAK Protocol Version 1 framing (ATAK-CIV `takproto/README.md`, "TAK Protocol Version 1" framing).
 * Stream: `0xbf` · payload length as unsigned varint · payload, back to back.
 * Mesh (UDP): `0xbf` · version varint · `0xbf` · payload; for v1 the header is `bf 01 bf`.
 */
import { CodecError, type ErrorCode } from '../../errors.js';

/** First byte of every TAK protocol frame (and a receiver's cue that the peer is not sending XML). */
export const MAGIC = 0xbf;
/** Lengths and versions above this are refused as malformed before anything is allocated. */
const VARINT_LIMIT = 2 ** 32;
const VARINT_MAX_BYTES = 10;

/** Build a TAK protocol codec error. */
export function takError(
  code: ErrorCode,
  args: unknown[] = [],
  offset?: number,
  cause?: unknown,
): CodecError {
  return new CodecError(code, 'takproto', args, offset, cause === undefined ? undefined : { cause });
}

/** Encode an unsigned varint (values up to 2^32, which is all framing needs). */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** Stream frame: `0xbf`, length varint, payload, in memory from `alloc` (the hub passes its slabs). */
export function frameStream(payload: Uint8Array, alloc: (n: number) => Buffer = Buffer.allocUnsafe): Buffer {
  const head = varint(payload.length);
  const out = alloc(1 + head.length + payload.length);
  out[0] = MAGIC;
  for (let i = 0; i < head.length; i++) out[1 + i] = head[i]!;
  out.set(payload, 1 + head.length);
  return out;
}

/** Mesh datagram for version 1: `bf 01 bf` then the payload. */
export function frameMesh(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(3 + payload.length);
  out[0] = MAGIC;
  out[1] = 1;
  out[2] = MAGIC;
  out.set(payload, 3);
  return out;
}

/** Read a varint at `p`: the value and the index after it, or 'more' when the bytes end first. */
function readVarint(buf: Uint8Array, p: number): { value: number; next: number } | 'more' {
  let value = 0;
  let mult = 1;
  for (let i = 0; i < VARINT_MAX_BYTES; i++) {
    if (p + i >= buf.length) return 'more';
    const b = buf[p + i]!;
    value += (b & 0x7f) * mult;
    if (value > VARINT_LIMIT) throw takError('BW_TAK_BAD_VARINT', [], p);
    if ((b & 0x80) === 0) return { value, next: p + i + 1 };
    mult *= 128;
  }
  throw takError('BW_TAK_BAD_VARINT', [], p);
}

/**
 * Split a mesh datagram. Throws CodecError: BW_TAK_BAD_MAGIC (first or third marker missing), BW_TAK_BAD_VARINT,
 * BW_TAK_TRUNCATED. The version is returned as sent; the caller refuses versions it does not speak
 * (BW_TAK_UNKNOWN_VERSION). A datagram starting with `<` is CoT XML: the caller hands it to decodeCot instead.
 */
export function parseMesh(datagram: Buffer): { version: number; payload: Buffer } {
  if (datagram.length === 0 || datagram[0] !== MAGIC) throw takError('BW_TAK_BAD_MAGIC', [], 0);
  const v = readVarint(datagram, 1);
  if (v === 'more') throw takError('BW_TAK_TRUNCATED', [], datagram.length);
  if (v.next >= datagram.length) throw takError('BW_TAK_TRUNCATED', [], datagram.length);
  if (datagram[v.next] !== MAGIC) throw takError('BW_TAK_BAD_MAGIC', [], v.next);
  return { version: v.value, payload: datagram.subarray(v.next + 1) };
}

/**
 * Streaming de-framer for TAK protocol v1 over TCP/TLS. One instance per connection.
 *
 * Lengths are checked against maxMessageBytes before any payload byte is buffered. A too-large message is
 * reported once (BW_TAK_TOO_LARGE) and its payload skipped as it arrives, so the stream stays in step. A bad
 * magic byte or varint (BW_TAK_BAD_MAGIC, BW_TAK_BAD_VARINT) leaves no way to find the next frame: the framer
 * is then `failed`, ignores further input, and the transport must close the connection. A truncated message
 * simply waits for more bytes: the transport's timeout handles a sender that stops.
 */
export class TakStreamFramer {
  private readonly max: number;
  private payload: Buffer | undefined;
  private filled = 0;
  private skip = 0;
  /** Header state: 0 = expecting magic; otherwise reading the length varint. */
  private inHeader = false;
  private value = 0;
  private mult = 1;
  private varBytes = 0;
  private dead = false;

  constructor(opts: { maxMessageBytes: number }) {
    if (!(opts.maxMessageBytes > 0)) throw new RangeError('maxMessageBytes must be positive');
    this.max = opts.maxMessageBytes;
  }

  /** True after a framing error that cannot be recovered from. */
  get failed(): boolean {
    return this.dead;
  }

  /** True while a frame has started and not completed (for the transport's slowloris timer). */
  get inMessage(): boolean {
    return this.inHeader || this.payload !== undefined || this.skip > 0;
  }

  /** Payload bytes held for the message in progress. */
  get buffered(): number {
    return this.filled;
  }

  /** Feed the next chunk; returns complete payloads (without header) and errors in stream order. */
  push(chunk: Buffer): Array<Buffer | CodecError> {
    const out: Array<Buffer | CodecError> = [];
    let p = 0;
    while (p < chunk.length && !this.dead) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - p);
        this.skip -= n;
        p += n;
      } else if (this.payload) {
        const n = Math.min(this.payload.length - this.filled, chunk.length - p);
        chunk.copy(this.payload, this.filled, p, p + n);
        this.filled += n;
        p += n;
        if (this.filled === this.payload.length) {
          out.push(this.payload);
          this.payload = undefined;
          this.filled = 0;
        }
      } else if (!this.inHeader) {
        if (chunk[p] !== MAGIC) return this.fail(out, 'BW_TAK_BAD_MAGIC', p);
        this.inHeader = true;
        this.value = 0;
        this.mult = 1;
        this.varBytes = 0;
        p++;
      } else {
        const b = chunk[p++]!;
        this.value += (b & 0x7f) * this.mult;
        this.mult *= 128;
        this.varBytes++;
        if (this.value > VARINT_LIMIT || (b & 0x80 && this.varBytes >= VARINT_MAX_BYTES)) {
          return this.fail(out, 'BW_TAK_BAD_VARINT', p - 1);
        }
        if (b & 0x80) continue;
        this.inHeader = false;
        const len = this.value;
        if (len > this.max) {
          out.push(takError('BW_TAK_TOO_LARGE', [len], p));
          this.skip = len;
        } else if (chunk.length - p >= len) {
          out.push(chunk.subarray(p, p + len)); // whole message in this chunk: no copy
          p += len;
        } else {
          this.payload = Buffer.allocUnsafe(len);
          this.filled = 0;
        }
      }
    }
    return out;
  }

  private fail(out: Array<Buffer | CodecError>, code: ErrorCode, offset: number): Array<Buffer | CodecError> {
    this.dead = true;
    this.payload = undefined;
    out.push(takError(code, [], offset));
    return out;
  }
}
