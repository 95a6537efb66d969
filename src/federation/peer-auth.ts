/**
 * Which configured peer a federation caller is, from its TLS client certificate: the one rule for both listeners
 * (v2 gRPC and v1 raw TLS). A certificate issued by our CA names an inbound peer by its CN and must not be revoked;
 * otherwise it must chain to the CA configured for exactly one inbound peer (a TAK Server with its own PKI).
 */
import { X509Certificate } from 'node:crypto';
import type { Link } from './link.js';

export interface PeerAuthDeps {
  /** Our CA (PEM). */
  ca: string;
  isRevoked(serial: string): boolean;
  /** CAs of peers with their own PKI (PEM), by peer name. */
  peerCas(): Map<string, string>;
  /** The inbound link of a peer name, if configured and enabled. */
  inbound(name: string): Link | undefined;
}

export type PeerRefusal =
  'NO_CLIENT_CERT' | 'CERT_REVOKED' | 'UNKNOWN_PEER' | 'AMBIGUOUS_PEER' | 'UNKNOWN_CA';

export function identifyPeer(
  d: PeerAuthDeps,
  raw: Buffer | undefined,
): { link: Link; cn: string; serial: string } | { refused: PeerRefusal; cn?: string } {
  if (!raw || raw.length === 0) return { refused: 'NO_CLIENT_CERT' };
  const cert = new X509Certificate(raw);
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1] ?? '';
  const serial = cert.serialNumber.toLowerCase();
  const ours = new X509Certificate(d.ca);
  if (cert.checkIssued(ours) && cert.verify(ours.publicKey)) {
    if (d.isRevoked(serial)) return { refused: 'CERT_REVOKED', cn };
    const link = d.inbound(cn);
    return link ? { link, cn, serial } : { refused: 'UNKNOWN_PEER', cn };
  }
  const matches: Link[] = [];
  for (const [name, pem] of d.peerCas()) {
    const ca = new X509Certificate(pem);
    const link = d.inbound(name);
    if (link && cert.checkIssued(ca) && cert.verify(ca.publicKey)) matches.push(link);
  }
  const link = matches.length > 1 ? matches.find((l) => l.name === cn) : matches[0];
  return link ? { link, cn, serial } : { refused: matches.length ? 'AMBIGUOUS_PEER' : 'UNKNOWN_CA', cn };
}
