/** Enroll a phone as ATAK does (a one-time token, a CSR, signClient/v2), for the video tests over mutual TLS. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { generateKeys, keyToPem, x509 } from '../../../src/trust/pki/crypto.js';
import { createUserStore } from '../../../src/trust/users.js';
import type { TestApp } from '../../helpers/app.js';
import { basic, https } from '../../trust/https.js';

export interface Phone {
  ca: string;
  cert: string;
  key: string;
}

/** Enroll as ATAK does: a one-time token, a CSR, signClient/v2. */
export async function enroll(app: TestApp, id: string, nation: string): Promise<Phone> {
  const ca = readFileSync(join(app.dir, 'pki', 'ca.pem'), 'utf8');
  const users = createUserStore(app.store, app.config.trust.enrollment);
  const spec = { kind: 'user' as const, clearance: 'SECRET' as const, categories: [], groups: ['__ANON__'] };
  await users.add({ ...spec, id, nation }, `pw-${id}`);
  const token = users.createToken(id, 10);
  const keys = await generateKeys();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${id}, O=Baltic Wall, OU=Coalition`,
    keys,
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5' },
  });
  const signed = await https(app.ports.enrollment!, `/Marti/api/tls/signClient/v2?clientUid=ANDROID-${id}`, {
    method: 'POST',
    ca,
    headers: { ...basic(id, token), Accept: 'application/json' },
    body: Buffer.from(csr.rawData).toString('base64'),
  });
  expect(signed.status).toBe(200);
  const cert = x509.PemConverter.encode(
    Buffer.from((JSON.parse(signed.body) as { signedCert: string }).signedCert, 'base64'),
    'CERTIFICATE',
  );
  return { ca, cert, key: await keyToPem(keys.privateKey) };
}
