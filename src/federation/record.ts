/**
 * The record a link queues for an event: made once per event by the hub (wire format 'fig', shared by every link)
 * and stored as is in each link's durable queue. It holds what a link decides on without decoding the event (its
 * class, uid, time, the groups it was published in, the hubs it passed, who sent it to us) and the event's
 * FederatedEvent field 1 (the GeoEvent), to which the link appends its own groups, provenance and hops.
 *
 * The header also keeps the event's label and groups: a link puts every row through the one egress gate again when
 * it sends it (link.ts), for the peer as it is configured then.
 *
 * Layout: 0x01, header length (uint32 BE), header JSON, GeoEvent field bytes.
 */
import type { Event } from '../model/event.js';
import type { Label } from '../model/label.js';
import { isChat, isDelete, isEmergency } from '../model/cot-type.js';
import { encodeGeoField, eventToGeo } from '../codecs/fig/index.js';
import type { FedClass } from './queue.js';

export interface RecordHeader {
  /** Class for the queue's priority. */
  c: FedClass;
  uid: string;
  t: number;
  /** Groups the event was published into here. */
  g: string[];
  /** Hub ids from the event's flow tags (TAK-Server-<id>): every hub it passed, this one included. */
  f: string[];
  /** The hub connection that sent it (`fed:<peer>` for an event from a federation link). */
  o?: string;
  /** The event's label, so a queued row is put through the gate again when it is sent (the peer may have changed). */
  l?: Label;
}

export function classOf(e: Event): FedClass {
  const t = e.type;
  if (isEmergency(t) || t === 'b-a-o-can') return 'emergency';
  if (isDelete(t)) return 'delete';
  if (isChat(t) || e.detail.dests?.length || (t.startsWith('t-') && !t.startsWith('t-x-'))) return 'chat';
  return 'position';
}

const FLOW_PREFIX = 'TAK-Server-';

/** The hub ids in an event's flow tags. */
export function hubsPassed(e: Event): string[] {
  const out: string[] = [];
  for (const k of Object.keys(e.detail.flowTags ?? {}))
    if (k.startsWith(FLOW_PREFIX)) out.push(k.slice(FLOW_PREFIX.length));
  return out;
}

/** The hub's 'fig' encoder. */
export function encodeRecord(e: Event, _alloc?: unknown, groups?: readonly string[]): Uint8Array {
  const h: RecordHeader = {
    c: classOf(e),
    uid: e.uid,
    t: e.time,
    g: [...(groups ?? [])],
    f: hubsPassed(e),
    l: e.label,
  };
  if (e.origin.connectionId) h.o = e.origin.connectionId;
  const head = Buffer.from(JSON.stringify(h));
  const geo = encodeGeoField(eventToGeo(e));
  const out = Buffer.allocUnsafe(5 + head.length + geo.length);
  out[0] = 1;
  out.writeUInt32BE(head.length, 1);
  head.copy(out, 5);
  out.set(geo, 5 + head.length);
  return out;
}

export function readRecord(b: Uint8Array): { head: RecordHeader; geo: Uint8Array } {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (buf[0] !== 1) throw new Error('not a federation record');
  const n = buf.readUInt32BE(1);
  const head = JSON.parse(buf.subarray(5, 5 + n).toString('utf8')) as RecordHeader;
  return { head, geo: buf.subarray(5 + n) };
}
