/**
 * NATS connection options from the `cluster.nats` configuration: servers, credentials (user and password, token,
 * nkey seed or a credentials file) and TLS. The client reconnects for ever; the node stays up without NATS.
 */
import { readFileSync } from 'node:fs';
import {
  credsAuthenticator,
  nkeyAuthenticator,
  type Authenticator,
  type ConnectionOptions,
} from '@nats-io/transport-node';
import type { ClusterConfig } from './config.js';

export function connectionOptions(cfg: ClusterConfig, node: string): ConnectionOptions {
  const n = cfg.nats;
  const o: ConnectionOptions = {
    servers: [...n.servers],
    name: `balticwall-${node}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
    // A server that vanished without closing the socket (a cut cable) is noticed within about 15 s.
    pingInterval: 5000,
    maxPingOut: 3,
  };
  if (n.user !== undefined) o.user = n.user;
  if (n.password !== undefined) o.pass = n.password;
  if (n.token !== undefined) o.token = n.token;
  const auth: Authenticator[] = [];
  if (n.nkeySeedFile) auth.push(nkeyAuthenticator(readSecret(n.nkeySeedFile)));
  if (n.credsFile) auth.push(credsAuthenticator(readSecret(n.credsFile)));
  if (auth.length) o.authenticator = auth;
  if (n.tls) {
    o.tls = {
      ...(n.tls.caFile ? { caFile: n.tls.caFile } : {}),
      ...(n.tls.certFile ? { certFile: n.tls.certFile } : {}),
      ...(n.tls.keyFile ? { keyFile: n.tls.keyFile } : {}),
    };
  }
  return o;
}

function readSecret(file: string): Uint8Array {
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}
