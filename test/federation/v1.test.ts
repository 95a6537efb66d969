/**
 * TAK Server Federation v1 (FederatedEvent frames with a 4-byte length over mutual TLS, port 9000): two Baltic Wall
 * hubs federated over v1, and a v1 federate built from TAK Server's fig.proto field numbers with protobufjs (no
 * code of src/codecs/fig or src/federation), the way an older TAK Server federates.
 */
import { join } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CotClient, counter, sleep, type TestApp } from '../helpers/app.js';
import { chat, EE, federate, LV, position, startNationalHub, waitLink } from './harness.js';
import { enrollPeer, geo, type PeerFiles } from './fig-client.js';

const PROTO = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', 'federation-conformance.proto');
const FedEvent = protobuf.loadSync(PROTO).lookupType('com.atakmap.FedEvent');

/** A v1 federate: raw TLS, each message a FedEvent after its length (uint32 big-endian). */
class V1Federate {
  readonly got: Record<string, unknown>[] = [];
  private buf = Buffer.alloc(0);
  closed = false;
  private constructor(readonly socket: tls.TLSSocket) {
    socket.on('data', (c: Buffer) => {
      this.buf = Buffer.concat([this.buf, c]);
      while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readUInt32BE(0)) {
        const n = this.buf.readUInt32BE(0);
        const m = FedEvent.decode(this.buf.subarray(4, 4 + n));
        this.got.push(FedEvent.toObject(m, { longs: Number, defaults: true }));
        this.buf = this.buf.subarray(4 + n);
      }
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  static connect(port: number, f: PeerFiles): Promise<V1Federate> {
    return new Promise((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port, ca: f.ca, cert: f.cert, key: f.key });
      s.once('secureConnect', () => resolve(new V1Federate(s)));
      s.once('error', reject);
    });
  }

  send(msg: Record<string, unknown>): void {
    const body = FedEvent.encode(FedEvent.fromObject(msg)).finish();
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    this.socket.write(Buffer.concat([len, body]));
  }

  uids(): unknown[] {
    return this.got.map((m) => (m['event'] as Record<string, unknown> | undefined)?.['uid']);
  }
}

async function until(f: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('Federation v1', () => {
  let ee: TestApp;
  let lv: TestApp;
  let eeClient: CotClient;
  let lvClient: CotClient;

  beforeAll(async () => {
    ee = await startNationalHub(EE, { 'federation.v1.enabled': true, 'federation.v1.port': 0 });
    lv = await startNationalHub(LV);
    await federate(ee, lv, { port: ee.federation!.v1Port!, clientSide: { protocol: 'v1' } });
    await Promise.all([waitLink(lv, 'ee'), waitLink(ee, 'lv')]);
    eeClient = await CotClient.connect(ee.ports.tcp!);
    lvClient = await CotClient.connect(lv.ports.tcp!);
  }, 30_000);

  afterAll(async () => {
    eeClient?.close();
    lvClient?.close();
    await lv?.stop();
    await ee?.stop();
  });

  it('links two hubs: positions and chat both ways, labels enforced at the border', async () => {
    eeClient.send(position('EE-V1'));
    const got = await lvClient.waitUid('EE-V1');
    expect(got.detail.elements.find((e) => e.name === 'x-custom')!.xml).toBe(
      '<x-custom a="1"><y>keep me</y></x-custom>',
    );
    lvClient.send(chat('v1-1', 'over v1'));
    expect((await eeClient.waitUid('GeoChat.SENDER.All Chat Rooms.v1-1')).detail.remarks?.text).toBe(
      'over v1',
    );
    eeClient.send(position('EE-V1-EST-ONLY', { access: 'NATO RESTRICTED', releasableTo: 'EST' }));
    eeClient.send(position('EE-V1-MARK'));
    await lvClient.waitUid('EE-V1-MARK');
    expect(lvClient.events.some((e) => e.uid === 'EE-V1-EST-ONLY')).toBe(false);
    expect(await counter(ee, 'bw_egress_denied_total', { path: 'federation' })).toBeGreaterThan(0);
  });

  it('confirms what was sent while the connection stays up, and shows the protocol', async () => {
    expect(ee.federation!.links().find((l) => l.name === 'lv')!.protocol).toBe('v1');
    await until(() => ee.federation!.links().find((l) => l.name === 'lv')!.unconfirmed === 0, 'confirmation');
    await until(() => lv.federation!.links().find((l) => l.name === 'ee')!.unconfirmed === 0, 'confirmation');
  });

  it('talks to a v1 federate built from fig.proto field numbers', async () => {
    const files = await enrollPeer(ee, {
      name: 'takserver-v1',
      nations: ['POL'],
      defaultLabel: { classification: 'UNCLASSIFIED', releasableTo: ['POL', 'EST'] },
    });
    const fed = await V1Federate.connect(ee.federation!.v1Port!, files);
    await until(() => ee.federation!.links().find((l) => l.name === 'takserver-v1')!.connected, 'v1 link up');
    fed.send({
      event: geo('PL-V1', '<detail><contact callsign="ORZEL"/><x-pl b="2"/></detail>'),
      federateProvenance: [{ federationServerId: 'takserver-v1' }],
    });
    const e = await eeClient.waitUid('PL-V1');
    expect(e.releasableTo).toBe('EST,POL');
    expect(e.detail.elements.find((x) => x.name === 'x-pl')!.xml).toBe('<x-pl b="2"/>');
    eeClient.send(position('EE-TO-PL', { access: 'NATO RESTRICTED', releasableTo: 'EST,POL' }));
    eeClient.send(position('EE-NOT-PL', { access: 'NATO RESTRICTED', releasableTo: 'EST,LVA' }));
    eeClient.send(position('EE-PL-MARK', { access: 'NATO RESTRICTED', releasableTo: 'EST,POL' }));
    await until(() => fed.uids().includes('EE-PL-MARK'), 'our events at the v1 federate');
    expect(fed.uids()).toContain('EE-TO-PL');
    expect(fed.uids()).not.toContain('EE-NOT-PL');
    expect(fed.uids()).not.toContain('PL-V1');
    const m = fed.got.find((x) => (x['event'] as Record<string, unknown>)['uid'] === 'EE-TO-PL')!;
    expect((m['event'] as Record<string, unknown>)['releaseableTo']).toBe('EST,POL');
    // A frame that says it is longer than any message closes the connection, as TAK Server does; the hub stays up.
    fed.socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    await until(() => fed.closed, 'the v1 connection to close');
    expect(
      await counter(ee, 'bw_fed_received_total', { peer: 'takserver-v1', result: 'BW_FIG_BAD_PROTO' }),
    ).toBe(1);
    eeClient.send(position('EE-STILL-UP'));
    await lvClient.waitUid('EE-STILL-UP');
  });

  it('refuses a v1 caller whose certificate no configured CA issued', async () => {
    const pino = (await import('pino')).default;
    const { ensurePki } = await import('../../src/trust/pki/store.js');
    const other = await ensurePki(join(ee.dir, 'foreign-v1'), ee.config.trust, pino({ level: 'silent' }));
    const c = await other.issueClient({
      id: 'intruder',
      kind: 'federate',
      clearance: 'SECRET',
      categories: [],
      groups: [],
    });
    other.close();
    const ca = (await enrollPeer(ee, { name: 'unused-v1' })).ca;
    const refused = await new Promise<boolean>((resolve) => {
      const s = tls.connect({
        host: '127.0.0.1',
        port: ee.federation!.v1Port!,
        ca,
        cert: c.cert,
        key: c.key,
      });
      s.on('error', () => resolve(true));
      s.on('close', () => resolve(true));
      s.on('data', () => resolve(false));
    });
    expect(refused).toBe(true);
    expect(await counter(ee, 'bw_fed_refused_total', { reason: 'TLS' })).toBeGreaterThan(0);
    expect(ee.federation!.links().find((l) => l.name === 'unused-v1')!.connected).toBe(false);
  });
});
