/**
 * UDP input (8087, loopback by default): one CoT XML event or one TAK mesh message (bf 01 bf + protobuf) per
 * datagram. Ingest only; rate-limited per source address (a bounded table: sources past it share one bucket) and
 * in total. Every datagram that is not ingested is counted in bw_udp_dropped_total by reason, including those the
 * kernel dropped because the socket's receive buffer was full (read from /proc/net/udp at scrape time).
 */
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { Counter } from 'prom-client';
import type { Logger } from 'pino';
import { CodecError } from '../errors.js';
import type { Event } from '../model/event.js';
import type { Identity } from '../model/identity.js';
import type { Hub } from '../hub/hub.js';
import type { Metrics } from '../ops/metrics.js';
import { decodeCot } from '../codecs/cot/index.js';
import { decodeTakMessage, parseMesh } from '../codecs/takproto/index.js';
import { TokenBucket } from './rate.js';
import type { Listener } from './listeners.js';

const MAX_SOURCES = 10_000;
/** Asked of the kernel (it caps the size at net.core.rmem_max): bursts wait there rather than being dropped. */
const RECEIVE_BUFFER = 4 * 1024 * 1024;

/** Datagrams the kernel dropped for the UDP socket bound to `port` (the drops column of /proc/net/udp and udp6). */
export function kernelDrops(port: number): number | undefined {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  let total: number | undefined;
  for (const f of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 13 || !cols[1]!.endsWith(`:${hex}`)) continue;
      total = (total ?? 0) + Number(cols[cols.length - 1]);
    }
  }
  return total;
}

/** The limits UDP input applies (the `limits` keys of the configuration it reads). */
export interface UdpLimits {
  ratePerClient: number;
  burstPerClient: number;
  udpPerSecond: number;
  maxEventBytes: number;
}

export function startUdp(
  deps: { hub: Hub; log: Logger; metrics: Metrics; limits: UdpLimits },
  o: { host: string; port: number },
  identity: Identity,
): Promise<Listener> {
  const { hub, metrics, limits, log } = deps;
  const socket = dgram.createSocket({
    type: o.host.includes(':') ? 'udp6' : 'udp4',
    reuseAddr: false,
    recvBufferSize: RECEIVE_BUFFER,
  });
  const session = hub.open(
    { write: () => true, close: () => undefined },
    { transport: 'udp', protocol: 'udp', identity, format: 'cot-xml', ingestOnly: true, noPicture: true },
  );
  const buckets = new Map<string, TokenBucket>();
  const now = Date.now();
  /**
   * Sources past MAX_SOURCES share this one: a spray of addresses gets one client's rate, and never clears the table
   * of active sources; idle ones (refilled buckets) are forgotten when it is full.
   */
  const overflow = new TokenBucket(limits.ratePerClient, limits.burstPerClient, now);
  const all = new TokenBucket(limits.udpPerSecond, limits.udpPerSecond, now);
  let errors = 0;
  let boundPort = 0;
  let kernelSeen: number | undefined;
  const dropped = new Counter({
    name: 'bw_udp_dropped_total',
    help: 'UDP datagrams not ingested, by reason (rate limits, size, decoding, refused, receive_buffer: the kernel)',
    labelNames: ['reason'],
    registers: [metrics.registry],
    collect() {
      const d = boundPort ? kernelDrops(boundPort) : undefined;
      if (d === undefined) return;
      if (kernelSeen !== undefined && d > kernelSeen) this.inc({ reason: 'receive_buffer' }, d - kernelSeen);
      kernelSeen = Math.max(kernelSeen ?? 0, d);
    },
  });

  function fail(e: unknown, from: string): void {
    const code = e instanceof CodecError ? e.code : 'BW_COT_MALFORMED';
    metrics.rejected.inc({ code });
    dropped.inc({ reason: code });
    if (errors++ < 5 || errors % 1000 === 0) log.warn({ code, from, errors }, (e as Error).message);
  }

  let sweptAt = 0;
  /** The table is full: forget sources whose buckets refilled (at most once a second), so a past spray ages out. */
  function sweepIdle(t: number): void {
    if (t - sweptAt < 1000) return;
    sweptAt = t;
    for (const [k, b] of buckets) if (b.idle(t)) buckets.delete(k);
  }

  function limited(from: string, t: number): string | undefined {
    let b = buckets.get(from);
    if (!b) {
      if (buckets.size >= MAX_SOURCES) sweepIdle(t);
      if (buckets.size < MAX_SOURCES)
        buckets.set(from, (b = new TokenBucket(limits.ratePerClient, limits.burstPerClient, t)));
      else b = overflow;
    }
    if (!b.take(t)) return 'BW_RATE_LIMITED';
    if (!all.take(t)) return 'rate_limited_total';
    return undefined;
  }

  socket.on('message', (msg, rinfo) => {
    const from = rinfo.address;
    const over = limited(from, Date.now());
    if (over) {
      metrics.rejected.inc({ code: 'BW_RATE_LIMITED' });
      dropped.inc({ reason: over });
      return;
    }
    if (msg.length > limits.maxEventBytes) {
      fail(new CodecError('BW_COT_TOO_LARGE', 'udp', [limits.maxEventBytes]), from);
      return;
    }
    let event: Event | undefined;
    let protocol: 'cot-xml' | 'takproto' = 'cot-xml';
    try {
      if (msg[0] === 0xbf) {
        protocol = 'takproto';
        const mesh = parseMesh(msg);
        if (mesh.version !== 1) throw new CodecError('BW_TAK_UNKNOWN_VERSION', 'takproto', [mesh.version]);
        event = decodeTakMessage(mesh.payload).event;
      } else {
        event = decodeCot(msg, { maxBytes: limits.maxEventBytes });
      }
    } catch (e) {
      fail(e, from);
      return;
    }
    if (!event) {
      dropped.inc({ reason: 'no_event' }); // a TAK message without a CoT event (a bare control message)
      return;
    }
    event.origin = { protocol, connectionId: session.id, identityId: identity.id };
    if (identity.nation) event.origin.nation = identity.nation;
    const r = hub.ingest(session, event, { owned: true });
    if (r.ok) return;
    dropped.inc({ reason: r.code });
    if (errors++ < 5 || errors % 1000 === 0) log.warn({ code: r.code, from }, r.reason);
  });
  socket.on('error', (err) => log.error({ err }, 'udp error'));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(o.port, o.host, () => {
      socket.off('error', reject);
      boundPort = socket.address().port;
      kernelSeen = kernelDrops(boundPort);
      resolve({
        port: boundPort,
        close: () =>
          new Promise<void>((r) => {
            hub.close(session, 'shutdown');
            socket.close(() => r());
          }),
      });
    });
  });
}
