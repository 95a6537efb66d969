/**
 * Splitting an element's content into its top-level children, each with its exact source text (an event's
 * `<detail>`, a TAK protocol `xmlDetail`), with the checks of xml-scan.ts.
 */
import { malformed } from './errors.js';
import { type DetailMemo, MEMO_ELEMENTS, MEMO_ELEMENT_CHARS } from './memo.js';
import { MAX_DEPTH, checkText, readEndTag, readStartTag, skipContent, skipSpecial } from './xml-scan.js';

/**
 * Split the content of an element into its top-level children, each with its exact source text. Text and
 * comments between the children are dropped; `attrs[i]` holds element i's attributes when `collect` asked for
 * them. With `parent`, the content ends at `</parent>` (returned as `end`,
 * the index after it); without, it runs to the end of `s` (a TAK `xmlDetail` string).
 */
export function splitElements(
  s: string,
  from: number,
  depth: number,
  parent?: string,
  collect?: (name: string) => boolean,
  memo?: DetailMemo,
): { elements: { name: string; xml: string }[]; attrs: (Record<string, string> | undefined)[]; end: number } {
  const elements: { name: string; xml: string }[] = [];
  const attrs: (Record<string, string> | undefined)[] = [];
  const entries = memo?.elements;
  // The leading children taken from the memo so far, back to back from the first: the next event's run.
  let leading = memo !== undefined;
  let leadStart = 0;
  let leadEnd = 0;
  let leadCount = 0;
  let pos = from;
  for (;;) {
    const lt = s.indexOf('<', pos);
    if (lt === -1) {
      if (parent !== undefined) throw malformed(`<${parent}> is not closed`, pos);
      checkText(s, pos, s.length);
      return { elements, attrs, end: s.length };
    }
    checkText(s, pos, lt);
    const c = s.charCodeAt(lt + 1);
    if (c === 47) {
      if (parent === undefined) throw malformed('unexpected end tag', lt);
      if (memo) finish(memo, elements.length, s, leadStart, leadEnd, leadCount);
      return { elements, attrs, end: readEndTag(s, lt, parent) };
    }
    if (c === 33 || c === 63) {
      pos = skipSpecial(s, lt);
      leading = false;
      continue;
    }
    if (depth + 1 > MAX_DEPTH) throw malformed(`nesting deeper than ${MAX_DEPTH}`, lt);
    const k = elements.length;
    if (k === 0 && memo?.run) {
      // The sender's leading children, compared in one go. The run is dropped before anything can change the
      // entries it stands for, and put back only when it held.
      const run = memo.run;
      memo.run = undefined;
      if (s.slice(lt, lt + run.text.length) === run.text) {
        for (let i = 0; i < run.count; i++) {
          elements.push(entries![i]!.el);
          attrs.push(entries![i]!.attrs);
        }
        memo.run = run;
        leadStart = lt;
        leadEnd = pos = lt + run.text.length;
        leadCount = run.count;
        continue;
      }
    }
    if (leading && k > 0 && lt !== leadEnd) leading = false;
    const seen = entries?.[k];
    // A slice compared with === is several times faster than startsWith here (V8 compares the flat contents).
    if (seen !== undefined && s.slice(lt, lt + seen.el.xml.length) === seen.el.xml) {
      elements.push(seen.el);
      attrs.push(seen.attrs);
      pos = lt + seen.el.xml.length;
      if (leading) {
        if (k === 0) leadStart = lt;
        leadEnd = pos;
        leadCount++;
      }
      continue;
    }
    leading = false;
    const tag = readStartTag(s, lt, collect ?? false);
    const end = tag.selfClosing ? tag.end : skipContent(s, tag.end, tag.name, depth + 1);
    const el = { name: tag.name, xml: s.slice(lt, end) };
    elements.push(el);
    attrs.push(tag.attrs);
    if (entries && k < MEMO_ELEMENTS) {
      if (end - lt <= MEMO_ELEMENT_CHARS) entries[k] = { el, attrs: tag.attrs };
      else if (k < entries.length) entries[k] = undefined;
    }
    pos = end;
  }
}

/** End of a split with a memo: forget entries past the last child, and keep the leading run for the next event. */
function finish(memo: DetailMemo, count: number, s: string, start: number, end: number, n: number): void {
  if (memo.elements.length > count) memo.elements.length = count;
  if (n < 2) memo.run = undefined;
  else if (memo.run?.count !== n) memo.run = { text: s.slice(start, end), count: n };
}
