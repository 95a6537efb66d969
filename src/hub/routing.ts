/**
 * How the hub classifies events for routing and queueing. Pure functions of the Event.
 */
import type { Event } from '../model/event.js';
import type { DeliveryPath } from './gate.js';
import type { Session } from './session.js';
import { isChat, isDelete, isEmergency, isPing } from '../model/cot-type.js';

export type Kind = 'ping' | 'delete' | 'chat' | 'emergency' | 'emergency-cancel' | 'directed' | 'state';

export function classify(e: Event): Kind {
  const t = e.type;
  if (isPing(t)) return 'ping';
  if (isDelete(t)) return 'delete';
  if (isChat(t)) return 'chat';
  if (t === 'b-a-o-can' || (isEmergency(t) && e.detail.emergency?.cancel)) return 'emergency-cancel';
  if (isEmergency(t)) return 'emergency';
  if (e.detail.dests?.length) return 'directed';
  return 'state';
}

/** Chat, alerts, deletes and directed messages must never be silently dropped; state-like updates coalesce. */
export function coalesceKeyOf(kind: Kind, e: Event): string | undefined {
  return kind === 'state' ? e.uid : undefined;
}

/**
 * The state uids an undroppable message must reach a client after (its queue never moves a newer update of them in
 * front of it): a delete's targets, a cancelled emergency's uid.
 */
export function orderedAfter(e: Event): readonly string[] | undefined {
  if (isDelete(e.type)) return deleteTargets(e);
  if (e.type === 'b-a-o-can' || (isEmergency(e.type) && e.detail.emergency?.cancel)) return [e.uid];
  return undefined;
}

/** Kinds kept in the latest-state picture (sent to late joiners). */
export function keepsState(kind: Kind): boolean {
  return kind === 'state' || kind === 'emergency';
}

/** A client's own position report: an atom carrying the sender's contact endpoint or client software identity. */
export function isSelfReport(e: Event): boolean {
  return e.type.startsWith('a-') && (e.detail.contact?.endpoint !== undefined || e.detail.takv !== undefined);
}

/** The uids a delete (t-x-d-d) removes: its `link` targets. */
export function deleteTargets(e: Event): string[] {
  const out: string[] = [];
  for (const l of e.detail.links ?? []) if (l.uid) out.push(l.uid);
  return out;
}

const ALL_CHAT = 'All Chat Rooms';

/** Member uids a group or direct chat goes to when it carries no marti dest (chatgrp uid0..n). */
export function chatMembers(e: Event): string[] | undefined {
  const c = e.detail.chat;
  if (!c || !c.members?.length) return undefined;
  if (c.chatroom === ALL_CHAT || c.id === ALL_CHAT) return undefined;
  return c.members;
}

/** Filters of hub.picture (REST). */
export interface PictureFilter {
  bbox?: [number, number, number, number];
  types?: string[];
  nation?: string;
}

export function matches(e: Event, f: PictureFilter): boolean {
  if (f.bbox) {
    const [w, s, east, n] = f.bbox;
    if (e.point.lon < w || e.point.lon > east || e.point.lat < s || e.point.lat > n) return false;
  }
  if (f.types?.length && !f.types.some((t) => e.type.startsWith(t))) return false;
  if (f.nation && e.origin.nation !== f.nation) return false;
  return true;
}

/** The gate's name for the path a session's deliveries take. */
export function pathOf(s: Session): DeliveryPath {
  if (s.info.transport === 'websocket') return 'websocket';
  return s.format === 'fig' ? 'federation' : 'stream';
}
