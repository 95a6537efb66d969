/** Certificate revocation lists signed by our CA. */
import { keyFromPem, SIGNING, x509 } from './crypto.js';
import type { KeyedCert } from './issue.js';

export interface Revoked {
  serial: string;
  at: number;
  reason?: keyof typeof x509.X509CrlReason;
}

/** A PEM CRL listing `revoked`, valid until `nextUpdate` (OpenSSL refuses every peer once a CRL has expired). */
export async function buildCrl(
  ca: KeyedCert,
  revoked: readonly Revoked[],
  nextUpdate: Date,
): Promise<string> {
  const caCert = new x509.X509Certificate(ca.cert);
  const crl = await x509.X509CrlGenerator.create({
    issuer: caCert.subject,
    thisUpdate: new Date(Date.now() - 60_000),
    nextUpdate,
    signingKey: await keyFromPem(ca.key),
    signingAlgorithm: SIGNING,
    extensions: [await x509.AuthorityKeyIdentifierExtension.create(caCert, false)],
    entries: revoked.map((r) => ({
      serialNumber: r.serial,
      revocationDate: new Date(r.at),
      reason: r.reason ? x509.X509CrlReason[r.reason] : x509.X509CrlReason.unspecified,
    })),
  });
  // OpenSSL only reads the "X509 CRL" PEM label; the library writes "CRL".
  return x509.PemConverter.encode(crl.rawData, 'X509 CRL') + '\n';
}
