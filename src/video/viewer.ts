/**
 * One viewer of a feed: a byte sink (WebSocket or HTTP response) with a bounded queue. The feed hands every
 * viewer the same chunk object (no copy, no re-encoding). Overflow policy: while a viewer has more than
 * `viewerBufferBytes` queued in its socket, whole datagrams (whole TS packets) are skipped for it and counted; the
 * player sees a continuity gap and recovers at the next keyframe. Other viewers and the feed are never slowed.
 */
import type { Identity } from '../model/identity.js';

export interface ByteSink {
  /** Bytes queued in the socket and not yet sent. */
  buffered(): number;
  send(chunk: Uint8Array): void;
  close(reason: string): void;
}

export class Viewer {
  sent = 0;
  dropped = 0;
  /** True once the viewer has been handed the program tables (it can start decoding). */
  primed = false;

  constructor(
    readonly who: Identity,
    readonly sink: ByteSink,
    private readonly limit: number,
    readonly since: number,
    /** Watching with a watch token (a TAK client): its identity is re-checked once a second. */
    readonly viaToken = false,
  ) {}

  /** Offer a chunk; false when it was skipped because the viewer is behind. */
  offer(chunk: Uint8Array): boolean {
    if (this.sink.buffered() > this.limit) {
      this.dropped += chunk.length;
      return false;
    }
    this.sink.send(chunk);
    this.sent += chunk.length;
    return true;
  }
}
