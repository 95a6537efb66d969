/**
 * One event on the bus, in its own compact format (docs/cluster.md, "The message"):
 *
 *   0xB7 0x01            magic and version
 *   u32 big-endian       length of the header
 *   header               UTF-8 JSON: origin node, boot and sequence, kind, groups, label, origin identity and
 *                        the direct recipients
 *   rest                 the event as CoT XML stream bytes (declaration included), lossless: every detail
 *                        element as sent, flow tags included
 *
 * The XML is the very bytes the origin's CoT clients were sent (encode once), and a receiving node hands them to
 * its own CoT clients as they are: one decode per node, no re-encoding. What TAK Server's cluster message carries
 * beside its TakMessage (source, groups, destination uids and callsigns) is in the header.
 */
import { decodeCot } from '../codecs/cot/index.js';
import type { Event, Origin } from '../model/event.js';
import type { Label } from '../model/label.js';
import type { Kind } from '../hub/routing.js';
import { chatMembers } from '../hub/routing.js';

const MAGIC = 0xb7;
const VERSION = 1;
const HEAD = 6;

export interface BusHeader {
  /** Origin node and its boot id: a node skips its own messages; with the sequence, the message id. */
  n: string;
  b: string;
  s: number;
  k: Kind;
  /** Server-side groups the event was published into (null: not group-scoped). */
  g: string[] | null;
  l: Label;
  o: Origin;
  /** Direct recipients: uids, callsigns and groups of marti dest, or chat member uids. */
  to?: { u?: string[]; c?: string[]; g?: string[] };
}

export class BusMessageError extends Error {}

/** The direct recipients of an event, if it is directed (marti dest, or chat to members). */
export function recipientsOf(e: Event): BusHeader['to'] | undefined {
  const dests = e.detail.dests;
  if (dests?.length) {
    const u: string[] = [];
    const c: string[] = [];
    const g: string[] = [];
    for (const d of dests) {
      if (d.uid) u.push(d.uid);
      if (d.callsign) c.push(d.callsign);
      if (d.group) g.push(d.group);
    }
    return { u, c, g };
  }
  const members = e.type.startsWith('b-t-f') ? chatMembers(e) : undefined;
  return members ? { u: members } : undefined;
}

export function encodeMessage(h: BusHeader, xml: Uint8Array): Buffer {
  const head = Buffer.from(JSON.stringify(h));
  const out = Buffer.allocUnsafe(HEAD + head.length + xml.length);
  out[0] = MAGIC;
  out[1] = VERSION;
  out.writeUInt32BE(head.length, 2);
  head.copy(out, HEAD);
  out.set(xml, HEAD + head.length);
  return out;
}

/** The header alone (cheap: the XML is not decoded). Throws BusMessageError. */
export function readHeader(data: Uint8Array): { header: BusHeader; xml: Uint8Array } {
  if (data.length < HEAD || data[0] !== MAGIC) throw new BusMessageError('not a Baltic Wall bus message');
  if (data[1] !== VERSION) throw new BusMessageError(`bus message version ${data[1]} is not supported`);
  const buf = Buffer.from(data.buffer, data.byteOffset, data.length);
  const n = buf.readUInt32BE(2);
  if (HEAD + n > buf.length) throw new BusMessageError('bus message header is truncated');
  let header: BusHeader;
  try {
    header = JSON.parse(buf.toString('utf8', HEAD, HEAD + n)) as BusHeader;
  } catch {
    throw new BusMessageError('bus message header is not JSON');
  }
  if (typeof header?.n !== 'string' || typeof header.k !== 'string' || typeof header.l !== 'object')
    throw new BusMessageError('bus message header lacks node, kind or label');
  return { header, xml: buf.subarray(HEAD + n) };
}

/** The event of a message: its XML decoded, with the label and origin the origin node gave it. */
export function readEvent(header: BusHeader, xml: Uint8Array, maxBytes: number): Event {
  let e: Event;
  try {
    e = decodeCot(Buffer.from(xml.buffer, xml.byteOffset, xml.length), { maxBytes });
  } catch (err) {
    throw new BusMessageError(`bus message event does not decode: ${(err as Error).message}`);
  }
  e.label = header.l;
  e.origin = header.o;
  return e;
}
