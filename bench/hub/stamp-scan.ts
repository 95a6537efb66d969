/**
 * Finds the send stamps in a received byte stream without parsing it: a receiving bench client only needs to count
 * deliveries and read `<bw_bench t="…"/>`, whether the hub sent XML or TAK protobuf (where the element sits inside
 * xmlDetail). Chunk boundaries may split a stamp; at most one stamp's worth of bytes is carried over.
 */

const MARKER = Buffer.from('<bw_bench t=');
/** A stamp value is at most this many bytes (e.g. 1764222222222.123 plus quotes); longer means garbage. */
const MAX_VALUE = 32;
const QUOTE = 0x22;
const APOS = 0x27;

export class StampScanner {
  private carry: Buffer | undefined;
  /** Markers whose value could not be read (bytes damaged or too long). */
  malformed = 0;

  /** Calls `onStamp(t)` for each complete stamp in `chunk` (t in ms as sent). */
  scan(chunk: Buffer, onStamp: (t: number) => void): void {
    let buf = chunk;
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    }
    let pos = 0;
    for (;;) {
      const at = buf.indexOf(MARKER, pos);
      if (at < 0) break;
      const q = at + MARKER.length;
      if (q >= buf.length) {
        this.keep(buf, at);
        return;
      }
      const quote = buf[q];
      if (quote !== QUOTE && quote !== APOS) {
        this.malformed++;
        pos = q;
        continue;
      }
      const end = buf.indexOf(quote, q + 1);
      if (end < 0 || end - q > MAX_VALUE) {
        if (end < 0 && buf.length - q <= MAX_VALUE) {
          this.keep(buf, at);
          return;
        }
        this.malformed++;
        pos = q + 1;
        continue;
      }
      const t = Number(buf.toString('latin1', q + 1, end));
      if (Number.isFinite(t)) onStamp(t);
      else this.malformed++;
      pos = end + 1;
    }
    // Keep a trailing partial marker only: most chunks end on an event boundary and carry nothing.
    const from = Math.max(pos, buf.length - (MARKER.length - 1));
    for (let i = from; i < buf.length; i++) {
      if (buf[i] === MARKER[0] && MARKER.subarray(0, buf.length - i).equals(buf.subarray(i))) {
        this.keep(buf, i);
        return;
      }
    }
  }

  private keep(buf: Buffer, from: number): void {
    this.carry = Buffer.from(buf.subarray(from));
  }
}
