/**
 * Prometheus metrics of the video module, registered in the app's registry (or a private one in tests), mirrored
 * in plain counters for tests and the bench.
 */
import { Counter, Gauge, Registry } from 'prom-client';

/** Every bad-input case of a feed (TS demuxer issues, KLV faults, source faults, feed state). */
export type VideoIssue =
  | 'sync'
  | 'transport-error'
  | 'continuity'
  | 'psi-crc'
  | 'psi-malformed'
  | 'pes-malformed'
  | 'pes-truncated'
  | 'pes-too-large'
  | 'clock-jump'
  | 'rtp-malformed'
  | 'klv-checksum'
  | 'klv-length'
  | 'klv-truncated'
  | 'klv-tag'
  | 'klv-security'
  | 'klv-vmti'
  | 'no-video'
  | 'no-klv'
  | 'feed-stopped'
  | 'source-error';

export class VideoMetrics {
  readonly issues: Record<string, number> = {};
  readonly bytesIn: Counter<'feed'>;
  readonly bytesOut: Counter<'feed'>;
  readonly dropped: Counter<'feed'>;
  readonly klvPackets: Counter<'feed'>;
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
