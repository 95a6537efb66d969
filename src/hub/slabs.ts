/**
 * Slabs: where the hub puts the bytes it sends: the sender's XML with this hub's flow tag (flow-tags.ts) and every
 * encoding of an event (envelope.ts), a lane per wire format.
 *
 * A bump allocator over large buffers: the events of one read, one tick, one flush land back to back, so a
 * recipient that gets a run of them is handed one view of the slab instead of a joined copy (joins.ts), and a
 * slab costs one native allocation instead of one per eight kibibytes (Node's Buffer pool: `createPool` was 3.4 %
 * of the S2 ingest profile, and the joined copies a third of the hub's external memory churn).
 *
 * Bounded (invariant 4): a view keeps its whole slab alive. The views that live long are those of the latest-state
 * picture and those queued for a blocked client: once a second the hub copies them out of old slabs
 * ({@link settle}, Hub.expire), so they pin at most the slabs of the last second. Other queued views live until
 * the next write.
 */
import type { Envelope } from './envelope.js';
import type { Session } from './session.js';

/** Size of one slab: about eighty ATAK position reports (a slab is one native allocation: 1.5 % of S2 at 32 KiB). */
export const SLAB_BYTES = 64 * 1024;
/** Larger requests get a buffer of their own (an event of a few KiB would waste the slab's tail). */
const OWN_ABOVE = SLAB_BYTES / 8;

/** One run of slabs: the bytes of one wire format, so that one format's bytes of consecutive events are adjacent. */
class Lane {
  slab: Buffer = Buffer.allocUnsafeSlow(SLAB_BYTES);
  private at = 0;

  /** `n` bytes, uninitialised: the caller fills them all. */
  readonly alloc = (n: number): Buffer => {
    if (n > OWN_ABOVE) return Buffer.allocUnsafeSlow(n);
    if (this.at + n > SLAB_BYTES) {
      this.slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      this.at = 0;
    }
    const out = Buffer.from(this.slab.buffer, this.at, n);
    this.at += n;
    return out;
  };
}

export class Slabs {
  private readonly lanes: Lane[] = [];

  /** A new lane's allocator (one per wire format). */
  lane(): (n: number) => Buffer {
    const lane = new Lane();
    this.lanes.push(lane);
    return lane.alloc;
  }

  /**
   * `bytes` itself, or a copy of its own when it is a view of a slab no longer being filled (or of any other shared
   * backing buffer, such as Node's Buffer pool): what a long-lived holder keeps.
   */
  readonly settle = (bytes: Uint8Array): Uint8Array => {
    const backing = bytes.buffer;
    if (bytes.byteLength === backing.byteLength) return bytes;
    for (const lane of this.lanes) if (backing === lane.slab.buffer) return bytes;
    const own = Buffer.allocUnsafeSlow(bytes.byteLength);
    own.set(bytes);
    return own;
  };
}

/**
 * Give long-held bytes memory of their own: the latest-state picture's, and those queued for blocked clients (which
 * may wait there until their socket drains). Bytes queued for several clients get one copy, shared. The hub calls
 * this once a second.
 */
export function settleHeld(
  picture: Iterable<Envelope>,
  sessions: Iterable<Session>,
  settle: (bytes: Uint8Array) => Uint8Array,
): void {
  for (const env of picture) env.settle(settle);
  let copies: Map<Uint8Array, Uint8Array> | undefined;
  const shared = (bytes: Uint8Array): Uint8Array => {
    let own = (copies ??= new Map()).get(bytes);
    if (!own) copies.set(bytes, (own = settle(bytes)));
    return own;
  };
  for (const s of sessions) if (s.blocked && s.queue.size > 0) s.queue.settle(shared);
}
