/**
 * Federate administration shared by the CLI and the tests: register a peer in the peers file (a running hub picks
 * it up within a second) and, for an inbound peer, issue its client certificate from our PKI and write what its
 * admin needs: certificate and key (PEM and PKCS#12) and our CA (PEM and a PKCS#12 truststore).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Pki } from '../trust/pki/store.js';
import { clientP12, truststoreP12 } from '../trust/pki/p12.js';
import { peerConfig, type PeerConfig } from './config.js';
import { readPeersFile, writePeersFile } from './peers.js';

export interface AddResult {
  peer: PeerConfig;
  files: string[];
  serial?: string;
}

/**
 * Add (or replace) a peer. With `out` and role inbound, issue its certificate (kind federate, CN = the peer's
 * name, its first nation and clearance bound in) and write the files there.
 */
export async function addFederate(
  dataDir: string,
  input: Partial<PeerConfig> & { name: string },
  opts: { pki?: Pki; out?: string; p12Password?: string } = {},
): Promise<AddResult> {
  const peer = peerConfig.parse(input);
  const files: string[] = [];
  let serial: string | undefined;
  if (opts.out && opts.pki && peer.role === 'inbound') {
    const pki = opts.pki;
    const c = await pki.issueClient(
      {
        id: peer.name,
        kind: 'federate',
        ...(peer.nations[0] ? { nation: peer.nations[0] } : {}),
        clearance: peer.clearance,
        categories: [...peer.nations.slice(1), ...peer.categories],
        groups: [],
      },
      'federation',
    );
    serial = c.serial;
    const pw = opts.p12Password ?? 'atakatak';
    const dir = resolve(opts.out);
    mkdirSync(dir, { recursive: true });
    const put = (name: string, data: string | Buffer, mode = 0o644) => {
      writeFileSync(join(dir, name), data, { mode });
      files.push(join(dir, name));
    };
    put(`${peer.name}.pem`, c.cert);
    put(`${peer.name}.key`, c.key, 0o600);
    put(`${peer.name}.p12`, clientP12(c.cert, c.key, [pki.ca], pw, peer.name), 0o600);
    put('ca.pem', pki.ca);
    put('truststore.p12', truststoreP12([pki.ca], pw, 'truststore'));
  }
  const peers = readPeersFile(dataDir).filter((p) => p.name !== peer.name);
  writePeersFile(dataDir, [...peers, peer]);
  return serial ? { peer, files, serial } : { peer, files };
}

/** Remove a peer from the peers file; true when it was there. The running hub drops its link and queue. */
export function removeFederate(dataDir: string, name: string): boolean {
  const peers = readPeersFile(dataDir);
  const rest = peers.filter((p) => p.name !== name);
  if (rest.length === peers.length) return false;
  writePeersFile(dataDir, rest);
  return true;
}
