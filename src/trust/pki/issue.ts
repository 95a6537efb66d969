/** Certificate issuance: the CA, the server certificate, client certificates (new key or from a CSR). */
import { isIP } from 'node:net';
import {
  certToPem,
  generateKeys,
  keyFromPem,
  keyToPem,
  randomSerial,
  SIGNING,
  x509,
  type CryptoKey,
} from './crypto.js';
import { identityExtension, identitySubject, type IdentitySpec } from './binding.js';

/** A certificate and its private key, both PEM. */
export interface KeyedCert {
  cert: string;
  key: string;
}

const DAY = 86_400_000;

function validity(days: number): { notBefore: Date; notAfter: Date } {
  // Back-date a little: phones with slightly wrong clocks must not see a "not yet valid" certificate.
  const now = Date.now();
  return { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + days * DAY) };
}

/** A self-signed root CA (basicConstraints CA, keyCertSign + cRLSign). */
export async function createCa(name: string, days: number): Promise<KeyedCert> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [{ CN: [name] }, { O: ['Baltic Wall'] }],
    ...validity(days),
    keys,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: certToPem(cert), key: await keyToPem(keys.privateKey) };
}

interface Signer {
  cert: x509.X509Certificate;
  key: CryptoKey;
}

async function signer(ca: KeyedCert): Promise<Signer> {
  return { cert: new x509.X509Certificate(ca.cert), key: await keyFromPem(ca.key) };
}

async function commonExtensions(s: Signer, publicKey: CryptoKey | x509.PublicKey): Promise<x509.Extension[]> {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    await x509.AuthorityKeyIdentifierExtension.create(s.cert, false),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
  ];
}

/** The server certificate for the TLS listeners: SANs are the given host names and IP addresses. */
export async function issueServerCert(ca: KeyedCert, hosts: string[], days: number): Promise<KeyedCert> {
  const s = await signer(ca);
  const keys = await generateKeys();
  const names = [...new Set(hosts)].map((h) =>
    isIP(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h },
  );
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${hosts[0] ?? 'localhost'}, O=Baltic Wall`,
    issuer: s.cert.subject,
    ...validity(days),
    publicKey: keys.publicKey,
    signingKey: s.key,
    signingAlgorithm: SIGNING,
    extensions: [
      ...(await commonExtensions(s, keys.publicKey)),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
    ],
  });
  return { cert: certToPem(cert), key: await keyToPem(keys.privateKey) };
}

async function signClient(
  s: Signer,
  spec: IdentitySpec,
  publicKey: CryptoKey | x509.PublicKey,
  organization: string,
  days: number,
): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: identitySubject(spec, organization),
    issuer: s.cert.subject,
    ...validity(days),
    publicKey,
    signingKey: s.key,
    signingAlgorithm: SIGNING,
    extensions: [
      ...(await commonExtensions(s, publicKey)),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      identityExtension(spec),
    ],
  });
}

/** A client certificate with a fresh key pair (for data packages made by the operator). */
export async function issueClientCert(
  ca: KeyedCert,
  spec: IdentitySpec,
  organization: string,
  days: number,
): Promise<KeyedCert> {
  const s = await signer(ca);
  const keys = await generateKeys();
  const cert = await signClient(s, spec, keys.publicKey, organization, days);
  return { cert: certToPem(cert), key: await keyToPem(keys.privateKey) };
}

/**
 * Sign a client's CSR (enrollment). The CSR's signature must verify (proof of key possession); its subject is
 * replaced by the identity the server vouches for, so a client cannot choose its own nation or clearance.
 */
export async function signCsr(
  ca: KeyedCert,
  csr: x509.Pkcs10CertificateRequest,
  spec: IdentitySpec,
  organization: string,
  days: number,
): Promise<string> {
  const s = await signer(ca);
  const cert = await signClient(s, spec, csr.publicKey, organization, days);
  return certToPem(cert);
}
