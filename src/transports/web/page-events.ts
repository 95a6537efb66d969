/**
 * What a page sends (markers, chat, receipts, presence, deletes) -> real CoT Events, built the way ATAK builds
 * them (GeoChat `__chat`/`chatgrp`/`remarks`/`marti dest`, spot markers with `contact`, `remarks`, `link`), so
 * TAK clients show them natively. Input is validated with zod first; anything else is refused with a code.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { deriveDetail, escapeXml, formatTime } from '../../codecs/cot/index.js';
import type { DetailElement, Event } from '../../model/event.js';
import { UNKNOWN_ERROR } from '../../model/event.js';
import { CLASSIFICATIONS, DEFAULT_LABEL, natoMarking } from '../../model/label.js';
import { isSidc } from '../../model/symbol.js';
import type { ClientMessage } from './protocol.js';

export const ALL_CHAT = 'All Chat Rooms';
const DAY = 86_400_000;
/** Longest validity a page may give a marker. */
const MAX_STALE_S = 30 * 86_400;
/** A web operator's own position report stays valid this long; the page refreshes it. */
export const PRESENCE_STALE_MS = 10 * 60_000;

const text = (max: number) => z.string().max(max);
const uidLike = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^<>&"]+$/, 'no markup characters');
const lat = z.number().min(-90).max(90);
const lon = z.number().min(-180).max(180);

const target = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({
    kind: z.literal('group'),
    id: uidLike,
    name: text(200).min(1),
    members: z.array(uidLike).max(200).optional(),
  }),
  z.object({ kind: z.literal('direct'), uid: uidLike, callsign: text(200).min(1) }),
]);

/** The zod schema of {@link ClientMessage}: the single check every page message passes. */
export const clientMessage = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('marker'),
    ref: text(100).optional(),
    uid: uidLike.optional(),
    lat,
    lon,
    hae: z.number().finite().optional(),
    callsign: text(200).min(1),
    remarks: text(4000).optional(),
    type: z
      .string()
      .regex(/^[a-zA-Z](-[a-zA-Z0-9]+)*$/)
      .max(60)
      .optional(),
    sidc: z
      .string()
      .refine((s) => isSidc(s.toUpperCase()), 'not a 2525 symbol code')
      .optional(),
    staleSeconds: z.number().int().min(10).max(MAX_STALE_S).optional(),
    classification: z.enum(CLASSIFICATIONS).optional(),
    releasableTo: z
      .array(z.string().regex(/^[A-Z0-9_-]{2,32}$/, 'a nation code or category, e.g. LTU or NATO'))
      .min(1)
      .max(30)
      .optional(),
  }),
  z.object({
    t: z.literal('chat'),
    ref: text(100).optional(),
    text: text(4000).min(1),
    to: target,
    messageId: uidLike.optional(),
  }),
  z.object({
    t: z.literal('receipt'),
    ref: text(100).optional(),
    messageId: uidLike,
    kind: z.enum(['delivered', 'read']),
    to: z.object({ uid: uidLike, callsign: text(200) }),
  }),
  z.object({ t: z.literal('presence'), ref: text(100).optional(), lat, lon }),
  z.object({ t: z.literal('delete'), ref: text(100).optional(), uid: uidLike }),
  z.object({ t: z.literal('flow'), received: z.number().int().min(0) }),
]);

/** Who is sending: the web session's TAK-facing uid and callsign, and where it last said it was. */
export interface Sender {
  uid: string;
  callsign: string;
  nation?: string;
  identityId: string;
  connectionId: string;
  position?: { lat: number; lon: number };
}

const a = (name: string, v: string | number | undefined) =>
  v === undefined ? '' : ` ${name}="${escapeXml(String(v))}"`;
const el = (name: string, xml: string): DetailElement => ({ name, xml });

function event(
  s: Sender,
  uid: string,
  type: string,
  now: number,
  stale: number,
  p: { lat: number; lon: number; hae?: number },
  elements: DetailElement[],
): Event {
  return {
    version: '2.0',
    uid,
    type,
    how: 'h-g-i-g-o',
    time: now,
    start: now,
    stale,
    point: { lat: p.lat, lon: p.lon, hae: p.hae ?? UNKNOWN_ERROR, ce: UNKNOWN_ERROR, le: UNKNOWN_ERROR },
    detail: deriveDetail(elements),
    label: DEFAULT_LABEL,
    origin: {
      protocol: 'web',
      connectionId: s.connectionId,
      identityId: s.identityId,
      ...(s.nation ? { nation: s.nation } : {}),
    },
  };
}

function producerLink(s: Sender, now: number): DetailElement {
  return el(
    'link',
    `<link${a('uid', s.uid)} production_time="${formatTime(now)}" type="a-f-G-U-C"${a('parent_callsign', s.callsign)} relation="p-p"/>`,
  );
}

/** The browser operator's own position report: makes it a contact TAK clients can see and chat with. */
export function presenceEvent(s: Sender, p: { lat: number; lon: number }, now = Date.now()): Event {
  return event(s, s.uid, 'a-f-G-U-C', now, now + PRESENCE_STALE_MS, p, [
    el('takv', '<takv device="browser" platform="Baltic Wall COP" os="web" version="1"/>'),
    el('contact', `<contact${a('callsign', s.callsign)} endpoint="*:-1:stcp"/>`),
    el('uid', `<uid${a('Droid', s.callsign)}/>`),
    el('__group', '<__group name="Cyan" role="HQ"/>'),
    el('precisionlocation', '<precisionlocation geopointsrc="USER" altsrc="???"/>'),
  ]);
}

/** A marker dropped in the page: a spot marker (`b-m-p-s-m`) unless the page chose another type. */
export function markerEvent(s: Sender, m: Extract<ClientMessage, { t: 'marker' }>, now = Date.now()): Event {
  const type = m.type ?? 'b-m-p-s-m';
  const stale = now + (m.staleSeconds !== undefined ? m.staleSeconds * 1000 : DAY);
  const els: DetailElement[] = [
    el('status', '<status readiness="true"/>'),
    el('archive', '<archive/>'),
    el('contact', `<contact${a('callsign', m.callsign)}/>`),
    el('remarks', m.remarks ? `<remarks>${escapeXml(m.remarks)}</remarks>` : '<remarks/>'),
    el('precisionlocation', '<precisionlocation altsrc="???"/>'),
  ];
  if (type === 'b-m-p-s-m') {
    els.push(
      el('usericon', '<usericon iconsetpath="COT_MAPPING_SPOTMAP/b-m-p-s-m/-65536"/>'),
      el('color', '<color argb="-65536"/>'),
    );
  } else if (type.startsWith('a-')) {
    const aff = type.slice(0, 3);
    els.push(el('usericon', `<usericon${a('iconsetpath', `COT_MAPPING_2525C/${aff}/${type}`)}/>`));
  }
  if (m.sidc) {
    const id = m.sidc.toUpperCase();
    els.push(el('__milsym', `<__milsym${a('id', id)}/>`), el('__milicon', `<__milicon${a('id', id)}/>`));
  }
  els.push(producerLink(s, now));
  const e = event(s, m.uid ?? randomUUID(), type, now, stale, m, els);
  // The label in the attribute form TAK clients send; the ingress policy reads, checks and completes it.
  if (m.classification) e.access = natoMarking(m.classification);
  if (m.releasableTo) e.releasableTo = m.releasableTo.join(',');
  return e;
}

/** Whether `who` would be allowed to see a marker releasable to `values` (its nation or a category it holds). */
export function releasableToSelf(values: string[], who: { nation?: string; categories: string[] }): boolean {
  return values.some((v) => v === who.nation || who.categories.includes(v));
}

/** GeoChat as ATAK sends it: All Chat Rooms, a group room (chatgrp members) or one-to-one (marti dest). */
export function chatEvent(s: Sender, m: Extract<ClientMessage, { t: 'chat' }>, now = Date.now()): Event {
  const messageId = m.messageId ?? randomUUID();
  const to = m.to;
  let roomId: string;
  let room: string;
  let parent: string;
  let members: string[];
  let dest = '';
  if (to.kind === 'all') {
    roomId = ALL_CHAT;
    room = ALL_CHAT;
    parent = 'RootContactGroup';
    members = [s.uid, ALL_CHAT];
  } else if (to.kind === 'group') {
    roomId = to.id;
    room = to.name;
    parent = 'UserGroups';
    members = [s.uid, ...(to.members ?? []).filter((u) => u !== s.uid)];
  } else {
    roomId = to.uid;
    room = to.callsign;
    parent = 'RootContactGroup';
    members = [s.uid, to.uid];
    dest = `<marti><dest${a('callsign', to.callsign)}/></marti>`;
  }
  const grp = members.map((u, i) => a(`uid${i}`, u)).join('');
  const els: DetailElement[] = [
    el(
      '__chat',
      `<__chat${a('parent', parent)} groupOwner="false"${a('messageId', messageId)}${a('chatroom', room)}${a('id', roomId)}${a('senderCallsign', s.callsign)}>` +
        `<chatgrp${grp}${a('id', roomId)}/></__chat>`,
    ),
    el('link', `<link${a('uid', s.uid)} type="a-f-G-U-C" relation="p-p"/>`),
    el(
      'remarks',
      `<remarks${a('source', `BAO.F.ATAK.${s.uid}`)}${a('to', roomId)} time="${formatTime(now)}">${escapeXml(m.text)}</remarks>`,
    ),
  ];
  if (dest) els.push(el('marti', dest));
  const p = s.position ?? { lat: 0, lon: 0 };
  return event(s, `GeoChat.${s.uid}.${roomId}.${messageId}`, 'b-t-f', now, now + DAY, p, els);
}

/** Delivered / read receipt for a one-to-one message, addressed to its sender. */
export function receiptEvent(
  s: Sender,
  m: Extract<ClientMessage, { t: 'receipt' }>,
  now = Date.now(),
): Event {
  const type = m.kind === 'delivered' ? 'b-t-f-d' : 'b-t-f-r';
  const els: DetailElement[] = [
    el(
      '__chatreceipt',
      `<__chatreceipt parent="RootContactGroup" groupOwner="false"${a('messageId', m.messageId)}${a('chatroom', s.callsign)}${a('id', s.uid)}${a('senderCallsign', m.to.callsign)}>` +
        `<chatgrp${a('uid0', m.to.uid)}${a('uid1', s.uid)}${a('id', s.uid)}/></__chatreceipt>`,
    ),
    el('link', `<link${a('uid', s.uid)} type="a-f-G-U-C" relation="p-p"/>`),
    el('marti', `<marti><dest${a('callsign', m.to.callsign)}${a('uid', m.to.uid)}/></marti>`),
  ];
  const p = s.position ?? { lat: 0, lon: 0 };
  return event(s, `${m.messageId}.${m.kind === 'delivered' ? 'd' : 'r'}`, type, now, now + DAY, p, els);
}

/** `t-x-d-d` removing `uid` everywhere. */
export function deleteEvent(s: Sender, uid: string, now = Date.now()): Event {
  const els = [
    el('link', `<link${a('uid', uid)} relation="none" type="none"/>`),
    el('__forcedelete', '<__forcedelete/>'),
  ];
  return event(s, randomUUID(), 't-x-d-d', now, now + 20_000, s.position ?? { lat: 0, lon: 0 }, els);
}
