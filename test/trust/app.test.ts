/**
 * The whole app as deployed: a phone enrolls on 8446 like ATAK, connects on 8089 with the certificate it got, and
 * exchanges labelled CoT with a plain local TCP client, whose own ceiling (the local operator's clearance) holds.
 */
import { fixture } from '../fixtures/cot/fixtures.js';
import { readFileSync } from 'node:fs';
import { connect, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createAudit } from '../../src/trust/audit.js';
import { generateKeys, keyToPem, x509 } from '../../src/trust/pki/crypto.js';
import {
  addUser,
  CotClient,
  counter,
  ENROLLMENT,
  freshXml,
  startTestApp,
  TLS_AND_API,
  type TestApp,
} from '../helpers/app.js';
import { waitFor } from './helpers.js';
import { basic, https } from './https.js';

const pli = fixture('atak-position-anonymised.xml').toString('utf8');
const withAttrs = (uid: string, attrs: string) =>
  freshXml(pli, { uid }).replace('<event ', `<event ${attrs} `);

describe(
  'app: enroll, connect over mutual TLS, labels between TLS and local TCP clients',
  { timeout: 90_000 },
  () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ ...TLS_AND_API, ...ENROLLMENT, 'trust.audit.denyWindowMs': 100 });
    });
    afterAll(async () => app.stop());

    it('works end to end', async () => {
      const ca = readFileSync(join(app.dir, 'pki', 'ca.pem'), 'utf8');
      const users = await addUser(app, 'vilkas', 'LTU', 'SECRET', 'pw-vilkas');
      const token = users.createToken('vilkas', 10);

      // ATAK: tls/config, CSR with the asked names, signClient/v2 with the one-time token.
      const enrollPort = app.ports.enrollment!;
      const config = await https(enrollPort, '/Marti/api/tls/config', { ca });
      expect(config.body).toContain('<nameEntry name="O"');
      const keys = await generateKeys();
      const csr = await x509.Pkcs10CertificateRequestGenerator.create({
        name: 'CN=vilkas, O=Baltic Wall, OU=Coalition',
        keys,
        signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5' },
      });
      const signed = await https(enrollPort, '/Marti/api/tls/signClient/v2?clientUid=ANDROID-77&version=3', {
        method: 'POST',
        ca,
        headers: { ...basic('vilkas', token), Accept: 'application/json' },
        body: Buffer.from(csr.rawData).toString('base64'),
      });
      expect(signed.status).toBe(200);
      const cert = x509.PemConverter.encode(
        Buffer.from((JSON.parse(signed.body) as { signedCert: string }).signedCert, 'base64'),
        'CERTIFICATE',
      );
      const key = await keyToPem(keys.privateKey);

      // 8089 with the enrolled certificate; a local operator on plain TCP (UNCLASSIFIED, group __ANON__).
      let tlsGot = '';
      const phone: TLSSocket = await new Promise((resolve, reject) => {
        const s = connect(
          { host: '127.0.0.1', port: app.ports.tls!, servername: 'localhost', ca, cert, key },
          () => resolve(s),
        );
        s.on('data', (d: Buffer) => (tlsGot += d.toString()));
        s.once('error', reject);
      });
      const local = await CotClient.connect(app.ports.tcp!);
      await waitFor(() => app.hub.sessions.clients() === 2, 10_000, 'both sessions');

      phone.write(withAttrs('t-secret', 'access="NATO SECRET" releasableTo="LTU"'));
      phone.write(freshXml(pli, { uid: 't-open' }));
      await local.waitUid('t-open');
      // Local operator tries to publish above its ceiling: rejected, counted, not delivered.
      const before = await counter(app, 'bw_rejected_total');
      local.send(withAttrs('t-local-secret', 'access="NATO SECRET"'));
      local.send(freshXml(pli, { uid: 't-local-open' }));
      await waitFor(() => tlsGot.includes('t-local-open'), 10_000, 'the local event at the phone');
      expect(tlsGot).not.toContain('t-local-secret');
      expect(local.events.map((e) => e.uid)).not.toContain('t-secret');
      expect(await counter(app, 'bw_rejected_total')).toBeGreaterThan(before);

      // The mTLS API knows the phone.
      const eps = await https(app.ports.api!, '/Marti/api/clientEndPoints', { ca, cert, key });
      expect(eps.status).toBe(200);

      // Audit: the enrollment, the TLS connection, the ingress rejection and the egress denial.
      const audit = createAudit(app.store);
      const want = ['cert-issue', 'enroll', 'connect', 'ingress-reject', 'egress-deny'];
      // The app's audit writes in batches (every 250 ms): wait for the batch that holds them all.
      await waitFor(
        () => {
          const kinds = new Set(audit.query().map((r) => r.kind));
          return want.every((k) => kinds.has(k as never));
        },
        5000,
        'the audit records',
      );
      expect(audit.query({ kind: 'egress-deny' }).map((r) => r.ref)).toContain('t-secret');
      expect(audit.query({ kind: 'ingress-reject' }).map((r) => [r.ref, r.rule])).toContainEqual([
        't-local-secret',
        'BW_LABEL_ABOVE_CEILING',
      ]);
      audit.close();
      phone.destroy();
      local.close();
    });
  },
);
