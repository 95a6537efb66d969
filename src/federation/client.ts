/**
 * The outbound role: we call a peer's federation port, as TAK Server's federation client does.
 * ServerFederateGroupsStream first; once the peer says SERVING (or does not implement it), ServerEventStream
 * (our events to it, the link's pump writes there), ClientFederateGroupsStream (our groups, once) and
 * ClientEventStream (its events to us); then HealthCheck every `healthMs`, whose answers confirm what was sent and
 * measure the round trip. Any failure closes the channel and reconnects after an exponential back-off with jitter.
 */
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import {
  decodeFederateGroups,
  decodeHealth,
  decodeIdentity,
  encodeFederateGroups,
  encodeHealth,
  encodeSubscription,
  EMPTY,
} from '../codecs/fig/index.js';
import type { AuditSink } from '../trust/audit-types.js';
import {
  channelOptions,
  FederatedChannelClientCtor,
  NOT_CONNECTED,
  SERVING,
  TAK_CLIENT,
  type FederatedChannelClient,
} from './service.js';
import type { Link } from './link.js';

export interface ClientDeps {
  hubId: string;
  log: Logger;
  audit: AuditSink;
  /** TLS material for this peer: the CA we trust for it, our certificate and key (PEM). */
  tls(link: Link): { ca: string; cert: string; key: string };
  ingest(link: Link, bytes: Uint8Array): void;
  healthMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  compression: boolean;
}

export class Connector {
  private client: FederatedChannelClient | undefined;
  private calls: { cancel(): void }[] = [];
  private health: ReturnType<typeof setInterval> | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private stopped = false;
  private generation = 0;
  /** Health answers in a row that said NOT_CONNECTED. */
  private notServing = 0;

  constructor(
    private readonly link: Link,
    private readonly d: ClientDeps,
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  private subscription(): Uint8Array {
    return encodeSubscription({
      identity: {
        name: this.d.hubId,
        uid: this.d.hubId,
        description: '',
        type: TAK_CLIENT,
        serverId: this.d.hubId,
      },
      filter: '',
      version: { major: 5, minor: 4, patch: 0, branch: 'balticwall', variant: '' },
    });
  }

  private connect(): void {
    if (this.stopped) return;
    const gen = ++this.generation;
    const { peer } = this.link;
    let tls;
    try {
      tls = this.d.tls(this.link);
    } catch (e) {
      this.fail(gen, `TLS material: ${(e as Error).message}`);
      return;
    }
    const creds = grpc.credentials.createSsl(
      Buffer.from(tls.ca),
      Buffer.from(tls.key),
      Buffer.from(tls.cert),
    );
    const opts = channelOptions(this.d.compression);
    if (peer.serverName) opts['grpc.ssl_target_name_override'] = peer.serverName;
    const client = new FederatedChannelClientCtor(`${peer.host ?? '127.0.0.1'}:${peer.port}`, creds, opts);
    this.client = client;
    const sub = this.subscription();
    const md = new grpc.Metadata();
    client.getIdentity(EMPTY, md, {}, (err, b) => {
      if (err || gen !== this.generation || !b) return;
      try {
        this.link.remoteServerId = decodeIdentity(b).serverId || this.link.remoteServerId;
      } catch {
        /* an identity we cannot read changes nothing */
      }
    });
    let started = false;
    const startEvents = () => {
      if (started || gen !== this.generation) return;
      started = true;
      this.startEvents(gen, client, sub);
    };
    const groups = client.ServerFederateGroupsStream(sub);
    this.calls.push(groups);
    groups.on('data', (b: Buffer) => {
      try {
        const g = decodeFederateGroups(b);
        if (g.federateGroups.length) this.link.remoteGroups = g.federateGroups;
        if (g.streamUpdate === SERVING) startEvents();
      } catch {
        /* skipped; counted by the peer's other messages */
      }
    });
    groups.on('error', (e: grpc.ServiceError) => {
      if (e.code === grpc.status.UNIMPLEMENTED) startEvents();
      else this.fail(gen, e.details || e.message);
    });
  }

  private startEvents(gen: number, client: FederatedChannelClient, sub: Uint8Array): void {
    const md = new grpc.Metadata();
    const send = client.ServerEventStream(md, {}, (err) =>
      this.fail(gen, err ? err.details : 'event stream ended'),
    );
    send.on('error', () => undefined);
    this.calls.push(send);
    const cg = client.ClientFederateGroupsStream(md, {}, () => undefined);
    cg.on('error', () => undefined);
    cg.write(
      encodeFederateGroups({
        federateGroups: [...new Set(Object.values(this.link.peer.groupsOut))],
        federateProvenance: [],
      }),
    );
    this.calls.push(cg);
    const recv = client.ClientEventStream(sub);
    this.calls.push(recv);
    recv.on('data', (b: Buffer) => this.d.ingest(this.link, b));
    recv.on('error', (e: grpc.ServiceError) => this.fail(gen, e.details || e.message));
    recv.on('end', () => this.fail(gen, 'peer ended the stream'));
    this.notServing = 0;
    this.link.attach(send);
    this.d.audit.record('fed-connect', { actor: this.link.name, path: 'federation', rule: 'outbound' });
    this.d.log.info({ peer: this.link.name }, 'federation: connected to peer');
    this.health = setInterval(() => this.check(gen, client), this.d.healthMs);
    this.check(gen, client);
  }

  private check(gen: number, client: FederatedChannelClient): void {
    const mark = this.link.mark();
    const t0 = performance.now();
    const deadline = Date.now() + Math.max(10_000, this.d.healthMs * 2);
    client.HealthCheck(encodeHealth(SERVING), new grpc.Metadata(), { deadline }, (err, b?: Uint8Array) => {
      if (gen !== this.generation) return;
      if (err) return this.fail(gen, `health check: ${err.details || err.message}`);
      if (healthStatus(b) === NOT_CONNECTED) {
        // The peer has no stream of ours attached (it may answer before it has seen a new one: the second answer
        // in a row decides): what we write goes nowhere, so connect again.
        if (++this.notServing >= 2) return this.fail(gen, 'health check: peer is not serving our stream');
        return;
      }
      this.notServing = 0;
      this.attempt = 0;
      this.link.confirm(mark, performance.now() - t0);
    });
  }

  /** Tear the connection down and try again after a back-off (1 s, 2 s, 4 s … up to the maximum, ±50 %). */
  private fail(gen: number, reason: string): void {
    if (gen !== this.generation) return;
    this.generation++;
    this.teardown();
    const was = this.link.connected;
    this.link.detach(reason);
    if (was) {
      this.d.audit.record('fed-disconnect', { actor: this.link.name, rule: reason, path: 'federation' });
      this.d.log.warn({ peer: this.link.name, reason }, 'federation: link down');
    } else this.d.log.debug({ peer: this.link.name, reason }, 'federation: connect failed');
    if (this.stopped) return;
    const base = Math.min(this.d.reconnectMaxMs, this.d.reconnectMinMs * 2 ** this.attempt++);
    this.retry = setTimeout(() => this.connect(), Math.round(base * (0.5 + Math.random())));
  }

  private teardown(): void {
    if (this.health) clearInterval(this.health);
    this.health = undefined;
    for (const c of this.calls) c.cancel();
    this.calls = [];
    this.client?.close();
    this.client = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    if (this.retry) clearTimeout(this.retry);
    this.teardown();
    this.link.detach('stopped');
  }
}

function healthStatus(b: Uint8Array | undefined): number {
  if (!b) return 0;
  try {
    return decodeHealth(b);
  } catch {
    return 0;
  }
}
