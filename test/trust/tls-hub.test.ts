/**
 * End to end over real TLS: the hub's own 8089 listener (startTls) with startTrust's options, certificates for three
 * nations, labelled CoT between them; a revocation closes the revoked client's open session and refuses it after.
 */
import { fixture } from '../fixtures/cot/fixtures.js';
import { connect, type TLSSocket } from 'node:tls';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/app/config.js';
import { encodeCotStream } from '../../src/codecs/cot/encode.js';
import { buildPong } from '../../src/codecs/cot/negotiation.js';
import { encodeTakStream } from '../../src/codecs/takproto/index.js';
import { Hub } from '../../src/hub/hub.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { openStore, type Store } from '../../src/store/db.js';
import { startTls, type Listener } from '../../src/transports/listeners.js';
import { Admission } from '../../src/ops/admission.js';
import { startTrust, type Trust } from '../../src/trust/index.js';
import { tempDir, waitFor } from './helpers.js';

const pli = fixture('atak-position-anonymised.xml').toString('utf8');
const log = pino({ level: 'silent' });

function cot(uid: string, attrs = ''): string {
  const now = new Date();
  const stale = new Date(now.getTime() + 600_000);
  return pli
    .replace(/uid=(['"])[^'"]*\1/, `uid="${uid}"`)
    .replace(/ time=(['"])[^'"]*\1/, ` time="${now.toISOString()}"`)
    .replace(/ start=(['"])[^'"]*\1/, ` start="${now.toISOString()}"`)
    .replace(/ stale=(['"])[^'"]*\1/, ` stale="${stale.toISOString()}"`)
    .replace('<event ', `<event ${attrs} `)
    .replace(/^<\?xml[^>]*>\s*/, '');
}

class Client {
  got = '';
  closed = false;
  constructor(readonly s: TLSSocket) {
    s.setEncoding('utf8');
    s.on('data', (d: string) => (this.got += d));
    s.on('close', () => (this.closed = true));
    s.on('error', () => {});
  }
  uids(): string[] {
    return [...this.got.matchAll(/<event [^>]*?uid=['"]([^'"]+)['"]/g)]
      .map((m) => m[1]!)
      .filter((u) => u.startsWith('t-'));
  }
}

function open(port: number, ca: string, cert: string, key: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, servername: 'localhost', ca, cert, key }, () =>
      resolve(new Client(s)),
    );
    s.once('error', reject);
  });
}
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('hub over mutual TLS with labels', { timeout: 90_000 }, () => {
  const tmp = tempDir();
  let store: Store;
  let hub: Hub;
  let trust: Trust;
  let listener: Listener;
  const certs: Record<string, { cert: string; key: string; serial: string }> = {};

  beforeAll(async () => {
    const config = validateConfig({
      dataDir: tmp.dir,
      trust: {
        enrollment: { port: 0, host: '127.0.0.1' },
        api: { port: 0, host: '127.0.0.1' },
        labels: {
          rules: [
            {
              match: { nation: 'LTU' },
              default: { classification: 'RESTRICTED', releasableTo: ['LTU', 'LVA', 'POL'] },
            },
          ],
        },
      },
    });
    store = openStore(config.dataDir);
    const metrics = createMetrics({ defaults: false });
    hub = new Hub({
      hubId: 't',
      log,
      metrics,
      encoders: { 'cot-xml': encodeCotStream, 'tak-stream': encodeTakStream },
      queueLimit: 1000,
      sessionsPerIdentity: 3,
      pong: buildPong,
    });
    trust = await startTrust({ dataDir: config.dataDir, cfg: config.trust, store, log, hub });
    const l = await startTls(
      { hub, log, metrics, limits: config.limits },
      {
        host: '127.0.0.1',
        port: 0,
        maxConnections: 100,
        admission: new Admission({
          handshakeTimeoutMs: 5000,
          acceptPerSecond: 100,
          acceptPerSecondPerAddress: 100,
          maxPending: 0,
          maxPendingPerAddress: 0,
        }),
        secure: trust.tlsOptions(),
        handshakeTimeoutMs: 5000,
        identityOf: (s) => trust.identityOf(s),
      },
    );
    trust.guardStream(l.server);
    listener = l;
    const base = { kind: 'user' as const, categories: [], groups: ['Blue'] };
    certs['ltu'] = await trust.pki.issueClient({ ...base, id: 'ltu', nation: 'LTU', clearance: 'SECRET' });
    certs['pol'] = await trust.pki.issueClient({ ...base, id: 'pol', nation: 'POL', clearance: 'SECRET' });
    certs['lva'] = await trust.pki.issueClient({
      ...base,
      id: 'lva',
      nation: 'LVA',
      clearance: 'RESTRICTED',
    });
  });
  afterAll(async () => {
    await listener.close();
    await trust.close();
    store.close();
    tmp.cleanup();
  });

  it('delivers by label, closes a revoked session and refuses it after', async () => {
    const c = (n: string) => open(listener.port, trust.pki.ca, certs[n]!.cert, certs[n]!.key);
    const [ltu, pol, lva] = [await c('ltu'), await c('pol'), await c('lva')];
    await waitFor(() => hub.sessions.clients() === 3, 10_000, 'three sessions');
    ltu.s.write(cot('t-secret', 'access="NATO SECRET" releasableTo="LTU,POL"'));
    ltu.s.write(cot('t-default'));
    // Wider than the LTU floor (DEU is not in it): rejected with a reason, delivered to nobody.
    ltu.s.write(cot('t-wider', 'access="NATO RESTRICTED" releasableTo="LTU,DEU"'));
    pol.s.write(cot('t-pol-open'));
    await waitFor(
      () => lva.uids().length >= 2 && pol.uids().length >= 2 && ltu.uids().length >= 1,
      10_000,
      'deliveries',
    );
    await wait(100); // anything that should not arrive has had its chance
    expect(pol.uids().sort()).toEqual(['t-default', 't-secret']);
    expect(lva.uids().sort()).toEqual(['t-default', 't-pol-open']);
    expect(ltu.uids()).toEqual(['t-pol-open']);
    expect(lva.got).toContain('access="NATO RESTRICTED"');
    expect(lva.got).toContain('originatorConfidentialityLabel');
    // An egress denial is in the audit trail, without content.
    const denied = trust.audit.query({ kind: 'egress-deny', identity: 'lva' });
    expect(denied.map((r) => [r.ref, r.rule])).toContainEqual(['t-secret', 'clearance']);
    expect(
      trust.audit
        .query({ kind: 'connect' })
        .map((r) => r.actor)
        .sort(),
    ).toEqual(['ltu', 'lva', 'pol']);
    expect(trust.audit.query({ kind: 'ingress-reject' }).map((r) => [r.ref, r.rule])).toEqual([
      ['t-wider', 'BW_LABEL_BELOW_FLOOR'],
    ]);

    await trust.pki.revoke(certs['pol']!.serial, 'keyCompromise');
    await waitFor(() => pol.closed, 10_000, 'the revoked session to close');
    const again = await c('pol').then(
      async (cl) => {
        await waitFor(() => cl.closed, 10_000, 'the revoked client to be refused');
        return cl.closed;
      },
      () => true,
    );
    expect(again).toBe(true);
    expect(trust.audit.query({ kind: 'tls-refused' }).map((r) => r.rule)).toContain('CERT_REVOKED');
    ltu.s.destroy();
    lva.s.destroy();
    await waitFor(
      () => trust.audit.query({ kind: 'disconnect', identity: 'ltu' }).length === 1,
      5000,
      'the disconnect record',
    );
    expect(trust.audit.query({ kind: 'disconnect', identity: 'pol' }).map((r) => r.rule)).toContain(
      'CERT_REVOKED',
    );
  });
});
