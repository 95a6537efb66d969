/**
 * TAK Server Federation v2 ("fig") messages on the wire, written by hand on @bufbuild/protobuf's reader and writer
 * from the public field numbers of TAK Server's fig.proto (service FederatedChannel). No .proto text is copied and
 * no code is generated. Pure: bytes in, plain objects out; every fault is a CodecError BW_FIG_BAD_PROTO.
 */
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { CodecError } from '../../errors.js';

/** GeoEvent: a CoT event flattened (times in epoch ms; `other` is the `<detail>` element as XML). */
export interface GeoEvent {
  sendTime: number;
  startTime: number;
  staleTime: number;
  lat: number;
  lon: number;
  hae: number;
  ce: number;
  le: number;
  uid: string;
  type: string;
  coordSource: string;
  other: string;
  battery: number;
  ploc: string;
  palt: string;
  screenName: string;
  groupName: string;
  groupRole: string;
  phone: string;
  speed: number;
  course: number;
  ptpUids: string[];
  ptpCallsigns: string[];
  feedUid: string;
  missionNames: string[];
  access: string;
  caveat: string;
  releaseableTo: string;
  /** Baltic Wall extension (unknown fields to TAK Server, which skips them): CoT attributes GeoEvent lacks. */
  qos: string;
  opex: string;
}

/** ContactListEntry: a contact's add/update/delete (CRUD operation 1-4). */
export interface ContactEntry {
  operation: number;
  uid: string;
  callsign: string;
}

export interface Provenance {
  federationServerId: string;
  federationServerName: string;
}

export interface Hops {
  maxHops: number;
  currentHops: number;
}

export interface GroupHopLimit {
  groupName: string;
  maxHops: number;
  currentHops: number;
}

/** What travels with an event besides the event: the groups it was published in, where it has been, hop counts. */
export interface Envelope {
  federateGroups: string[];
  federateProvenance: Provenance[];
  federateHops?: Hops;
  groupHopLimits?: { limits: GroupHopLimit[]; use: boolean };
}

export interface FederatedEvent extends Envelope {
  event?: GeoEvent;
  contact?: ContactEntry;
}

export interface FigIdentity {
  name: string;
  uid: string;
  description: string;
  /** 0 hub server, 1 hub client, 2 TAK server, 3 TAK client. */
  type: number;
  serverId: string;
}

export interface TakServerVersion {
  major: number;
  minor: number;
  patch: number;
  branch: string;
  variant: string;
}

export interface Subscription {
  identity?: FigIdentity;
  filter: string;
  version?: TakServerVersion;
}

export interface FederateGroups extends Envelope {
  /** ServerHealth status (1 = SERVING) when the message announces the stream is ready. */
  streamUpdate?: number;
}

/** Field numbers of GeoEvent that Baltic Wall adds (far above TAK Server's 1-30). */
export const GEO_EXT = { qos: 1001, opex: 1002 } as const;

export const FIG = 'fig';

export function figError(what: string, cause?: unknown): CodecError {
  return new CodecError(
    'BW_FIG_BAD_PROTO',
    FIG,
    [what],
    undefined,
    cause === undefined ? undefined : { cause },
  );
}

// ---- writing ----

const str = (w: BinaryWriter, f: number, v: string | undefined) => {
  if (v) w.tag(f, WireType.LengthDelimited).string(v);
};
const dbl = (w: BinaryWriter, f: number, v: number) => {
  if (v !== 0 && Number.isFinite(v)) w.tag(f, WireType.Bit64).double(v);
};
const i64 = (w: BinaryWriter, f: number, v: number) => {
  if (v) w.tag(f, WireType.Varint).int64(Math.trunc(v));
};
const sub = (w: BinaryWriter, f: number, fill: () => void) => {
  w.tag(f, WireType.LengthDelimited).fork();
  fill();
  w.join();
};

function writeGeo(w: BinaryWriter, g: GeoEvent): void {
  i64(w, 1, g.sendTime);
  i64(w, 2, g.startTime);
  i64(w, 3, g.staleTime);
  dbl(w, 4, g.lat);
  dbl(w, 5, g.lon);
  dbl(w, 6, g.hae);
  dbl(w, 7, g.ce);
  dbl(w, 8, g.le);
  str(w, 9, g.uid);
  str(w, 10, g.type);
  str(w, 11, g.coordSource);
  str(w, 12, g.other);
  if (g.battery) w.tag(13, WireType.Varint).int32(g.battery);
  str(w, 14, g.ploc);
  str(w, 15, g.palt);
  str(w, 16, g.screenName);
  str(w, 17, g.groupName);
  str(w, 18, g.groupRole);
  str(w, 19, g.phone);
  dbl(w, 20, g.speed);
  dbl(w, 21, g.course);
  for (const v of g.ptpUids) w.tag(23, WireType.LengthDelimited).string(v);
  for (const v of g.ptpCallsigns) w.tag(24, WireType.LengthDelimited).string(v);
  str(w, 25, g.feedUid);
  for (const v of g.missionNames) w.tag(26, WireType.LengthDelimited).string(v);
  str(w, 27, g.access);
  str(w, 28, g.caveat);
  str(w, 29, g.releaseableTo);
  str(w, GEO_EXT.qos, g.qos);
  str(w, GEO_EXT.opex, g.opex);
}

function writeProvenance(w: BinaryWriter, f: number, list: Provenance[]): void {
  for (const p of list)
    sub(w, f, () => {
      str(w, 1, p.federationServerId);
      str(w, 2, p.federationServerName);
    });
}

function writeHops(w: BinaryWriter, f: number, h: Hops | undefined): void {
  if (h)
    sub(w, f, () => {
      i64(w, 1, h.maxHops);
      i64(w, 2, h.currentHops);
    });
}

function writeGroupHopLimits(w: BinaryWriter, f: number, g: Envelope['groupHopLimits']): void {
  if (!g) return;
  sub(w, f, () => {
    for (const l of g.limits)
      sub(w, 1, () => {
        str(w, 1, l.groupName);
        i64(w, 2, l.maxHops);
        i64(w, 3, l.currentHops);
      });
    if (g.use) w.tag(2, WireType.Varint).bool(true);
  });
}

/** FederatedEvent field 1 (the GeoEvent) alone: made once per event and shared by every link. */
export function encodeGeoField(g: GeoEvent): Uint8Array {
  const w = new BinaryWriter();
  sub(w, 1, () => writeGeo(w, g));
  return w.finish();
}

/** FederatedEvent field 2 (a contact entry) alone. */
export function encodeContactField(c: ContactEntry): Uint8Array {
  const w = new BinaryWriter();
  sub(w, 2, () => {
    if (c.operation) w.tag(1, WireType.Varint).int32(c.operation);
    str(w, 2, c.uid);
    str(w, 3, c.callsign);
  });
  return w.finish();
}

/** FederatedEvent fields 3-6 (per link). Appended to a field-1 or field-2 part it makes a whole FederatedEvent. */
export function encodeEnvelopeTail(e: Envelope): Uint8Array {
  const w = new BinaryWriter();
  for (const g of e.federateGroups) w.tag(3, WireType.LengthDelimited).string(g);
  writeProvenance(w, 4, e.federateProvenance);
  writeHops(w, 5, e.federateHops);
  writeGroupHopLimits(w, 6, e.groupHopLimits);
  return w.finish();
}

/** A whole FederatedEvent. */
export function encodeFederatedEvent(e: FederatedEvent): Uint8Array {
  const parts: Uint8Array[] = [];
  if (e.event) parts.push(encodeGeoField(e.event));
  if (e.contact) parts.push(encodeContactField(e.contact));
  parts.push(encodeEnvelopeTail(e));
  return Buffer.concat(parts);
}

export function encodeFederateGroups(g: FederateGroups): Uint8Array {
  const w = new BinaryWriter();
  if (g.streamUpdate !== undefined)
    sub(w, 1, () => {
      if (g.streamUpdate) w.tag(1, WireType.Varint).int32(g.streamUpdate);
    });
  for (const s of g.federateGroups) w.tag(2, WireType.LengthDelimited).string(s);
  writeProvenance(w, 3, g.federateProvenance);
  writeHops(w, 4, g.federateHops);
  writeGroupHopLimits(w, 6, g.groupHopLimits);
  return w.finish();
}

function writeIdentity(w: BinaryWriter, f: number, id: FigIdentity): void {
  sub(w, f, () => {
    str(w, 1, id.name);
    str(w, 2, id.uid);
    str(w, 3, id.description);
    if (id.type) w.tag(4, WireType.Varint).int32(id.type);
    str(w, 5, id.serverId);
  });
}

export function encodeSubscription(s: Subscription): Uint8Array {
  const w = new BinaryWriter();
  if (s.identity) writeIdentity(w, 1, s.identity);
  str(w, 2, s.filter);
  if (s.version) {
    const v = s.version;
    sub(w, 3, () => {
      i64(w, 1, v.major);
      i64(w, 2, v.minor);
      i64(w, 3, v.patch);
      str(w, 4, v.branch);
      str(w, 5, v.variant);
    });
  }
  return w.finish();
}

export function encodeIdentity(id: FigIdentity): Uint8Array {
  const w = new BinaryWriter();
  str(w, 1, id.name);
  str(w, 2, id.uid);
  str(w, 3, id.description);
  if (id.type) w.tag(4, WireType.Varint).int32(id.type);
  str(w, 5, id.serverId);
  return w.finish();
}

/** ClientHealth or ServerHealth: one enum field. */
export function encodeHealth(status: number): Uint8Array {
  const w = new BinaryWriter();
  if (status) w.tag(1, WireType.Varint).int32(status);
  return w.finish();
}

export const EMPTY = new Uint8Array(0);
