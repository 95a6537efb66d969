/**
 * A TAK Server federate for tests, built from TAK Server's fig.proto field numbers (a test-only .proto loaded with
 * @grpc/proto-loader, no code of src/codecs/fig), and the certificate of an inbound peer registered the way an
 * admin does (`federation add --out`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as loader from '@grpc/proto-loader';
import pino from 'pino';
import { sleep, type TestApp } from '../helpers/app.js';
import { addFederate } from '../../src/federation/admin.js';
import type { PeerConfig } from '../../src/federation/config.js';
import { ensurePki } from '../../src/trust/pki/store.js';

const PROTO = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', 'federation-conformance.proto');
const pkg = grpc.loadPackageDefinition(
  loader.loadSync(PROTO, { longs: Number, defaults: true, keepCase: true }),
) as unknown as { com: { atakmap: { FederatedChannel: grpc.ServiceClientConstructor } } };

export type Rec = Record<string, unknown>;
export type FigClient = grpc.Client & Record<string, (...a: unknown[]) => unknown>;
export interface PeerFiles {
  ca: string;
  cert: string;
  key: string;
}

export function connectFig(port: number, f: PeerFiles): FigClient {
  const creds = grpc.credentials.createSsl(Buffer.from(f.ca), Buffer.from(f.key), Buffer.from(f.cert));
  return new pkg.com.atakmap.FederatedChannel(`127.0.0.1:${port}`, creds) as unknown as FigClient;
}

/** The Subscription a TAK Server 5.4 with server id `serverId` opens its streams with. */
export function subscription(serverId: string): Rec {
  return {
    identity: { name: serverId, uid: `${serverId}-1`, type: 3, serverId },
    filter: '',
    version: { major: 5, minor: 4, patch: 0 },
  };
}

/** Register inbound peer `name` on `app` (its certificate from app's PKI) and wait until the hub has its link. */
export async function enrollPeer(
  app: TestApp,
  peer: Partial<PeerConfig> & { name: string },
): Promise<PeerFiles> {
  const out = join(app.dir, `out-${peer.name}`);
  const pki = await ensurePki(app.dir, app.config.trust, pino({ level: 'silent' }));
  await addFederate(app.dir, { role: 'inbound', clearance: 'SECRET', ...peer }, { pki, out });
  pki.close();
  const r = (f: string) => readFileSync(join(out, f), 'utf8');
  // The running hub reads the peers file within a second.
  for (let i = 0; i < 100 && !app.federation!.links().some((l) => l.name === peer.name); i++) await sleep(50);
  return { ca: r('ca.pem'), cert: r(`${peer.name}.pem`), key: r(`${peer.name}.key`) };
}

/** A GeoEvent as the federate sends it: a position now, `other` the detail XML. */
export function geo(uid: string, other = '<detail/>', extra: Rec = {}): Rec {
  const now = Date.now();
  return {
    sendTime: now,
    startTime: now,
    staleTime: now + 300_000,
    lat: 54.37,
    lon: 18.64,
    hae: 12,
    ce: 10,
    le: 10,
    uid,
    type: 'a-f-G-U-C',
    coordSource: 'm-g',
    other,
    ...extra,
  };
}
