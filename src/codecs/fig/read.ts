/**
 * Reading TAK Server Federation v2 messages (see wire.ts for the shapes). Unknown fields are skipped as protobuf
 * requires; wrong wire types, truncation, invalid UTF-8 and out-of-range numbers are BW_FIG_BAD_PROTO.
 */
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { CodecError } from '../../errors.js';
import {
  figError,
  GEO_EXT,
  type ContactEntry,
  type Envelope,
  type FederatedEvent,
  type FederateGroups,
  type FigIdentity,
  type GeoEvent,
  type GroupHopLimit,
  type Hops,
  type Provenance,
  type Subscription,
} from './wire.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

type On = (r: BinaryReader, field: number, wt: WireType) => boolean;

/** Walk the fields up to `end`; `on` returns false for a field it does not take (skipped). */
function fields(r: BinaryReader, end: number, on: On): void {
  while (r.pos < end) {
    const [f, wt] = r.tag();
    if (f < 1) throw figError(`field number ${f}`);
    if (!on(r, f, wt)) r.skip(wt);
    if (r.pos > end) throw figError(`field ${f} runs past the end of its message`);
  }
}

function enter(r: BinaryReader): number {
  const len = r.uint32();
  const end = r.pos + len;
  if (end > r.len) throw figError('truncated');
  return end;
}

function want(wt: WireType, w: WireType, f: number): void {
  if (wt !== w) throw figError(`field ${f} has wire type ${wt}, expected ${w}`);
}

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

function int64(r: BinaryReader): number {
  const v = r.int64();
  const b = typeof v === 'bigint' ? v : BigInt(v);
  if (b > MAX || b < -MAX) throw figError('int64 out of range');
  return Number(b);
}

const s = (r: BinaryReader, wt: WireType, f: number): string => {
  want(wt, WireType.LengthDelimited, f);
  return r.string();
};
const d = (r: BinaryReader, wt: WireType, f: number): number => {
  want(wt, WireType.Bit64, f);
  return r.double();
};
const v64 = (r: BinaryReader, wt: WireType, f: number): number => {
  want(wt, WireType.Varint, f);
  return int64(r);
};
const v32 = (r: BinaryReader, wt: WireType, f: number): number => {
  want(wt, WireType.Varint, f);
  return r.int32();
};

export function emptyGeo(): GeoEvent {
  return {
    sendTime: 0,
    startTime: 0,
    staleTime: 0,
    lat: 0,
    lon: 0,
    hae: 0,
    ce: 0,
    le: 0,
    uid: '',
    type: '',
    coordSource: '',
    other: '',
    battery: 0,
    ploc: '',
    palt: '',
    screenName: '',
    groupName: '',
    groupRole: '',
    phone: '',
    speed: 0,
    course: 0,
    ptpUids: [],
    ptpCallsigns: [],
    feedUid: '',
    missionNames: [],
    access: '',
    caveat: '',
    releaseableTo: '',
    qos: '',
    opex: '',
  };
}

const GEO_STRINGS: Record<number, keyof GeoEvent> = {
  9: 'uid',
  10: 'type',
  11: 'coordSource',
  12: 'other',
  14: 'ploc',
  15: 'palt',
  16: 'screenName',
  17: 'groupName',
  18: 'groupRole',
  19: 'phone',
  25: 'feedUid',
  27: 'access',
  28: 'caveat',
  29: 'releaseableTo',
  [GEO_EXT.qos]: 'qos',
  [GEO_EXT.opex]: 'opex',
};
const GEO_DOUBLES: Record<number, keyof GeoEvent> = {
  4: 'lat',
  5: 'lon',
  6: 'hae',
  7: 'ce',
  8: 'le',
  20: 'speed',
  21: 'course',
};
const GEO_LISTS: Record<number, 'ptpUids' | 'ptpCallsigns' | 'missionNames'> = {
  23: 'ptpUids',
  24: 'ptpCallsigns',
  26: 'missionNames',
};

function readGeo(r: BinaryReader): GeoEvent {
  const g = emptyGeo();
  const any = g as unknown as Record<string, unknown>;
  fields(r, enter(r), (r, f, wt) => {
    const sk = GEO_STRINGS[f];
    const dk = GEO_DOUBLES[f];
    const lk = GEO_LISTS[f];
    if (f >= 1 && f <= 3) g[f === 1 ? 'sendTime' : f === 2 ? 'startTime' : 'staleTime'] = v64(r, wt, f);
    else if (sk) any[sk] = s(r, wt, f);
    else if (dk) any[dk] = d(r, wt, f);
    else if (lk) g[lk].push(s(r, wt, f));
    else if (f === 13) g.battery = v32(r, wt, f);
    else return false; // 22 binary, 30 bloads: not carried
    return true;
  });
  return g;
}

function readProvenance(r: BinaryReader): Provenance {
  const p: Provenance = { federationServerId: '', federationServerName: '' };
  fields(r, enter(r), (r, f, wt) => {
    if (f === 1) p.federationServerId = s(r, wt, f);
    else if (f === 2) p.federationServerName = s(r, wt, f);
    else return false;
    return true;
  });
  return p;
}

function readHops(r: BinaryReader): Hops {
  const h: Hops = { maxHops: 0, currentHops: 0 };
  fields(r, enter(r), (r, f, wt) => {
    if (f === 1) h.maxHops = v64(r, wt, f);
    else if (f === 2) h.currentHops = v64(r, wt, f);
    else return false;
    return true;
  });
  return h;
}

function readGroupHopLimits(r: BinaryReader): NonNullable<Envelope['groupHopLimits']> {
  const out: NonNullable<Envelope['groupHopLimits']> = { limits: [], use: false };
  fields(r, enter(r), (r, f, wt) => {
    if (f === 1) {
      want(wt, WireType.LengthDelimited, f);
      const l: GroupHopLimit = { groupName: '', maxHops: 0, currentHops: 0 };
      fields(r, enter(r), (r, g, wt) => {
        if (g === 1) l.groupName = s(r, wt, g);
        else if (g === 2) l.maxHops = v64(r, wt, g);
        else if (g === 3) l.currentHops = v64(r, wt, g);
        else return false;
        return true;
      });
      out.limits.push(l);
    } else if (f === 2) {
      want(wt, WireType.Varint, f);
      out.use = r.bool();
    } else return false;
    return true;
  });
  return out;
}

function readContact(r: BinaryReader): ContactEntry {
  const c: ContactEntry = { operation: 0, uid: '', callsign: '' };
  fields(r, enter(r), (r, f, wt) => {
    if (f === 1) c.operation = v32(r, wt, f);
    else if (f === 2) c.uid = s(r, wt, f);
    else if (f === 3) c.callsign = s(r, wt, f);
    else return false;
    return true;
  });
  return c;
}

/** Run `body` over `bytes`, turning every reader fault into BW_FIG_BAD_PROTO. */
function guarded<T>(bytes: Uint8Array, body: (r: BinaryReader) => T): T {
  try {
    return body(new BinaryReader(bytes, (b) => utf8.decode(b)));
  } catch (e) {
    if (e instanceof CodecError) throw e;
    throw figError(e instanceof Error ? e.message : String(e), e);
  }
}

/** Envelope fields shared by FederatedEvent (3-6) and FederateGroups (2-4, 6) at the given numbers. */
function envelopeField(
  out: Envelope,
  r: BinaryReader,
  f: number,
  wt: WireType,
  at: { groups: number; prov: number; hops: number; limits: number },
): boolean {
  if (f === at.groups) out.federateGroups.push(s(r, wt, f));
  else if (f === at.prov) {
    want(wt, WireType.LengthDelimited, f);
    out.federateProvenance.push(readProvenance(r));
  } else if (f === at.hops) {
    want(wt, WireType.LengthDelimited, f);
    out.federateHops = readHops(r);
  } else if (f === at.limits) {
    want(wt, WireType.LengthDelimited, f);
    out.groupHopLimits = readGroupHopLimits(r);
  } else return false;
  return true;
}

export function decodeFederatedEvent(bytes: Uint8Array): FederatedEvent {
  return guarded(bytes, (r) => {
    const out: FederatedEvent = { federateGroups: [], federateProvenance: [] };
    fields(r, r.len, (r, f, wt) => {
      if (f === 1) {
        want(wt, WireType.LengthDelimited, f);
        out.event = readGeo(r);
        return true;
      }
      if (f === 2) {
        want(wt, WireType.LengthDelimited, f);
        out.contact = readContact(r);
        return true;
      }
      return envelopeField(out, r, f, wt, { groups: 3, prov: 4, hops: 5, limits: 6 });
    });
    return out;
  });
}

export function decodeFederateGroups(bytes: Uint8Array): FederateGroups {
  return guarded(bytes, (r) => {
    const out: FederateGroups = { federateGroups: [], federateProvenance: [] };
    fields(r, r.len, (r, f, wt) => {
      if (f === 1) {
        want(wt, WireType.LengthDelimited, f);
        let status = 0;
        fields(r, enter(r), (r, g, wt) => {
          if (g !== 1) return false;
          status = v32(r, wt, g);
          return true;
        });
        out.streamUpdate = status;
        return true;
      }
      // 5 nestedGroups: not used by TAK Server's own peers; skipped.
      return envelopeField(out, r, f, wt, { groups: 2, prov: 3, hops: 4, limits: 6 });
    });
    return out;
  });
}

function readIdentityFields(r: BinaryReader, end: number): FigIdentity {
  const id: FigIdentity = { name: '', uid: '', description: '', type: 0, serverId: '' };
  fields(r, end, (r, f, wt) => {
    if (f === 1) id.name = s(r, wt, f);
    else if (f === 2) id.uid = s(r, wt, f);
    else if (f === 3) id.description = s(r, wt, f);
    else if (f === 4) id.type = v32(r, wt, f);
    else if (f === 5) id.serverId = s(r, wt, f);
    else return false;
    return true;
  });
  return id;
}

export function decodeIdentity(bytes: Uint8Array): FigIdentity {
  return guarded(bytes, (r) => readIdentityFields(r, r.len));
}

export function decodeSubscription(bytes: Uint8Array): Subscription {
  return guarded(bytes, (r) => {
    const out: Subscription = { filter: '' };
    fields(r, r.len, (r, f, wt) => {
      if (f === 1) {
        want(wt, WireType.LengthDelimited, f);
        out.identity = readIdentityFields(r, enter(r));
      } else if (f === 2) out.filter = s(r, wt, f);
      else if (f === 3) {
        want(wt, WireType.LengthDelimited, f);
        const v = { major: 0, minor: 0, patch: 0, branch: '', variant: '' };
        fields(r, enter(r), (r, g, wt) => {
          if (g >= 1 && g <= 3) v[g === 1 ? 'major' : g === 2 ? 'minor' : 'patch'] = v64(r, wt, g);
          else if (g === 4) v.branch = s(r, wt, g);
          else if (g === 5) v.variant = s(r, wt, g);
          else return false;
          return true;
        });
        out.version = v;
      } else return false;
      return true;
    });
    return out;
  });
}

/** ClientHealth / ServerHealth: the status enum (0 when absent). */
export function decodeHealth(bytes: Uint8Array): number {
  return guarded(bytes, (r) => {
    let status = 0;
    fields(r, r.len, (r, f, wt) => {
      if (f !== 1) return false;
      status = v32(r, wt, f);
      return true;
    });
    return status;
  });
}
