/**
 * An Envelope wraps one ingested Event for routing: the groups it was published into, and its bytes in each wire
 * format, encoded once on first use and shared by every recipient (invariant 2: encode once).
 */
import type { Event } from '../model/event.js';
import type { Label } from '../model/label.js';
import type { Gated } from './gate.js';
import type { WireFormat } from './session.js';

/**
 * Encodes an event into one wire format. `alloc`, when given, is where the bytes go (the hub's slabs for that
 * format, slabs.ts): an encoder that can, writes into it; one that cannot ignores it.
 */
export type Encoder = (
  event: Event,
  alloc?: (n: number) => Buffer,
  /** The groups the event was published into (the federation record carries them). */
  groups?: readonly string[],
) => Uint8Array;

/** The encoders of one hub, by format. */
export type EncoderTable = Map<WireFormat, Encoder>;

export class Envelope implements Gated {
  readonly event: Event;
  readonly groups: readonly string[] | undefined;
  /** Latest-wins key for queues: the uid for state-like events, undefined for chat, alerts, deletes. */
  readonly coalesceKey: string | undefined;
  /** Ingest sequence number, used to de-duplicate recipients reached through several groups. */
  readonly seq: number;
  private readonly encoders: EncoderTable;
  private xml: Uint8Array | undefined;
  private tak: Uint8Array | undefined;
  private json: Uint8Array | undefined;
  /** Federation links' record of the event (src/federation), made once for every link. */
  private fig: Uint8Array | undefined;

  constructor(
    event: Event,
    groups: readonly string[] | undefined,
    seq: number,
    coalesceKey: string | undefined,
    encoders: EncoderTable,
  ) {
    this.event = event;
    this.groups = groups;
    this.seq = seq;
    this.coalesceKey = coalesceKey;
    this.encoders = encoders;
  }

  get label(): Label {
    return this.event.label;
  }

  /** Use bytes already made for `format` (the sender's own CoT XML, see hub.ts), instead of encoding. */
  preset(format: 'cot-xml', bytes: Uint8Array): void {
    if (format === 'cot-xml') this.xml = bytes;
  }

  /**
   * Replace bytes that are views of a shared buffer (a hub slab, Node's Buffer pool) by copies of their own, so an
   * envelope kept in the latest-state picture does not keep a whole slab alive (see slabs.ts).
   */
  settle(settle: (bytes: Uint8Array) => Uint8Array): void {
    if (this.xml) this.xml = settle(this.xml);
    if (this.tak) this.tak = settle(this.tak);
    if (this.json) this.json = settle(this.json);
  }

  /** The bytes already made for `format`, if any (the store uses them rather than encoding again). */
  encoded(format: WireFormat): Uint8Array | undefined {
    if (format === 'fig') return this.fig;
    return format === 'cot-xml' ? this.xml : format === 'tak-stream' ? this.tak : this.json;
  }

  /** The event's bytes in `format`, encoded on first call and cached. */
  bytes(format: WireFormat): Uint8Array {
    switch (format) {
      case 'cot-xml':
        return (this.xml ??= this.encode(format));
      case 'tak-stream':
        return (this.tak ??= this.encode(format));
      case 'json':
        return (this.json ??= this.encode(format));
      case 'fig':
        return (this.fig ??= this.encode(format));
    }
  }

  private encode(format: WireFormat): Uint8Array {
    const enc = this.encoders.get(format);
    if (!enc) throw new Error(`no encoder registered for ${format}`);
    return format === 'fig' ? enc(this.event, undefined, this.groups) : enc(this.event);
  }
}
