/**
 * A small, strict XML scanner for CoT: safe by construction for hostile input.
 *
 * Why hand-written: fast-xml-parser builds a full object tree for every event and cannot hand back the exact
 * source text of each detail child (see docs/codecs.md for the benchmark figures). This scanner walks the text
 * with `indexOf` jumps, reads attributes only where asked, and enforces the rules we need:
 * - no DTD processing ever: `<!DOCTYPE` and `<!ENTITY` are refused (BW_COT_DOCTYPE), so no entity expansion exists;
 * - only the five predefined entities and numeric character references (valid XML code points) are accepted;
 * - element nesting is limited to {@link MAX_DEPTH}; names, quotes, end tags and duplicate attributes are checked;
 * - C0 control characters other than tab, LF and CR are refused in text and attribute values.
 * Processing instructions inside an element are refused (CoT never uses them).
 */
import { checkReference, decodeEntities } from './entities.js';
import { cotError, malformed } from './errors.js';
import { nameAt } from './names.js';

export { cotError } from './errors.js';
export { decodeEntities, escapeXml } from './entities.js';

/** Deepest element nesting accepted, counted from `<event>` (a route's navcue trigger sits at depth 6). */
export const MAX_DEPTH = 32;

/**
 * Result of reading one start tag. `attrs` is a plain object whose own properties are the attributes: look
 * names up with Object.hasOwn (or known names only), never trust inherited ones like `constructor`.
 */
export interface StartTag {
  name: string;
  /** Index just after the closing `>`. */
  end: number;
  selfClosing: boolean;
  /** Attributes, entity-decoded and normalised, when they were asked for. */
  attrs: Record<string, string> | undefined;
}

/** A tab, CR or LF: attribute-value normalisation turns each into a space (XML 1.0 §3.3.3). */
const TAB_CR_LF = /[\t\n\r]/;

/**
 * Whether `s` contains a tab, CR or LF at all, remembered for the last string asked about: only then can an
 * attribute value need whitespace normalisation, and compact CoT (what clients send) has none, so the per-tag
 * checks are skipped for the whole event.
 */
let wsOf: string | undefined;
let wsIn = false;
export function hasTabCrLf(s: string): boolean {
  if (s !== wsOf) {
    wsOf = s;
    wsIn = TAB_CR_LF.test(s);
  }
  return wsIn;
}

/** True when `ch` occurs in s[from, to). */
function before(s: string, ch: string, from: number, to: number): boolean {
  const i = s.indexOf(ch, from);
  return i !== -1 && i < to;
}

const isWs = (c: number): boolean => c === 32 || c === 10 || c === 9 || c === 13;

/** Name characters: everything that cannot end a name. Deliberately lenient about Unicode classes. */
const NAME_CHAR = new Uint8Array(128);
/** Characters that may start a name (not a digit, '-' or '.'). */
const NAME_START = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const bad = c <= 32 || c === 47 || c === 62 || c === 60 || c === 61 || c === 34 || c === 39 || c === 38;
  NAME_CHAR[c] = bad ? 0 : 1;
  NAME_START[c] = bad || (c >= 48 && c <= 57) || c === 45 || c === 46 ? 0 : 1;
}

/** Also false for NaN (past the end of the string). */
const isNameChar = (c: number): boolean => c >= 128 || NAME_CHAR[c] === 1;
const isNameStart = (c: number): boolean => c >= 128 || NAME_START[c] === 1;

/** Validate the references in character data s[from, to). Control characters were refused up front. */
export function checkText(s: string, from: number, to: number): void {
  let amp = s.indexOf('&', from);
  while (amp !== -1 && amp < to) amp = s.indexOf('&', checkReference(s, amp));
}

// eslint-disable-next-line no-control-regex -- finding the control characters XML forbids is the point
const FORBIDDEN_CONTROL = /[\0-\x08\x0b\x0c\x0e-\x1f]/;

/**
 * Refuse C0 control characters other than tab, LF and CR anywhere in `s`. Done once per input with a native
 * regex instead of in every character loop; every exported entry point that takes untrusted text calls it.
 */
export function checkControlChars(s: string): void {
  // One pass finds any C0 character; compact CoT has none at all, which also settles hasTabCrLf for `s`.
  if (!ANY_CONTROL.test(s)) {
    wsOf = s;
    wsIn = false;
    return;
  }
  const m = FORBIDDEN_CONTROL.exec(s);
  if (m) throw malformed('control character', m.index);
}

// eslint-disable-next-line no-control-regex -- any C0 control character, tab, CR and LF included
const ANY_CONTROL = /[\0-\x1f]/;

/**
 * Attribute names of the tag being read, for the duplicate check without allocating: start, length and a hash of
 * each name. A tag with more attributes than fit falls back to comparing against all earlier names by text.
 */
const MAX_FAST_ATTRS = 64;
const attrStart = new Int32Array(MAX_FAST_ATTRS);
const attrLen = new Int32Array(MAX_FAST_ATTRS);
const attrHash = new Int32Array(MAX_FAST_ATTRS);

/** s[a, a + n) === s[b, b + n). */
function sameRange(s: string, a: number, b: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (s.charCodeAt(a + i) !== s.charCodeAt(b + i)) return false;
  return true;
}

/** Whether the attribute name s[start, start + len) with hash `h` occurred among the first `n` of this tag. */
function isDuplicate(s: string, n: number, start: number, len: number, h: number): boolean {
  const fast = Math.min(n, MAX_FAST_ATTRS);
  for (let j = 0; j < fast; j++) {
    if (attrHash[j] === h && attrLen[j] === len && sameRange(s, attrStart[j]!, start, len)) return true;
  }
  if (n <= MAX_FAST_ATTRS) return false;
  // More attributes than the scratch arrays hold (hostile input): compare against the rest by scanning again.
  return s.slice(0, start).includes(` ${s.slice(start, start + len)}=`);
}

/**
 * Read the start tag at `pos` (s[pos] === '<'). With `collectIf` (true, or true for the name), attribute values are decoded and normalised
 * (literal tab/CR/LF become spaces, as XML requires; `&#10;` stays a newline).
 *
 * Hot path (every tag of every event): names are not sliced unless collected, duplicates are found through the
 * scratch arrays above, and whitespace normalisation is only looked for when the event has tabs or newlines.
 */
export function readStartTag(
  s: string,
  pos: number,
  collectIf: boolean | ((name: string) => boolean),
): StartTag {
  const len = s.length;
  let p = pos + 1;
  if (!isNameStart(s.charCodeAt(p))) throw malformed('bad element name', p);
  p++;
  while (isNameChar(s.charCodeAt(p))) p++;
  const name = nameAt(s, pos + 1, p);
  const collect = typeof collectIf === 'boolean' ? collectIf : collectIf(name);
  // A plain object keeps V8's fast hidden-class path (2-3x faster than a null-prototype dictionary here);
  // '__proto__' is stored as an own property below, and lookups use own properties only.
  const attrs: Record<string, string> | undefined = collect ? {} : undefined;
  let count = 0;
  let nextLt = s.indexOf('<', p);
  if (nextLt === -1) nextLt = len;
  let ampAt = p;
  // Only a tag that contains tab/CR/LF somewhere can have values that need whitespace normalisation.
  const tagWs =
    collect &&
    hasTabCrLf(s) &&
    (before(s, '\n', p, nextLt) || before(s, '\t', p, nextLt) || before(s, '\r', p, nextLt));
  for (;;) {
    const sepStart = p;
    let c = s.charCodeAt(p);
    while (c === 32 || c === 10 || c === 9 || c === 13) c = s.charCodeAt(++p);
    if (p >= len) throw malformed(`unterminated start tag <${name}>`, pos);
    if (c === 62) return { name, end: p + 1, selfClosing: false, attrs };
    if (c === 47) {
      if (s.charCodeAt(p + 1) !== 62) throw malformed(`stray / in <${name}>`, p);
      return { name, end: p + 2, selfClosing: true, attrs };
    }
    if (p === sepStart || !isNameStart(c)) throw malformed(`bad attribute in <${name}>`, p);
    const nameStart = p;
    let h = c;
    c = s.charCodeAt(++p);
    while (isNameChar(c)) {
      h = (Math.imul(h, 31) + c) | 0;
      c = s.charCodeAt(++p);
    }
    const nameLen = p - nameStart;
    while (c === 32 || c === 10 || c === 9 || c === 13) c = s.charCodeAt(++p);
    if (c !== 61)
      throw malformed(`attribute ${s.slice(nameStart, nameStart + nameLen)} without value in <${name}>`, p);
    c = s.charCodeAt(++p);
    while (c === 32 || c === 10 || c === 9 || c === 13) c = s.charCodeAt(++p);
    if (c !== 34 && c !== 39)
      throw malformed(`unquoted attribute ${s.slice(nameStart, nameStart + nameLen)} in <${name}>`, p);
    const close = s.indexOf(c === 34 ? '"' : "'", p + 1);
    if (close === -1)
      throw malformed(`unterminated attribute ${s.slice(nameStart, nameStart + nameLen)} in <${name}>`, p);
    // '<' cannot occur in a value, so a value running past the next '<' is malformed.
    if (close > nextLt) throw malformed(`< in attribute ${s.slice(nameStart, nameStart + nameLen)}`, nextLt);
    if (ampAt !== -1 && ampAt <= p) ampAt = s.indexOf('&', p + 1);
    const amp = ampAt !== -1 && ampAt < close;
    if (amp) checkText(s, ampAt, close);
    if (isDuplicate(s, count, nameStart, nameLen, h))
      throw malformed(
        `duplicate attribute ${s.slice(nameStart, nameStart + nameLen)} in <${name}>`,
        nameStart,
      );
    if (count < MAX_FAST_ATTRS) {
      attrStart[count] = nameStart;
      attrLen[count] = nameLen;
      attrHash[count] = h;
    }
    count++;
    if (attrs) {
      const attr = nameAt(s, nameStart, nameStart + nameLen);
      let value = s.slice(p + 1, close);
      if (tagWs && TAB_CR_LF.test(value)) value = value.replace(/[\t\n\r]/g, ' ');
      if (amp) value = decodeEntities(value, p + 1);
      if (attr === '__proto__')
        Object.defineProperty(attrs, attr, { value, enumerable: true, writable: true });
      else attrs[attr] = value;
    }
    p = close + 1;
  }
}

/** Read an end tag at `pos` (s starts `</` there) and check it closes `name`; returns the index after `>`. */
export function readEndTag(s: string, pos: number, name: string): number {
  const gt = s.indexOf('>', pos + 2);
  if (gt === -1) throw malformed(`unterminated end tag </${name}>`, pos);
  const got = s.slice(pos + 2, gt).trimEnd();
  if (got !== name) throw malformed(`</${got}> does not close <${name}>`, pos);
  return gt + 1;
}

/**
 * Handle a `<!…` or `<?…` construct at `lt`. Returns the index after it (comments, CDATA) or throws.
 * Calls `onCdata` with the CDATA content when given.
 */
export function skipSpecial(s: string, lt: number, onCdata?: (text: string) => void): number {
  const c = s.charCodeAt(lt + 1);
  if (c === 63) throw malformed('processing instruction inside the event', lt);
  if (s.startsWith('<!--', lt)) {
    const end = s.indexOf('-->', lt + 4);
    if (end === -1) throw malformed('unterminated comment', lt);
    return end + 3;
  }
  if (s.startsWith('<![CDATA[', lt)) {
    const end = s.indexOf(']]>', lt + 9);
    if (end === -1) throw malformed('unterminated CDATA section', lt);
    onCdata?.(s.slice(lt + 9, end));
    return end + 3;
  }
  if (s.startsWith('<!DOCTYPE', lt) || s.startsWith('<!ENTITY', lt)) throw cotError('BW_COT_DOCTYPE', [], lt);
  throw malformed('unexpected <!', lt);
}

/**
 * Skip the content of element `name` whose start tag ended at `pos`, checking well-formedness down to
 * {@link MAX_DEPTH}. Returns the index after its end tag.
 */
export function skipContent(s: string, pos: number, name: string, depth: number): number {
  for (;;) {
    const lt = s.indexOf('<', pos);
    if (lt === -1) throw malformed(`<${name}> is not closed`, pos);
    checkText(s, pos, lt);
    const c = s.charCodeAt(lt + 1);
    if (c === 47) return readEndTag(s, lt, name);
    if (c === 33 || c === 63) {
      pos = skipSpecial(s, lt);
      continue;
    }
    const tag = readStartTag(s, lt, false);
    if (tag.selfClosing) pos = tag.end;
    else {
      if (depth + 1 > MAX_DEPTH) throw malformed(`nesting deeper than ${MAX_DEPTH}`, lt);
      pos = skipContent(s, tag.end, tag.name, depth + 1);
    }
  }
}

/** A parsed element: used for small elements only (typed views, tests), never for a whole event. */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  /** Decoded character data directly inside this element (CDATA included), concatenated. */
  text: string;
  children: XmlNode[];
}

function parseNodeAt(s: string, lt: number, depth: number): { node: XmlNode; end: number } {
  const tag = readStartTag(s, lt, true);
  const node: XmlNode = { name: tag.name, attrs: tag.attrs!, text: '', children: [] };
  if (tag.selfClosing) return { node, end: tag.end };
  let pos = tag.end;
  for (;;) {
    const next = s.indexOf('<', pos);
    if (next === -1) throw malformed(`<${tag.name}> is not closed`, pos);
    checkText(s, pos, next);
    if (next > pos) node.text += decodeEntities(s.slice(pos, next), pos);
    const c = s.charCodeAt(next + 1);
    if (c === 47) return { node, end: readEndTag(s, next, tag.name) };
    if (c === 33 || c === 63) {
      pos = skipSpecial(s, next, (t) => (node.text += t));
      continue;
    }
    if (depth + 1 > MAX_DEPTH) throw malformed(`nesting deeper than ${MAX_DEPTH}`, next);
    const child = parseNodeAt(s, next, depth + 1);
    node.children.push(child.node);
    pos = child.end;
  }
}

/**
 * Parse one element (the whole string must be exactly one element, surrounding whitespace allowed) into a tree.
 * Comments are dropped. Throws CodecError on anything malformed.
 */
export function parseElement(xml: string): XmlNode {
  checkControlChars(xml);
  let p = 0;
  while (p < xml.length && isWs(xml.charCodeAt(p))) p++;
  if (xml.charCodeAt(p) !== 60) throw cotError('BW_COT_NOT_XML', [], p);
  if (xml.charCodeAt(p + 1) === 33 || xml.charCodeAt(p + 1) === 63) skipSpecial(xml, p);
  const { node, end } = parseNodeAt(xml, p, 1);
  for (let i = end; i < xml.length; i++) {
    if (!isWs(xml.charCodeAt(i))) throw malformed('content after the element', i);
  }
  return node;
}

/**
 * Read the attributes of the first start tag in `tagXml` (a lone start tag or a whole element), decoded.
 * Safe for any input: throws CodecError (BW_COT_NOT_XML / BW_COT_MALFORMED) instead of guessing.
 */
export function readAttributes(tagXml: string): Record<string, string> {
  checkControlChars(tagXml);
  let p = 0;
  while (p < tagXml.length && isWs(tagXml.charCodeAt(p))) p++;
  if (tagXml.charCodeAt(p) !== 60) throw cotError('BW_COT_NOT_XML', [], p);
  return readStartTag(tagXml, p, true).attrs!;
}

export { isWs };
