/**
 * One federation link: a configured peer at our border. It exists as long as the peer is configured, connected or
 * not, so what is meant for the peer queues durably while the link is down.
 *
 * Outbound: the link is a hub session in wire format 'fig' whose identity is the peer (its nations, clearance and
 * the groups mapped for the link): the hub's routing and the one egress gate decide what reaches it, exactly as for
 * a client. The session's sink puts each record in the link's durable queue (queue.ts); a pump takes the rows in
 * priority order within the link's bandwidth cap and writes them as FederatedEvents on whatever gRPC stream is
 * attached (we call the peer, or the peer called us).
 */
import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { Hub } from '../hub/hub.js';
import type { Session } from '../hub/session.js';
import type { Identity } from '../model/identity.js';
import { encodeEnvelopeTail, type Provenance } from '../codecs/fig/index.js';
import type { PeerConfig } from './config.js';
import type { FedMetrics } from './metrics.js';
import { CLASSES, type FedClass, type LinkQueue, type QueuedRow } from './queue.js';
import { readRecord, type RecordHeader } from './record.js';
import { egress } from '../hub/gate.js';

/** The identity the egress gate sees for a peer. */
export function peerIdentity(p: PeerConfig): Identity {
  const id: Identity = {
    id: `federate:${p.name}`,
    kind: 'federate',
    clearance: p.clearance,
    categories: [...p.nations.slice(1), ...p.categories],
    groups: Object.keys(p.groupsOut),
  };
  if (p.nations[0]) id.nation = p.nations[0];
  return id;
}

export interface LinkStatus {
  name: string;
  role: PeerConfig['role'];
  connected: boolean;
  /** The federation protocol of the current (or last) connection. */
  protocol?: 'v1' | 'v2';
  remoteServerId?: string;
  remoteGroups: string[];
  queued: Record<FedClass, number>;
  unconfirmed: number;
  coalesced: number;
  dropped: number;
  sent: number;
  received: number;
  bytesOut: number;
  bytesIn: number;
  rttMs?: number;
  lastContact?: number;
  lastError?: string;
  bandwidthKbps: number;
}

/**
 * Bytes a message costs on the wire beyond its own: gRPC's 5-byte prefix, an HTTP/2 DATA frame header (9) and a
 * share of TLS record overhead (about 22). Counted against the bandwidth cap so the link does not oversend a narrow
 * radio and queue there, where priorities no longer apply.
 */
const WIRE_OVERHEAD = 36;
/**
 * Records are written to the durable queue in batches: while the link is up and keeps up, what was routed in one
 * turn of the event loop (so it adds no wait); while it is down or behind, at most this long after they were routed; at once when this many are waiting. A hub crash loses
 * at most this window of what it had not yet queued (like the store's write-behind); it costs one SQLite transaction
 * per batch instead of one per event.
 */
const BATCH_MS = 20;
/** A row queued before records carried their label: it cannot be checked again, so it does not leave. */
const NO_LABEL = { allow: false, reason: 'no-label' } as const;
const BATCH_MAX = 512;

export class Link {
  readonly name: string;
  peer: PeerConfig;
  readonly connectionId: string;
  session: Session | undefined;
  private outlet: Writable | undefined;
  private waitingDrain = false;
  private pumpTimer: ReturnType<typeof setTimeout> | undefined;
  private tokens = 0;
  private lastRefill = Date.now();
  private sendSeq = 0;
  /**
   * The highest batch whose bytes have left our send buffer (the stream's write callback: handed on to the
   * connection under HTTP/2 flow control). Only these can be confirmed by a later health round trip.
   */
  private flushedSeq = 0;
  remoteServerId: string | undefined;
  protocol: 'v1' | 'v2' | undefined;
  remoteGroups: string[] = [];
  readonly stats = { coalesced: 0, dropped: 0, sent: 0, received: 0, bytesOut: 0, bytesIn: 0 };
  rttMs: number | undefined;
  lastContact: number | undefined;
  lastError: string | undefined;
  /** Set by close(): the peer was removed, changed or shut down; nothing it sends enters any more. */
  closed = false;
  /** The peer's open inbound calls (each with the serial of the certificate it came with): ended by close(). */
  private readonly calls = new Set<{ serial: string | undefined; stop(why: string): void }>();

  constructor(
    peer: PeerConfig,
    readonly queue: LinkQueue,
    private readonly deps: { hub: Hub; hubId: string; log: Logger; m: FedMetrics },
  ) {
    this.name = peer.name;
    this.peer = peer;
    this.connectionId = `fed:${peer.name}`;
    this.noteQueue();
    deps.m.connected.set({ peer: this.name }, 0);
  }

  /** Join the hub as the peer's receiving session (its picture goes into the queue at once). */
  open(): void {
    const hub = this.deps.hub;
    this.session = hub.open(
      { write: (chunks) => this.take(chunks), close: () => undefined },
      {
        transport: 'internal',
        protocol: 'fig',
        remote: this.name,
        identity: peerIdentity(this.peer),
        format: 'fig',
      },
    );
  }

  get connected(): boolean {
    return this.outlet !== undefined;
  }

  /** Records taken and not yet written to the queue: written together, one transaction per `BATCH_MS`. */
  private incoming: { cls: FedClass; key: string | undefined; body: Uint8Array }[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private flushSoon: ReturnType<typeof setImmediate> | undefined;

  /** The sink: records from the hub (already through the gate) -> the durable queue. */
  private take(chunks: Uint8Array[]): boolean {
    const items = this.incoming;
    for (const c of chunks) {
      const { head } = readRecord(c);
      // Never back to the peer it came from, nor to a peer it already passed (its flow tag is in the event).
      if (head.o === this.connectionId) continue;
      if (this.remoteServerId && head.f.includes(this.remoteServerId)) continue;
      if (head.f.length > this.peer.maxHops) continue; // BW_FED_HOPS: it has gone as far as this link allows
      items.push({ cls: head.c, key: head.c === 'position' ? head.uid : undefined, body: c });
    }
    if (items.length >= BATCH_MAX) this.flushIncoming();
    else if (items.length && this.keepsUp() && !this.flushSoon)
      this.flushSoon = setImmediate(() => this.flushIncoming());
    else if (items.length && !this.flushTimer && !this.flushSoon)
      this.flushTimer = setTimeout(() => this.flushIncoming(), BATCH_MS);
    return true;
  }

  /** Up, and nothing waits to be sent: what comes now can go at once. */
  private keepsUp(): boolean {
    if (!this.outlet || this.waitingDrain || this.pumpTimer) return false;
    const p = this.queue.pending;
    return p.emergency + p.chat + p.delete + p.position === 0;
  }

  /** Write what was taken to the queue (one transaction) and send. */
  flushIncoming(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.flushSoon) clearImmediate(this.flushSoon);
    this.flushTimer = undefined;
    this.flushSoon = undefined;
    const items = this.incoming;
    this.incoming = [];
    if (items.length) {
      const r = this.queue.putMany(items);
      this.stats.coalesced += r.coalesced;
      this.stats.dropped += r.dropped;
      if (r.coalesced) this.deps.m.coalesced.inc({ peer: this.name }, r.coalesced);
      if (r.dropped) {
        this.deps.m.dropped.inc({ peer: this.name }, r.dropped);
        this.deps.log.warn(
          { peer: this.name, dropped: r.dropped, code: 'BW_FED_QUEUE_FULL' },
          'link queue full',
        );
      }
      this.noteQueue();
      this.pump();
    }
  }

  /** A gRPC stream to write FederatedEvents on (ClientEventStream answer, or our ServerEventStream call). */
  attach(out: Writable, remoteServerId?: string, protocol: 'v1' | 'v2' = 'v2'): void {
    const old = this.outlet;
    this.detach();
    // A peer that reconnects replaces its stream: the old one is ended here, and its own close later finds a
    // different outlet attached and leaves it alone (detach with `only`).
    if (old && old !== out) {
      try {
        old.end();
      } catch {
        /* already gone */
      }
    }
    this.outlet = out;
    this.protocol = protocol;
    if (remoteServerId) this.remoteServerId = remoteServerId;
    this.tokens = this.capacity();
    this.lastRefill = Date.now();
    out.on('drain', () => {
      if (this.outlet !== out) return;
      this.waitingDrain = false;
      this.pump();
    });
    this.deps.m.connected.set({ peer: this.name }, 1);
    this.lastError = undefined;
    this.pump();
  }

  /** The stream ended (`only`: if it is still the one attached): every unconfirmed row goes again on the next one. */
  detach(err?: string, only?: Writable): void {
    if (only && this.outlet !== only) return;
    if (err) this.lastError = err;
    if (!this.outlet) return;
    this.outlet = undefined;
    this.waitingDrain = false;
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    this.queue.requeue();
    this.noteQueue();
    this.deps.m.connected.set({ peer: this.name }, 0);
  }

  /** Where the sends stand now: a health round trip begun now confirms everything up to this mark. */
  mark(): number {
    return this.flushedSeq;
  }

  confirm(mark: number, rttMs?: number): void {
    if (mark > 0) this.queue.confirm(mark);
    if (rttMs !== undefined) {
      this.rttMs = rttMs;
      this.deps.m.rtt.set({ peer: this.name }, rttMs / 1000);
    }
    this.contact();
    this.noteQueue();
  }

  contact(): void {
    this.lastContact = Date.now();
    this.deps.m.lastContact.set({ peer: this.name }, Math.round(this.lastContact / 1000));
  }

  private rate(): number {
    return (this.peer.bandwidthKbps * 1000) / 8; // bytes per second
  }

  /** Bucket size: a quarter second of the link (at least one large message), so priorities stay sharp. */
  private capacity(): number {
    return this.peer.bandwidthKbps > 0 ? Math.max(2048, this.rate() / 4) : Infinity;
  }

  private refill(): void {
    if (this.peer.bandwidthKbps <= 0) return;
    const now = Date.now();
    this.tokens = Math.min(this.capacity(), this.tokens + ((now - this.lastRefill) / 1000) * this.rate());
    this.lastRefill = now;
  }

  /** Send queued rows, highest priority first, while the stream takes them and the bandwidth cap allows. */
  pump(): void {
    const out = this.outlet;
    if (!out || this.waitingDrain || this.pumpTimer) return;
    this.refill();
    const capped = this.peer.bandwidthKbps > 0;
    let blocked = false;
    const who = peerIdentity(this.peer);
    while (!blocked && (!capped || this.tokens > 0)) {
      const rows = this.queue.peek(capped ? 8 : 256);
      if (!rows.length) break;
      const sent: QueuedRow[] = [];
      const refused: QueuedRow[] = [];
      const seq = this.sendSeq + 1;
      // Writes complete in order: when the batch's last write is through, the whole batch has left.
      const flushed = (err?: Error | null) => {
        if (!err && out === this.outlet && seq > this.flushedSeq) this.flushedSeq = seq;
      };
      for (const row of rows) {
        if (capped && this.tokens <= 0) break;
        const rec = readRecord(row.body);
        // The gate again, for the peer as it is now: it may have been narrowed since the row was queued.
        const d = rec.head.l
          ? egress({ label: rec.head.l, groups: rec.head.g }, who, 'federation', rec.head.uid)
          : NO_LABEL;
        if (!d.allow) {
          refused.push(row);
          if (d.reason !== 'group') this.deps.m.regated.inc({ peer: this.name, rule: d.reason });
          continue;
        }
        const msg = this.message(rec);
        sent.push(row);
        this.tokens -= msg.length + WIRE_OVERHEAD;
        this.stats.bytesOut += msg.length;
        this.deps.m.bytes.inc({ peer: this.name, direction: 'out' }, msg.length);
        this.deps.m.sent.inc({ peer: this.name, class: row.cls });
        if (!out.write(msg, flushed)) {
          blocked = true;
          break;
        }
      }
      // Audited by the gate (egress-deny), counted in bw_fed_gate_refused_total.
      if (refused.length) this.queue.remove(refused);
      this.stats.sent += sent.length;
      this.sendSeq = seq;
      this.queue.markSent(sent, seq);
    }
    this.noteQueue();
    if (blocked) this.waitingDrain = true;
    else if (capped && this.tokens <= 0 && this.queue.peek(1).length) {
      const wait = Math.ceil((-this.tokens / this.rate()) * 1000) + 5;
      this.pumpTimer = setTimeout(() => {
        this.pumpTimer = undefined;
        this.pump();
      }, wait);
    }
  }

  /** The FederatedEvent for a queued record: the shared GeoEvent part plus this link's groups, provenance, hops. */
  private message({ head, geo }: { head: RecordHeader; geo: Uint8Array }): Buffer {
    const groups = new Set<string>();
    for (const g of head.g) {
      const remote = this.peer.groupsOut[g];
      if (remote !== undefined) groups.add(remote);
    }
    const provenance: Provenance[] = head.f.map((id) => ({
      federationServerId: id,
      federationServerName: id,
    }));
    const tail = encodeEnvelopeTail({
      federateGroups: [...groups],
      federateProvenance: provenance,
      federateHops: { maxHops: this.peer.maxHops, currentHops: head.f.length },
    });
    return Buffer.concat([geo, tail]);
  }

  noteQueue(): void {
    for (const c of CLASSES) this.deps.m.queued.set({ peer: this.name, class: c }, this.queue.pending[c]);
  }

  status(): LinkStatus {
    const pending = { ...this.queue.pending };
    const waiting = CLASSES.reduce((n, c) => n + pending[c], 0);
    const s: LinkStatus = {
      name: this.name,
      role: this.peer.role,
      connected: this.connected,
      remoteGroups: this.remoteGroups,
      queued: pending,
      unconfirmed: Math.max(0, this.queue.size - waiting),
      ...this.stats,
      bandwidthKbps: this.peer.bandwidthKbps,
    };
    if (this.remoteServerId) s.remoteServerId = this.remoteServerId;
    if (this.protocol) s.protocol = this.protocol;
    if (this.rttMs !== undefined) s.rttMs = this.rttMs;
    if (this.lastContact !== undefined) s.lastContact = this.lastContact;
    if (this.lastError) s.lastError = this.lastError;
    return s;
  }

  /** Keep an open inbound call of this peer, to end it if the link closes or its certificate is revoked. */
  track(serial: string | undefined, stop: (why: string) => void): () => void {
    const c = { serial, stop };
    if (this.closed) {
      stop('federation link removed');
      return () => undefined;
    }
    this.calls.add(c);
    return () => this.calls.delete(c);
  }

  /** End every open call whose certificate serial `revoked` says is revoked (after a CRL change). */
  endRevoked(revoked: (serial: string) => boolean): void {
    for (const c of [...this.calls]) {
      if (c.serial !== undefined && revoked(c.serial)) {
        this.calls.delete(c);
        c.stop('certificate revoked');
      }
    }
  }

  /** Leave the hub (peer removed or shutdown); the queue stays on disk unless `clear`. */
  close(clear = false): void {
    this.closed = true;
    for (const c of [...this.calls]) c.stop('federation link removed');
    this.calls.clear();
    this.flushIncoming();
    this.detach();
    if (this.session) this.deps.hub.close(this.session, 'federation link closed');
    this.session = undefined;
    if (clear) this.queue.clear();
    this.deps.m.connected.remove({ peer: this.name });
  }
}
