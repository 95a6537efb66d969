/**
 * Splitting an element's content into its top-level children, each with its exact source text (an event's
 * `<detail>`, a TAK protocol `xmlDetail`), with the checks of xml-scan.ts.
 */
import { malformed } from './errors.js';
import { type ElementMemo, MEMO_ELEMENTS, MEMO_ELEMENT_CHARS } from './memo.js';
import {
  MAX_DEPTH,
  checkControlChars,
  checkText,
  readEndTag,
  readStartTag,
  skipContent,
  skipSpecial,
} from './xml-scan.js';

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
  memo?: ElementMemo,
): { elements: { name: string; xml: string }[]; attrs: (Record<string, string> | undefined)[]; end: number } {
  const elements: { name: string; xml: string }[] = [];
  const attrs: (Record<string, string> | undefined)[] = [];
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
      if (memo && memo.length > elements.length) memo.length = elements.length;
      return { elements, attrs, end: readEndTag(s, lt, parent) };
    }
    if (c === 33 || c === 63) {
      pos = skipSpecial(s, lt);
      continue;
    }
    if (depth + 1 > MAX_DEPTH) throw malformed(`nesting deeper than ${MAX_DEPTH}`, lt);
    const k = elements.length;
    const seen = memo?.[k];
    // A slice compared with === is several times faster than startsWith here (V8 compares the flat contents).
    if (seen !== undefined && s.slice(lt, lt + seen.el.xml.length) === seen.el.xml) {
      elements.push(seen.el);
      attrs.push(seen.attrs);
      pos = lt + seen.el.xml.length;
      continue;
    }
    const tag = readStartTag(s, lt, collect ?? false);
    const end = tag.selfClosing ? tag.end : skipContent(s, tag.end, tag.name, depth + 1);
    const el = { name: tag.name, xml: s.slice(lt, end) };
    elements.push(el);
    attrs.push(tag.attrs);
    if (memo && k < MEMO_ELEMENTS) {
      if (end - lt <= MEMO_ELEMENT_CHARS) memo[k] = { el, attrs: tag.attrs };
      else if (k < memo.length) memo[k] = undefined;
    }
    pos = end;
  }
}

/**
 * The top-level elements of a detail body given as text (TAK protocol `xmlDetail`), with the same checks as
 * an event's `<detail>`: hostile text here is just as untrusted.
 */
export function splitDetailXml(xml: string): { name: string; xml: string }[] {
  checkControlChars(xml);
  return splitElements(xml, 0, 1).elements;
}
