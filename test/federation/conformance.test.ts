/**
 * Conformance: a client built from TAK Server's fig.proto field numbers (a test-only .proto loaded with
 * @grpc/proto-loader, no code of src/codecs/fig) drives our federation port the way a TAK Server federate does:
 * groups stream first, then events both ways, health checks, identity. Also: a foreign CA is refused, a message
 * that does not decode is skipped without dropping the stream, an unlabelled event gets the peer's default label.
 */
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CotClient, counter, sleep, type TestApp } from '../helpers/app.js';
import { ensurePki } from '../../src/trust/pki/store.js';
import { EE, position, startNationalHub } from './harness.js';
import {
  connectFig,
  enrollPeer,
  subscription,
  type FigClient,
  type PeerFiles,
  type Rec,
} from './fig-client.js';

const SUB = subscription('takserver-pl');

describe('conformance: a TAK Server federate from fig.proto field numbers', () => {
  let ee: TestApp;
  let files: PeerFiles;
  let client: FigClient;
  let local: CotClient;

  beforeAll(async () => {
    ee = await startNationalHub(EE);
    files = await enrollPeer(ee, {
      name: 'takserver-pl',
      nations: ['POL'],
      groupsIn: { 'POL-BG': '__ANON__' },
      groupsInDefault: ['nobody'],
      defaultLabel: { classification: 'RESTRICTED', releasableTo: ['POL', 'EST'] },
    });
    client = connectFig(ee.federation!.port!, files);
    local = await CotClient.connect(ee.ports.tcp!);
  }, 30_000);

  afterAll(async () => {
    client?.close();
    local?.close();
    await ee?.stop();
  });

  it('answers getIdentity with its server id', async () => {
    const id = await new Promise<Rec>((res, rej) =>
      client['getIdentity']!({}, (e: Error | null, v: Rec) => (e ? rej(e) : res(v))),
    );
    expect(id['serverId']).toBe('ee');
  });

  it('opens the groups stream with SERVING and its groups', async () => {
    const stream = client['ServerFederateGroupsStream']!(SUB) as grpc.ClientReadableStream<Rec>;
    stream.on('error', () => undefined);
    const got: Rec[] = [];
    await new Promise<void>((res) => {
      stream.on('data', (m: Rec) => {
        got.push(m);
        if (got.length === 2) res();
      });
    });
    stream.cancel();
    expect((got[0]!['streamUpdate'] as Rec)['status']).toBe(1);
    expect(got[1]!['federateGroups']).toEqual(['__ANON__']);
  });

  it('takes events on ServerEventStream, labels an unlabelled one, maps its group', async () => {
    const groups = client['ClientFederateGroupsStream']!(
      (e: Error | null) => e,
    ) as grpc.ClientWritableStream<Rec>;
    groups.on('error', () => undefined);
    groups.write({ federateGroups: ['POL-BG'] });
    const send = client['ServerEventStream']!((e: Error | null) => e) as grpc.ClientWritableStream<Rec>;
    send.on('error', () => undefined);
    const now = Date.now();
    send.write({
      event: {
        sendTime: now,
        startTime: now,
        staleTime: now + 300_000,
        lat: 54.37,
        lon: 18.64,
        hae: 12,
        ce: 10,
        le: 10,
        uid: 'PL-TRACK-1',
        type: 'a-f-G-U-C-I',
        coordSource: 'm-g',
        other: '<detail><contact callsign="ORZEL"/><remarks>from Gdansk</remarks></detail>',
        speed: 4.5,
        course: 90,
      },
      federateGroups: ['POL-BG'],
      federateProvenance: [{ federationServerId: 'takserver-pl', federationServerName: 'takserver-pl' }],
      federateHops: { maxHops: 3, currentHops: 1 },
    });
    const e = await local.waitUid('PL-TRACK-1');
    expect(e.access).toBe('NATO RESTRICTED');
    expect(e.releasableTo).toBe('EST,POL');
    expect(e.detail.contact?.callsign).toBe('ORZEL');
    expect(e.detail.elements.find((x) => x.name === 'track')!.xml).toBe('<track speed="4.5" course="90"/>');
    // An event without type or times does not decode into an event: skipped and counted, the stream stays up.
    send.write({ event: { uid: 'x', type: '' } });
    send.write({
      event: {
        sendTime: now,
        startTime: now,
        staleTime: now + 300_000,
        uid: 'PL-TRACK-2',
        type: 'a-f-G',
        other: '',
      },
      federateGroups: ['POL-BG'],
    });
    await local.waitUid('PL-TRACK-2');
    // A label above what the peer is cleared for is refused at ingress, as a client's would be.
    send.write({
      event: {
        sendTime: now,
        startTime: now,
        staleTime: now + 300_000,
        uid: 'PL-TOP',
        type: 'a-f-G',
        other: '<detail/>',
        access: 'NATO TOP SECRET',
        releaseableTo: 'EST',
      },
      federateGroups: ['POL-BG'],
    });
    for (
      let i = 0;
      i < 100 && !(await counter(ee, 'bw_fed_received_total', { result: 'BW_LABEL_ABOVE_CEILING' }));
      i++
    )
      await sleep(50);
    expect(await counter(ee, 'bw_fed_received_total', { result: 'BW_LABEL_ABOVE_CEILING' })).toBe(1);
    expect(local.events.some((x) => x.uid === 'PL-TOP')).toBe(false);
    expect(await counter(ee, 'bw_fed_received_total', { result: 'BW_FIG_BAD_PROTO' })).toBeGreaterThan(0);
    send.end();
    groups.end();
  });

  it('streams our events on ClientEventStream, with provenance and hops, and answers health checks', async () => {
    const recv = client['ClientEventStream']!(SUB) as grpc.ClientReadableStream<Rec>;
    recv.on('error', () => undefined);
    const got: Rec[] = [];
    recv.on('data', (m: Rec) => got.push(m));
    local.send(position('EE-FOR-PL', { access: 'NATO RESTRICTED', releasableTo: 'EST,POL' }));
    local.send(position('EE-NOT-PL', { access: 'NATO RESTRICTED', releasableTo: 'EST' }));
    local.send(position('EE-MARK'));
    for (let i = 0; i < 200 && !got.some((m) => (m['event'] as Rec)?.['uid'] === 'EE-MARK'); i++)
      await sleep(50);
    const m = got.find((x) => (x['event'] as Rec)?.['uid'] === 'EE-FOR-PL')!;
    const ev = m['event'] as Rec;
    expect(ev['releaseableTo']).toBe('EST,POL');
    expect(ev['access']).toBe('NATO RESTRICTED');
    expect(String(ev['other'])).toMatch(/^<detail>.*<remarks>unit EE-FOR-PL<\/remarks>.*<\/detail>$/);
    expect(String(ev['other'])).toContain('originatorConfidentialityLabel');
    expect(m['federateProvenance']).toEqual([{ federationServerId: 'ee', federationServerName: 'ee' }]);
    expect((m['federateHops'] as Rec)['currentHops']).toBe(1);
    expect(got.some((x) => (x['event'] as Rec)?.['uid'] === 'EE-NOT-PL')).toBe(false);
    // Its own event is never sent back to it.
    expect(got.some((x) => (x['event'] as Rec)?.['uid'] === 'PL-TRACK-1')).toBe(false);
    const h = await new Promise<Rec>((res, rej) =>
      client['HealthCheck']!({ status: 1 }, (e: Error | null, v: Rec) => (e ? rej(e) : res(v))),
    );
    expect(h['status']).toBe(1);
    recv.cancel();
  });

  it('refuses a federate whose certificate is from a CA nobody configured', async () => {
    // Another PKI's certificate: its CA is unknown to the hub.
    const other = await ensurePki(join(ee.dir, 'foreign'), ee.config.trust, pino({ level: 'silent' }));
    const c = await other.issueClient({
      id: 'intruder',
      kind: 'federate',
      clearance: 'SECRET',
      categories: [],
      groups: [],
    });
    other.close();
    const bad = connectFig(ee.federation!.port!, { ca: files.ca, cert: c.cert, key: c.key });
    const err = await new Promise<grpc.ServiceError>((res) =>
      bad['getIdentity']!({}, { deadline: Date.now() + 5000 }, (e: grpc.ServiceError) => res(e)),
    );
    bad.close();
    expect(err).toBeTruthy();
    expect([grpc.status.UNAVAILABLE, grpc.status.PERMISSION_DENIED, grpc.status.UNAUTHENTICATED]).toContain(
      err.code,
    );
  });
});
