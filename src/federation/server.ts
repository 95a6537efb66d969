/**
 * The inbound role: our federation port (TAK Server's "federation server", v2 over mutual TLS). A peer's
 * certificate must chain to our CA (a federate enrolled here with `balticwall federation add`, not revoked) or to
 * the CA configured for that peer (a TAK Server with its own PKI). Call order, as TAK Server's client makes it:
 * ServerFederateGroupsStream (we answer SERVING, then our groups) -> ClientFederateGroupsStream (its groups) and
 * ServerEventStream (its events to us) -> ClientEventStream (our events to it) -> HealthCheck now and then.
 */
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import {
  decodeFederateGroups,
  decodeSubscription,
  encodeFederateGroups,
  encodeHealth,
  encodeIdentity,
  encodeSubscription,
  EMPTY,
} from '../codecs/fig/index.js';
import type { AuditSink } from '../trust/audit-types.js';
import { FEDERATED_CHANNEL, NOT_CONNECTED, SERVING, TAK_SERVER, channelOptions } from './service.js';
import type { Link } from './link.js';
import type { FedMetrics } from './metrics.js';
import { identifyPeer } from './peer-auth.js';

export interface ServerDeps {
  hubId: string;
  log: Logger;
  m: FedMetrics;
  audit: AuditSink;
  /** Our CA, server certificate and key (PEM). */
  ca: string;
  cert: string;
  key: string;
  isRevoked(serial: string): boolean;
  /** CAs of peers with their own PKI (PEM), by peer name. */
  peerCas(): Map<string, string>;
  /** The inbound link of a peer name, if configured and enabled. */
  inbound(name: string): Link | undefined;
  ingest(link: Link, bytes: Uint8Array): void;
  compression: boolean;
}

type AnyCall = { getAuthContext(): { sslPeerCertificate?: { raw?: Buffer } } | null; getPeer(): string };

function refuseStatus(reason: string) {
  return {
    code: reason === 'NO_CLIENT_CERT' ? grpc.status.UNAUTHENTICATED : grpc.status.PERMISSION_DENIED,
    details: `BW_FED_REFUSED: ${reason}`,
  };
}

export class FederationServer {
  private server: grpc.Server | undefined;
  port = 0;
  /** Health mark of each peer's previous health check (inbound confirmation, see docs/federation.md). */
  private readonly healthMarks = new Map<string, number>();

  constructor(private readonly d: ServerDeps) {}

  /** Which link a call belongs to, or why it is refused (logged, counted, audited). */
  private peerOf(call: AnyCall): { link: Link; serial: string } | { refused: string } {
    const who = identifyPeer(this.d, call.getAuthContext()?.sslPeerCertificate?.raw);
    if ('link' in who) return { link: who.link, serial: who.serial };
    const reason = who.refused;
    this.d.m.refused.inc({ reason });
    this.d.log.warn({ remote: call.getPeer(), reason, actor: who.cn }, 'federation: peer refused');
    this.d.audit.record('fed-refused', {
      rule: reason,
      remote: call.getPeer(),
      path: 'federation',
      actor: who.cn,
    });
    return { refused: reason };
  }

  private ourIdentity(): Uint8Array {
    return encodeIdentity({
      name: this.d.hubId,
      uid: this.d.hubId,
      description: 'Baltic Wall',
      type: TAK_SERVER,
      serverId: this.d.hubId,
    });
  }

  private subscription(): Uint8Array {
    return encodeSubscription({
      identity: {
        name: this.d.hubId,
        uid: this.d.hubId,
        description: '',
        type: TAK_SERVER,
        serverId: this.d.hubId,
      },
      filter: '',
    });
  }

  private handlers(): grpc.UntypedServiceImplementation {
    const d = this.d;
    const withPeer = <C extends AnyCall>(call: C, fail: (s: { code: number; details: string }) => void) => {
      const p = this.peerOf(call);
      if ('refused' in p) {
        fail(refuseStatus(p.refused));
        return undefined;
      }
      return p.link;
    };
    /** A streaming call of the peer, ended by `stop` when its link closes or its certificate is revoked. */
    const streamOf = <C extends AnyCall & { on(ev: string, f: () => void): unknown }>(
      call: C,
      fail: (s: { code: number; details: string }) => void,
    ) => {
      const p = this.peerOf(call);
      if ('refused' in p) {
        fail(refuseStatus(p.refused));
        return undefined;
      }
      const untrack = p.link.track(p.serial, (why) =>
        fail({ code: grpc.status.UNAVAILABLE, details: `BW_FED_REFUSED: ${why}` }),
      );
      call.on('close', untrack);
      call.on('cancelled', untrack);
      return p.link;
    };
    return {
      getIdentity: (call: grpc.ServerUnaryCall<Buffer, Uint8Array>, cb: grpc.sendUnaryData<Uint8Array>) => {
        if (withPeer(call, (s) => cb(s))) cb(null, this.ourIdentity());
      },
      SendOneEvent: (call: grpc.ServerUnaryCall<Buffer, Uint8Array>, cb: grpc.sendUnaryData<Uint8Array>) => {
        const link = withPeer(call, (s) => cb(s));
        if (!link) return;
        d.ingest(link, call.request);
        cb(null, EMPTY);
      },
      HealthCheck: (call: grpc.ServerUnaryCall<Buffer, Uint8Array>, cb: grpc.sendUnaryData<Uint8Array>) => {
        const link = withPeer(call, (s) => cb(s));
        if (!link) return;
        // Rows sent before the previous health check have had a whole interval to arrive: confirmed.
        link.confirm(this.healthMarks.get(link.name) ?? 0);
        this.healthMarks.set(link.name, link.mark());
        cb(null, encodeHealth(link.connected ? SERVING : NOT_CONNECTED));
      },
      ServerFederateGroupsStream: (call: grpc.ServerWritableStream<Buffer, Uint8Array>) => {
        const link = streamOf(call, (s) => call.emit('error', Object.assign(new Error(s.details), s)));
        if (!link) return;
        link.remoteServerId = safeServerId(call.request) ?? link.remoteServerId;
        call.write(
          encodeFederateGroups({ streamUpdate: SERVING, federateGroups: [], federateProvenance: [] }),
        );
        const groups = [...new Set(Object.values(link.peer.groupsOut))];
        call.write(encodeFederateGroups({ federateGroups: groups, federateProvenance: [] }));
        call.on('error', () => undefined);
      },
      ClientFederateGroupsStream: (
        call: grpc.ServerReadableStream<Buffer, Uint8Array>,
        cb: grpc.sendUnaryData<Uint8Array>,
      ) => {
        const link = streamOf(call, (s) => cb(s));
        if (!link) return;
        call.on('data', (b: Buffer) => {
          if (link.closed) return;
          try {
            link.remoteGroups = decodeFederateGroups(b).federateGroups;
          } catch {
            d.m.received.inc({ peer: link.name, result: 'BW_FIG_BAD_PROTO' });
          }
        });
        call.on('end', () => cb(null, this.subscription()));
        call.on('error', () => undefined);
      },
      ServerEventStream: (
        call: grpc.ServerReadableStream<Buffer, Uint8Array>,
        cb: grpc.sendUnaryData<Uint8Array>,
      ) => {
        const link = streamOf(call, (s) => cb(s));
        if (!link) return;
        call.on('data', (b: Buffer) => d.ingest(link, b));
        call.on('end', () => cb(null, this.subscription()));
        call.on('error', () => undefined);
      },
      ClientEventStream: (call: grpc.ServerWritableStream<Buffer, Uint8Array>) => {
        const link = streamOf(call, (s) => call.emit('error', Object.assign(new Error(s.details), s)));
        if (!link) return;
        const serverId = safeServerId(call.request);
        link.attach(call, serverId);
        this.healthMarks.delete(link.name);
        d.audit.record('fed-connect', { actor: link.name, remote: call.getPeer(), path: 'federation' });
        d.log.info({ peer: link.name, remote: call.getPeer(), serverId }, 'federation: peer connected');
        let ended = false;
        const end = (why: string) => {
          if (ended) return;
          ended = true;
          link.detach(why, call);
          d.audit.record('fed-disconnect', { actor: link.name, remote: call.getPeer(), rule: why });
          d.log.info({ peer: link.name, why }, 'federation: peer disconnected');
        };
        call.on('cancelled', () => end('cancelled'));
        call.on('error', (e: Error) => end(e.message));
        call.on('close', () => end('closed'));
      },
    };
  }

  async listen(host: string, port: number): Promise<number> {
    const roots = [this.d.ca, ...this.d.peerCas().values()].join('\n');
    const creds = grpc.ServerCredentials.createSsl(
      Buffer.from(roots),
      [{ private_key: Buffer.from(this.d.key), cert_chain: Buffer.from(this.d.cert) }],
      true,
    );
    const server = new grpc.Server(channelOptions(this.d.compression));
    server.addService(FEDERATED_CHANNEL, this.handlers());
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${port}`, creds, (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    this.server = server;
    return this.port;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        s.forceShutdown();
        resolve();
      }, 1000);
      s.tryShutdown(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

function safeServerId(b: Buffer): string | undefined {
  try {
    return decodeSubscription(b).identity?.serverId || undefined;
  } catch {
    return undefined;
  }
}
