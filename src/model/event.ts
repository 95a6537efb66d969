/**
 * The protocol-neutral Event: what the hub routes, stores and hands to every codec.
 * Pure data, no I/O. Times are milliseconds since the Unix epoch.
 */
import type { Label } from './label.js';

/** WGS-84 position. hae is height above the ellipsoid in metres; ce/le are 1-sigma errors in metres. */
export interface Point {
  lat: number;
  lon: number;
  hae: number;
  ce: number;
  le: number;
}

/** CoT's "unknown" value for hae, ce and le. */
export const UNKNOWN_ERROR = 9999999;

/** Which wire protocol (or internal producer) an event arrived through. */
export type SourceProtocol =
  'cot-xml' | 'takproto' | 'mavlink' | 'video' | 'web' | 'sim' | 'internal' | 'federation';

/** Where an event came from. */
export interface Origin {
  protocol: SourceProtocol;
  /** Hub connection id of the sender, when it came over a connection. */
  connectionId?: string;
  /** ISO 3166 alpha-3 code of the sending identity's nation, when known. */
  nation?: string;
  /** Identity id of the sender, when known. */
  identityId?: string;
}

/**
 * One top-level child of CoT `<detail>`, kept as the exact XML text it had on the wire.
 * The raw text is the source of truth (lossless); typed views in {@link Detail} are read from it.
 */
export interface DetailElement {
  name: string;
  xml: string;
}

export interface Contact {
  callsign?: string;
  endpoint?: string;
  phone?: string;
  emailAddress?: string;
  xmppUsername?: string;
}

export interface Group {
  name: string;
  role: string;
}

export interface Track {
  course?: number;
  speed?: number;
  slope?: number;
}

export interface Takv {
  device?: string;
  platform?: string;
  os?: string;
  version?: string;
}

export interface Status {
  battery?: number;
  readiness?: boolean;
}

export interface PrecisionLocation {
  geopointsrc?: string;
  altsrc?: string;
}

export interface Remarks {
  text: string;
  source?: string;
  to?: string;
  time?: string;
}

export interface Chat {
  chatroom?: string;
  groupOwner?: string;
  id?: string;
  senderCallsign?: string;
  parent?: string;
  messageId?: string;
  /** chatgrp: the room id and member uids (uid0, uid1, …). */
  members?: string[];
  roomId?: string;
}

/** `marti/dest`: directed delivery. */
export interface Dest {
  callsign?: string;
  uid?: string;
  group?: string;
  mission?: string;
}

export interface Link {
  uid?: string;
  type?: string;
  relation?: string;
  [attr: string]: string | undefined;
}

export interface Emergency {
  type?: string;
  cancel?: boolean;
  text?: string;
}

export interface Video {
  url?: string;
  uid?: string;
  sensor?: string;
  spi?: string;
}

/**
 * The detail of an event: the elements as sent (lossless) plus typed views of the parts the hub must understand.
 * Typed views are read-only projections: change `elements`, then re-derive the views with the codec.
 */
export interface Detail {
  elements: DetailElement[];
  contact?: Contact;
  group?: Group;
  track?: Track;
  takv?: Takv;
  status?: Status;
  precisionLocation?: PrecisionLocation;
  remarks?: Remarks;
  chat?: Chat;
  dests?: Dest[];
  links?: Link[];
  /** `_flow-tags_` attributes: system id -> time it left that system. */
  flowTags?: Record<string, string>;
  sensor?: Record<string, string>;
  video?: Video;
  /** Explicit symbol code from `__milsym` / `__milicon`. */
  sidc?: string;
  emergency?: Emergency;
}

/** The protocol-neutral event. */
export interface Event {
  version: string;
  uid: string;
  type: string;
  how: string;
  time: number;
  start: number;
  stale: number;
  access?: string;
  qos?: string;
  opex?: string;
  caveat?: string;
  /** The raw releasableTo attribute as sent (the label holds the parsed form). */
  releasableTo?: string;
  point: Point;
  detail: Detail;
  label: Label;
  origin: Origin;
}
