/**
 * HTTP surface of the video service on the hub's web listeners:
 * - `GET /api/video/feeds`: the feeds the caller may watch, with state and the latest KLV readout;
 * - `POST /api/video/feeds`, `DELETE /api/video/feeds/:id`: operators add and remove feeds;
 * - `GET /api/video/feeds/:id/ws`: the feed's TS as binary WebSocket messages (for mpegts.js in the COP);
 * - `GET /api/video/feeds/:id/stream.ts`: the same TS over chunked HTTP (VLC, ffplay, TAK clients);
 * - `POST /api/video/feeds/:id/snapshot`: snapshot to marker (the frame as a JPEG data URL); `GET
 *   /api/video/snapshots/:sha256`: a snapshot image, through the gate.
 * Watching goes through VideoService.watch (the egress gate and the audit); no transcoding anywhere.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { describeLabel } from '../model/label.js';
import type { Identity } from '../model/identity.js';
import type { Feed } from './feed.js';
import { callsignOf, corners, frameCentre, platformUidOf, sensorHae } from './events.js';
import type { VideoService } from './service.js';
import { MAX_SNAPSHOT_BYTES } from './snapshot.js';
import { readWatchToken } from './token.js';

export interface VideoRouteDeps {
  video: VideoService;
  identityOf: (req: FastifyRequest) => Identity | null;
  log: Logger;
}

const STATUS: Record<string, number> = {
  BW_VIDEO_BAD_FEED: 400,
  BW_VIDEO_SOURCE_FAILED: 400,
  BW_VIDEO_FEED_EXISTS: 409,
  BW_VIDEO_TOO_MANY_FEEDS: 429,
  BW_VIDEO_TOO_MANY_VIEWERS: 429,
  BW_VIDEO_NO_FEED: 404,
  BW_VIDEO_NOT_RELEASABLE: 403,
  BW_VIDEO_FORBIDDEN: 403,
  BW_VIDEO_BAD_SNAPSHOT: 400,
  BW_VIDEO_NO_POSITION: 409,
  BW_VIDEO_TOKEN_REVOKED: 401,
};

/** The KLV readout shown beside the video: platform, sensor angles, slant range, frame centre. */
export function readout(f: Feed): Record<string, unknown> {
  const t = f.telemetry;
  const n = (k: string) => (typeof t[k] === 'number' ? (t[k] as number) : undefined);
  const heading = n('platformHeading');
  const relAz = n('sensorRelativeAzimuth');
  return {
    time:
      n('precisionTimeStamp') !== undefined
        ? new Date(n('precisionTimeStamp')! / 1000).toISOString()
        : undefined,
    platform: {
      callsign: callsignOf(t, {
        id: f.id,
        type: f.cfg.type,
        label: f.label,
        ...(f.cfg.name ? { name: f.cfg.name } : {}),
      }),
      lat: n('sensorLatitude'),
      lon: n('sensorLongitude'),
      hae: sensorHae(t),
      heading,
      pitch: n('platformPitchFull') ?? n('platformPitch'),
      roll: n('platformRollFull') ?? n('platformRoll'),
      groundSpeed: n('platformGroundSpeed'),
    },
    sensor: {
      name: t.imageSourceSensor,
      relativeAzimuth: relAz,
      azimuth: heading !== undefined && relAz !== undefined ? (heading + relAz) % 360 : undefined,
      relativeElevation: n('sensorRelativeElevation'),
      relativeRoll: n('sensorRelativeRoll'),
      hfov: n('sensorHorizontalFov'),
      vfov: n('sensorVerticalFov'),
      slantRange: n('slantRange'),
    },
    frameCentre: frameCentre(t),
    corners: corners(t),
    targets: f.targets.length,
  };
}

function summary(video: VideoService, f: Feed) {
  return {
    id: f.id,
    name: f.cfg.name ?? f.id,
    origin: f.origin,
    platformUid: platformUidOf(video.view(f)),
    state: f.state,
    label: describeLabel(f.label),
    labelFrom: f.labelFrom,
    streams: f.streams.map((s) => ({ pid: s.pid, kind: s.kind, ...(s.codec ? { codec: s.codec } : {}) })),
    viewers: f.viewers.size,
    bytesIn: f.bytesIn,
    klvPackets: f.klvPackets,
    ws: `/api/video/feeds/${f.id}/ws`,
    http: `/api/video/feeds/${f.id}/stream.ts`,
    klv: readout(f),
  };
}

const isOperator = (who: Identity) => who.kind === 'operator';

export function registerVideoRoutes(app: FastifyInstance, deps: VideoRouteDeps): void {
  const { video, identityOf } = deps;
  const fail = (reply: FastifyReply, code: string, message: string) =>
    reply.code(STATUS[code] ?? 400).send({ code, message });
  const signedIn = (req: FastifyRequest, reply: FastifyReply) => {
    const who = identityOf(req);
    if (!who) void reply.code(401).send({ code: 'BW_WEB_AUTH_REQUIRED', message: 'sign in first' });
    return who;
  };

  app.get('/api/video/feeds', async (req, reply) => {
    const who = signedIn(req, reply);
    if (!who) return reply;
    return video
      .list()
      .filter((f) => video.mayWatch(f, who))
      .map((f) => summary(video, f));
  });

  app.get('/api/video/feeds/:id', async (req, reply) => {
    const who = signedIn(req, reply);
    if (!who) return reply;
    const f = video.get((req.params as { id: string }).id);
    if (!f || !video.mayWatch(f, who)) return fail(reply, 'BW_VIDEO_NO_FEED', 'no such video feed');
    return summary(video, f);
  });

  app.post('/api/video/feeds', async (req, reply) => {
    const who = signedIn(req, reply);
    if (!who) return reply;
    if (!isOperator(who)) return fail(reply, 'BW_VIDEO_FORBIDDEN', 'only operators may add video feeds');
    const r = await video.add(req.body, 'api');
    if (!r.ok) return fail(reply, r.code, r.message);
    deps.log.info({ feed: r.feed.id, by: who.id }, 'video feed added over the API');
    return reply.code(201).send(summary(video, r.feed));
  });

  app.delete('/api/video/feeds/:id', async (req, reply) => {
    const who = signedIn(req, reply);
    if (!who) return reply;
    if (!isOperator(who)) return fail(reply, 'BW_VIDEO_FORBIDDEN', 'only operators may remove video feeds');
    const ok = await video.remove((req.params as { id: string }).id);
    return ok ? reply.code(204).send() : fail(reply, 'BW_VIDEO_NO_FEED', 'no such video feed');
  });

  // Snapshot to marker: the page grabs the frame it shows and sends it as a JPEG data URL (JSON keeps the route on
  // the API's usual parser; the body limit allows a 4 MiB image in base64).
  app.post(
    '/api/video/feeds/:id/snapshot',
    { bodyLimit: Math.ceil((MAX_SNAPSHOT_BYTES * 4) / 3) + 1024 },
    async (req, reply) => {
      const who = signedIn(req, reply);
      if (!who) return reply;
      const image = (req.body as { image?: unknown } | undefined)?.image;
      const m = typeof image === 'string' ? /^data:image\/jpeg;base64,([A-Za-z0-9+/=]+)$/.exec(image) : null;
      if (!m) return fail(reply, 'BW_VIDEO_BAD_SNAPSHOT', 'send { image: "data:image/jpeg;base64,…" }');
      const r = video.snapshot((req.params as { id: string }).id, who, Buffer.from(m[1]!, 'base64'));
      if (!r.ok) return fail(reply, r.code, r.message);
      return reply.code(201).send({ ...r, ok: undefined, image: `/api/video/snapshots/${r.sha256}` });
    },
  );

  app.get('/api/video/snapshots/:sha', async (req, reply) => {
    const who = signedIn(req, reply);
    if (!who) return reply;
    const img = video.snapshots?.get((req.params as { sha: string }).sha, who);
    if (!img) return reply.code(404).send({ code: 'BW_VIDEO_NO_FEED', message: 'no such snapshot' });
    return reply.type('image/jpeg').header('cache-control', 'private, max-age=3600').send(img);
  });

  // TAK clients open this with the watch token from the Marti video list: the route guard (ops/routes.ts) lets a
  // request with a valid token for this feed through without a session.
  const tokenValid = (req: FastifyRequest): boolean => {
    const token = (req.query as { token?: string } | undefined)?.token;
    return token !== undefined && readWatchToken(token, (req.params as { id: string }).id) !== null;
  };
  app.get('/api/video/feeds/:id/stream.ts', { config: { credential: tokenValid } }, (req, reply) => {
    // A TAK client has no cookie: the URL from the Marti video list carries a watch token instead.
    const token = (req.query as { token?: string }).token;
    const id = (req.params as { id: string }).id;
    let who: Identity | null;
    if (token) {
      const t = video.tokenIdentity(token, id);
      if (!t.ok) return fail(reply, t.code, t.message);
      who = t.who;
    } else who = signedIn(req, reply);
    if (!who) return reply;
    const res = reply.raw;
    const w = video.watch(
      (req.params as { id: string }).id,
      who,
      {
        buffered: () => res.writableLength,
        send: (c) => void res.write(c),
        // A live stream has no end: closing it is ending the connection (keep-alive cannot reuse it).
        close: () => req.raw.socket.destroy(),
      },
      req.ip,
      token !== undefined,
    );
    if (!w.ok) return fail(reply, w.code, w.message);
    reply.hijack();
    res.writeHead(200, { 'content-type': 'video/mp2t', 'cache-control': 'no-store' });
    res.flushHeaders();
    res.on('close', () => {
      w.stop();
      req.raw.socket.destroy();
    });
    return reply;
  });

  app.get('/api/video/feeds/:id/ws', { websocket: true }, (socket: WebSocket, req: FastifyRequest) => {
    const who = identityOf(req);
    const origin = req.headers.origin;
    const sameOrigin = !origin || safeHost(origin) === req.headers.host;
    if (!who || !sameOrigin) return socket.close(4401, who ? 'cross-origin' : 'sign in first');
    const w = video.watch(
      (req.params as { id: string }).id,
      who,
      {
        buffered: () => socket.bufferedAmount,
        send: (c) => socket.send(c, { binary: true }),
        close: (reason) => socket.close(4000, reason),
      },
      req.ip,
    );
    if (!w.ok) return socket.close(w.code === 'BW_VIDEO_NOT_RELEASABLE' ? 4403 : 4404, w.code);
    socket.on('close', w.stop);
    socket.on('message', () => {}); // the page sends nothing; anything it sends is ignored
  });
}

function safeHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
