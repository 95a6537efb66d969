/** XML character references and escaping: the only entity handling there is (no DTD, so no other entities). */
import { malformed } from './errors.js';

/** True when `cp` is a code point XML 1.0 allows in a document. */
export function isXmlChar(cp: number): boolean {
  return (
    cp === 9 ||
    cp === 10 ||
    cp === 13 ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

const NAMED = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);

/**
 * Decode the five predefined entities and numeric character references. Anything else (an unknown or
 * unterminated reference, a code point XML forbids) is BW_COT_MALFORMED: no entity ever expands to markup.
 */
export function decodeEntities(s: string, offset = 0): string {
  let amp = s.indexOf('&');
  if (amp === -1) return s;
  let out = '';
  let from = 0;
  while (amp !== -1) {
    const semi = checkReference(s, amp, offset);
    out += s.slice(from, amp);
    const ref = s.slice(amp + 1, semi - 1);
    if (ref.charCodeAt(0) === 35) {
      const hex = ref.charCodeAt(1) === 120;
      out += String.fromCodePoint(parseInt(ref.slice(hex ? 2 : 1), hex ? 16 : 10));
    } else out += NAMED.get(ref);
    from = semi;
    amp = s.indexOf('&', from);
  }
  return out + s.slice(from);
}

/** Check the reference starting at `i` (s[i] === '&'); returns the index after ';'. */
export function checkReference(s: string, i: number, offset = 0): number {
  const semi = s.indexOf(';', i + 1);
  if (semi === -1 || semi - i > 10) throw malformed('unterminated character reference', offset + i);
  const ref = s.slice(i + 1, semi);
  if (ref.charCodeAt(0) === 35) {
    const hex = ref.charCodeAt(1) === 120;
    const digits = ref.slice(hex ? 2 : 1);
    if (!(hex ? /^[0-9a-fA-F]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) {
      throw malformed('bad character reference', offset + i);
    }
    if (!isXmlChar(parseInt(digits, hex ? 16 : 10))) {
      throw malformed('character reference is not an XML character', offset + i);
    }
  } else if (!NAMED.has(ref)) {
    throw malformed(`unknown entity &${ref};`, offset + i);
  }
  return semi + 1;
}

const ESCAPE =
  // eslint-disable-next-line no-control-regex -- matching the characters XML cannot carry is the point
  /[&<>"'\t\n\r]|[\0-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const ESCAPED: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/**
 * Escape a string for an XML attribute value or text. Tab, LF and CR become character references so attribute
 * values survive XML's whitespace normalisation; characters XML cannot carry at all (C0 controls, lone
 * surrogates, U+FFFE/U+FFFF) become U+FFFD rather than producing a document nobody can parse.
 */
export function escapeXml(s: string): string {
  ESCAPE.lastIndex = 0;
  if (!ESCAPE.test(s)) return s;
  return s.replace(ESCAPE, (c: string) => ESCAPED[c] ?? '\ufffd');
}
