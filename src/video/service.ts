/**
 * The video service: the feeds (from configuration, the REST API / CLI and MAVLink announcements), their sources,
 * the publication of KLV-derived events into the hub (one ingest-only session per feed, so the feed's groups and
 * label go through the same ingress and egress as everything else), and watching: every viewer passes the one
 * egress gate with path `video` and every watch is audited with who, which feed, from when to when.
 */
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Hub } from '../hub/hub.js';
import { egress } from '../hub/gate.js';
import type { Session, SessionSink } from '../hub/session.js';
import type { Identity } from '../model/identity.js';
import type { Event } from '../model/index.js';
import type { Label } from '../model/label.js';
import type { AuditSink } from '../trust/audit-types.js';
import { feedConfig, type VideoConfig } from './config.js';
import {
  footprintPolygon,
  platformEvent,
  snapshotEvent,
  spiEvent,
  vmtiEvent,
  type FeedView,
} from './events.js';
import { Feed, type FeedOrigin } from './feed.js';
import { VideoMetrics } from './metrics.js';
import { startRecorder, type Recorder } from './record.js';
import { isJpeg, MAX_SNAPSHOT_BYTES, SnapshotStore } from './snapshot.js';
import { openFfmpegSource, openUdpSource, parseFeedUrl, type Source } from './source.js';
import { Viewer, type ByteSink } from './viewer.js';
import { announceRefusal } from './announce.js';
import { readWatchToken } from './token.js';

/** The hub surface the service needs; `state` (optional) gives an announcing vehicle's current label. */
export type VideoHub = Pick<Hub, 'open' | 'ingest' | 'close'> & {
  state?: { get(uid: string): { event: { label: Label } } | undefined };
};

/** Who announced a stream over MAVLink (the gateway's `VideoAnnouncer`). */
export interface Announcer {
  signed: boolean;
  groups: string[];
  nation?: string;
}

export interface VideoDeps {
  cfg: VideoConfig;
  hub: VideoHub;
  log: Logger;
  registry?: Registry;
  audit?: AuditSink;
  /** Base URL clients use to reach this hub's HTTP API (for `__video` and the Marti video list). */
  publicBaseUrl?: string;
  /** Directory for recordings (the data dir's `video/`). */
  recordDir?: string;
  now?: () => number;
  /**
   * Is an identity a watch token carries still current? 'revoked': its certificate is on the CRL;
   * 'identity-changed': its user is gone or no longer has the same clearance, nation, groups or categories.
   */
  identityCheck?: (who: Identity) => IdentityStatus;
}

export type IdentityStatus = 'ok' | 'revoked' | 'identity-changed';

export type AddResult = { ok: true; feed: Feed } | { ok: false; code: string; message: string };
export type SnapshotResult =
  | { ok: true; uid: string; sha256: string; lat: number; lon: number }
  | { ok: false; code: string; message: string };
export type WatchResult = { ok: true; stop: () => void } | { ok: false; code: string; message: string };

const nullSink: SessionSink = { write: () => true, close: () => {} };

interface Running {
  feed: Feed;
  source?: Source;
  session: Session;
  recorder?: Recorder;
}

export class VideoService {
  readonly metrics: VideoMetrics;
  private readonly feeds = new Map<string, Running>();
  private readonly log: Logger;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private lastTick = 0;

  /** Snapshot images (the data dir's `video/snapshots/`); absent without a data dir. */
  readonly snapshots: SnapshotStore | undefined;

  constructor(private readonly deps: VideoDeps) {
    this.snapshots = deps.recordDir ? new SnapshotStore(join(deps.recordDir, 'snapshots')) : undefined;
    this.log = deps.log.child({ module: 'video' });
    this.now = deps.now ?? Date.now;
    this.metrics = new VideoMetrics(deps.registry);
  }

  /** Start the configured feeds and the publication timer. */
  async start(): Promise<void> {
    for (const f of this.deps.cfg.feeds) {
      const r = await this.add(f, 'config');
      if (!r.ok) this.log.error({ feed: f.id, code: r.code, err: r.message }, 'video feed not started');
    }
    const interval = Math.max(20, Math.min(200, 500 / this.deps.cfg.maxRateHz));
    this.timer = setInterval(() => this.flush(), interval);
    this.timer.unref();
  }

  list(): Feed[] {
    return [...this.feeds.values()].map((r) => r.feed);
  }

  get(id: string): Feed | undefined {
    return this.feeds.get(id)?.feed;
  }

  /** The base URL put into `__video` and the Marti video list: `video.publicUrl`, else the HTTP listener. */
  setPublicBaseUrl(config: { video: VideoConfig; http: { host: string } }, httpPort: number): void {
    if (this.deps.publicBaseUrl) return;
    const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
    this.deps.publicBaseUrl = (
      config.video.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${httpPort}`
    ).replace(/\/$/, '');
  }

  /** Lifetime of a watch token (`video.tokenMinutes`). */
  get tokenTtlMs(): number {
    return this.deps.cfg.tokenMinutes * 60_000;
  }

  /**
   * The identity a watch token names, when the token is authentic, unexpired, for this feed and its identity is
   * still current; refusals are counted by reason.
   */
  tokenIdentity(
    token: string,
    feed: string,
  ): { ok: true; who: Identity } | { ok: false; code: string; message: string } {
    const who = readWatchToken(token, feed, this.now());
    if (!who) {
      this.metrics.tokenRefused.inc({ reason: 'invalid' });
      return { ok: false, code: 'BW_VIDEO_NOT_RELEASABLE', message: 'watch token is not valid' };
    }
    const status = this.deps.identityCheck?.(who) ?? 'ok';
    if (status !== 'ok') {
      this.metrics.tokenRefused.inc({ reason: status });
      this.log.warn(
        { actor: who.id, feed, code: 'BW_VIDEO_TOKEN_REVOKED', why: status },
        'video watch token refused',
      );
      return {
        ok: false,
        code: 'BW_VIDEO_TOKEN_REVOKED',
        message: 'the watch token no longer matches a current identity: fetch the video list again',
      };
    }
    return { ok: true, who };
  }

  /** URL a client opens to watch the feed through the hub (HTTP-TS). */
  urlOf(id: string): string | undefined {
    return this.deps.publicBaseUrl ? `${this.deps.publicBaseUrl}/api/video/feeds/${id}/stream.ts` : undefined;
  }

  /** Add and start a feed. */
  async add(input: unknown, origin: FeedOrigin, floor?: Label): Promise<AddResult> {
    const parsed = feedConfig.safeParse(input);
    if (!parsed.success)
      return {
        ok: false,
        code: 'BW_VIDEO_BAD_FEED',
        message: parsed.error.issues.map((i) => i.message).join('; '),
      };
    const cfg = parsed.data;
    if (this.feeds.has(cfg.id))
      return { ok: false, code: 'BW_VIDEO_FEED_EXISTS', message: `feed ${cfg.id} exists` };
    if (this.feeds.size >= this.deps.cfg.maxFeeds)
      return {
        ok: false,
        code: 'BW_VIDEO_TOO_MANY_FEEDS',
        message: `at most ${this.deps.cfg.maxFeeds} feeds`,
      };
    const url = parseFeedUrl(cfg.url);
    if (!url) return { ok: false, code: 'BW_VIDEO_BAD_FEED', message: `cannot read ${cfg.url}` };
    const feed = new Feed(cfg, origin, this.metrics, this.log, this.now, floor);
    feed.onLabel = (f) => this.recheck(f);
    const identity: Identity = {
      id: `video-${cfg.id}`,
      kind: 'device',
      ...(cfg.nation ? { nation: cfg.nation } : {}),
      clearance: 'TOP SECRET',
      categories: [],
      groups: [...cfg.groups],
    };
    const events = {
      data: (c: Uint8Array) => feed.data(c),
      bad: (r: 'rtp-malformed') => feed.issue(r),
      error: (m: string) => feed.issue('source-error', { err: m }),
    };
    let source: Source;
    try {
      source =
        url.scheme === 'udp' || url.scheme === 'rtp'
          ? await openUdpSource(url, this.deps.cfg.recvBufferBytes, events)
          : openFfmpegSource(cfg.url, url.scheme, this.deps.cfg.ffmpeg, events);
    } catch (e) {
      return { ok: false, code: 'BW_VIDEO_SOURCE_FAILED', message: (e as Error).message };
    }
    const session = this.deps.hub.open(nullSink, {
      transport: 'internal',
      protocol: 'video',
      identity,
      format: 'cot-xml',
      ingestOnly: true,
      noPicture: true,
    });
    const running: Running = { feed, source, session };
    if (cfg.record && this.deps.recordDir)
      running.recorder = startRecorder(feed, this.deps.recordDir, this.deps.cfg.recording, this.log, (n) =>
        this.metrics.recordDropped.inc({ feed: cfg.id }, n),
      );
    this.feeds.set(cfg.id, running);
    this.metrics.feeds.set(this.feeds.size);
    this.log.info({ feed: cfg.id, url: cfg.url, origin, port: source.port }, 'video feed added');
    return { ok: true, feed };
  }

  /**
   * A stream a MAVLink camera announced (VIDEO_STREAM_INFORMATION): a feed `<vehicle uid>` joined to that vehicle,
   * added once, in the gateway's groups and nation, its label never below the vehicle's current one. Taken only
   * from a signed frame (unless `announced.requireSigned` is false) and for a URL whose scheme and host
   * `announced` allows; others are refused, counted and logged. URIs the hub cannot open (HTTP/HLS) are skipped.
   */
  async addAnnounced(vehicleUid: string, uri: string, from: Announcer): Promise<void> {
    const id = vehicleUid.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
    if (this.feeds.has(id)) return;
    const refused = announceRefusal(this.deps.cfg.announced, uri, from.signed);
    if (refused) {
      this.metrics.announceRefused.inc({ reason: refused.reason });
      this.log.warn(
        { vehicle: vehicleUid, uri, code: 'BW_VIDEO_ANNOUNCE_REFUSED', why: refused.why },
        'announced video stream refused',
      );
      return;
    }
    const r = await this.add(
      {
        id,
        url: uri,
        name: `${vehicleUid} camera`,
        platformUid: vehicleUid,
        groups: from.groups,
        ...(from.nation ? { nation: from.nation } : {}),
      },
      'mavlink',
      this.deps.hub.state?.get(vehicleUid)?.event.label,
    );
    if (!r.ok) {
      this.metrics.announceRefused.inc({ reason: 'failed' });
      this.log.warn(
        { vehicle: vehicleUid, uri, code: r.code, err: r.message },
        'announced video stream not added',
      );
    }
  }

  /** The bound port of a UDP/RTP feed (tests use port 0). */
  portOf(id: string): number | undefined {
    return this.feeds.get(id)?.source?.port;
  }

  async remove(id: string): Promise<boolean> {
    const r = this.feeds.get(id);
    if (!r) return false;
    this.feeds.delete(id);
    for (const v of r.feed.viewers) v.sink.close('feed removed');
    r.recorder?.close();
    await r.source?.close();
    this.deps.hub.close(r.session, 'feed removed');
    this.metrics.feeds.set(this.feeds.size);
    this.log.info({ feed: id }, 'video feed removed');
    return true;
  }

  /** May `who` watch the feed? The one egress gate decides, on the feed's current label and groups. */
  mayWatch(feed: Feed, who: Identity): boolean {
    return egress({ label: feed.label, groups: feed.cfg.groups }, who, 'video', feed.id).allow;
  }

  /** Start a watch: gate, viewer limit, audit of the start and (on stop) of the whole watch. */
  watch(id: string, who: Identity, sink: ByteSink, remote?: string, viaToken = false): WatchResult {
    const feed = this.get(id);
    if (!feed) return { ok: false, code: 'BW_VIDEO_NO_FEED', message: `no feed ${id}` };
    const d = egress({ label: feed.label, groups: feed.cfg.groups }, who, 'video', feed.id);
    if (!d.allow)
      return { ok: false, code: 'BW_VIDEO_NOT_RELEASABLE', message: 'this feed is not releasable to you' };
    if (feed.viewers.size >= this.deps.cfg.maxViewersPerFeed)
      return { ok: false, code: 'BW_VIDEO_TOO_MANY_VIEWERS', message: 'too many viewers of this feed' };
    const since = this.now();
    const viewer = new Viewer(who, sink, this.deps.cfg.viewerBufferBytes, since, viaToken);
    feed.viewers.add(viewer);
    this.metrics.viewers.set({ feed: id }, feed.viewers.size);
    const base = {
      actor: who.id,
      ...(who.nation ? { nation: who.nation } : {}),
      ref: id,
      path: 'video',
      ...(remote ? { remote } : {}),
    };
    this.deps.audit?.record('video-watch', { ...base, detail: { from: new Date(since).toISOString() } });
    let stopped = false;
    return {
      ok: true,
      stop: () => {
        if (stopped) return;
        stopped = true;
        feed.viewers.delete(viewer);
        this.metrics.viewers.set({ feed: id }, feed.viewers.size);
        this.deps.audit?.record('video-watch', {
          ...base,
          detail: {
            from: new Date(since).toISOString(),
            to: new Date(this.now()).toISOString(),
            bytes: viewer.sent,
            dropped: viewer.dropped,
          },
        });
      },
    };
  }

  /**
   * Snapshot to marker: `who` (who may watch the feed) sends the current frame as a JPEG; the image is kept with
   * the feed's label and an image marker is dropped at the frame centre through the feed's session.
   */
  snapshot(id: string, who: Identity, jpeg: Buffer): SnapshotResult {
    const r = this.feeds.get(id);
    if (!r || !this.mayWatch(r.feed, who))
      return { ok: false, code: 'BW_VIDEO_NO_FEED', message: `no feed ${id}` };
    if (!this.snapshots || !isJpeg(jpeg) || jpeg.length > MAX_SNAPSHOT_BYTES)
      return {
        ok: false,
        code: 'BW_VIDEO_BAD_SNAPSHOT',
        message: 'a snapshot is one JPEG image up to 4 MiB',
      };
    const f = r.feed;
    const now = this.now();
    const uid = randomUUID();
    const sha = createHash('sha256').update(jpeg).digest('hex');
    const e = snapshotEvent(
      f.telemetry,
      this.view(f),
      { uid, sha256: sha, bytes: jpeg.length, by: who.id },
      now,
    );
    if (!e)
      return { ok: false, code: 'BW_VIDEO_NO_POSITION', message: 'the feed has no position in its KLV yet' };
    const meta = {
      feed: id,
      label: f.label,
      groups: f.cfg.groups,
      by: who.id,
      at: new Date(now).toISOString(),
    };
    this.snapshots.put(jpeg, { ...meta, marker: uid });
    const res = this.deps.hub.ingest(r.session, e);
    if (!res.ok) return { ok: false, code: res.code, message: res.reason };
    this.deps.audit?.record('video-snapshot', {
      actor: who.id,
      ref: id,
      path: 'video',
      detail: { sha256: sha, uid },
    });
    return { ok: true, uid, sha256: sha, lat: e.point.lat, lon: e.point.lon };
  }

  /**
   * A watcher who may no longer see the feed (its label rose) is taken off the feed at once (no further byte is
   * offered to it) and disconnected; its watch ends and is audited when its connection closes.
   */
  private recheck(feed: Feed): void {
    for (const v of [...feed.viewers]) {
      if (this.mayWatch(feed, v.who)) continue;
      this.drop(feed, v, 'label changed');
    }
  }

  /** A token viewer whose identity is no longer current (certificate revoked, user changed) is disconnected. */
  private recheckTokens(feed: Feed): void {
    const check = this.deps.identityCheck;
    if (!check) return;
    for (const v of [...feed.viewers]) {
      if (!v.viaToken) continue;
      const status = check(v.who);
      if (status === 'ok') continue;
      this.metrics.tokenRefused.inc({ reason: status });
      this.drop(feed, v, 'identity no longer current');
    }
  }

  /** Take a viewer off the feed at once (nothing more is offered to it) and close its connection. */
  private drop(feed: Feed, v: Viewer, reason: string): void {
    feed.viewers.delete(v);
    this.metrics.viewers.set({ feed: feed.id }, feed.viewers.size);
    if (reason === 'label changed') this.metrics.labelClosed.inc({ feed: feed.id });
    v.sink.close(reason);
  }

  view(feed: Feed): FeedView {
    const url = this.urlOf(feed.id);
    return {
      id: feed.id,
      ...(feed.cfg.name ? { name: feed.cfg.name } : {}),
      type: feed.cfg.type,
      ...(feed.cfg.platformUid ? { platformUid: feed.cfg.platformUid } : {}),
      ...(feed.cfg.nation ? { nation: feed.cfg.nation } : {}),
      label: feed.label,
      ...(url ? { videoUrl: url } : {}),
    };
  }

  /** Publish feeds whose telemetry changed (at most maxRateHz each); once a second, stale and label checks. */
  flush(): void {
    const t = this.now();
    const minGap = 1000 / this.deps.cfg.maxRateHz;
    const staleMs = this.deps.cfg.staleSeconds * 1000;
    const second = t - this.lastTick >= 1000;
    if (second) this.lastTick = t;
    for (const r of this.feeds.values()) {
      const f = r.feed;
      if (second) {
        f.tick(staleMs);
        this.recheck(f);
        this.recheckTokens(f);
      }
      if (!f.dirty || t - f.lastPublished < minGap) continue;
      f.dirty = false;
      f.lastPublished = t;
      this.publish(r, t, t + staleMs);
    }
  }

  private publish(r: Running, now: number, stale: number): void {
    const f = r.feed;
    const view = this.view(f);
    const out: (Event | undefined)[] = [];
    // A feed linked to another gateway's entity (platformUid) leaves that entity and its footprint to it: one
    // entity, not two. It still adds what only the video knows: the frame centre and the moving targets.
    if (!f.cfg.platformUid) {
      out.push(platformEvent(f.telemetry, view, now, stale));
      out.push(footprintPolygon(f.telemetry, view, f.cfg.type, now, stale));
    }
    out.push(spiEvent(f.telemetry, view, now, stale));
    for (const target of f.targets) out.push(vmtiEvent(target, f.telemetry, view, now, stale));
    for (const e of out) {
      if (!e) continue;
      const res = this.deps.hub.ingest(r.session, e);
      const kind =
        e.type === 'u-d-f'
          ? 'footprint'
          : e.uid.endsWith('.SPI1')
            ? 'spi'
            : e.uid.includes('.vmti.')
              ? 'vmti'
              : 'platform';
      this.metrics.events.inc({ kind: res.ok ? kind : 'hub-rejected' });
      if (!res.ok)
        f.issue('source-error', { why: 'hub refused a KLV event', code: res.code, reason: res.reason });
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const id of [...this.feeds.keys()]) await this.remove(id);
  }
}
