/**
 * A streaming connection's event-rate limit (token bucket). Events read past the rate wait here, in order, for
 * their tokens while reading pauses: the hub never takes more than the rate and the burst, whatever one read or
 * one decode-thread batch held, and the sender is slowed by TCP instead of losing events. Bounded: reading stays
 * paused while anything waits, so at most one read's (or one batch's) events are held.
 */
import type { Event } from '../model/event.js';
import { TokenBucket } from './rate.js';

interface Held {
  event: Event;
  raw: Buffer | undefined;
}

export interface RateHoldHost {
  /** Hand an event to the hub. */
  ingest(event: Event, raw: Buffer | undefined): void;
  /** Reading pauses (true) or may go on (false) as far as the rate limit is concerned. */
  hold(on: boolean): void;
  /** The first event of a pause went over the rate (count and log it). */
  throttled(): void;
  closed(): boolean;
}

export class RateHold {
  private readonly bucket: TokenBucket;
  private readonly held: Held[] = [];
  private paused = false;

  constructor(
    rate: number,
    burst: number,
    private readonly host: RateHoldHost,
  ) {
    this.bucket = new TokenBucket(rate, burst, Date.now());
  }

  /** Events still waiting for tokens. */
  get waiting(): number {
    return this.held.length;
  }

  /** Ingest `event` now if a token is free and nothing waits before it; else hold it and pause reading. */
  offer(event: Event, raw: Buffer | undefined): void {
    if (this.held.length > 0 || !this.bucket.take(Date.now())) {
      this.held.push({ event, raw });
      this.throttle();
      return;
    }
    this.host.ingest(event, raw);
  }

  /** The connection closed: forget what waits; returns how many events that was. */
  discard(): number {
    const n = this.held.length;
    this.held.length = 0;
    return n;
  }

  private throttle(): void {
    if (this.paused || this.host.closed()) return;
    this.paused = true;
    this.host.throttled();
    this.host.hold(true);
    setTimeout(this.release, this.bucket.waitMs(1)).unref();
  }

  /** Hand the held events to the hub as tokens come; read again once none is left. */
  private readonly release = (): void => {
    if (this.host.closed()) return;
    while (this.held.length > 0 && this.bucket.take(Date.now())) {
      const h = this.held.shift()!;
      this.host.ingest(h.event, h.raw);
      if (this.host.closed()) return;
    }
    if (this.held.length > 0) {
      setTimeout(this.release, this.bucket.waitMs(1)).unref();
      return;
    }
    this.paused = false;
    this.host.hold(false);
  };
}
