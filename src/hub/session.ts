/**
 * What the hub knows of a connection: an identity, a wire format and a sink for bytes. The hub never sees sockets;
 * transports implement {@link SessionSink}.
 */
import type { Identity } from '../model/identity.js';
import type { OutQueue } from './queue.js';
import type { Envelope } from './envelope.js';
import { gateKeyOf } from './gate.js';
import type { ErrorCode } from '../errors.js';
import type { PlainCloseReason } from './close.js';

/** Wire formats the hub encodes events into, once per event (see envelope.ts). */
export type WireFormat = 'cot-xml' | 'tak-stream' | 'json' | 'fig';

/** Implemented by a transport: moves the bytes the hub hands it. */
export interface SessionSink {
  /**
   * Write the chunks of one flush (one socket write). Return false when the peer's buffer is above its high-water
   * mark: the hub then stops writing to this session (its queue coalesces) until the transport calls
   * `hub.drained(session)`.
   */
  write(chunks: Uint8Array[]): boolean;
  /**
   * Optional: how many bytes the peer may take now (a page's flow-control window). A flush then hands over at
   * most that much (at least one chunk); the rest stays queued, coalescing, for the next flush.
   */
  room?(): number;
  /** Close the connection; `reason` (close.ts) is logged by the transport. Called at most once. */
  close(reason: ErrorCode | PlainCloseReason): void;
  /** Optional: told when entities this session could see went stale or were deleted (web clients want this). */
  expired?(uids: string[]): void;
}

export type TransportKind = 'tcp' | 'tls' | 'udp' | 'websocket' | 'internal';

export interface SessionInfo {
  transport: TransportKind;
  /** What the peer speaks now: 'cot-xml', 'takproto', 'json', 'mavlink' … (for metrics). */
  protocol: string;
  /** Peer address for logs. */
  remote?: string;
  identity: Identity;
  format: WireFormat;
  /** An ingest-only source (gateway, UDP): receives nothing, not counted as a client. */
  ingestOnly?: boolean;
  /** Skip the initial picture (for sources that only publish). */
  noPicture?: boolean;
}

let nextId = 1;

/** The hub's record of one connection. Created by `hub.open`, ended by `hub.close`. */
export class Session {
  readonly id: string;
  readonly info: SessionInfo;
  readonly sink: SessionSink;
  readonly openedAt: number;
  /** Current wire format; switches from cot-xml to tak-stream after protocol negotiation. */
  format: WireFormat;
  /** uids this client reported as itself (its own position reports). */
  readonly uids = new Set<string>();
  callsign: string | undefined;
  /** Team colour from the client's own __group (used only when routing is team-scoped). */
  team: string | undefined;
  /** @internal queue and flags owned by the hub. */
  queue: OutQueue;
  blocked = false;
  closed = false;
  /** @internal the picture still to send: a live iterator over the state, pumped as the socket drains. */
  picture: Iterator<Envelope> | undefined;
  /** @internal team-scoped routing: the picture waits for the client's own report until this timer fires. */
  pictureDue: ReturnType<typeof setTimeout> | undefined;
  /** @internal last envelope seq delivered, to skip duplicates across groups. */
  lastSeq = -1;

  constructor(sink: SessionSink, info: SessionInfo, queue: OutQueue, now: number) {
    this.id = `s${nextId++}`;
    this.sink = sink;
    this.info = info;
    this.format = info.format;
    this.queue = queue;
    this.openedAt = now;
  }

  get identity(): Identity {
    return this.info.identity;
  }

  private key: string | undefined;
  /** The identity's gate key (gate.ts), made once: a session's identity does not change. */
  get gateKey(): string {
    return (this.key ??= gateKeyOf(this.info.identity));
  }
}
