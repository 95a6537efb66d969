/**
 * TAK Server Federation v1: the older protocol that many deployed TAK Servers (and FreeTAKServer) still federate
 * with. Mutual TLS on port 9000; each message is a FederatedEvent (the same fig.proto message v2 streams), framed by
 * a 4-byte big-endian length, the same both ways (TAK Server's NioNettyFederationServerHandler and its client
 * subclass). No groups exchange, no health check, no gRPC: a v1 link is the same Link (egress gate, durable queue,
 * priorities, bandwidth cap, provenance) with this framing as its outlet.
 *
 * v1 has no acknowledgement. A row is confirmed when, one `federation.healthMs` after it was written, the connection
 * is still open and nothing is left in our socket buffer; a connection that ends earlier resends everything not yet
 * confirmed (receivers drop repeats by uid and time). A cut the TCP stack has not yet noticed can still lose what
 * was in flight: v2's health round trip closes that gap, so prefer v2 where the peer has it (docs/federation.md).
 */
import { isIP } from 'node:net';
import { Writable } from 'node:stream';
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { AuditSink } from '../trust/audit-types.js';
import type { Link } from './link.js';
import type { FedMetrics } from './metrics.js';
import { identifyPeer, type PeerAuthDeps } from './peer-auth.js';

/** Largest v1 frame we read (TAK Server sets none; a file travels as a mission package URL, not inline). */
export const V1_MAX_FRAME = 8 << 20;

/**
 * Split a v1 byte stream into FederatedEvent messages. Throws on a frame longer than {@link V1_MAX_FRAME}. Chunks
 * are joined once per frame, when it is complete, so a large frame in small chunks costs no repeated copying.
 */
export class V1Framer {
  private chunks: Buffer[] = [];
  private have = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.have += chunk.length;
    const out: Buffer[] = [];
    while (this.have >= 4) {
      if (this.chunks[0]!.length < 4) this.chunks = [Buffer.concat(this.chunks, this.have)];
      const n = this.chunks[0]!.readUInt32BE(0);
      if (n > V1_MAX_FRAME) throw new Error(`v1 frame of ${n} bytes is over ${V1_MAX_FRAME}`);
      if (this.have < 4 + n) break;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.have);
      out.push(all.subarray(4, 4 + n));
      const rest = all.subarray(4 + n);
      this.chunks = rest.length ? [rest] : [];
      this.have = rest.length;
    }
    return out;
  }
}

/** One v1 frame. */
export function frameV1(msg: Uint8Array): Buffer {
  const b = Buffer.allocUnsafe(4 + msg.length);
  b.writeUInt32BE(msg.length, 0);
  b.set(msg, 4);
  return b;
}

export interface V1Deps extends PeerAuthDeps {
  hubId: string;
  log: Logger;
  m: FedMetrics;
  audit: AuditSink;
  /** Our server certificate and key (PEM), for the listener. */
  cert: string;
  key: string;
  /** TLS material for an outbound peer: the CA we trust for it, our certificate and key (PEM). */
  tls(link: Link): { ca: string; cert: string; key: string };
  ingest(link: Link, bytes: Uint8Array): void;
  healthMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
}

/**
 * Run `link` over one v1 connection until it ends: frames in -> ingest, the link's queue -> frames out, rows
 * confirmed as described above. `onEnd` is called once when the connection is gone.
 */
export function serveV1(link: Link, socket: tls.TLSSocket, d: V1Deps, onEnd: (why: string) => void): void {
  const remote = `${socket.remoteAddress}:${socket.remotePort}`;
  const outlet = new Writable({
    objectMode: true,
    highWaterMark: 256,
    write(msg: Uint8Array, _enc, cb) {
      if (socket.destroyed) return cb();
      if (socket.write(frameV1(msg))) cb();
      else socket.once('drain', () => cb());
    },
  });
  outlet.on('error', () => undefined);
  link.attach(outlet, undefined, 'v1');
  d.audit.record('fed-connect', { actor: link.name, remote, path: 'federation', rule: 'v1' });
  d.log.info({ peer: link.name, remote }, 'federation v1: connected');
  let mark = link.mark();
  const confirm = setInterval(() => {
    if (socket.destroyed || socket.writableLength > 0 || outlet.writableLength > 0) return;
    link.confirm(mark);
    mark = link.mark();
  }, d.healthMs);
  const framer = new V1Framer();
  socket.on('data', (chunk: Buffer) => {
    let frames: Buffer[];
    try {
      frames = framer.push(chunk);
    } catch (e) {
      // As TAK Server does with a frame it cannot parse: the connection is closed (and queued rows go again).
      d.m.received.inc({ peer: link.name, result: 'BW_FIG_BAD_PROTO' });
      d.log.warn({ peer: link.name, err: (e as Error).message, code: 'BW_FIG_BAD_PROTO' }, 'federation v1');
      socket.destroy();
      return;
    }
    for (const f of frames) d.ingest(link, f);
  });
  let ended = false;
  const end = (why: string) => {
    if (ended) return;
    ended = true;
    clearInterval(confirm);
    link.detach(why, outlet);
    outlet.destroy();
    d.audit.record('fed-disconnect', { actor: link.name, remote, rule: why, path: 'federation' });
    d.log.info({ peer: link.name, why }, 'federation v1: disconnected');
    onEnd(why);
  };
  socket.on('error', (e: Error) => end(e.message));
  socket.on('close', () => end('closed'));
}

/** The inbound role on the v1 port: a peer's certificate is checked as on the v2 port (peer-auth.ts). */
export class V1Server {
  private server: tls.Server | undefined;

  constructor(private readonly d: V1Deps) {}

  private accept(socket: tls.TLSSocket): void {
    const d = this.d;
    const who = identifyPeer(d, socket.getPeerCertificate(true)?.raw);
    if (!('link' in who)) {
      const remote = `${socket.remoteAddress}:${socket.remotePort}`;
      d.m.refused.inc({ reason: who.refused });
      d.log.warn({ remote, reason: who.refused, actor: who.cn }, 'federation v1: peer refused');
      d.audit.record('fed-refused', { rule: who.refused, remote, path: 'federation', actor: who.cn });
      socket.destroy();
      return;
    }
    const untrack = who.link.track(who.serial, () => socket.destroy());
    serveV1(who.link, socket, d, untrack);
  }

  listen(host: string, port: number): Promise<number> {
    const server = tls.createServer({
      ca: [this.d.ca, ...this.d.peerCas().values()],
      cert: this.d.cert,
      key: this.d.key,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    });
    server.on('secureConnection', (s) => this.accept(s));
    server.on('tlsClientError', (e) => {
      this.d.m.refused.inc({ reason: 'TLS' });
      this.d.log.warn({ err: e.message }, 'federation v1: TLS handshake refused');
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as { port: number }).port);
      });
    });
  }

  close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => s.close(() => resolve()));
  }
}

/** The outbound role: we call a peer's v1 port, and call again after a failure (back-off with jitter, as v2). */
export class V1Connector {
  private socket: tls.TLSSocket | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private stopped = false;

  constructor(
    private readonly link: Link,
    private readonly d: V1Deps,
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  private connect(): void {
    if (this.stopped) return;
    const { peer } = this.link;
    const host = peer.host ?? '127.0.0.1';
    let material;
    try {
      material = this.d.tls(this.link);
    } catch (e) {
      return this.again(`TLS material: ${(e as Error).message}`);
    }
    const servername = peer.serverName ?? (isIP(host) ? undefined : host);
    const socket = tls.connect({ host, port: peer.port, ...material, minVersion: 'TLSv1.2', servername });
    this.socket = socket;
    socket.on('error', () => undefined); // every error also closes the socket, handled below or in serveV1
    let up = false;
    socket.once('secureConnect', () => {
      up = true;
      this.attempt = 0;
      serveV1(this.link, socket, this.d, (why) => this.again(why));
    });
    socket.once('error', (e: Error) => {
      if (up) return; // serveV1 handles it
      this.link.detach(e.message);
      socket.destroy();
      this.again(e.message);
    });
  }

  private again(why: string): void {
    this.socket = undefined;
    if (this.stopped) return;
    this.d.log.debug({ peer: this.link.name, why }, 'federation v1: reconnecting');
    const base = Math.min(this.d.reconnectMaxMs, this.d.reconnectMinMs * 2 ** this.attempt++);
    this.retry = setTimeout(() => this.connect(), Math.round(base * (0.5 + Math.random())));
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.socket?.destroy();
    this.socket = undefined;
    this.link.detach('stopped');
  }
}
