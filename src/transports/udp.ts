/**
 * UDP input (8087, loopback by default): one CoT XML event or one TAK mesh message (bf 01 bf + protobuf) per
 * datagram. Ingest only; rate-limited per source address with a bounded table.
 */
import dgram from 'node:dgram';
import type { Logger } from 'pino';
import { CodecError } from '../errors.js';
import type { Event } from '../model/event.js';
import type { Identity } from '../model/identity.js';
import type { Hub } from '../hub/hub.js';
import type { Metrics } from '../ops/metrics.js';
import type { Config } from '../app/config.js';
import { decodeCot } from '../codecs/cot/index.js';
import { decodeTakMessage, parseMesh } from '../codecs/takproto/index.js';
import { TokenBucket } from './rate.js';
import type { Listener } from './listeners.js';

const MAX_SOURCES = 10_000;

export function startUdp(
  deps: { hub: Hub; log: Logger; metrics: Metrics; limits: Config['limits'] },
  o: { host: string; port: number },
  identity: Identity,
): Promise<Listener> {
  const { hub, metrics, limits, log } = deps;
  const socket = dgram.createSocket({ type: o.host.includes(':') ? 'udp6' : 'udp4', reuseAddr: false });
  const session = hub.open(
    { write: () => true, close: () => undefined },
    { transport: 'udp', protocol: 'udp', identity, format: 'cot-xml', ingestOnly: true, noPicture: true },
  );
  const buckets = new Map<string, TokenBucket>();
  let errors = 0;

  function fail(e: unknown, from: string): void {
    const code = e instanceof CodecError ? e.code : 'BW_COT_MALFORMED';
    metrics.rejected.inc({ code });
    if (errors++ < 5 || errors % 1000 === 0) log.warn({ code, from, errors }, (e as Error).message);
  }

  socket.on('message', (msg, rinfo) => {
    const from = rinfo.address;
    let b = buckets.get(from);
    if (!b) {
      if (buckets.size >= MAX_SOURCES) buckets.clear();
      buckets.set(from, (b = new TokenBucket(limits.ratePerClient, limits.burstPerClient, Date.now())));
    }
    if (!b.take(Date.now())) {
      metrics.rejected.inc({ code: 'BW_RATE_LIMITED' });
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
    if (!event) return;
    event.origin = { protocol, connectionId: session.id, identityId: identity.id };
    if (identity.nation) event.origin.nation = identity.nation;
    const r = hub.ingest(session, event, { owned: true });
    if (!r.ok && (errors++ < 5 || errors % 1000 === 0)) log.warn({ code: r.code, from }, r.reason);
  });
  socket.on('error', (err) => log.error({ err }, 'udp error'));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(o.port, o.host, () => {
      socket.off('error', reject);
      resolve({
        port: socket.address().port,
        close: () =>
          new Promise<void>((r) => {
            hub.close(session, 'shutdown');
            socket.close(() => r());
          }),
      });
    });
  });
}
