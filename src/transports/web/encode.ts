/**
 * The hub's 'json' wire format: one Event -> one live-API message (entity, chat, receipt or expired), encoded
 * once per event by the hub and shared by every browser. Events a page has no use for (pings, negotiation,
 * other chat states) encode to zero bytes and are skipped by the socket sink.
 */
import type { Event } from '../../model/event.js';
import { releasableTo } from '../../model/label.js';
import { affiliationOfSidc, chooseSidc, isDrawable } from '../../model/symbol.js';
import { colourOf, shapeAnchor, shapeOf } from './drawings.js';
import type { ServerMessage, WebChat, WebEntity } from './protocol.js';

const EMPTY = new Uint8Array(0);
const UNKNOWN = 9999999;

function finite(n: number): number {
  return Number.isFinite(n) ? n : UNKNOWN;
}

/** The parent / producer link (`relation="p-p"`). */
function parentOf(e: Event): string | undefined {
  return e.detail.links?.find((l) => l.relation === 'p-p')?.uid;
}

export { argbToCss } from './drawings.js';

const EMERGENCY_KINDS: Record<string, string> = {
  'b-a-o-tbl': '911 Alert',
  'b-a-o-pan': 'Ring The Bell',
  'b-a-o-opn': 'Troops In Contact',
  'b-a-o-can': 'Cancel',
  'b-a-g': 'Geo-fence Breached',
};

/** ATAK's emergencies: `b-a-o-*` (911, ring the bell, troops in contact, custom, cancel) and `b-a-g` (geo-fence). */
export function emergencyOf(e: Event): WebEntity['emergency'] {
  const t = e.type;
  if (!t.startsWith('b-a-o') && t !== 'b-a-g') return undefined;
  const em = e.detail.emergency;
  const cancel = t === 'b-a-o-can' || em?.cancel === true;
  const callerUid = parentOf(e);
  const caller = em?.text ?? e.detail.contact?.callsign?.replace(/-Alert$/, '') ?? callerUid ?? e.uid;
  const kind = cancel ? 'Cancel' : (em?.type ?? EMERGENCY_KINDS[t] ?? 'Emergency');
  return { kind, caller, cancel, ...(callerUid ? { callerUid } : {}) };
}

export function toWebEntity(e: Event): WebEntity {
  const d = e.detail;
  const choice = chooseSidc(e.type, d.sidc);
  const out: WebEntity = {
    uid: e.uid,
    type: e.type,
    how: e.how,
    time: e.time,
    start: e.start,
    stale: e.stale,
    lat: e.point.lat,
    lon: e.point.lon,
    hae: finite(e.point.hae),
    ce: finite(e.point.ce),
    le: finite(e.point.le),
    sidc: choice.sidc,
    sidcSource: choice.source,
    affiliation: affiliationOfSidc(choice.sidc),
    label: e.label,
    classification: e.label.classification,
    source: e.origin.protocol,
    detail: d.elements.map((el) => ({ name: el.name, xml: el.xml })),
  };
  if (d.contact?.callsign !== undefined) out.callsign = d.contact.callsign;
  if (d.contact?.endpoint !== undefined) out.endpoint = d.contact.endpoint;
  if (d.track?.course !== undefined && Number.isFinite(d.track.course)) out.course = d.track.course;
  if (d.track?.speed !== undefined && Number.isFinite(d.track.speed)) out.speed = d.track.speed;
  if (e.origin.nation) out.nation = e.origin.nation;
  if (d.group) out.team = { name: d.group.name, role: d.group.role };
  if (d.remarks?.text) out.remarks = d.remarks.text;
  const parent = parentOf(e);
  if (parent) out.parent = parent;
  const rel = releasableTo(e.label);
  if (rel) out.releasableTo = rel;
  if (e.caveat) out.caveat = e.caveat;
  if (e.access) out.access = e.access;
  const shape = shapeOf(e);
  if (shape) {
    out.shape = shape;
    [out.lon, out.lat] = shapeAnchor(shape, [out.lon, out.lat]);
  }
  const color = colourOf(e, 'color');
  if (color) out.color = color;
  const emergency = emergencyOf(e);
  if (emergency) out.emergency = emergency;
  return out;
}

/** A GeoChat event as the page shows it, or undefined when it carries no `__chat`. */
export function toWebChat(e: Event): WebChat | undefined {
  const c = e.detail.chat;
  if (!c) return undefined;
  const sender =
    parentOf(e) ?? c.members?.[0] ?? e.detail.remarks?.source?.replace(/^BAO\.F\.ATAK\./, '') ?? '';
  // uid: GeoChat.<sender>.<room>.<messageId>: the last dot-separated part is the message id when none is given.
  const messageId = c.messageId ?? e.uid.slice(e.uid.lastIndexOf('.') + 1);
  return {
    uid: e.uid,
    messageId,
    time: e.time,
    text: e.detail.remarks?.text ?? '',
    senderUid: sender,
    senderCallsign: c.senderCallsign ?? sender,
    roomId: c.id ?? c.roomId ?? c.chatroom ?? '',
    room: c.chatroom ?? c.id ?? '',
    parent: c.parent,
    members: c.members ?? [],
    label: e.label,
    classification: e.label.classification,
  };
}

/** Event -> live-API message, or undefined when browsers do not need it. */
export function toServerMessage(e: Event): ServerMessage | undefined {
  const t = e.type;
  if (t === 'b-t-f') {
    const m = toWebChat(e);
    return m ? { t: 'chat', m } : undefined;
  }
  if (t === 'b-t-f-d' || t === 'b-t-f-r') {
    const c = e.detail.chat;
    const messageId = c?.messageId ?? e.uid.replace(/\.[dr]$/, '');
    const from = parentOf(e) ?? '';
    return {
      t: 'receipt',
      r: {
        messageId,
        kind: t === 'b-t-f-d' ? 'delivered' : 'read',
        from,
        fromCallsign: undefined,
        time: e.time,
      },
    };
  }
  if (t === 't-x-d-d') {
    const uids = (e.detail.links ?? []).map((l) => l.uid).filter((u): u is string => !!u);
    return uids.length ? { t: 'expired', uids, reason: 'deleted' } : undefined;
  }
  if (!isDrawable(t)) return undefined;
  return { t: 'entity', e: toWebEntity(e) };
}

/** The encoder registered with `hub.registerFormat('json', …)`. */
export function encodeJson(e: Event): Uint8Array {
  const m = toServerMessage(e);
  return m ? Buffer.from(JSON.stringify(m), 'utf8') : EMPTY;
}
