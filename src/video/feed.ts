/**
 * One video feed: its source's bytes go, unchanged, to every viewer and the recorder, and through the TS demuxer,
 * whose KLV becomes the feed's telemetry (latest value per ST 0601 item), its label (ST 0102, never below the
 * configured one) and its VMTI targets. Bad input is counted and logged per feed and reason at most every 10 s.
 */
import type { Logger } from 'pino';
import { TsDemuxer, TS_PACKET, type StreamInfo, type TsIssue } from '../codecs/mpegts/index.js';
import { decodeKlvPayload, labelOfSecurity, type VmtiTarget } from '../codecs/klv/index.js';
import { DEFAULT_LABEL, labelAtLeast, normalizeLabel, RELEASABLE_TO, type Label } from '../model/label.js';
import type { FeedConfig } from './config.js';
import type { Telemetry } from './events.js';
import type { VideoIssue, VideoMetrics } from './metrics.js';
import type { Viewer } from './viewer.js';

export type FeedState = 'waiting' | 'live' | 'stale';
export type FeedOrigin = 'config' | 'api' | 'mavlink';

/** The configured label of a feed as a hub label. */
export function configuredLabel(cfg: FeedConfig): Label {
  const l = cfg.label;
  if (l.classification === 'UNCLASSIFIED' && l.releasableTo.length === 0) return DEFAULT_LABEL;
  return normalizeLabel({
    policy: 'NATO',
    classification: l.classification,
    categories: l.releasableTo.length
      ? [{ tag: RELEASABLE_TO, type: 'PERMISSIVE', values: [...l.releasableTo] }]
      : [],
  });
}

export class Feed {
  state: FeedState = 'waiting';
  readonly viewers = new Set<Viewer>();
  telemetry: Telemetry = {};
  targets: VmtiTarget[] = [];
  label: Label;
  /** Label source: the ST 0102 set in the stream, or the configuration. */
  labelFrom: 'st0102' | 'config' = 'config';
  streams: StreamInfo[] = [];
  bytesIn = 0;
  klvPackets = 0;
  videoUnits = 0;
  lastData = 0;
  lastKlv = 0;
  /** Telemetry changed since the last publication. */
  dirty = false;
  lastPublished = 0;
  /** The latest PAT and PMT packets, handed first to a new viewer so its player can start at once. */
  private tables = new Map<number, Uint8Array>();
  private readonly demux: TsDemuxer;
  /** This feed's metric children, looked up once: the relay path counts every datagram. */
  private readonly count: Record<'bytesIn' | 'bytesOut' | 'dropped', { inc(n: number): void }>;
  private readonly lastWarn = new Map<string, number>();
  private readonly floor: Label;
  /** Listeners of the raw bytes besides viewers (recorder). */
  readonly taps = new Set<(chunk: Uint8Array) => void>();
  /**
   * Called when the label changes (an ST 0102 set raised it), before any further byte is offered to a viewer: the
   * service re-asks the egress gate for every viewer and removes those no longer cleared, so not even the chunk that
   * raised the label reaches them.
   */
  onLabel: (feed: Feed) => void = () => {};

  constructor(
    readonly cfg: FeedConfig,
    readonly origin: FeedOrigin,
    private readonly metrics: VideoMetrics,
    private readonly log: Logger,
    private readonly now: () => number,
    /** A floor above the configured label (an announced feed takes its vehicle's label). */
    floor?: Label,
  ) {
    const feed = { feed: cfg.id };
    this.count = {
      bytesIn: metrics.bytesIn.labels(feed),
      bytesOut: metrics.bytesOut.labels(feed),
      dropped: metrics.dropped.labels(feed),
    };
    const configured = configuredLabel(cfg);
    this.floor =
      floor && labelAtLeast(normalizeLabel(floor), configured) ? normalizeLabel(floor) : configured;
    this.label = this.floor;
    this.demux = new TsDemuxer({
      program: (_pmt, streams) => this.onProgram(streams),
      metadata: (u) => this.onKlv(u.payload),
      videoPes: () => this.videoUnits++,
      issue: (r: TsIssue) => this.issue(r),
    });
  }

  get id(): string {
    return this.cfg.id;
  }

  issue(reason: VideoIssue, detail: Record<string, unknown> = {}): void {
    this.metrics.issue(reason);
    const t = this.now();
    if ((this.lastWarn.get(reason) ?? 0) + 10_000 > t) return;
    this.lastWarn.set(reason, t);
    this.log.warn(
      { feed: this.id, code: 'BW_VIDEO_INPUT', reason, ...detail },
      'video input problem (further ones counted)',
    );
  }

  /** Bytes from the source. */
  data(chunk: Uint8Array): void {
    const t = this.now();
    if (this.state !== 'live') {
      if (this.state === 'stale') this.log.info({ feed: this.id }, 'video feed resumed');
      this.state = 'live';
    }
    this.lastData = t;
    this.bytesIn += chunk.length;
    this.count.bytesIn.inc(chunk.length);
    this.keepTables(chunk);
    this.demux.push(chunk);
    let out = 0;
    let dropped = 0;
    for (const v of this.viewers) {
      if (!v.primed) this.prime(v);
      if (v.offer(chunk)) out += chunk.length;
      else dropped += chunk.length;
    }
    if (out) this.count.bytesOut.inc(out);
    if (dropped) this.count.dropped.inc(dropped);
    for (const tap of this.taps) tap(chunk);
  }

  /** The latest PAT and PMT packets (PAT first): what a new viewer or a new recording segment starts with. */
  tablePackets(): Uint8Array[] {
    const pat = this.tables.get(0);
    if (!pat) return [];
    return [pat, ...[...this.tables].filter(([pid]) => pid !== 0).map(([, p]) => p)];
  }

  private prime(v: Viewer): void {
    v.primed = true;
    for (const p of this.tablePackets()) v.offer(p);
  }

  private keepTables(chunk: Uint8Array): void {
    if (chunk.length % TS_PACKET !== 0 || chunk[0] !== 0x47) return; // unaligned (ffmpeg pipe): skip the cache
    for (let i = 0; i + TS_PACKET <= chunk.length; i += TS_PACKET) {
      const pid = ((chunk[i + 1]! & 0x1f) << 8) | chunk[i + 2]!;
      if ((pid === 0 || this.demux.isPmtPid(pid)) && chunk[i + 1]! & 0x40)
        this.tables.set(pid, chunk.slice(i, i + TS_PACKET));
    }
  }

  private onProgram(streams: StreamInfo[]): void {
    this.streams = streams;
    if (!streams.some((s) => s.kind === 'video')) this.issue('no-video');
    if (!streams.some((s) => s.kind === 'klv-async' || s.kind === 'klv-sync' || s.kind === 'data'))
      this.issue('no-klv');
    this.log.info({ feed: this.id, streams }, 'video feed program');
  }

  private onKlv(payload: Uint8Array): void {
    const r = decodeKlvPayload(payload);
    for (const fault of r.faults) this.issue(`klv-${fault}`);
    for (const set of r.sets) {
      this.klvPackets++;
      Object.assign(this.telemetry, set.values);
      if (set.security) this.applySecurity(labelOfSecurity(set.security));
      if (set.vmti) this.targets = set.vmti.targets.slice(0, 256);
      this.dirty = true;
      this.lastKlv = this.now();
    }
    if (r.sets.length) this.metrics.klvPackets.inc({ feed: this.id }, r.sets.length);
  }

  /** An ST 0102 label applies unless it would lower the configured one. */
  private applySecurity(l: Label | undefined): void {
    if (!l) return;
    const next = normalizeLabel(l);
    if (!labelAtLeast(next, this.floor)) {
      this.issue('klv-security', { why: 'ST 0102 label below the configured label: configured label kept' });
      return;
    }
    if (JSON.stringify(next) !== JSON.stringify(this.label)) {
      this.log.info({ feed: this.id, label: next }, 'video feed label from ST 0102');
      this.label = next;
      this.labelFrom = 'st0102';
      this.onLabel(this);
    }
  }

  /** Called once a second: a feed with no bytes for `staleMs` is stale (counted once per stop). */
  tick(staleMs: number): void {
    if (this.state === 'live' && this.now() - this.lastData > staleMs) {
      this.state = 'stale';
      this.issue('feed-stopped');
    }
  }
}
