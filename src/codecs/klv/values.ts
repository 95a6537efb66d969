/**
 * Value encodings used by the MISB local sets: big-endian integers, the linear maps of ST 0601 ("map 0..(2^n-1) to
 * min..max", signed "±(2^(n-1)-1) to ±range" with the most negative value meaning "out of range"), ST 1201 IMAPB
 * floating-point-to-integer mapping, and strings.
 */

export function uint(b: Uint8Array): number {
  let v = 0;
  for (const x of b) v = v * 256 + x;
  return v;
}

export function int(b: Uint8Array): number {
  if (b.length === 0) return 0;
  const u = uint(b);
  const half = 2 ** (8 * b.length - 1);
  return u >= half ? u - 2 * half : u;
}

/** Unsigned n-byte integer mapped linearly onto [min, max]. */
export function mapUnsigned(b: Uint8Array, min: number, max: number): number {
  return min + (uint(b) * (max - min)) / (2 ** (8 * b.length) - 1);
}

/** Signed n-byte integer mapped onto [-range, range]; the most negative value is "error / out of range". */
export function mapSigned(b: Uint8Array, range: number): number | undefined {
  const v = int(b);
  const full = 2 ** (8 * b.length - 1);
  if (v === -full) return undefined;
  return (v * range) / (full - 1);
}

/** ST 1201 IMAPB: an unsigned integer of b.length bytes back to a value in [min, max]. Special values -> undefined. */
export function imapb(b: Uint8Array, min: number, max: number): number | undefined {
  const L = b.length;
  if (L === 0 || L > 6) return undefined;
  const bPow = Math.ceil(Math.log2(max - min));
  const dPow = 8 * L - 1;
  const sF = 2 ** (dPow - bPow);
  const sR = 2 ** (bPow - dPow);
  const zOffset = min < 0 && max > 0 ? sF * min - Math.floor(sF * min) : 0;
  const x = uint(b);
  if (x > 2 ** dPow) return undefined; // the high bit marks ST 1201 special values
  return sR * (x - zOffset) + min;
}

const utf8 = new TextDecoder('utf-8');
const utf16be = new TextDecoder('utf-16be');

/** A string value: UTF-8 (ASCII in practice), trailing NULs removed. */
export function text(b: Uint8Array): string {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  // ASCII (almost every ST 0601 string) without a TextDecoder call: several times faster on short strings.
  let s = '';
  for (let i = 0; i < end; i++) {
    const c = b[i]!;
    if (c >= 0x80) return utf8.decode(b.subarray(0, end)); // invalid UTF-8 becomes U+FFFD, never throws
    s += String.fromCharCode(c);
  }
  return s;
}

/** UTF-16 (big-endian) when the bytes look like it (even length, zero high bytes), else {@link text}. */
export function textMaybeUtf16(b: Uint8Array): string {
  if (b.length >= 2 && b.length % 2 === 0 && b[0] === 0) return utf16be.decode(b).replace(/\0+$/, '');
  return text(b);
}
