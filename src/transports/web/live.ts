/**
 * The live WebSocket (/api/live): one hub Session per browser with format 'json', so every delivery passes the
 * hub's egress gate exactly as for a TAK client of the same identity. The socket's buffered amount is the
 * backpressure signal; page messages are size- and rate-limited, validated, turned into CoT Events and ingested.
 */
import { isAscii } from 'node:buffer';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { Hub } from '../../hub/hub.js';
import type { Session } from '../../hub/session.js';
import type { Event } from '../../model/event.js';
import type { Identity } from '../../model/identity.js';
import { classificationRank } from '../../model/label.js';
import type { Metrics } from '../../ops/metrics.js';
import { TokenBucket } from '../rate.js';
import type { WebAuth } from './auth.js';
import type { WebConfig } from './config.js';
import { webError, type WebErrorCode } from './errors.js';
import {
  chatEvent,
  clientMessage,
  deleteEvent,
  markerEvent,
  releasableToSelf,
  presenceEvent,
  receiptEvent,
  type Sender,
} from './page-events.js';
import { LIVE_PROTOCOL_VERSION, type ServerMessage } from './protocol.js';

export interface LiveDeps {
  hub: Hub;
  log: Logger;
  auth: WebAuth;
  hubId: string;
  limits: Pick<
    WebConfig,
    'messageRate' | 'messageBurst' | 'socketHighWater' | 'maxMessageBytes' | 'flowWindow'
  >;
  metrics?: Metrics;
  /** Write an entity's change to the store before the page's marker or delete is acknowledged (see store/latest.ts). */
  persist?: (uid: string) => Promise<boolean>;
}

/** WebSocket close code for "not signed in" (4000-4999 are application codes). */
export const CLOSE_UNAUTHORISED = 4401;
const NEWLINE = Buffer.from('\n');
/** How often a blocked socket is checked for having drained (ws has no drain event). */
const DRAIN_POLL_MS = 25;
/** Log the first few faults of a page, then one in LOG_EVERY (counters always count). */
const LOG_FIRST = 5;
const LOG_EVERY = 500;

/**
 * The WebSocket's own frame limit: well above `maxMessageBytes`, so a page's oversized message reaches handleLive
 * and is answered with BW_WEB_BAD_MESSAGE (the socket stays); only a frame past this is cut by the ws library,
 * which closes with 1009 (see {@link liveSocketError}).
 */
export function liveFrameLimit(maxMessageBytes: number): number {
  return Math.max(16 * maxMessageBytes, 1024 * 1024);
}

/**
 * The live route's socket error handler (@fastify/websocket's `errorHandler`): a frame past the frame limit, an
 * unclean disconnect or a protocol error is counted and logged as a warning with its code, without a stack trace,
 * and the socket is closed; nothing is thrown.
 */
export function liveSocketError(log: Logger, metrics?: Metrics) {
  let n = 0;
  return (err: Error & { code?: string }, socket: WebSocket, req: FastifyRequest): void => {
    socket.terminate();
    if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      metrics?.rejected.inc({ code: 'BW_WEB_BAD_MESSAGE' });
      if (n++ < LOG_FIRST || n % LOG_EVERY === 0)
        log.warn(
          { code: 'BW_WEB_BAD_MESSAGE', remote: req.ip, message: err.message },
          'live frame over the frame limit: socket closed',
        );
    } else if (err.code?.startsWith('WS_ERR_') || err.code?.startsWith('E')) {
      // A protocol error or an unclean disconnect: the peer's doing, not ours.
      log.info({ wsError: err.code, remote: req.ip, message: err.message }, 'live socket error');
    } else log.error({ err, remote: req.ip }, 'live socket handler failed');
  };
}

/** The TAK-facing uid of a browser operator: stable per user, so TAK clients keep one contact for them. */
export function webUid(who: Identity): string {
  return `BW-WEB.${who.id.replace(/[^\w.@-]/g, '_')}`;
}

/** Same-origin check for the upgrade: a page from another site must not ride on the session cookie. */
export function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser (integrators, tests): the cookie is still required
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function handleLive(socket: WebSocket, req: FastifyRequest, deps: LiveDeps): void {
  const { hub, auth, limits } = deps;
  const identity = auth.identityOf(req);
  if (!identity || !sameOrigin(req)) {
    socket.close(CLOSE_UNAUTHORISED, identity ? 'cross-origin' : 'sign in first');
    return;
  }
  const remote = `${req.ip}`;
  const sender: Sender = {
    uid: webUid(identity),
    callsign: identity.id,
    identityId: identity.id,
    connectionId: '',
    ...(identity.nation ? { nation: identity.nation } : {}),
  };
  const send = (m: ServerMessage) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m));
  };
  send({
    t: 'hello',
    v: LIVE_PROTOCOL_VERSION,
    hubId: deps.hubId,
    now: Date.now(),
    session: {
      identity: {
        id: identity.id,
        nation: identity.nation,
        clearance: identity.clearance,
        groups: identity.groups,
        categories: identity.categories,
      },
      uid: sender.uid,
      callsign: sender.callsign,
      devMode: auth.devMode,
    },
  });

  let closed = false;
  let drainTimer: NodeJS.Timeout | undefined;
  // Flow control, once the page asks for it: characters written (UTF-16 code units, what the page counts: a callsign
  // with ā or š is fewer characters than bytes) vs characters the page says it has processed.
  let flow = false;
  let sentChars = 0;
  let ackedChars = 0;
  const roomFor = (factor: number) =>
    socket.bufferedAmount < limits.socketHighWater * factor &&
    (!flow || sentChars - ackedChars < limits.flowWindow * factor);
  const session: Session = hub.open(
    {
      write(chunks) {
        if (closed) return false;
        const parts: Buffer[] = [];
        for (const c of chunks) {
          if (c.length === 0) continue; // events browsers do not need encode to nothing
          if (parts.length) parts.push(NEWLINE);
          parts.push(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
        }
        if (parts.length) {
          const frame = Buffer.concat(parts);
          sentChars += utf16Length(frame);
          socket.send(frame, { binary: false });
        }
        const ok = roomFor(1);
        if (!ok) waitForDrain();
        return ok;
      },
      // A flush never hands a page more than its window has room for (at least one message): the rest waits,
      // coalescing, instead of one frame of everything queued.
      room: () =>
        flow
          ? Math.min(
              limits.flowWindow - (sentChars - ackedChars),
              limits.socketHighWater - socket.bufferedAmount,
            )
          : limits.socketHighWater - socket.bufferedAmount,
      close(reason) {
        if (closed) return;
        closed = true;
        log.info({ reason }, 'live session closed');
        if (drainTimer) clearInterval(drainTimer);
        socket.close(1001, reason.slice(0, 100));
      },
      expired(uids) {
        send({ t: 'expired', uids });
      },
    },
    { transport: 'websocket', protocol: 'json', remote, identity, format: 'json' },
  );
  sender.connectionId = session.id;
  const log = deps.log.child({ conn: session.id, remote, identity: identity.id });
  log.info({ nation: identity.nation, clearance: identity.clearance }, 'live session opened');

  const waitForDrain = () => {
    if (drainTimer) return;
    drainTimer = setInterval(() => {
      if (closed || roomFor(0.5)) {
        clearInterval(drainTimer);
        drainTimer = undefined;
        if (!closed) hub.drained(session);
      }
    }, DRAIN_POLL_MS);
    drainTimer.unref();
  };

  const bucket = new TokenBucket(limits.messageRate, limits.messageBurst, Date.now());
  const own = new Set<string>();
  let faults = 0;
  const refuse = (code: WebErrorCode | string, message: string, ref?: string) => {
    faults++;
    deps.metrics?.rejected.inc({ code });
    if (faults <= LOG_FIRST || faults % LOG_EVERY === 0)
      log.info({ code, faults, message }, 'page message refused');
    send({ t: 'error', code, message, ...(ref ? { ref } : {}) });
  };

  socket.on('message', (data, isBinary) => {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    // Flow acknowledgements come several times a second: handled before the rate limit, they ingest nothing.
    if (!isBinary && buf.length < 64 && buf.includes('"flow"')) {
      const f = clientMessage.safeParse(safeJson(buf));
      if (f.success && f.data.t === 'flow') {
        flow = true;
        ackedChars = Math.min(sentChars, Math.max(ackedChars, f.data.received));
        return;
      }
    }
    if (isBinary || buf.length > limits.maxMessageBytes) {
      const e = webError('BW_WEB_BAD_MESSAGE', isBinary ? 'binary frames are not accepted' : 'too large');
      return refuse(e.code, e.message);
    }
    if (!bucket.take(Date.now())) {
      const e = webError('BW_WEB_TOO_FAST');
      return refuse(e.code, e.message);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(buf.toString('utf8'));
    } catch {
      const e = webError('BW_WEB_BAD_MESSAGE', 'not JSON');
      return refuse(e.code, e.message);
    }
    const parsed = clientMessage.safeParse(raw);
    const ref =
      typeof (raw as { ref?: unknown })?.ref === 'string' ? (raw as { ref: string }).ref : undefined;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const e = webError(
        'BW_WEB_BAD_MESSAGE',
        `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      );
      return refuse(e.code, e.message, ref);
    }
    const m = parsed.data;
    let event: Event;
    switch (m.t) {
      case 'flow':
        return; // a flow message too long for the fast path: nothing else to do
      case 'presence':
        sender.position = { lat: m.lat, lon: m.lon };
        event = presenceEvent(sender, m);
        break;
      case 'marker':
        if (m.uid && !own.has(m.uid) && !ownedInState(hub, m.uid, sender.uid)) {
          const e = webError('BW_WEB_NOT_OWNER');
          return refuse(e.code, e.message, ref);
        }
        if (m.releasableTo && !releasableToSelf(m.releasableTo, identity)) {
          const e = webError(
            'BW_WEB_BAD_MESSAGE',
            `releasableTo must include your nation${identity.nation ? ` (${identity.nation})` : ''} or a category you hold`,
          );
          return refuse(e.code, e.message, ref);
        }
        event = markerEvent(sender, m);
        break;
      case 'chat':
        event = chatEvent(sender, m);
        break;
      case 'receipt':
        event = receiptEvent(sender, m);
        break;
      case 'delete':
        if (!own.has(m.uid) && !ownedInState(hub, m.uid, sender.uid)) {
          const e = webError('BW_WEB_NOT_OWNER');
          return refuse(e.code, e.message, ref);
        }
        event = deleteEvent(sender, m.uid);
        break;
    }
    if (classificationRank(event.label.classification) > classificationRank(identity.clearance)) {
      const e = webError('BW_WEB_LABEL_ABOVE_CLEARANCE');
      return refuse(e.code, e.message, ref);
    }
    const r = hub.ingest(session, event);
    if (!r.ok) return refuse(r.code, r.reason, ref);
    const done = () => {
      if (m.t === 'marker') {
        own.add(event.uid);
        // The hub never routes an event back to its sender, but a page draws only what the hub sends it: echo the
        // marker as the hub holds it (labelled by the ingress policy), through the gate like any delivery.
        const held = hub.state.get(event.uid);
        if (held) hub.reply(session, held.event);
      }
      if (ref) send({ t: 'ack', ref, uid: event.uid });
    };
    // A marker or a delete is acknowledged only once the store has it: an acknowledged change survives a crash.
    const saved = m.t === 'marker' ? event.uid : m.t === 'delete' ? m.uid : undefined;
    if (saved === undefined || !deps.persist) return done();
    void deps
      .persist(saved)
      .catch((err: unknown) => {
        log.error({ err }, 'persisting a page change failed');
        return false;
      })
      .then((ok) => {
        if (closed) return;
        if (ok) return done();
        const e = webError('BW_WEB_NOT_SAVED');
        refuse(e.code, e.message, ref);
      });
  });
  socket.on('close', () => {
    if (drainTimer) clearInterval(drainTimer);
    if (!closed) {
      closed = true;
      hub.close(session, 'peer_closed');
    }
  });
}

function safeJson(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** True when the entity `uid` in the picture was produced by `producer` (its `link relation="p-p"`). */
function ownedInState(hub: Hub, uid: string, producer: string): boolean {
  const env = hub.state.get(uid);
  return !!env?.event.detail.links?.some((l) => l.relation === 'p-p' && l.uid === producer);
}

/** The length in UTF-16 code units of UTF-8 `b` (what a page's string length counts): no decoding. */
export function utf16Length(b: Buffer): number {
  if (isAscii(b)) return b.length;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if ((c & 0xc0) !== 0x80) n += c >= 0xf0 ? 2 : 1; // a lead byte; four-byte sequences are surrogate pairs
  }
  return n;
}
