/**
 * One hub process on the bus. It publishes every event its hub accepted (BusHook) to the JetStream event stream,
 * and the latest state per uid to the picture bucket; it consumes the other nodes' events and hands them to its
 * hub (`ingestRemote`), whose routing and egress gate decide, next to the receivers, who gets them.
 *
 * Without NATS the node keeps serving its own clients (degraded: /healthz, bw_cluster_connected) and keeps what
 * it accepted in the outbox, in order; once NATS is back the outbox is published and the ordered consumers resume
 * from the last stream sequence they saw, so the node catches up on what the others published meanwhile.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { BusHook, Hub } from '../hub/hub.js';
import type { Envelope } from '../hub/envelope.js';
import { deleteTargets, keepsState, type Kind } from '../hub/routing.js';
import type { Metrics } from '../ops/metrics.js';
import type { ClusterConfig } from './config.js';
import { connectionOptions } from './connection.js';
import { clusterMetrics, type ClusterMetrics } from './metrics.js';
import { BusMessageError, encodeMessage, readEvent, readHeader, recipientsOf } from './message.js';
import { Outbox, type OutItem } from './outbox.js';
import { Names, uidKey } from './subjects.js';
import { ensureStorage, loadPicture, openBucket } from './storage.js';
import { AckedPublisher } from './publisher.js';
import { Bindings } from './bindings.js';
import { Settlement } from './settle.js';
import { Feed } from './feed.js';

/** Publishes awaiting their acknowledgement at once. */
const WINDOW = 256;
const PUBLISH_TIMEOUT_MS = 5000;

export interface ClusterStatus {
  state: 'ok' | 'degraded';
  node: string;
  /** Accepted events not yet acknowledged by JetStream. */
  outbox: number;
  /** The NATS server this node is connected to. */
  server?: string;
}

export interface ClusterDeps {
  cfg: ClusterConfig;
  hub: Hub;
  log: Logger;
  metrics: Metrics;
  registry: Registry;
  maxEventBytes: number;
  now?: () => number;
}

export class ClusterNode implements BusHook {
  readonly node: string;
  private readonly boot = randomBytes(4).toString('hex');
  private readonly names: Names;
  private readonly outbox: Outbox;
  private readonly m: ClusterMetrics;
  private readonly now: () => number;
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private pub: AckedPublisher | undefined;
  private kv: KV | undefined;
  private readonly feed = new Feed((data) => this.receive(data));
  private ready = false;
  private setupRunning: Promise<void> | undefined;
  private closing = false;
  private seq = 0;
  private inFlight = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private setupTimer: ReturnType<typeof setTimeout> | undefined;
  /** uid -> the outbox seq of its newest picture put: an older put retried late must not overwrite it. */
  private readonly lastPut = new Map<string, number>();
  /** uid -> bucket revision this node wrote last (for deleting it when it expires here). */
  private readonly revs = new Map<string, number>();
  private lastWarn = 0;
  private readonly settlement = new Settlement();
  /** Cluster-wide uid bindings (bindings.ts). */
  private readonly bindings: Bindings;

  constructor(private readonly d: ClusterDeps) {
    this.node = d.cfg.node ?? `${hostname().replace(/[^A-Za-z0-9_-]/g, '_')}-${process.pid}`;
    this.names = new Names(d.cfg.nats.name);
    this.outbox = new Outbox(d.cfg.outboxLimit);
    this.m = clusterMetrics(d.registry, () => this.outbox.size + this.inFlight);
    this.now = d.now ?? Date.now;
    d.hub.onStateChange(
      () => {},
      (uid) => this.removed(uid),
    );
    const owners = d.hub.owners;
    this.bindings = new Bindings({
      node: this.node,
      bucket: this.names.bindings,
      replicas: d.cfg.replicas,
      log: d.log,
      now: this.now,
      get: (uid) => owners.contacts.get(uid),
      hold: (c) => owners.boundElsewhere(c),
      lost: () => d.metrics.rejected.inc({ code: 'BW_UID_BOUND' }),
    });
    owners.contacts.onChange((c) => this.bindings.changed(c));
  }

  /** Connect in the background (the node serves locally meanwhile). Resolves once ready, for tests and the CLI. */
  start(): Promise<void> {
    this.d.hub.setBus(this);
    const opts = connectionOptions(this.d.cfg, this.node);
    return connect(opts).then(
      (nc) => {
        this.nc = nc;
        this.js = jetstream(nc, { timeout: PUBLISH_TIMEOUT_MS });
        this.pub = new AckedPublisher(nc, PUBLISH_TIMEOUT_MS);
        void this.watchStatus(nc);
        return this.setup();
      },
      (err: Error) => {
        this.d.log.error({ err: err.message }, 'cluster: cannot connect to NATS');
      },
    );
  }

  status(): ClusterStatus {
    const server = this.nc?.getServer();
    return {
      state: this.ready ? 'ok' : 'degraded',
      node: this.node,
      outbox: this.outbox.size + this.inFlight,
      ...(server ? { server } : {}),
    };
  }

  /** BusHook: the hub accepted `env` from one of its sessions. Encoded once; published in order. */
  accepted(env: Envelope, kind: Kind): void {
    const e = env.event;
    const to = recipientsOf(e);
    const seq = ++this.seq;
    const data = encodeMessage(
      {
        n: this.node,
        b: this.boot,
        s: seq,
        k: kind,
        g: env.groups ? [...env.groups] : null,
        l: e.label,
        o: e.origin,
        ...(to ? { to } : {}),
      },
      env.bytes('cot-xml'),
    );
    const it: OutItem = {
      seq,
      kind,
      subject: this.names.subjectOf(env.groups, to !== undefined),
      data,
      id: `${this.node}.${this.boot}.${seq}`,
    };
    if (keepsState(kind) && e.stale > this.now()) {
      it.put = { uid: e.uid, key: uidKey(e.uid) };
      it.uids = [e.uid];
      this.lastPut.set(e.uid, seq);
    } else if (kind === 'delete') {
      it.uids = deleteTargets(e);
      it.del = it.uids.map(uidKey);
    } else if (kind === 'emergency-cancel') {
      it.uids = [e.uid];
      it.del = [uidKey(e.uid)];
    }
    if (it.uids) this.settlement.changed(it.uids, seq);
    const dropped = this.outbox.add(it);
    if (dropped) {
      this.m.dropped.inc({ kind: dropped.kind });
      if (dropped.uids) this.settlement.forget(dropped.uids, dropped.seq);
      if (dropped.kind !== 'state')
        this.d.log.error(
          { kind: dropped.kind, outbox: this.outbox.size },
          'cluster: outbox full, event lost',
        );
    }
    this.pump();
  }

  /**
   * Resolves true once the newest change of `uid`'s picture entry this node accepted is acknowledged by JetStream
   * (at once when there is none pending), false after `ms`. While degraded it resolves true at once: the change is
   * saved on this node and waits in the outbox, as in one process. A page's marker is acknowledged after this.
   */
  settled(uid: string, ms = 5000): Promise<boolean> {
    return this.ready ? this.settlement.wait(uid, ms) : Promise.resolve(true);
  }

  /** Stop publishing new events, publish what is queued (up to `waitMs`), then leave the bus. */
  async close(waitMs = 2000): Promise<void> {
    this.d.hub.setBus(undefined);
    const until = Date.now() + waitMs;
    while (this.ready && this.outbox.size + this.inFlight > 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
    }
    this.closing = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.setupTimer) clearTimeout(this.setupTimer);
    await this.feed.stop();
    this.bindings.close();
    this.pub?.close();
    await this.nc?.drain().catch(() => undefined);
    this.m.connected.set(0);
  }

  /** Create or bind the stream and bucket, load the picture, start consuming. Once per connection life. */
  private setup(): Promise<void> {
    this.setupRunning ??= this.doSetup().finally(() => (this.setupRunning = undefined));
    return this.setupRunning;
  }

  /**
   * The first time: load the picture, then consume live from the sequence read before loading. After NATS was
   * lost and came back: consume again from the message after the last one each consumer handed to the hub, so
   * what the others published meanwhile (and what was in flight to this node when the connection dropped) arrives,
   * once and in order. Retried every half second until JetStream answers (a restarted server recovers its streams
   * before it serves them).
   */
  private async doSetup(): Promise<void> {
    const nc = this.nc!;
    const js = this.js!;
    try {
      const jsm = await jetstreamManager(nc, { timeout: PUBLISH_TIMEOUT_MS });
      const nextSeq = await ensureStorage(jsm, this.names, this.d.cfg);
      this.kv = await openBucket(js, this.names, this.d.cfg);
      await this.bindings.open(js);
      const filters = this.names.filters(this.d.cfg.groups);
      // A stream that is behind what we saw was made anew (its store lost): load the picture again.
      const resume = this.feed.canResume(nextSeq);
      let loaded = 0;
      if (!resume) {
        loaded = await loadPicture(this.kv, {
          groups: this.d.cfg.groups,
          maxEventBytes: this.d.maxEventBytes,
          now: this.now,
          apply: (e, groups, xml) => this.d.hub.ingestRemote(e, groups, xml),
          bad: (err) => this.bad(err),
        });
        this.m.pictureLoaded.inc(loaded);
        this.feed.from(filters, nextSeq);
      }
      await this.feed.start(js, this.names.stream, filters);
      this.setReady(true);
      this.d.log.info(
        {
          node: this.node,
          cluster: this.d.cfg.nats.name,
          entities: loaded,
          resumed: resume,
          server: nc.getServer(),
        },
        resume ? 'cluster: back on the bus, catching up' : 'cluster: joined the bus',
      );
      this.pump();
    } catch (err) {
      this.d.log.warn(
        { err: (err as Error).message },
        'cluster: cannot set up the stream and bucket, retrying',
      );
      await this.feed.stop();
      if (!this.closing && !nc.isClosed()) this.setupLater(500);
    }
  }

  private setupLater(ms: number): void {
    if (this.setupTimer || this.closing) return;
    this.setupTimer = setTimeout(() => {
      this.setupTimer = undefined;
      void this.setup();
    }, ms);
    this.setupTimer.unref?.();
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    for await (const st of nc.status()) {
      if (st.type === 'disconnect') {
        if (this.ready)
          this.d.log.warn({ node: this.node }, 'cluster: NATS connection lost, serving locally');
        this.setReady(false);
        // Publishes awaiting their acknowledgement go back to the outbox now, in order, and are sent again (with
        // the same message id: the stream keeps one copy) once JetStream answers again.
        this.pub?.failAll('NATS connection lost');
        this.bindings.close();
        void this.feed.stop();
      } else if (st.type === 'reconnect') {
        this.d.log.info({ server: nc.getServer() }, 'cluster: NATS connection back');
        void this.setup();
      }
    }
  }

  private setReady(ready: boolean): void {
    this.ready = ready;
    this.m.connected.set(ready ? 1 : 0);
  }

  /** Publish from the outbox while connected, up to WINDOW awaiting acknowledgement. */
  private pump(): void {
    while (this.ready && !this.closing && this.inFlight < WINDOW) {
      const it = this.outbox.next();
      if (!it) return;
      this.inFlight++;
      this.send(it, (err) => {
        this.inFlight--;
        if (err) {
          this.outbox.retry(it);
          this.m.retries.inc();
          this.warn('cluster: publish failed, will retry', err);
          this.retryLater(() => this.pump(), 500);
          return;
        }
        this.m.published.inc();
        if (it.uids) this.settlement.acknowledged(it.uids, it.seq);
        this.pump();
      });
    }
  }

  /**
   * Publish one item: the event to the stream and, at the same time, its picture change (the bucket's put, or
   * deletes). `done` once all are acknowledged, with the first error if any (the whole item is retried then: the
   * stream drops the duplicate by its message id, a repeated put or delete changes nothing).
   */
  private send(it: OutItem, done: (err?: Error) => void): void {
    const put = it.put && this.lastPut.get(it.put.uid) === it.seq ? it.put : undefined;
    let waiting = 1 + (put ? 1 : 0) + (it.del?.length ?? 0);
    let failed: Error | undefined;
    const one = (err?: Error) => {
      if (err) failed ??= err;
      if (--waiting === 0) done(failed);
    };
    this.pub!.publish(it.subject, it.data, (err) => one(err), it.id);
    if (put) {
      this.pub!.publish(this.names.bucketSubject(put.key), it.data, (err, rev) => {
        if (!err && this.lastPut.get(put.uid) === it.seq) {
          this.lastPut.delete(put.uid);
          this.revs.set(put.uid, rev);
        }
        one(err);
      });
    }
    for (const key of it.del ?? []) this.kv!.delete(key).then(() => one(), one);
  }

  /** A message from the bus. Our own are skipped: the hub delivered them to our sessions when it accepted them. */
  private receive(data: Uint8Array): void {
    try {
      const { header, xml } = readHeader(data);
      if (header.n === this.node && header.b === this.boot) return;
      // Chat and directed messages change no state: when none of their recipients is here, nothing to decode.
      if (header.to && (header.k === 'chat' || header.k === 'directed') && !this.d.hub.reaches(header.to))
        return;
      const e = readEvent(header, xml, this.d.maxEventBytes);
      if (keepsState(header.k)) this.revs.delete(e.uid);
      this.d.hub.ingestRemote(e, header.g ?? undefined, xml);
      this.m.received.inc();
    } catch (err) {
      this.bad(err);
    }
  }

  /** The hub dropped `uid` (stale, deleted): if this node wrote its bucket entry last, delete that revision. */
  private removed(uid: string): void {
    const rev = this.revs.get(uid);
    if (rev === undefined) return;
    this.revs.delete(uid);
    if (!this.ready || !this.kv) return;
    // Guarded by the revision: a newer put by any node since is kept.
    this.kv.delete(uidKey(uid), { previousSeq: rev }).catch(() => undefined);
  }

  private bad(err: unknown): void {
    if (err instanceof BusMessageError) {
      this.d.metrics.rejected.inc({ code: 'BW_CLUSTER_BAD_MESSAGE' });
      this.warn('cluster: bad bus message skipped (BW_CLUSTER_BAD_MESSAGE)', err);
    } else {
      // A bug, not bad input: logged with its stack; the node goes on with the next message.
      this.d.log.error({ err }, 'cluster: failed to handle a bus message');
    }
  }

  private retryLater(fn: () => void, ms: number): void {
    if (this.retryTimer || this.closing) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      fn();
    }, ms);
    this.retryTimer.unref?.();
  }

  /** Warnings that can repeat per event are logged at most once a second. */
  private warn(msg: string, err: Error): void {
    const t = Date.now();
    if (t - this.lastWarn < 1000) return;
    this.lastWarn = t;
    this.d.log.warn({ err: err.message, outbox: this.outbox.size }, msg);
  }
}
