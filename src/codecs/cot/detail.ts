/**
 * Typed views of CoT `<detail>`, derived from the lossless element list.
 * The element XML is the source of truth; views are re-read from it whenever it changes, so the two never drift.
 */
import type {
  Chat,
  Contact,
  Dest,
  Detail,
  DetailElement,
  Emergency,
  Group,
  Link,
  PrecisionLocation,
  Remarks,
  Status,
  Takv,
  Track,
  Video,
} from '../../model/index.js';
import { checkControlChars, cotError, parseElement, readAttributes, type XmlNode } from './xml-scan.js';
import { splitElements } from './xml-split.js';
import type { ElementMemo } from './memo.js';
import { parseDecimal } from './values.js';

/** Names whose views need the element's children or text, not just its start tag. */
const TREE_ELEMENTS = new Set(['remarks', '__chat', '__chatreceipt', 'marti', '_flow-tags_', 'emergency']);

/** Names that feed a typed view; every other element is carried verbatim and never parsed twice. */
const VIEW_ELEMENTS = new Set([
  'contact',
  '__group',
  'track',
  'takv',
  'status',
  'precisionlocation',
  'link',
  'sensor',
  '__video',
  '__milsym',
  '__milicon',
  ...TREE_ELEMENTS,
]);

function pick<T extends object>(
  a: Record<string, string>,
  keys: readonly (keyof T & string)[],
): T | undefined {
  let out: Record<string, string> | undefined;
  for (const k of keys) {
    const v = a[k];
    if (v !== undefined) (out ??= {})[k] = v;
  }
  return out as T | undefined;
}

function num(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = parseDecimal(v.trim());
  return Number.isFinite(n) ? n : undefined;
}

const bool = (v: string | undefined): boolean | undefined =>
  v === undefined ? undefined : v.trim().toLowerCase() === 'true';

function numbers<T extends object>(
  a: Record<string, string>,
  keys: readonly (keyof T & string)[],
): T | undefined {
  let out: Record<string, number> | undefined;
  for (const k of keys) {
    const v = num(a[k]);
    if (v !== undefined) (out ??= {})[k] = v;
  }
  return out as T | undefined;
}

function chatView(node: XmlNode): Chat {
  const chat: Chat =
    pick<Chat>(node.attrs, ['chatroom', 'groupOwner', 'id', 'senderCallsign', 'parent', 'messageId']) ?? {};
  const grp = node.children.find((c) => c.name === 'chatgrp');
  if (grp) {
    if (grp.attrs.id !== undefined) chat.roomId = grp.attrs.id;
    const members: string[] = [];
    for (let i = 0; grp.attrs[`uid${i}`] !== undefined; i++) members.push(grp.attrs[`uid${i}`]!);
    chat.members = members;
  }
  return chat;
}

function flowTagsView(node: XmlNode): Record<string, string> {
  const tags: Record<string, string> = { ...node.attrs };
  for (const c of node.children) tags[c.name] = c.text.trim();
  return tags;
}

/** Apply one element to the views being built; `ctx` remembers which element a view came from. */
function apply(
  d: Detail,
  el: DetailElement,
  ctx: { chatFrom?: string; sidcFrom?: string },
  known: Record<string, string> | undefined,
): void {
  const name = el.name;
  if (TREE_ELEMENTS.has(name)) {
    const node = parseElement(el.xml);
    if (name === 'remarks')
      d.remarks ??= { text: node.text, ...pick<Remarks>(node.attrs, ['source', 'to', 'time']) };
    else if (name === '__chat' || name === '__chatreceipt') {
      if (!d.chat || (name === '__chat' && ctx.chatFrom !== '__chat')) {
        d.chat = chatView(node);
        ctx.chatFrom = name;
      }
    } else if (name === 'marti') {
      for (const c of node.children) {
        if (c.name !== 'dest') continue;
        const dest = pick<Dest>(c.attrs, ['callsign', 'uid', 'group', 'mission']) ?? {};
        (d.dests ??= []).push(dest);
      }
    } else if (name === '_flow-tags_') d.flowTags ??= flowTagsView(node);
    else if (name === 'emergency' && !d.emergency) {
      const e: Emergency = {};
      if (node.attrs.type !== undefined) e.type = node.attrs.type;
      if (node.attrs.cancel !== undefined) e.cancel = bool(node.attrs.cancel);
      if (node.text.trim() !== '') e.text = node.text.trim();
      d.emergency = e;
    }
    return;
  }
  place(d, name, attributeView(name, known ?? readAttributes(el.xml)), ctx);
}

/** The typed view of an element whose view needs only its attributes (see {@link place}). */
function attributeView(name: string, a: Record<string, string>): unknown {
  switch (name) {
    case 'contact':
      return pick<Contact>(a, ['callsign', 'endpoint', 'phone', 'emailAddress', 'xmppUsername']) ?? {};
    case '__group':
      return { name: a.name ?? '', role: a.role ?? '' } satisfies Group;
    case 'track':
      return numbers<Track>(a, ['course', 'speed', 'slope']) ?? {};
    case 'takv':
      return pick<Takv>(a, ['device', 'platform', 'os', 'version']) ?? {};
    case 'status': {
      const s: Status = {};
      const battery = num(a.battery);
      if (battery !== undefined) s.battery = battery;
      if (a.readiness !== undefined) s.readiness = bool(a.readiness);
      return s;
    }
    case 'precisionlocation':
      return pick<PrecisionLocation>(a, ['geopointsrc', 'altsrc']) ?? {};
    case 'link':
    case 'sensor':
      return { ...a };
    case '__video':
      return pick<Video>(a, ['url', 'uid', 'sensor', 'spi']);
    case '__milsym':
    case '__milicon':
      return a.id;
  }
  return undefined;
}

/** Put an element's view (from {@link attributeView}) into the detail being built. */
function place(d: Detail, name: string, view: unknown, ctx: { sidcFrom?: string }): void {
  switch (name) {
    case 'contact':
      d.contact ??= view as Contact;
      break;
    case '__group':
      d.group ??= view as Group;
      break;
    case 'track':
      d.track ??= view as Track;
      break;
    case 'takv':
      d.takv ??= view as Takv;
      break;
    case 'status':
      d.status ??= view as Status;
      break;
    case 'precisionlocation':
      d.precisionLocation ??= view as PrecisionLocation;
      break;
    case 'link':
      (d.links ??= []).push(view as Link);
      break;
    case 'sensor':
      d.sensor ??= view as Record<string, string>;
      break;
    case '__video':
      if (view && !d.video) d.video = view as Video;
      break;
    case '__milsym':
    case '__milicon':
      if (view && (d.sidc === undefined || (name === '__milsym' && ctx.sidcFrom !== name))) {
        d.sidc = view as string;
        ctx.sidcFrom = name;
      }
      break;
  }
}

/**
 * Rebuild the typed views from `elements`. When a name repeats, the first element wins (ATAK sends `archive`
 * and `color` twice); `link` and `marti/dest` collect every occurrence; `__chat` is preferred over
 * `__chatreceipt`. Throws CodecError when a view element is malformed.
 */
export function deriveDetail(elements: DetailElement[]): Detail {
  return deriveDetailWith(elements, []);
}

/** Whether decodeCot should keep an element's attributes while scanning, for {@link deriveDetailWith}. */
export const wantsAttributes = (name: string): boolean => ATTRIBUTE_VIEWS.has(name);

const ATTRIBUTE_VIEWS = new Set([...VIEW_ELEMENTS].filter((n) => !TREE_ELEMENTS.has(n)));

/** deriveDetail with attributes already read by the scanner (`attrs[i]` for `elements[i]`), to skip a re-parse. */
export function deriveDetailWith(
  elements: DetailElement[],
  attrs: (Record<string, string> | undefined)[],
  memo?: ElementMemo,
): Detail {
  const d: Detail = { elements };
  const ctx = {};
  for (let i = 0; i < elements.length; i++) {
    const el = elements[i]!;
    if (!VIEW_ELEMENTS.has(el.name)) continue;
    // An element the sender repeated (the same object as the memo's) gets the view made the first time: views are
    // never changed once made, so events may share them.
    const seen = memo?.[i];
    if (seen?.el !== el || TREE_ELEMENTS.has(el.name)) apply(d, el, ctx, attrs[i]);
    else {
      if (!seen.viewed) {
        seen.view = attributeView(el.name, attrs[i] ?? readAttributes(el.xml));
        seen.viewed = true;
      }
      place(d, el.name, seen.view, ctx);
    }
  }
  return d;
}

/**
 * Return a new Detail whose top-level element `name` is replaced by `xml` (at the first occurrence's position;
 * further occurrences are removed), removed when `xml` is null, or appended when absent. `xml` must be exactly
 * one well-formed element called `name`, so a caller cannot inject markup.
 */
export function setDetailElement(detail: Detail, name: string, xml: string | null): Detail {
  if (xml !== null) {
    const node = parseElement(xml);
    if (node.name !== name)
      throw cotError('BW_COT_MALFORMED', [`element is <${node.name}>, expected <${name}>`]);
    xml = xml.trim();
  }
  const out: DetailElement[] = [];
  let placed = false;
  for (const el of detail.elements) {
    if (el.name !== name) out.push(el);
    else if (xml !== null && !placed) {
      out.push({ name, xml });
      placed = true;
    }
  }
  if (xml !== null && !placed) out.push({ name, xml });
  return deriveDetail(out);
}

/**
 * Split a detail body given as text (TAK protocol `xmlDetail`) with the checks of an event's `<detail>`, keeping
 * the attributes the typed views need so {@link deriveDetailWith} does not parse them again.
 */
export function scanDetailXml(xml: string): {
  elements: DetailElement[];
  attrs: (Record<string, string> | undefined)[];
} {
  checkControlChars(xml);
  const { elements, attrs } = splitElements(xml, 0, 1, undefined, wantsAttributes);
  return { elements, attrs };
}
