/**
 * A throw-away server certificate for TLS runs: a self-signed certificate for 127.0.0.1 whose PEM doubles as the CA
 * the generator pins. Keys come from node:crypto (native, fast); node-forge only assembles the certificate.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import forge from 'node-forge';

export interface TlsMaterial {
  keyFile: string;
  certFile: string;
  caPem: string;
  /** Remove the key and certificate files. */
  remove(): void;
}

export async function makeTlsMaterial(): Promise<TlsMaterial> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  const name = [{ name: 'commonName', value: '127.0.0.1' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  const pem = forge.pki.certificateToPem(cert);
  const dir = mkdtempSync(path.join(tmpdir(), 'bw-bench-tls-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  writeFileSync(keyFile, privateKey, { mode: 0o600 });
  writeFileSync(certFile, pem);
  return { keyFile, certFile, caPem: pem, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
