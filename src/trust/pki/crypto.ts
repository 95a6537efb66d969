/**
 * Key and PEM helpers shared by the PKI. @peculiar/x509 resolves its services through tsyringe, which needs the
 * reflect-metadata polyfill loaded first; it then uses Node's WebCrypto. The
 * WebCrypto types come from node:crypto's `webcrypto` namespace: the server is compiled without DOM types.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto); // the same object as node:crypto's webcrypto

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

export { x509 };

/**
 * RSA-2048 with SHA-256 for every key: what ATAK, WinTAK and iTAK are known to import and what TAK Server issues;
 * EC keys are not accepted by every client release.
 */
export const RSA: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

export const SIGNING: webcrypto.Algorithm = { name: 'RSASSA-PKCS1-v1_5' };

export async function generateKeys(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']);
}

/** PKCS#8 PEM of a private key. */
export async function keyToPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY') + '\n';
}

/** Import a PKCS#8 PEM private key for signing. */
export async function keyFromPem(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return webcrypto.subtle.importKey('pkcs8', der, RSA, true, ['sign']);
}

export function certToPem(cert: x509.X509Certificate): string {
  return cert.toString('pem') + '\n';
}

/** A random positive 16-byte serial number in hex (RFC 5280 allows up to 20 bytes). */
export function randomSerial(): string {
  const b = webcrypto.getRandomValues(new Uint8Array(16));
  b[0] = (b[0]! & 0x7f) | 0x01;
  return Buffer.from(b).toString('hex');
}
