/** Strict readers and round-trip writers for the numbers and times CoT carries in attributes. */

/** 10^0 … 10^15, all exact doubles. */
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?$/;

/**
 * Parse an xs:double-like decimal strictly. `Number()` alone would accept '', ' 1', '0x10' and 'Infinity'.
 * Returns NaN when the text is not a plain decimal number.
 */
export function parseDecimal(s: string): number {
  // Fast path for plain decimals (digits, one '.', leading '-'), the only form CoT clients send; the regex
  // handles the rest. Number() alone is not enough: it accepts '', ' 1', '0x10' and 'Infinity'.
  const n = s.length;
  if (n > 0 && n < 32) {
    const neg = s.charCodeAt(0) === 45;
    let i = neg ? 1 : 0;
    let dot = false;
    let digits = 0;
    let frac = 0;
    let m = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 48 && c <= 57) {
        digits++;
        m = m * 10 + (c - 48);
        if (dot) frac++;
      } else if (c === 46 && !dot) dot = true;
      else break;
    }
    if (i === n && digits > 0) {
      // Up to 15 digits the integer m is exact and so is 10^frac, so one division is correctly rounded and equals
      // Number(s) (Clinger's fast path); Number() was 5 % of ingest in the S2 profile.
      if (digits <= 15) return neg ? -(m / POW10[frac]!) : m / POW10[frac]!;
      return Number(s);
    }
  }
  return DECIMAL.test(s) ? Number(s) : NaN;
}

/**
 * Print a number so it parses back to the same double, without exponent notation for the values CoT carries
 * (JavaScript switches to `1e-7` below 1e-6; Java/C# clients read that too, but people and some tools do not).
 */
export function formatNumber(n: number): string {
  const s = String(n);
  const e = s.indexOf('e');
  if (e === -1) return s;
  const exp = Number(s.slice(e + 1));
  if (exp >= 21) return s; // astronomically large: keep the exact shortest form
  const neg = s.startsWith('-');
  const mant = s.slice(neg ? 1 : 0, e).replace('.', '');
  // exp < 0 here: 1.234e-7 -> 0.0000001234
  return (neg ? '-' : '') + '0.' + '0'.repeat(-exp - 1) + mant;
}

const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (exact integer arithmetic; cheaper than Date.UTC). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

/**
 * Parse a CoT time (xs:dateTime `CCYY-MM-DDThh:mm:ss[.f…][Z|±hh:mm]`, no zone meaning UTC) to epoch ms.
 * Stricter than a regex: field ranges are checked, so `2024-13-40T25:00:00Z` is NaN rather than a rolled-over
 * date. Fractions beyond milliseconds are truncated. Returns NaN when unreadable.
 */
export function parseTime(s: string): number {
  if (s.length < 19 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84)
    return NaN;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return NaN;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const se = digits(s, 17, 2);
  if (!(
    y >= 1000 &&
    mo >= 1 &&
    mo <= 12 &&
    d >= 1 &&
    d <= MONTH_DAYS[mo - 1]! &&
    h <= 23 &&
    mi <= 59 &&
    se <= 60
  ))
    return NaN;
  if (mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return NaN;
  let ms = daysFromCivil(y, mo, d) * 86_400_000 + h * 3_600_000 + mi * 60_000 + se * 1000;
  let p = 19;
  if (s.charCodeAt(p) === 46) {
    const start = ++p;
    while (p < s.length && s.charCodeAt(p) >= 48 && s.charCodeAt(p) <= 57) p++;
    if (p === start || p - start > 12) return NaN;
    // Milliseconds: the first three digits, padded with zeros ("5" is 500).
    let f = 0;
    for (let i = start; i < start + 3; i++) f = f * 10 + (i < p ? s.charCodeAt(i) - 48 : 0);
    ms += f;
  }
  if (p === s.length) return ms;
  const z = s.charCodeAt(p);
  if (z === 90 && p + 1 === s.length) return ms;
  if ((z === 43 || z === 45) && p + 6 === s.length && s.charCodeAt(p + 3) === 58) {
    const zh = digits(s, p + 1, 2);
    const zm = digits(s, p + 4, 2);
    if (!(zh <= 14 && zm <= 59)) return NaN;
    return ms - (z === 45 ? -1 : 1) * (zh * 60 + zm) * 60_000;
  }
  return NaN;
}

/** Format epoch ms as ISO 8601 UTC with milliseconds, the form every TAK client reads. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString();
}
