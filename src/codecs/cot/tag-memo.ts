/**
 * Start-tag templates, part of a sender memo (memo.ts): a client writes its `<event>` and `<point>` tags the same
 * way every time, with the same attributes in the same order and most values repeated (version, uid, type, how;
 * often hae, ce, le). A template is such a tag's text cut where the values changed from one event to the next.
 * Matching it costs one comparison per literal piece and one `indexOf` per changing value, where reading the tag
 * costs a scan, a duplicate check, a name lookup and a keyed store per attribute (`<event>` and `<point>` together
 * took 1.8 µs of an ATAK report's decode on this machine).
 *
 * A match gives exactly what readStartTag would: the literal pieces are text of a tag that was read and checked
 * (names, quotes, spacing, no duplicates), and a changing value is taken only when it holds no `&` and no `<` and
 * the event has no tab, CR or LF (values that would need decoding or normalising fall back to readStartTag).
 * Control characters were refused for the whole event before (checkControlChars).
 */
import type { StartTag } from './xml-scan.js';

export interface TagTemplate {
  name: string;
  /**
   * Literal text: lits[0] from `<` up to the first changing value, lits[i] from the quote that closes changing
   * value i - 1 up to value i, the last one to the end of the tag (`>` or `/>`).
   */
  lits: string[];
  /** The changing attributes, in order, and the quote that closes each. */
  names: string[];
  quotes: string[];
  /** Every attribute of the tag the template was made from (the unchanging values are taken from here). */
  attrs: Record<string, string>;
  selfClosing: boolean;
}

/** What a sender memo keeps of one kind of start tag: the last one read, and its template once there is one. */
export interface TagMemo {
  template: TagTemplate | undefined;
  /** The attributes of the last tag read in full, to see which values change. */
  last: Record<string, string> | undefined;
}

export const newTagMemo = (): TagMemo => ({ template: undefined, last: undefined });

/** The tag at `pos` read through `t`, or undefined when it does not fit (the caller then reads it in full). */
export function matchTag(s: string, pos: number, t: TagTemplate): StartTag | undefined {
  const lits = t.lits;
  let lit = lits[0]!;
  // A slice compared with === is several times faster than startsWith (see xml-split.ts).
  if (s.slice(pos, pos + lit.length) !== lit) return undefined;
  let p = pos + lit.length;
  const n = t.names.length;
  // A value may not run past the next '<' (that is malformed), nor hold '&' (it would need decoding).
  const lt = s.indexOf('<', p);
  const amp = s.indexOf('&', p);
  // The template's attributes, the changing values replaced as they are read (a miss leaves this copy unused).
  const attrs = { ...t.attrs };
  for (let i = 0; i < n; i++) {
    const close = s.indexOf(t.quotes[i]!, p);
    if (close === -1 || (lt !== -1 && close > lt) || (amp !== -1 && amp < close)) return undefined;
    attrs[t.names[i]!] = s.slice(p, close);
    lit = lits[i + 1]!;
    if (s.slice(close, close + lit.length) !== lit) return undefined;
    p = close + lit.length;
  }
  return { name: t.name, end: p, selfClosing: t.selfClosing, attrs };
}

/**
 * After `tag` (at `pos`) was read in full: compare it with the last one and make the template that fits both, when
 * the two have the same attributes in the same order. Tags with entity references or tab/CR/LF get none.
 */
export function learnTag(memo: TagMemo, s: string, pos: number, tag: StartTag): void {
  const attrs = tag.attrs!;
  const last = memo.last;
  memo.last = attrs;
  memo.template = undefined;
  if (!last) return;
  const text = s.slice(pos, tag.end);
  if (text.includes('&') || /[\t\n\r]/.test(text)) return;
  const layout = valueLayout(text);
  const names = Object.keys(attrs);
  const lastNames = Object.keys(last);
  if (layout.length !== names.length || lastNames.length !== names.length) return;
  const lits: string[] = [];
  const changing: string[] = [];
  const quotes: string[] = [];
  let from = 0;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (lastNames[i] !== name || layout[i]!.name !== name || name === '__proto__') return;
    if (last[name] === attrs[name]) continue;
    const { start, end } = layout[i]!;
    lits.push(text.slice(from, start));
    changing.push(name);
    quotes.push(text[end]!);
    from = end;
  }
  lits.push(text.slice(from));
  memo.template = { name: tag.name, lits, names: changing, quotes, attrs, selfClosing: tag.selfClosing };
}

/** Where each attribute value of a start tag lies (the tag was read and checked: it is well formed). */
function valueLayout(text: string): { name: string; start: number; end: number }[] {
  const out: { name: string; start: number; end: number }[] = [];
  let p = 1;
  for (;;) {
    const eq = text.indexOf('=', p);
    if (eq === -1) return out;
    const name = text.slice(p, eq).trim().split(' ').pop()!;
    let q = eq + 1;
    while (text[q] === ' ') q++;
    const quote = text[q]!;
    const close = text.indexOf(quote, q + 1);
    out.push({ name, start: q + 1, end: close });
    p = close + 1;
  }
}
