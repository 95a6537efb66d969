/**
 * Prometheus metrics of the video module, registered in the app's registry (or a private one in tests), mirrored
 * in plain counters for tests and the bench.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { TsIssue } from '../codecs/mpegts/index.js';
import type { St0601Fault } from '../codecs/klv/index.js';

/**
 * Every bad-input case of a feed. The codecs own their cases (the demuxer's `TsIssue`, the ST 0601 decoder's
 * `St0601Fault`, counted as `klv-<fault>`); this adds only those of the feed itself (RTP framing, missing streams,
 * feed state, source faults), so a case is named in one place.
 */
export type VideoIssue =
  TsIssue | `klv-${St0601Fault}` | 'rtp-malformed' | 'no-video' | 'no-klv' | 'feed-stopped' | 'source-error';

export class VideoMetrics {
  readonly issues: Record<string, number> = {};
  readonly bytesIn: Counter<'feed'>;
  readonly bytesOut: Counter<'feed'>;
  readonly dropped: Counter<'feed'>;
  readonly klvPackets: Counter<'feed'>;
  readonly recordDropped: Counter<'feed'>;
  readonly labelClosed: Counter<'feed'>;
  readonly announceRefused: Counter<'reason'>;
  readonly tokenRefused: Counter<'reason'>;
  readonly events: Counter<'kind'>;
  readonly viewers: Gauge<'feed'>;
  readonly feeds: Gauge;
  private readonly issueCounter: Counter<'reason'>;

  constructor(registry: Registry = new Registry()) {
    const reuse = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T) ?? make();
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      reuse(name, () => new Counter<L>({ name, help, labelNames, registers: [registry] }));
    this.issueCounter = counter('bw_video_input_errors_total', 'Bad video input by reason', ['reason']);
    this.bytesIn = counter('bw_video_bytes_in_total', 'TS bytes received per feed', ['feed']);
    this.bytesOut = counter('bw_video_bytes_out_total', 'TS bytes sent to viewers per feed', ['feed']);
    this.dropped = counter(
      'bw_video_viewer_dropped_bytes_total',
      'TS bytes skipped for viewers whose queue was full (whole datagrams)',
      ['feed'],
    );
    this.recordDropped = counter(
      'bw_video_record_dropped_bytes_total',
      'TS bytes not recorded because the disk fell behind (whole datagrams)',
      ['feed'],
    );
    this.labelClosed = counter(
      'bw_video_label_closed_total',
      'Viewers disconnected because the feed label rose above what they are cleared for',
      ['feed'],
    );
    this.announceRefused = counter(
      'bw_video_announce_refused_total',
      'MAVLink video stream announcements refused, by reason',
      ['reason'],
    );
    this.tokenRefused = counter('bw_video_token_refused_total', 'Video watch tokens refused, by reason', [
      'reason',
    ]);
    this.klvPackets = counter('bw_video_klv_packets_total', 'ST 0601 packets decoded per feed', ['feed']);
    this.events = counter('bw_video_events_total', 'KLV-derived events by kind and hub result', ['kind']);
    this.viewers = reuse(
      'bw_video_viewers',
      () =>
        new Gauge({
          name: 'bw_video_viewers',
          help: 'Viewers per feed',
          labelNames: ['feed'],
          registers: [registry],
        }),
    );
    this.feeds = reuse(
      'bw_video_feeds',
      () =>
        new Gauge({ name: 'bw_video_feeds', help: 'Video feeds configured or added', registers: [registry] }),
    );
  }

  issue(reason: VideoIssue): void {
    this.issues[reason] = (this.issues[reason] ?? 0) + 1;
    this.issueCounter.inc({ reason });
  }
}
