/** CoT time strings (xs:dateTime) <-> epoch milliseconds. */

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/;

/** Parse a CoT time. Returns NaN when the text is not a valid xs:dateTime. */
export function parseCotTime(s: string): number {
  const m = ISO.exec(s);
  if (!m) return NaN;
  const [, y, mo, d, h, mi, se, frac, zone] = m;
  let ms = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +se!);
  if (frac) ms += Math.floor(Number('0.' + frac) * 1000);
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    ms -= sign * (+zone.slice(1, 3) * 60 + +zone.slice(4, 6)) * 60_000;
  }
  return ms;
}

/** Format epoch milliseconds as a CoT time with millisecond precision. */
export function formatCotTime(ms: number): string {
  return new Date(ms).toISOString();
}
