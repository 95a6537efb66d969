/**
 * PKCS#12 files for TAK clients, written with node-forge. ATAK, WinTAK and iTAK import the legacy profile reliably:
 * keys and certificates encrypted with pbeWithSHAAnd3-KeyTripleDES-CBC, SHA-1 MAC, 2048 iterations. AES-256/PBES2
 * files (OpenSSL 3's default) are refused by older ATAK releases' Bouncy Castle key store, so we do not write them.
 * Debian's `openssl pkcs12` reads this profile without the legacy provider.
 */
import forge from 'node-forge';

const P12_OPTIONS = { algorithm: '3des', count: 2048, saltSize: 8, useMac: true } as const;

function toBuffer(asn1: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/** Client identity file: private key + certificate (+ the CA chain), under `friendlyName`. */
export function clientP12(
  certPem: string,
  keyPem: string,
  chainPem: string[],
  password: string,
  friendlyName: string,
): Buffer {
  const key = forge.pki.privateKeyFromPem(keyPem);
  const certs = [certPem, ...chainPem].map((p) => forge.pki.certificateFromPem(p));
  return toBuffer(forge.pkcs12.toPkcs12Asn1(key, certs, password, { ...P12_OPTIONS, friendlyName }));
}

/** Truststore: the CA certificate(s) only, no key. */
export function truststoreP12(caPems: string[], password: string, friendlyName: string): Buffer {
  const certs = caPems.map((p) => forge.pki.certificateFromPem(p));
  return toBuffer(forge.pkcs12.toPkcs12Asn1(null, certs, password, { ...P12_OPTIONS, friendlyName }));
}
