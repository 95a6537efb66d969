/**
 * The CoT `<detail>` <-> TAK protocol `Detail` split (TAK Protocol v1, ATAK-CIV
 * `takproto/detail.proto` field numbers and conversion rules).
 *
 * An element moves into its typed sub-message only when the sub-message can carry all of it: exactly the
 * attribute set below, no children or text, non-empty strings, numbers that parse, and only one element of that
 * name. Everything else stays in `xmlDetail`, verbatim. Decoding synthesises the typed elements first (fixed order:
 * contact, __group, precisionlocation, status, takv, track), then appends the xmlDetail elements; an element present
 * in both keeps only the xmlDetail copy. Numeric text is canonicalised on the way (`speed="0.00000000"` comes back
 * as `speed="0"`); values are otherwise unchanged.
 */
import type { DetailElement } from '../../model/index.js';
import { escapeXml, formatNumber, parseDecimal, parseElement, readAttributes } from '../cot/index.js';

/** Detail.contact (field 2): 1 endpoint, 2 callsign. */
export interface ProtoContact {
  endpoint?: string;
  callsign: string;
}
/** Detail.group (field 3, from `__group`): 1 name, 2 role. */
export interface ProtoGroup {
  name: string;
  role: string;
}
/** Detail.precisionLocation (field 4): 1 geopointsrc, 2 altsrc. */
export interface ProtoPrecisionLocation {
  geopointsrc: string;
  altsrc: string;
}
/** Detail.status (field 5): 1 battery (uint32). */
export interface ProtoStatus {
  battery: number;
}
/** Detail.takv (field 6): 1 device, 2 platform, 3 os, 4 version. */
export interface ProtoTakv {
  device: string;
  platform: string;
  os: string;
  version: string;
}
/** Detail.track (field 7): 1 speed, 2 course (double). */
export interface ProtoTrack {
  speed: number;
  course: number;
}

/** The typed sub-messages of TAK `Detail` (fields 2..7). */
export interface TypedDetail {
  contact?: ProtoContact;
  group?: ProtoGroup;
  precisionLocation?: ProtoPrecisionLocation;
  status?: ProtoStatus;
  takv?: ProtoTakv;
  track?: ProtoTrack;
}

/** A detail split for the wire: typed sub-messages plus the rest as XML text. */
export interface SplitDetail {
  typed: TypedDetail;
  xmlDetail: string;
}

const a = (x: string | undefined): string => escapeXml(x ?? '');

/** Element name on the XML side for each typed field. */
const SYNTH: {
  [K in keyof TypedDetail]-?: { name: string; xml: (v: NonNullable<TypedDetail[K]>) => string };
} = {
  contact: {
    name: 'contact',
    xml: (v) => `<contact callsign="${a(v.callsign)}"${v.endpoint ? ` endpoint="${a(v.endpoint)}"` : ''}/>`,
  },
  group: { name: '__group', xml: (v) => `<__group name="${a(v.name)}" role="${a(v.role)}"/>` },
  precisionLocation: {
    name: 'precisionlocation',
    xml: (v) => `<precisionlocation geopointsrc="${a(v.geopointsrc)}" altsrc="${a(v.altsrc)}"/>`,
  },
  status: { name: 'status', xml: (v) => `<status battery="${v.battery}"/>` },
  takv: {
    name: 'takv',
    xml: (v) =>
      `<takv device="${a(v.device)}" platform="${a(v.platform)}" os="${a(v.os)}" version="${a(v.version)}"/>`,
  },
  track: {
    name: 'track',
    xml: (v) => `<track speed="${formatNumber(v.speed)}" course="${formatNumber(v.course)}"/>`,
  },
};

const TYPED_NAMES = new Set(Object.values(SYNTH).map((s) => s.name));

/** Exactly these attributes (optional ones may be absent), all non-empty. */
function exact(attrs: Record<string, string>, required: string[], optional: string[] = []): boolean {
  const keys = Object.keys(attrs);
  if (keys.length < required.length || keys.length > required.length + optional.length) return false;
  for (const k of keys) {
    if (!required.includes(k) && !optional.includes(k)) return false;
    if (attrs[k] === '') return false;
  }
  return required.every((k) => attrs[k] !== undefined);
}

function finite(s: string): number | undefined {
  const n = parseDecimal(s.trim());
  return Number.isFinite(n) ? n : undefined;
}

/** Try to move one element into `typed`; false when it must stay XML. */
function tryTyped(typed: TypedDetail, el: DetailElement): boolean {
  let at: Record<string, string>;
  if (el.xml.endsWith('/>') && el.xml.indexOf('<', 1) === -1)
    at = readAttributes(el.xml); // <x …/>: no content
  else {
    const node = parseElement(el.xml);
    if (node.children.length > 0 || node.text.trim() !== '') return false;
    at = node.attrs;
  }
  switch (el.name) {
    case 'contact':
      if (!exact(at, ['callsign'], ['endpoint'])) return false;
      typed.contact = at.endpoint
        ? { callsign: at.callsign!, endpoint: at.endpoint }
        : { callsign: at.callsign! };
      return true;
    case '__group':
      if (!exact(at, ['name', 'role'])) return false;
      typed.group = { name: at.name!, role: at.role! };
      return true;
    case 'precisionlocation':
      if (!exact(at, ['geopointsrc', 'altsrc'])) return false;
      typed.precisionLocation = { geopointsrc: at.geopointsrc!, altsrc: at.altsrc! };
      return true;
    case 'status': {
      if (!exact(at, ['battery']) || !/^\d{1,10}$/.test(at.battery!)) return false;
      const battery = Number(at.battery);
      if (battery > 0xffffffff || String(battery) !== at.battery) return false;
      typed.status = { battery };
      return true;
    }
    case 'takv':
      if (!exact(at, ['device', 'platform', 'os', 'version'])) return false;
      typed.takv = { device: at.device!, platform: at.platform!, os: at.os!, version: at.version! };
      return true;
    case 'track': {
      if (!exact(at, ['speed', 'course'])) return false;
      const speed = finite(at.speed!);
      const course = finite(at.course!);
      if (speed === undefined || course === undefined) return false;
      typed.track = { speed, course };
      return true;
    }
  }
  return false;
}

/** Split detail elements for encoding (see the module comment for the rules). */
export function splitDetail(elements: readonly DetailElement[]): SplitDetail {
  const count = new Map<string, number>();
  for (const el of elements) if (TYPED_NAMES.has(el.name)) count.set(el.name, (count.get(el.name) ?? 0) + 1);
  const typed: TypedDetail = {};
  let xmlDetail = '';
  for (const el of elements) {
    if (count.get(el.name) === 1 && tryTyped(typed, el)) continue;
    xmlDetail += el.xml;
  }
  return { typed, xmlDetail };
}

/**
 * Rebuild the element list from a decoded Detail: typed first, then xmlDetail's elements (which win). `attrs`
 * runs parallel to the elements (attributes already known, for deriveDetailWith); synthesised elements carry
 * the attributes they were built from.
 */
export function joinDetail(
  typed: TypedDetail,
  xmlElements: DetailElement[],
  xmlAttrs: (Record<string, string> | undefined)[] = [],
): { elements: DetailElement[]; attrs: (Record<string, string> | undefined)[] } {
  const inXml = new Set(xmlElements.map((e) => e.name));
  const elements: DetailElement[] = [];
  const attrs: (Record<string, string> | undefined)[] = [];
  for (const key of Object.keys(SYNTH) as (keyof TypedDetail)[]) {
    const v = typed[key];
    const s = SYNTH[key] as { name: string; xml: (v: unknown) => string };
    if (v === undefined || inXml.has(s.name)) continue;
    elements.push({ name: s.name, xml: s.xml(v) });
    attrs.push(synthAttrs(key, v));
  }
  for (let i = 0; i < xmlElements.length; i++) {
    elements.push(xmlElements[i]!);
    attrs.push(xmlAttrs[i]);
  }
  return { elements, attrs };
}

/** The attribute values a synthesised element carries, exactly as its XML will read back. */
function synthAttrs(
  key: keyof TypedDetail,
  v: NonNullable<TypedDetail[keyof TypedDetail]>,
): Record<string, string> {
  switch (key) {
    case 'contact': {
      const c = v as ProtoContact;
      return c.endpoint ? { callsign: c.callsign, endpoint: c.endpoint } : { callsign: c.callsign };
    }
    case 'status':
      return { battery: String((v as ProtoStatus).battery) };
    case 'track': {
      const t = v as ProtoTrack;
      return { speed: formatNumber(t.speed), course: formatNumber(t.course) };
    }
    default:
      return { ...(v as unknown as Record<string, string>) }; // group, precisionLocation, takv: strings only
  }
}
