/**
 * The raw baseline: the least work a CoT forwarder can do. It splits each connection's bytes after `</event>` and
 * hands the complete events, unparsed, to every other connection, one batched write per recipient per event-loop
 * turn. A hub that parses, gates, stores and routes can be compared against it under the same load.
 *
 * Fan-out modes, so each scenario's baseline does the same amount of delivery as the hub:
 * - `all`: every other connection (S1, S4);
 * - `team`: every other connection of the same ATAK team, learned once from the connection's first event (S3);
 * - `first`: only the first connection still open, the listener (S2, where the hub routes by marti dest).
 *
 * Bounded: a partial event over `maxEventBytes` closes the connection; a recipient whose socket has more than
 * `highWater` bytes queued misses the event (counted as a drop), as a hub must not buffer without limit.
 *
 * Run as a child process (`fork`): it reports `{ type: 'listening', port }` over IPC and exits when the parent goes.
 */
import net from 'node:net';
import tls from 'node:tls';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

export type FanoutMode = 'all' | 'team' | 'first';

export interface BaselineOptions {
  host?: string;
  port?: number;
  mode?: FanoutMode;
  maxEventBytes?: number;
  highWater?: number;
  /** PEM key and certificate: serve TLS instead of plain TCP. */
  tls?: { key: string; cert: string };
}

export interface BaselineStats {
  connections: number;
  eventsIn: number;
  deliveries: number;
  drops: number;
  oversize: number;
}

interface Conn {
  socket: net.Socket;
  carry: Buffer | undefined;
  team: string | undefined;
  pending: Buffer[];
  pendingBytes: number;
}

const END = Buffer.from('</event>');
const TEAM = /<__group\b[^>]*?\bname=["']([^"']*)["']/;

/** Start the forwarder; resolves once it listens. */
export async function startBaseline(opts: BaselineOptions = {}) {
  const mode = opts.mode ?? 'all';
  const maxEventBytes = opts.maxEventBytes ?? 1024 * 1024;
  const highWater = opts.highWater ?? 1024 * 1024;
  const conns = new Set<Conn>();
  const stats: BaselineStats = { connections: 0, eventsIn: 0, deliveries: 0, drops: 0, oversize: 0 };
  const dirty = new Set<Conn>();
  let flushQueued = false;

  const flush = () => {
    flushQueued = false;
    for (const c of dirty) {
      const chunks = c.pending;
      c.pending = [];
      c.pendingBytes = 0;
      if (c.socket.destroyed) continue;
      c.socket.write(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    }
    dirty.clear();
  };

  const deliver = (from: Conn, bytes: Buffer, events: number) => {
    for (const to of conns) {
      if (to === from) continue;
      if (mode === 'team' && to.team !== from.team) continue;
      if (to.socket.writableLength + to.pendingBytes > highWater) {
        stats.drops += events;
      } else {
        to.pending.push(bytes);
        to.pendingBytes += bytes.length;
        dirty.add(to);
        stats.deliveries += events;
      }
      if (mode === 'first') break;
    }
    if (!flushQueued && dirty.size > 0) {
      flushQueued = true;
      setImmediate(flush);
    }
  };

  const onData = (c: Conn, chunk: Buffer) => {
    const buf = c.carry ? Buffer.concat([c.carry, chunk]) : chunk;
    const last = buf.lastIndexOf(END);
    if (last < 0) {
      if (buf.length > maxEventBytes) {
        stats.oversize++;
        c.socket.destroy();
        return;
      }
      c.carry = buf;
      return;
    }
    const cut = last + END.length;
    const complete = buf.subarray(0, cut);
    c.carry = cut < buf.length ? Buffer.from(buf.subarray(cut)) : undefined;
    let events = 0;
    for (let i = complete.indexOf(END); i >= 0; i = complete.indexOf(END, i + END.length)) events++;
    stats.eventsIn += events;
    if (mode === 'team' && c.team === undefined) {
      // Learned once per connection: the per-event path never parses.
      c.team = TEAM.exec(complete.subarray(0, complete.indexOf(END)).toString('latin1'))?.[1] ?? '';
    }
    // No copy: Node hands each read buffer to us for good, so recipients may hold a slice of it until written.
    deliver(c, complete, events);
  };

  const onConnection = (socket: net.Socket) => {
    socket.setNoDelay(true);
    const c: Conn = { socket, carry: undefined, team: undefined, pending: [], pendingBytes: 0 };
    conns.add(c);
    stats.connections++;
    socket.on('data', (d: Buffer) => onData(c, d));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      conns.delete(c);
      dirty.delete(c);
    });
  };

  const server = opts.tls
    ? tls.createServer({ key: opts.tls.key, cert: opts.tls.cert }, onConnection)
    : net.createServer(onConnection);
  server.maxConnections = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0, backlog: 4096 }, resolve);
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of conns) c.socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      mode: { type: 'string', default: 'all' },
      'tls-key': { type: 'string' },
      'tls-cert': { type: 'string' },
    },
  });
  const mode = values.mode as FanoutMode;
  if (!['all', 'team', 'first'].includes(mode)) throw new Error(`unknown --mode ${values.mode}`);
  const { readFileSync } = await import('node:fs');
  const tlsOpts =
    values['tls-key'] && values['tls-cert']
      ? { key: readFileSync(values['tls-key'], 'utf8'), cert: readFileSync(values['tls-cert'], 'utf8') }
      : undefined;
  const b = await startBaseline({ port: Number(values.port), mode, tls: tlsOpts });
  process.send?.({ type: 'listening', port: b.port });
  process.on('message', (m: { type?: string }) => {
    if (m?.type === 'stats') process.send?.({ type: 'stats', stats: b.stats });
  });
  // Never outlive the bench runner.
  process.on('disconnect', () => process.exit(0));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
