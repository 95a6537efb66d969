/**
 * Counters of the MAVLink gateway, registered in the app's Prometheus registry (or a private one), and mirrored
 * in a plain object so tests and the bench can read them without scraping.
 */
import { Counter, Gauge, Registry } from 'prom-client';

/** Every way a frame can end: `accepted` or the reason it was not. */
export type FrameResult =
  | 'accepted'
  | 'garbage'
  | 'truncated'
  | 'crc'
  | 'unknown-msg'
  | 'incompat-flags'
  | 'unsigned'
  | 'bad-signature'
  | 'old-timestamp'
  | 'replay'
  | 'key-not-for-sysid'
  | 'decode-error'
  | 'ignored-msg';

export interface GatewayStats {
  datagrams: number;
  frames: Record<string, number>;
  /** Frames that carried a valid signature. */
  signedOk: number;
  eventsPublished: number;
  hubRejected: number;
  vehicles: number;
}

export class GatewayMetrics {
  readonly stats: GatewayStats = {
    datagrams: 0,
    frames: {},
    signedOk: 0,
    eventsPublished: 0,
    hubRejected: 0,
    vehicles: 0,
  };
  private readonly frames: Counter<'result'>;
  /** Frame counts already handed to prom-client; the rest is added at scrape time (a per-frame inc() with a
   * label costs more than the rest of the frame's bookkeeping). */
  private readonly synced: Record<string, number> = {};
  private syncedDatagrams = 0;
  private readonly datagrams: Counter;
  private readonly events: Counter<'kind'>;
  private readonly vehicles: Gauge;

  constructor(registry: Registry = new Registry()) {
    const reuse = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T) ?? make();
    this.frames = reuse(
      'bw_mavlink_frames_total',
      () =>
        new Counter({
          name: 'bw_mavlink_frames_total',
          help: 'MAVLink frames (or skipped byte runs) by result: accepted or the reason for rejection',
          labelNames: ['result'],
          registers: [registry],
          collect: () => this.sync(),
        }),
    );
    this.datagrams = reuse(
      'bw_mavlink_datagrams_total',
      () =>
        new Counter({
          name: 'bw_mavlink_datagrams_total',
          help: 'UDP datagrams received',
          registers: [registry],
        }),
    );
    this.events = reuse(
      'bw_mavlink_events_total',
      () =>
        new Counter({
          name: 'bw_mavlink_events_total',
          help: 'CoT events published into the hub by the MAVLink gateway',
          labelNames: ['kind'],
          registers: [registry],
        }),
    );
    this.vehicles = reuse(
      'bw_mavlink_vehicles',
      () =>
        new Gauge({ name: 'bw_mavlink_vehicles', help: 'MAVLink vehicles tracked', registers: [registry] }),
    );
  }

  datagram(): void {
    this.stats.datagrams++;
  }

  frame(result: FrameResult): void {
    this.stats.frames[result] = (this.stats.frames[result] ?? 0) + 1;
  }

  private sync(): void {
    for (const [result, n] of Object.entries(this.stats.frames)) {
      const delta = n - (this.synced[result] ?? 0);
      if (delta > 0) this.frames.inc({ result }, delta);
      this.synced[result] = n;
    }
  }

  signed(): void {
    this.stats.signedOk++;
  }

  published(kind: 'vehicle' | 'footprint', ok: boolean): void {
    if (!ok) {
      this.stats.hubRejected++;
      this.events.inc({ kind: 'hub-rejected' });
      return;
    }
    this.stats.eventsPublished++;
    this.events.inc({ kind });
  }

  setVehicles(n: number): void {
    this.stats.vehicles = n;
    this.vehicles.set(n);
  }
}
