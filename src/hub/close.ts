/**
 * Why the hub closes a session: a `BW_...` error code (src/errors.ts) or one of the plain reasons below, never
 * free prose. The reason is the `reason` label of bw_disconnects_total and what the session's transport logs.
 */
import type { ErrorCode } from '../errors.js';

/** The reasons that are not errors, with what each means (docs/operations.md lists them). */
export const CLOSE_REASONS = {
  peer_closed: 'the client closed the connection',
  shutdown: 'the hub or the listener is shutting down',
  too_many_errors: 'too many undecodable events in a row',
  decode_failed: 'the decode thread failed, or the events it decoded could not be handled',
  link_removed: 'the federation link was removed',
  link_closed: 'the federation link closed',
  feed_removed: 'the video feed was removed',
  gateway_stopped: 'the gateway stopped',
} as const;

export type PlainCloseReason = keyof typeof CLOSE_REASONS;

/**
 * Transitional: prose reasons that src/transports/stream.ts, src/federation and src/video still pass while they
 * are being rewritten; the hub maps each to its plain reason. Remove an entry once no file passes it.
 */
const PROSE = {
  'peer closed': 'peer_closed',
  'too many bad events': 'too_many_errors',
  'federation link removed': 'link_removed',
  'federation link closed': 'link_closed',
  'feed removed': 'feed_removed',
} as const satisfies Record<string, PlainCloseReason>;

export type CloseReason = ErrorCode | PlainCloseReason | keyof typeof PROSE;

/** The reason as a code or plain reason (the transitional prose mapped). */
export function closeCode(reason: CloseReason): ErrorCode | PlainCloseReason {
  return reason in PROSE ? PROSE[reason as keyof typeof PROSE] : (reason as ErrorCode | PlainCloseReason);
}
