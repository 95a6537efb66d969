/**
 * Admission of new connections on every listener (TCP 8087, TLS 8089, HTTPS 8443, enrollment 8446): one object per
 * process, because file descriptors and the accept budget are the process's, not a listener's.
 *
 * - Handshake deadline: a socket that has not completed its TLS handshake `handshakeTimeoutMs` after the TCP
 *   accept is destroyed (Node only emits 'tlsClientError' on its own handshake timeout and keeps the socket open).
 * - Descriptor reserve: sockets that are not yet clients (waiting for an accept slot or in the handshake) are
 *   capped in total and per address; the total cap is derived from the process's open-file limit so a flood of
 *   half-open connections always leaves descriptors for accepted clients. Over the total cap the oldest such
 *   socket is closed (a real client finishes its handshake in milliseconds, a silent one is always the oldest);
 *   over the per-address cap the new one is.
 * - Fair accept budget: every address has its own token bucket and all share a global one. Over budget a
 *   connection is not refused but waits (not read) for its turn; waiting addresses are served round-robin, so a
 *   flood from some addresses takes at most its share and cannot lock out the others. A socket that waited longer
 *   than the handshake deadline is closed as refused (`BW_ACCEPT_RATE`); TAK clients reconnect every few seconds.
 */
import { readFileSync } from 'node:fs';
import type net from 'node:net';
import type tls from 'node:tls';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';

export interface AdmissionOptions {
  handshakeTimeoutMs: number;
  acceptPerSecond: number;
  acceptPerSecondPerAddress: number;
  /** Sockets not yet clients (waiting or handshaking), in total; 0: a quarter of the open-file soft limit. */
  maxPending: number;
  /** The same per address; 0: a quarter of maxPending. */
  maxPendingPerAddress: number;
  /** Descriptors never used for sockets not yet clients (files, the store, logs). */
  fdReserve?: number;
  registry?: Registry;
  log?: Pick<Logger, 'warn'>;
  now?: () => number;
}

interface Entry {
  socket: net.Socket;
  addr: Address;
  since: number;
  listener: string;
  waiting: boolean;
  /** Hands the socket to the listener's own connection handlers. */
  proceed: () => void;
}

interface Address {
  key: string;
  pending: number;
  waiting: Entry[];
  /** In the round-robin turn (it has waiting sockets). */
  inTurn: boolean;
  tokens: number;
  last: number;
}

const SWEEP_MS = 200;
const PUMP_MS = 10;

/** The soft limit on open files (Linux /proc), or undefined where it cannot be read. */
export function openFileLimit(): number | undefined {
  try {
    const m = /Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m && m[1] !== 'unlimited' ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Addresses that share a budget: an IPv6 client owns its /64, so it counts as one. */
export function addressKey(remote: string | undefined): string {
  if (!remote) return '?';
  if (remote.startsWith('::ffff:')) return remote.slice(7);
  if (!remote.includes(':')) return remote;
  // Expand '::' so that every spelling of one /64 gives one key.
  const [head = '', tail] = remote.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}

export class Admission {
  readonly maxPending: number;
  readonly maxPendingPerAddress: number;
  private readonly pending = new Map<net.Socket, Entry>();
  private readonly addrs = new Map<string, Address>();
  private readonly turn: Address[] = [];
  private globalTokens: number;
  private globalLast: number;
  private readonly now: () => number;
  private sweep: NodeJS.Timeout | undefined;
  private pump: NodeJS.Timeout | undefined;
  private readonly refusedC: Counter<'listener' | 'reason'>;
  private readonly delayedC: Counter<'listener'>;
  private refusals = 0;

  constructor(private readonly o: AdmissionOptions) {
    this.now = o.now ?? Date.now;
    const limit = openFileLimit();
    const reserve = o.fdReserve ?? 64;
    const auto = limit ? Math.min(4096, Math.max(16, Math.floor((limit - reserve) / 4))) : 4096;
    this.maxPending = o.maxPending > 0 ? o.maxPending : auto;
    this.maxPendingPerAddress =
      o.maxPendingPerAddress > 0 ? o.maxPendingPerAddress : Math.max(4, this.maxPending >> 2);
    this.globalTokens = o.acceptPerSecond;
    this.globalLast = this.now();
    const registers = o.registry ? [o.registry] : [];
    this.refusedC = new Counter({
      name: 'bw_accept_refused_total',
      help: 'Connections closed before they became clients, by listener and reason',
      labelNames: ['listener', 'reason'],
      registers,
    });
    this.delayedC = new Counter({
      name: 'bw_accept_delayed_total',
      help: 'Connections that waited for an accept slot (over the per-address or global accept rate)',
      labelNames: ['listener'],
      registers,
    });
    const pending = this.pending;
    new Gauge({
      name: 'bw_accept_pending_sockets',
      help: 'Sockets that are not clients yet: waiting for an accept slot or in the TLS handshake',
      registers,
      collect() {
        this.set(pending.size);
      },
    });
  }

  /** Sockets not clients yet. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Put the admission in front of `server`'s own connection handlers. `tlsServer`: the socket stays pending until
   * its handshake completes ('secureConnection'), and handshake errors close it.
   */
  guard(server: net.Server | tls.Server, listener: string, tlsServer: boolean): void {
    const handlers = server.listeners('connection') as ((s: net.Socket) => void)[];
    server.removeAllListeners('connection');
    server.on('connection', (socket: net.Socket) => {
      this.arrive(socket, listener, () => {
        for (const h of handlers) h.call(server, socket);
        if (!tlsServer) this.settle(socket);
      });
    });
    if (tlsServer) {
      server.prependListener('secureConnection', (s: tls.TLSSocket) => this.settle(parentOf(s)));
      // Node emits this on a handshake timeout or failure and leaves the socket open: close it.
      // Counted like the sweep's close, whichever of the two timers fires first.
      server.on('tlsClientError', (err: Error & { code?: string }, s: tls.TLSSocket) => {
        const e = this.pending.get(parentOf(s) as net.Socket);
        if (e)
          this.drop(e, err.code === 'ERR_TLS_HANDSHAKE_TIMEOUT' ? 'handshake_timeout' : 'handshake_error');
        s.destroy();
      });
    }
  }

  close(): void {
    if (this.sweep) clearInterval(this.sweep);
    if (this.pump) clearInterval(this.pump);
    this.sweep = this.pump = undefined;
  }

  private arrive(socket: net.Socket, listener: string, proceed: () => void): void {
    const key = addressKey(socket.remoteAddress);
    let addr = this.addrs.get(key);
    if (!addr) {
      addr = {
        key,
        pending: 0,
        waiting: [],
        inTurn: false,
        tokens: this.o.acceptPerSecondPerAddress,
        last: this.now(),
      };
      this.addrs.set(key, addr);
    }
    if (addr.pending >= this.maxPendingPerAddress) return this.refuse(socket, listener, 'address_pending');
    if (this.pending.size >= this.maxPending) {
      const oldest = this.pending.values().next().value as Entry;
      this.drop(oldest, 'pending_full');
    }
    const entry: Entry = { socket, addr, since: this.now(), listener, waiting: false, proceed };
    this.pending.set(socket, entry);
    addr.pending++;
    socket.once('close', () => this.settle(socket));
    this.startSweep();
    // Nobody waiting anywhere: admit at once if the global budget allows (the address's share counts only when
    // others wait).
    if (this.turn.length === 0 && this.take(addr, false)) {
      proceed();
      return;
    }
    entry.waiting = true;
    socket.pause();
    addr.waiting.push(entry);
    if (!addr.inTurn) {
      addr.inTurn = true;
      this.turn.push(addr);
    }
    this.delayedC.inc({ listener });
    this.startPump();
  }

  /** The socket became a client, or closed: it no longer counts as pending. */
  private settle(socket: net.Socket | undefined): void {
    const e = socket && this.pending.get(socket);
    if (!e) return;
    this.pending.delete(socket!);
    e.addr.pending--;
    if (e.waiting) {
      const i = e.addr.waiting.indexOf(e);
      if (i >= 0) e.addr.waiting.splice(i, 1);
      e.waiting = false;
    }
  }

  private drop(e: Entry, reason: string): void {
    this.settle(e.socket);
    this.refuse(e.socket, e.listener, reason);
  }

  private refuse(socket: net.Socket, listener: string, reason: string): void {
    this.refusedC.inc({ listener, reason });
    if (this.refusals++ < 5 || this.refusals % 1000 === 0)
      this.o.log?.warn(
        { listener, reason, remote: socket.remoteAddress, refusals: this.refusals },
        'connection closed before it became a client',
      );
    socket.destroy();
  }

  /**
   * Take an accept token: from the global bucket, and from the address's own when `withinShare` (an address over
   * its share may still use global tokens nobody within their share is waiting for).
   */
  private take(addr: Address, withinShare: boolean): boolean {
    const now = this.now();
    const per = this.o.acceptPerSecondPerAddress;
    this.refill();
    addr.tokens = Math.min(per, addr.tokens + ((now - addr.last) * per) / 1000);
    addr.last = now;
    if (this.globalTokens < 1 || (withinShare && addr.tokens < 1)) return false;
    this.globalTokens--;
    addr.tokens = Math.max(0, addr.tokens - 1);
    return true;
  }

  /** The global bucket, refilled to now. */
  private refill(): number {
    const now = this.now();
    const total = this.o.acceptPerSecond;
    this.globalTokens = Math.min(total, this.globalTokens + ((now - this.globalLast) * total) / 1000);
    this.globalLast = now;
    return this.globalTokens;
  }

  private startPump(): void {
    this.pump ??= setInterval(() => this.serve(), PUMP_MS);
    this.pump.unref();
  }

  /**
   * Admit waiting sockets round-robin over their addresses while the global budget allows: first one per address
   * within its own share, round after round; global tokens left over then go round-robin to any waiting address.
   */
  private serve(): void {
    for (const withinShare of [true, false]) {
      let progress = true;
      while (progress && this.turn.length > 0 && this.refill() >= 1) {
        progress = false;
        // Stop when the budget is spent, so the next address in turn is first next time.
        for (let n = this.turn.length; n > 0 && this.refill() >= 1; n--) {
          const addr = this.turn.shift()!;
          addr.inTurn = false;
          if (addr.waiting.length === 0) continue;
          if (this.take(addr, withinShare)) {
            const e = addr.waiting.shift()!;
            e.waiting = false;
            progress = true;
            e.socket.resume();
            e.proceed();
          }
          if (addr.waiting.length > 0) {
            addr.inTurn = true;
            this.turn.push(addr);
          }
        }
      }
    }
    if (this.turn.length === 0 && this.pump) {
      clearInterval(this.pump);
      this.pump = undefined;
    }
  }

  private startSweep(): void {
    if (this.sweep) return;
    this.sweep = setInterval(() => this.expire(), SWEEP_MS);
    this.sweep.unref();
  }

  /** Close sockets past the handshake deadline (oldest first: the map is in arrival order); forget idle addresses. */
  private expire(): void {
    const deadline = this.now() - this.o.handshakeTimeoutMs;
    for (const e of this.pending.values()) {
      if (e.since > deadline) break;
      this.drop(e, e.waiting ? 'BW_ACCEPT_RATE' : 'handshake_timeout');
    }
    const idle = this.now() - 1000;
    for (const [k, a] of this.addrs) if (a.pending === 0 && a.last < idle) this.addrs.delete(k);
    if (this.pending.size === 0 && this.addrs.size === 0 && this.sweep) {
      clearInterval(this.sweep);
      this.sweep = undefined;
    }
  }
}

/** The TCP socket under a server-side TLS socket. */
function parentOf(s: tls.TLSSocket): net.Socket | undefined {
  return (s as unknown as { _parent?: net.Socket })._parent ?? s;
}
