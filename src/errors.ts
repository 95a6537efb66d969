/**
 * Stable error codes for everything a peer or an operator can get wrong. One table: code, message, class.
 * docs/errors.md lists the same codes; test/errors.test.ts keeps the two equal.
 */

export const ERRORS = {
  // configuration
  BW_CONFIG_INVALID: 'configuration is invalid: %s',
  BW_CONFIG_FILE: 'cannot read configuration file %s',
  // CoT XML codec
  BW_COT_NOT_XML: 'bytes are not a CoT XML event',
  BW_COT_DOCTYPE: 'DOCTYPE or ENTITY declarations are not allowed',
  BW_COT_TOO_LARGE: 'event larger than the limit of %s bytes',
  BW_COT_MALFORMED: 'malformed XML: %s',
  BW_COT_BAD_UTF8: 'event is not valid UTF-8',
  BW_COT_MISSING_ATTR: 'required attribute missing: %s',
  BW_COT_BAD_VALUE: 'attribute out of range or unreadable: %s',
  BW_COT_STALE_BEFORE_START: 'stale is before start',
  // TAK protocol
  BW_TAK_BAD_MAGIC: 'TAK protocol frame does not start with 0xbf',
  BW_TAK_BAD_VARINT: 'TAK protocol varint is over-long or malformed',
  BW_TAK_TOO_LARGE: 'TAK protocol message length %s exceeds the limit',
  BW_TAK_TRUNCATED: 'TAK protocol message is truncated',
  BW_TAK_BAD_PROTO: 'TAK protocol message does not decode: %s',
  BW_TAK_UNKNOWN_VERSION: 'TAK protocol version %s is not supported',
  BW_TAK_ALREADY_NEGOTIATED: 'TAK protocol already negotiated on this connection',
  // federation
  BW_FIG_BAD_PROTO: 'federation message does not decode: %s',
  BW_FED_REFUSED: 'federation peer refused: %s',
  BW_FED_LOOP: 'federated event already passed this hub (provenance)',
  BW_FED_HOPS: 'federated event is over its hop limit',
  BW_FED_DUPLICATE: 'federated event already received (uid and time)',
  BW_FED_QUEUE_FULL: 'federation link queue is full: %s',
  // transports and hub
  BW_RATE_LIMITED: 'sender exceeded its rate limit',
  BW_SLOW_CONSUMER: 'client queue overflowed with undroppable messages',
  BW_IDLE_TIMEOUT: 'connection idle too long',
  BW_EVENT_TIMEOUT: 'event did not complete in time',
  BW_SESSION_CAP: 'too many parallel sessions for one identity',
  BW_LOOP: 'event already passed this hub (flow tags)',
  BW_ACCEPT_RATE: 'too many connection attempts',
  BW_PICTURE_FULL: 'picture bound reached: %s',
  BW_TLS_REFUSED: 'TLS peer refused: %s',
  BW_SCENARIO_INVALID: 'scenario file is invalid: %s',
  BW_CLUSTER_BAD_MESSAGE: 'bus message from another hub process is unreadable: %s',
  // labels and trust
  BW_LABEL_MALFORMED: 'label: %s',
  BW_LABEL_UNKNOWN_CLASSIFICATION: 'label: %s',
  BW_LABEL_POLICY: 'label policy not accepted: %s',
  BW_LABEL_BELOW_FLOOR: 'label below the source floor: %s',
  BW_LABEL_ABOVE_CEILING: 'label above the source ceiling: %s',
  BW_CSR_MALFORMED: 'certificate signing request does not parse: %s',
  BW_CSR_BAD_SIGNATURE: 'certificate signing request signature does not verify',
  BW_CSR_IDENTITY: 'certificate signing request is for another identity: %s',
  BW_AUTH_REQUIRED: 'authentication required',
  BW_AUTH_FAILED: 'wrong user name, password or token',
  BW_AUTH_LOCKED: 'account locked after repeated failures',
  BW_TOKEN_USED: 'enrollment token already used',
  BW_TOKEN_EXPIRED: 'enrollment token expired',
  BW_BODY_TOO_LARGE: 'request body larger than the limit',
  BW_CERT_REFUSED: 'client certificate refused: %s',
  BW_CERT_REVOKED: 'client certificate revoked',
  BW_ENROLL_BAD_REQUEST: 'enrollment request is not valid: %s',
  // ownership: who may change what
  BW_UID_BOUND: 'uid is bound to another identity: %s',
  BW_CALLSIGN_BOUND: 'callsign belongs to another identity: %s',
  BW_WRITE_UNSEEN: 'the current version of this uid is not visible to the writer: %s',
  BW_WRITE_WIDENS: 'an update by another identity may not widen the label: %s',
  // web API
  BW_WEB_AUTH_REQUIRED: 'sign in first',
  BW_WEB_AUTH_FAILED: 'user name or password is wrong',
  BW_WEB_SIGNIN_LIMITED: 'too many failed sign-ins from this address: try again in a minute',
  BW_WEB_SIGNIN_LOCKED: 'too many wrong passwords for this user from this address: try again later',
  BW_WEB_BAD_MESSAGE: 'message is not valid: %s',
  BW_WEB_BAD_QUERY: 'query parameter is not valid: %s',
  BW_WEB_LABEL_ABOVE_CLEARANCE: 'cannot publish above your own clearance',
  BW_WEB_NOT_OWNER: 'only the session that created an item may delete it',
  BW_WEB_TOO_FAST: 'too many messages: slow down',
  BW_WEB_NOT_SAVED: 'delivered, but the store could not save it: it may not survive a restart',
  // video
  BW_VIDEO_BAD_FEED: 'video feed is not valid: %s',
  BW_VIDEO_FEED_EXISTS: 'a video feed with this id exists',
  BW_VIDEO_TOO_MANY_FEEDS: 'too many video feeds',
  BW_VIDEO_SOURCE_FAILED: 'video source cannot be opened: %s',
  BW_VIDEO_NO_FEED: 'no such video feed',
  BW_VIDEO_NOT_RELEASABLE: 'this video feed is not releasable to you',
  BW_VIDEO_TOO_MANY_VIEWERS: 'too many viewers of this video feed',
  BW_VIDEO_FORBIDDEN: 'only operators may add or remove video feeds',
  BW_VIDEO_INPUT: 'bad video input on a feed: %s',
  BW_VIDEO_BAD_SNAPSHOT: 'a snapshot is one JPEG image up to 4 MiB',
  BW_VIDEO_NO_POSITION: 'the video feed has no position in its KLV yet',
  BW_VIDEO_ANNOUNCE_REFUSED: 'a MAVLink-announced video stream was refused: %s',
  BW_VIDEO_TOKEN_REVOKED: 'the video watch token no longer matches a current identity',
  // planner
  BW_PLAN_BAD_INPUT: '%s',
  BW_PLAN_CSV: '%s',
  BW_PLAN_NOT_FOUND: '%s',
  BW_PLAN_DENIED: '%s',
  BW_PLAN_INFEASIBLE: '%s',
  BW_PLAN_SOLVER: '%s',
  BW_PLAN_BUSY: '%s',
  BW_PLAN_INTERNAL: 'internal planner error',
} as const;

export type ErrorCode = keyof typeof ERRORS;

function format(template: string, args: unknown[]): string {
  let i = 0;
  return template.replace(/%s/g, () => String(args[i++] ?? ''));
}

/** Base class of every Baltic Wall error: carries a stable code. */
export class BwError extends Error {
  override name = 'BwError';
  readonly code: ErrorCode;
  constructor(code: ErrorCode, args: unknown[] = [], options?: { cause?: unknown }) {
    super(format(ERRORS[code], args), options);
    this.code = code;
  }
}

/** A codec could not read bytes: carries the protocol and the byte offset where it gave up. */
export class CodecError extends BwError {
  override name = 'CodecError';
  readonly protocol: string;
  readonly offset: number | undefined;
  constructor(
    code: ErrorCode,
    protocol: string,
    args: unknown[] = [],
    offset?: number,
    options?: { cause?: unknown },
  ) {
    super(code, args, options);
    this.protocol = protocol;
    this.offset = offset;
  }
}

/** The configuration is wrong: the message names the key and the problem. */
export class ConfigError extends BwError {
  override name = 'ConfigError';
}
