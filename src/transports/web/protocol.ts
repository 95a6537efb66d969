/**
 * The live API's message map: every JSON message the hub and a browser (or any integrator) exchange over the
 * WebSocket at /api/live. One file, imported by both the server and the web app, so the two cannot drift.
 * docs/api.md describes the same messages with examples. Types only: no runtime code.
 */
import type { Classification, Label } from '../../model/label.js';
import type { Affiliation, SidcSource } from '../../model/symbol.js';

/** Bump when a message changes shape incompatibly; sent in `hello`. */
export const LIVE_PROTOCOL_VERSION = 1;

/** One drawable thing on the picture, flattened for the browser. Times are epoch milliseconds. */
export interface WebEntity {
  uid: string;
  type: string;
  how: string;
  time: number;
  start: number;
  stale: number;
  lat: number;
  lon: number;
  hae: number;
  ce: number;
  le: number;
  callsign?: string;
  /** `contact/@endpoint`: present on TAK clients' own position reports, so the page can offer them as chat contacts. */
  endpoint?: string;
  /** Symbol code to draw (explicit `__milsym`/`__milicon` code, else derived from the type). */
  sidc: string;
  sidcSource: SidcSource;
  affiliation: Affiliation;
  course?: number;
  speed?: number;
  /** Nation (ISO alpha-3) of the identity that sent it, when the hub knows it. */
  nation?: string;
  team?: { name: string; role: string };
  remarks?: string;
  /** Uid of the parent / producer (`link relation="p-p"`), e.g. who dropped a marker. */
  parent?: string;
  label: Label;
  classification: Classification;
  /** Nations / categories it is releasable to; absent = releasable to all holders of the classification. */
  releasableTo?: string[];
  caveat?: string;
  access?: string;
  source: string;
  /** Every `<detail>` child as sent (name and exact XML), for the detail panel. */
  detail: { name: string; xml: string }[];
  /**
   * Drawings (ATAK circles, ellipses, rectangles, free forms, telestrations, routes, range-and-bearing objects,
   * bullseyes, UAS sensor footprints): such entities draw as shapes, not symbols. `lat`/`lon` are then the
   * drawing's anchor (ATAK sends routes and telestrations at point 0,0).
   */
  shape?: WebShape;
  /** ATAK marker colour (`<color argb>`), e.g. a spot marker's dot. */
  color?: string;
  /** Emergencies (`b-a-o-*`, `b-a-g`): what kind, who called it, and whether this is its cancel. */
  emergency?: WebEmergency;
}

export interface WebEmergency {
  /** `911 Alert`, `Ring The Bell`, `Geo-fence Breached`, `Troops In Contact`, `Cancel`, or the sender's text. */
  kind: string;
  /** Callsign of the caller (`<emergency>` text, else the contact callsign). */
  caller: string;
  /** Uid of the caller's own position report (`link relation="p-p"`). */
  callerUid?: string;
  cancel: boolean;
}

/** A drawing's geometry as [lon, lat] vertices, with ATAK's style. */
export interface WebShape {
  kind:
    | 'line'
    | 'polygon'
    | 'rectangle'
    | 'circle'
    | 'ellipse'
    | 'telestration'
    | 'route'
    | 'rb-line'
    | 'rb-circle'
    | 'bullseye';
  /** The outline (ring when `closed`) or line. */
  coordinates: [number, number][];
  /** Several lines (telestration strokes; bullseye rings and spokes): drawn instead of `coordinates`. */
  lines?: [number, number][][];
  closed: boolean;
  stroke?: string;
  fill?: string;
  /** Line width in pixels (`strokeWeight`). */
  width?: number;
  /** False when ATAK's `labels_on` is false: the name is not drawn. */
  labels?: false;
  /** A geo-fence (`__geofence`): drawn dashed. */
  geofence?: true;
  /** Route waypoints with names, in order. */
  waypoints?: { name: string; at: [number, number] }[];
  /** Range (m) and bearing (degrees) of range-and-bearing objects, the radius of circles. */
  range?: number;
  bearing?: number;
}

/** A GeoChat message as the page shows it. */
export interface WebChat {
  /** Event uid (`GeoChat.<sender>.<room>.<messageId>`). */
  uid: string;
  messageId: string;
  time: number;
  text: string;
  senderUid: string;
  senderCallsign: string;
  /** `__chat/@id`: `All Chat Rooms`, a group id, or the recipient's uid for one-to-one chat. */
  roomId: string;
  /** `__chat/@chatroom`: the room's display name (the recipient's callsign for one-to-one chat). */
  room: string;
  parent?: string;
  /** Member uids from `chatgrp` (sender first). */
  members: string[];
  label: Label;
  classification: Classification;
}

/** Delivered / read receipt for a chat message. */
export interface WebReceipt {
  messageId: string;
  kind: 'delivered' | 'read';
  /** Uid of the client that received / read the message. */
  from: string;
  fromCallsign?: string;
  time: number;
}

/** Who this session is, told once after the socket opens. */
export interface WebSessionInfo {
  identity: {
    id: string;
    nation?: string;
    clearance: Classification;
    groups: string[];
    categories: string[];
  };
  /** The uid and callsign this browser appears with to TAK clients (its chat and markers carry them). */
  uid: string;
  callsign: string;
  /** True when the hub runs the development sign-in (no real authentication). */
  devMode: boolean;
}

/** Messages the hub sends. */
export type ServerMessage =
  /** `now`: the hub's clock (epoch ms) when it said hello: the page measures data age against it. */
  | { t: 'hello'; v: number; hubId: string; now?: number; session: WebSessionInfo }
  | { t: 'entity'; e: WebEntity }
  | { t: 'chat'; m: WebChat }
  | { t: 'receipt'; r: WebReceipt }
  /** Entities this session could see went stale (`stale`) or were deleted (`deleted`). */
  | { t: 'expired'; uids: string[]; reason?: 'deleted' }
  /** A page request was accepted; `uid` is the event it became. */
  | { t: 'ack'; ref: string; uid: string }
  | { t: 'error'; code: string; message: string; ref?: string };

/** Where a chat message goes: everyone, a named group room, or one contact. */
export type ChatTarget =
  | { kind: 'all' }
  | { kind: 'group'; id: string; name: string; members?: string[] }
  | { kind: 'direct'; uid: string; callsign: string };

/** Messages a page (or integrator) sends. `ref` is echoed in the `ack` or `error` that answers it. */
export type ClientMessage =
  | {
      t: 'marker';
      ref?: string;
      /** Reuse to move/edit an own marker; omitted = a new uuid. */
      uid?: string;
      lat: number;
      lon: number;
      hae?: number;
      callsign: string;
      remarks?: string;
      /** CoT type; default `b-m-p-s-m` (spot marker). Atoms (`a-h-G`, …) become 2525 symbols in ATAK too. */
      type?: string;
      /** Explicit symbol code to carry as `__milsym`/`__milicon`. */
      sidc?: string;
      /** How long the marker stays valid; default one day. */
      staleSeconds?: number;
      /**
       * The marker's label, as a TAK client would give it (`access`, `releasableTo`); each part omitted takes the
       * hub's default for this user. The hub's ingress policy checks it like any other source's: not above the
       * user's clearance or the configured ceiling, not below the floor. `releasableTo` must name the user's own
       * nation or a category the user holds (else the user could not see the marker).
       */
      classification?: Classification;
      /** Nations (ISO 3166 alpha-3) and categories (e.g. `NATO`), 1–30 of them. */
      releasableTo?: string[];
    }
  /** `messageId`: chosen by the page (a uuid) so it can match receipts; the hub makes one when absent. */
  | { t: 'chat'; ref?: string; text: string; to: ChatTarget; messageId?: string }
  | {
      t: 'receipt';
      ref?: string;
      messageId: string;
      kind: 'delivered' | 'read';
      to: { uid: string; callsign: string };
    }
  /** Where the operator is: sent as the browser's own position report so TAK clients can see and chat with it. */
  | { t: 'presence'; ref?: string; lat: number; lon: number }
  /** Delete an entity this session created (a marker). */
  | { t: 'delete'; ref?: string; uid: string }
  /**
   * Flow control (optional): characters of hub messages this page has processed so far. Once a page sends it,
   * the hub keeps at most `web.flowWindow` characters unprocessed in flight and coalesces positions per uid
   * beyond that, so a slow page sees the latest picture rather than a backlog. Not rate-limited.
   */
  | { t: 'flow'; received: number };
