/** The audit sink interface the trust module writes to (implemented by audit.ts over the store). */

/** Kinds of audit record. Content of events is never recorded: who, which uid, which rule. */
export type AuditKind =
  | 'connect'
  | 'disconnect'
  | 'tls-refused'
  | 'enroll'
  | 'enroll-refused'
  | 'login-locked'
  | 'web-login'
  | 'web-login-refused'
  | 'web-logout'
  | 'cert-issue'
  | 'cert-revoke'
  | 'user-add'
  | 'token-issue'
  | 'ingress-reject'
  | 'write-refused'
  | 'egress-deny'
  | 'video-watch'
  | 'video-snapshot'
  | 'fed-connect'
  | 'fed-disconnect'
  | 'fed-refused'
  | 'fed-label';

export interface AuditFields {
  /** Identity id of who did it or for whom it was denied. */
  actor?: string;
  nation?: string;
  /** Event uid or certificate serial concerned. */
  ref?: string;
  /** The rule or reason (e.g. "clearance", "permissive:Releasable to", "CERT_REVOKED"). */
  rule?: string;
  /** Delivery path, transport or endpoint. */
  path?: string;
  remote?: string;
  /** Extra small facts (no event content). */
  detail?: Record<string, string | number | boolean>;
}

export interface AuditSink {
  record(kind: AuditKind, fields: AuditFields): void;
}

/** An audit sink that drops everything (CLI one-offs, tests that do not look). */
export const NO_AUDIT: AuditSink = { record() {} };
