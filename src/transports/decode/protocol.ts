/**
 * The messages between the hub's thread and a decode thread (threads.ts <-> worker.ts), and the record kinds in a
 * batch (records.ts carries the values).
 *
 * To the decode thread, in order per connection:
 * - `data`: the next chunk of a connection's CoT XML stream (its memory is transferred);
 * - `release`: after the connection asked for TAK Protocol (t-x-takp-q): `keep` false hands its later chunks back
 *   and forgets it, `keep` true decodes them as XML after all (the request was refused);
 * - `close`: forget the connection.
 *
 * Back, one `batch` per `data`: the records of the events and errors cut from that chunk, whether an event is
 * left unfinished (slowloris clock), and the chunk's byte count (in-flight accounting). One `released` per
 * `release` with `keep` false, carrying the chunks held since the request.
 */

export const REC_EVENT = 1;
export const REC_ERROR = 2;

export interface DataMessage {
  k: 'data';
  c: number;
  b: Uint8Array;
}

export interface ReleaseMessage {
  k: 'release';
  c: number;
  keep: boolean;
}

export interface CloseMessage {
  k: 'close';
  c: number;
}

export type ToDecoder = DataMessage | ReleaseMessage | CloseMessage;

export interface BatchMessage {
  k: 'batch';
  c: number;
  /** Records (REC_EVENT: raw XML bytes, then the event; REC_ERROR: the error's fields). */
  b: Uint8Array;
  /** How many records. */
  n: number;
  /** An event has started and not ended. */
  partial: boolean;
  /** Bytes of the chunk this answers. */
  bytes: number;
}

export interface ReleasedMessage {
  k: 'released';
  c: number;
  held: Uint8Array[];
}

export type FromDecoder = BatchMessage | ReleasedMessage;

/** What the decode thread is started with. */
export interface DecoderData {
  maxEventBytes: number;
}
