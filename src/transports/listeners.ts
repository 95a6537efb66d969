/**
 * TCP (8087, loopback by default) and TLS (8089) streaming listeners. Both hand each accepted socket to
 * handleStream; they differ only in how the peer's identity is found. Every socket first passes the process's
 * admission (ops/admission.ts): fair accept budgets, the handshake deadline and the descriptor reserve.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Identity } from '../model/identity.js';
import type { Admission } from '../ops/admission.js';
import { handleStream, type StreamDeps } from './stream.js';

export interface Listener {
  readonly port: number;
  close(): Promise<void>;
}

export interface ListenOptions {
  host: string;
  port: number;
  maxConnections: number;
  /** Shared by every listener of the process. */
  admission: Admission;
}

function guard(server: net.Server, deps: StreamDeps, o: ListenOptions, transport: string): void {
  server.maxConnections = o.maxConnections;
  server.on('drop', () => deps.metrics.rejected.inc({ code: 'BW_ACCEPT_RATE' }));
  server.on('error', (err) => deps.log.error({ err, transport }, 'listener error'));
}

/**
 * Pending connections the kernel may hold for us (Linux caps it at net.core.somaxconn, 4096 on current kernels).
 * Node's default is 511: a burst of connects while the event loop is busy overflows it, and the kernel then drops
 * the client's handshake ACK, so a client may believe it is connected and be reset later (ListenOverflows).
 */
const BACKLOG = 4096;

function listen(server: net.Server, o: ListenOptions): Promise<Listener> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: o.port, host: o.host, backlog: BACKLOG }, () => {
      server.off('error', reject);
      const addr = server.address() as net.AddressInfo;
      resolve({
        port: addr.port,
        // Stop accepting; sockets still open get end() (their queued bytes go out) and are destroyed after a
        // grace period.
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            for (const s of sockets) s.end();
            setTimeout(() => {
              for (const s of sockets) s.destroy();
            }, 1000).unref();
          }),
      });
    });
  });
}

/** Plain TCP streaming: every connection gets the configured local identity. */
export function startTcp(deps: StreamDeps, o: ListenOptions, identity: () => Identity): Promise<Listener> {
  const server = net.createServer();
  guard(server, deps, o, 'tcp');
  server.on('connection', (socket) => handleStream(socket, deps, 'tcp', identity()));
  o.admission.guard(server, 'tcp', false);
  return listen(server, o);
}

export interface TlsListenOptions extends ListenOptions {
  secure: tls.TlsOptions;
  handshakeTimeoutMs: number;
  /** Identity of an authorised peer, from its certificate (trust module). Null refuses the connection. */
  identityOf: (socket: tls.TLSSocket) => Identity | null;
}

/** Mutual TLS streaming: the client certificate is the identity. */
export function startTls(deps: StreamDeps, o: TlsListenOptions): Promise<Listener & { server: tls.Server }> {
  const server = tls.createServer({ ...o.secure, handshakeTimeout: o.handshakeTimeoutMs });
  guard(server, deps, o, 'tls');
  o.admission.guard(server, 'tls', true);
  // Handshake failures are logged, counted and audited with their reason by the trust guard (trust/tls.ts).
  server.on('tlsClientError', () => deps.metrics.rejected.inc({ code: 'BW_TLS_REFUSED' }));
  server.on('secureConnection', (socket: tls.TLSSocket) => {
    const identity = o.identityOf(socket);
    if (!identity) {
      deps.metrics.rejected.inc({ code: 'BW_TLS_REFUSED' });
      socket.destroy();
      return;
    }
    handleStream(socket, deps, 'tls', identity);
  });
  return listen(server, o).then((l) => ({ ...l, server }));
}
