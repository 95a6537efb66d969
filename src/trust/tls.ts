/**
 * Mutual TLS for the streaming (8089) and API (8443) listeners. The client certificate is the identity.
 *
 * OpenSSL verifies the chain, expiry and CRL during the handshake. We ask it to finish the handshake anyway
 * (`rejectUnauthorized: false`) because with `true` Node reports every refused peer only as "socket hang up" and the
 * reason (unknown CA, expired, revoked) is lost. Instead {@link guardTlsServer} puts a guard first on
 * 'secureConnection' that destroys any peer OpenSSL did not authorise — before any other listener can read a byte —
 * and logs, counts and audits the reason. A server made with {@link tlsServerOptions} MUST be passed to
 * guardTlsServer; transports then call {@link checkPeer} for the identity (it refuses unauthorised peers too).
 * A CRL change (revocation by the CLI or enrollment admin) is applied with `server.setSecureContext`: no restart.
 */
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { createTrustMetrics, type TrustMetrics } from './metrics.js';
import type { Identity } from '../model/identity.js';
import { NO_AUDIT, type AuditSink } from './audit-types.js';
import { identityFromCert } from './pki/binding.js';
import type { Pki } from './pki/store.js';

/**
 * Options for `tls.createServer` (or fastify's `https`): server cert, our CA as the only trust anchor, the CRL.
 * Only safe together with {@link guardTlsServer} (see the module comment for why rejectUnauthorized is false).
 */
export function tlsServerOptions(pki: Pki) {
  return {
    key: pki.serverKey,
    cert: pki.serverCert,
    ca: [pki.ca],
    crl: pki.crl(),
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2' as const,
  };
}

/** Options for the enrollment listener (8446): server-authenticated TLS only, no client certificate asked. */
export function enrollmentTlsOptions(pki: Pki) {
  return { key: pki.serverKey, cert: pki.serverCert, minVersion: 'TLSv1.2' as const };
}

/** Map an OpenSSL handshake error to a stable, short reason. */
export function refusalReason(err: Error & { code?: string; reason?: string }): string {
  const text = `${err.code ?? ''} ${err.reason ?? ''} ${err.message}`.toLowerCase();
  if (text.includes('revoked')) return 'CERT_REVOKED';
  // CRL trouble (UNABLE_TO_GET_CRL, CRL_HAS_EXPIRED …) is ours, not the peer's: name it before the generic cases.
  if (text.includes('crl')) return 'CRL_PROBLEM';
  if (text.includes('not_yet_valid') || text.includes('not yet valid')) return 'CERT_NOT_YET_VALID';
  if (text.includes('unable_to_verify') || text.includes('unable_to_get') || text.includes('self_signed'))
    return 'UNKNOWN_CA';
  if (text.includes('expired')) return 'CERT_HAS_EXPIRED';
  if (text.includes('did not return a certificate') || text.includes('certificate required'))
    return 'NO_CLIENT_CERT';
  if (
    text.includes('unknown ca') ||
    text.includes('unable to get') ||
    text.includes('self-signed') ||
    text.includes('self signed')
  )
    return 'UNKNOWN_CA';
  if (text.includes('version') || text.includes('protocol')) return 'TLS_PROTOCOL';
  if (text.includes('timeout') || text.includes('econnreset') || text.includes('socket hang up'))
    return 'ABORTED';
  return 'HANDSHAKE_FAILED';
}

/**
 * Guard a TLS (or HTTPS) server made with {@link tlsServerOptions}: destroy unauthorised peers before anyone reads
 * from them, apply new CRLs without restart, and log/count/audit every refusal with its reason. With
 * `certificateOptional` (the 8443 listener, which also serves browsers) a peer that sent no certificate is let
 * through; one that sent a bad certificate is still destroyed.
 * Returns a function that removes the CRL subscription (the guard stays for the server's life).
 */
export function guardTlsServer(
  server: TlsServer,
  pki: Pki,
  log: Pick<Logger, 'info' | 'warn'>,
  audit: AuditSink = NO_AUDIT,
  listener = 'tls',
  opts: { certificateOptional?: boolean; metrics?: Pick<TrustMetrics, 'tlsRefused'> } = {},
): () => void {
  const refused = (opts.metrics ?? createTrustMetrics()).tlsRefused;
  const onError = (err: Error & { code?: string }, socket: TLSSocket) => {
    const reason = refusalReason(err);
    refused.inc({ reason });
    const remote = socket?.remoteAddress;
    log.warn({ remote, reason, listener, err: err.message }, 'TLS connection refused');
    if (reason !== 'ABORTED') audit.record('tls-refused', { rule: reason, remote, path: listener });
  };
  server.on('tlsClientError', onError);
  // Prepended so it runs before the transport's or the HTTP server's own 'secureConnection' listener.
  server.prependListener('secureConnection', (socket: TLSSocket) => {
    const r = peerStatus(socket, pki);
    if (r.ok) return;
    // A peer that sent no certificate at all (a browser) may stay when the listener says so; whoever reads from
    // it must then refuse what needs one (checkPeer). A certificate that was sent and fails is
    // always refused (peerStatus says NO_CLIENT_CERT only when none was sent).
    if (opts.certificateOptional && r.reason === 'NO_CLIENT_CERT') return;
    refused.inc({ reason: r.reason });
    log.warn({ remote: socket.remoteAddress, reason: r.reason, listener, id: r.id }, 'TLS peer refused');
    audit.record('tls-refused', {
      actor: r.id,
      ref: r.serial,
      rule: r.reason,
      remote: socket.remoteAddress,
      path: listener,
    });
    socket.destroy();
  });
  const off = pki.onCrlChange(() => {
    server.setSecureContext(tlsServerOptions(pki));
    log.info({ listener }, 'TLS listener now uses the new CRL');
  });
  return off;
}

type PeerStatus =
  { ok: true; identity: Identity } | { ok: false; reason: string; id?: string; serial?: string };

function hasCertificate(socket: TLSSocket): boolean {
  const peer = socket.getPeerCertificate(false);
  return !!peer && !!peer.raw;
}

function peerStatus(socket: TLSSocket, pki: Pki): PeerStatus {
  const has = hasCertificate(socket);
  if (!socket.authorized) {
    const err = socket.authorizationError as (Error & { code?: string }) | string | null | undefined;
    const code = typeof err === 'string' ? err : (err?.code ?? err?.message ?? '');
    return { ok: false, reason: has ? refusalReason(new Error(code)) : 'NO_CLIENT_CERT' };
  }
  if (!has) return { ok: false, reason: 'NO_CLIENT_CERT' };
  const identity = identityFromCert(socket.getPeerCertificate(false));
  if (pki.isRevoked(identity.certSerial!)) {
    return { ok: false, reason: 'CERT_REVOKED', id: identity.id, serial: identity.certSerial };
  }
  return { ok: true, identity };
}

export type PeerCheck = { ok: true; identity: Identity } | { ok: false; reason: string };

/**
 * Call on every accepted socket of a guarded server before reading from it: the identity from the client
 * certificate, or a reason to close (the guard has already logged and audited it and destroyed the socket).
 */
export function checkPeer(socket: TLSSocket, pki: Pki): PeerCheck {
  if (socket.destroyed) return { ok: false, reason: 'CLOSED' };
  const r = peerStatus(socket, pki);
  return r.ok ? r : { ok: false, reason: r.reason };
}
