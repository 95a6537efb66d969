/**
 * Peers added at run time: `<dataDir>/federation/peers.json`, written by `balticwall federation add|remove` and
 * read by the running hub within a second (no restart). Peers of the config file come first; a file peer with the
 * same name is ignored.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { peerConfig, type PeerConfig } from './config.js';

export const fedDir = (dataDir: string) => join(dataDir, 'federation');
export const peersFile = (dataDir: string) => join(fedDir(dataDir), 'peers.json');
export const statusFile = (dataDir: string) => join(fedDir(dataDir), 'status.json');

/** The peers in the file (invalid entries make the whole file an error: the caller logs it and keeps the old set). */
export function readPeersFile(dataDir: string): PeerConfig[] {
  const f = peersFile(dataDir);
  if (!existsSync(f)) return [];
  return z.array(peerConfig).parse(JSON.parse(readFileSync(f, 'utf8')));
}

export function writePeersFile(dataDir: string, peers: PeerConfig[]): void {
  mkdirSync(fedDir(dataDir), { recursive: true });
  const f = peersFile(dataDir);
  const tmp = `${f}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(peers, null, 2) + '\n');
  renameSync(tmp, f);
}

export function mergePeers(fromConfig: PeerConfig[], fromFile: PeerConfig[]): PeerConfig[] {
  const names = new Set(fromConfig.map((p) => p.name));
  return [...fromConfig, ...fromFile.filter((p) => !names.has(p.name))];
}
