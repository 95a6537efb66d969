/**
 * The MAVLink gateway: UDP in, CoT-shaped Events into the hub. Per datagram: split frames and check CRCs
 * (frame.ts) -> signing rules (signing.ts) -> decode with node-mavlink (messages.ts) -> per-vehicle state
 * (vehicle.ts) -> rate-limited publication of the drone and its footprint (events.ts) through one ingest-only
 * hub session. Link loss needs no timer: each event is stale a few seconds after the frame that produced it.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Hub } from '../../hub/hub.js';
import type { Session, SessionSink } from '../../hub/session.js';
import type { Identity } from '../../model/identity.js';
import type { MavlinkConfig } from './config.js';
import { buildVehicleEvents, vehicleUid } from './events.js';
import { scanDatagram, type Frame, type SkipReason } from './frame.js';
import { decodeFrame } from './messages.js';
import { GatewayMetrics, type GatewayStats } from './metrics.js';
import { SignatureVerifier } from './signing.js';
import { gcsHeartbeat, requestVideoStreams } from './outbound.js';
import {
  applyCameraMessage,
  applyVehicleMessage,
  isCameraMessage,
  isVehicleType,
  newCamera,
  newVehicle,
  type CameraState,
  type VehicleState,
} from './vehicle.js';

/** The hub surface the gateway needs (the real Hub satisfies it; tests may pass a recorder). */
export type GatewayHub = Pick<Hub, 'open' | 'ingest' | 'close'>;

export interface GatewayOptions {
  cfg: MavlinkConfig;
  hub: GatewayHub;
  log: Logger;
  /** The app's metrics (only its registry is used); without it the gateway keeps a private registry. */
  metrics?: { registry: Registry };
  now?: () => number;
  /**
   * Told, for each publication caused directly by a datagram, the milliseconds from the datagram's arrival to the
   * hub having taken the events (decode + state + CoT build + hub routing). The bench uses it.
   */
  observeLatency?: (ms: number) => void;
  /**
   * A camera announced a video stream (VIDEO_STREAM_INFORMATION `uri`), told with the uid of its system's vehicle.
   * With this set, the gateway also asks each camera component it hears (compid 100–105) for its streams.
   */
  onVideoStream?: (vehicleUid: string, uri: string, from: VideoAnnouncer) => void;
}

/** Who announced a video stream: whether the frame was checked against a signing key, and the gateway's scope. */
interface VideoAnnouncer {
  /** The VIDEO_STREAM_INFORMATION frame carried a MAVLink 2 signature that verified with a configured key. */
  signed: boolean;
  /** The gateway's server-side groups and nation, which the announced feed takes. */
  groups: string[];
  nation?: string;
}

export interface MavlinkGateway {
  /** The UDP port actually bound (useful with port 0). */
  port: number;
  stats(): GatewayStats;
  close(): Promise<void>;
}

const nullSink: SessionSink = { write: () => true, close: () => {} };
const SWEEP_MS = 5000;

/** Start listening. Resolves once the socket is bound; rejects if it cannot be. */
export async function startMavlinkGateway(opts: GatewayOptions): Promise<MavlinkGateway> {
  const { cfg, hub } = opts;
  const log = opts.log.child({ module: 'mavlink' });
  const now = opts.now ?? Date.now;
  const metrics = new GatewayMetrics(opts.metrics?.registry);
  const verifier = new SignatureVerifier(cfg.signing, now);
  const minInterval = 1000 / cfg.maxRateHz;
  const footprintInterval = Math.max(minInterval, 500);
  const forgetAfter = Math.max(60_000, cfg.staleSeconds * 10_000);

  const identity: Identity = {
    id: 'mavlink-gateway',
    kind: 'device',
    ...(cfg.nation ? { nation: cfg.nation } : {}),
    clearance: 'UNCLASSIFIED',
    categories: [],
    groups: [...cfg.groups],
  };
  const session: Session = hub.open(nullSink, {
    transport: 'internal',
    protocol: 'mavlink',
    identity,
    format: 'cot-xml',
    ingestOnly: true,
    noPicture: true,
  });

  const vehicles = new Map<number, VehicleState>();
  const cameras = new Map<number, CameraState>();
  /** Vehicle components per system id, so a system's camera state goes when its last vehicle does. */
  const perSystem = new Map<number, number>();
  const lastFootprint = new Map<VehicleState, number>();
  const dirty = new Set<VehicleState>();
  const lastWarn = new Map<string, number>();

  const warn = (reason: string, detail: Record<string, unknown>) => {
    const t = now();
    if ((lastWarn.get(reason) ?? 0) + 10_000 > t) return;
    lastWarn.set(reason, t);
    log.warn(
      { reason, ...detail, counts: metrics.stats.frames },
      'MAVLink input rejected (further ones counted)',
    );
  };

  const observe = opts.observeLatency;
  let arrival = 0;

  const publish = (v: VehicleState, t: number, fromDatagram = false) => {
    const wantFp = t - (lastFootprint.get(v) ?? 0) >= footprintInterval;
    const events = buildVehicleEvents(v, cameras.get(v.sysid), { cfg, now: t, withFootprintEvent: wantFp });
    v.lastPublished = t;
    v.dirty = false;
    dirty.delete(v);
    for (const e of events) {
      const r = hub.ingest(session, e);
      if (!r.ok) warn('hub-rejected', { uid: e.uid, code: r.code, why: r.reason });
      metrics.published(e.type === 'u-d-f' ? 'footprint' : 'vehicle', r.ok);
      if (r.ok && e.type === 'u-d-f') lastFootprint.set(v, t);
    }
    if (observe && fromDatagram) observe(performance.now() - arrival);
  };

  const vehicleFor = (sysid: number, compid: number, t: number): VehicleState => {
    const key = (sysid << 8) | compid;
    let v = vehicles.get(key);
    if (!v) {
      if (vehicles.size >= cfg.maxVehicles) evictOldest(t);
      v = newVehicle(sysid, compid, t);
      vehicles.set(key, v);
      perSystem.set(sysid, (perSystem.get(sysid) ?? 0) + 1);
      metrics.setVehicles(vehicles.size);
      log.info({ sysid, compid }, 'new MAVLink vehicle');
    }
    return v;
  };

  const evictOldest = (t: number) => {
    let oldestKey: number | undefined;
    let oldest = t + 1;
    for (const [k, v] of vehicles) {
      if (v.lastHeard < oldest) {
        oldest = v.lastHeard;
        oldestKey = k;
      }
    }
    if (oldestKey !== undefined) forget(oldestKey);
  };

  const forget = (key: number) => {
    const v = vehicles.get(key);
    if (!v) return;
    vehicles.delete(key);
    dirty.delete(v);
    lastFootprint.delete(v);
    const left = (perSystem.get(v.sysid) ?? 1) - 1;
    if (left > 0) perSystem.set(v.sysid, left);
    else {
      perSystem.delete(v.sysid);
      cameras.delete(v.sysid);
    }
    metrics.setVehicles(vehicles.size);
  };

  const onFrame = (f: Frame) => {
    const verdict = verifier.check(f);
    if (!verdict.ok) {
      metrics.frame(verdict.reason);
      warn(verdict.reason, { sysid: f.sysid, compid: f.compid, msgid: f.msgid, version: f.version });
      return;
    }
    if (verdict.signed && verdict.keyId !== undefined) metrics.signed();
    let msg;
    try {
      msg = decodeFrame(f);
    } catch (e) {
      metrics.frame('decode-error');
      warn('decode-error', { sysid: f.sysid, msgid: f.msgid, err: (e as Error).message });
      return;
    }
    if (!msg) {
      metrics.frame('ignored-msg');
      return;
    }
    metrics.frame('accepted');
    const t = now();
    if (opts.onVideoStream && f.compid >= 100 && f.compid <= 105)
      askForStreams(f.sysid, f.compid, verdict.signed ? verdict.keyId : undefined);
    if (isCameraMessage(msg)) {
      let c = cameras.get(f.sysid);
      if (!c) {
        if (cameras.size >= cfg.maxVehicles) return;
        c = newCamera();
        cameras.set(f.sysid, c);
      }
      const before = c.videoUrl;
      applyCameraMessage(c, msg, t);
      if (c.videoUrl && c.videoUrl !== before)
        opts.onVideoStream?.(vehicleUid(f.sysid, 1), c.videoUrl, {
          signed: verdict.signed && verdict.keyId !== undefined,
          groups: [...cfg.groups],
          ...(cfg.nation ? { nation: cfg.nation } : {}),
        });
      return;
    }
    const v = vehicleFor(f.sysid, f.compid, t);
    const moved = applyVehicleMessage(v, msg, t);
    if (!moved || !isVehicleType(v.mavType)) return;
    if (t - v.lastPublished >= minInterval) publish(v, t, true);
    else dirty.add(v);
  };

  /** Cameras asked for their video streams (once each), and where the current datagram came from. */
  const asked = new Set<number>();
  let from: { address: string; port: number } | undefined;
  let askSeq = 0;
  /** A camera whose link signs gets a request signed with its key: the key its frame matched, else one listing it. */
  const askForStreams = (sysid: number, compid: number, keyId: string | undefined) => {
    const id = (sysid << 8) | compid;
    if (asked.has(id) || !from || asked.size >= cfg.maxVehicles) return;
    asked.add(id);
    const key =
      cfg.signing.keys.find((k) => k.id === keyId) ??
      (verifier.signsAlways(sysid) ? cfg.signing.keys.find((k) => k.sysids.includes(sysid)) : undefined);
    const req = requestVideoStreams(askSeq++ & 0xff, sysid, compid, key, now());
    socket.send(req, from.port, from.address, (err) => {
      if (err) warn('connect-send', { sysid, compid, err: err.message });
    });
  };

  const onSkip = (reason: SkipReason, offset: number) => {
    metrics.frame(reason);
    warn(reason, { offset });
  };

  const socket: Socket = createSocket({ type: isIPv6(cfg.host) ? 'udp6' : 'udp4', reuseAddr: false });
  socket.on('message', (buf, rinfo) => {
    from = rinfo;
    metrics.datagram();
    if (observe) arrival = performance.now();
    try {
      scanDatagram(buf, onFrame, onSkip);
    } catch (e) {
      // Nothing in the path is expected to throw; if it does, one datagram is lost, never the process.
      metrics.frame('decode-error');
      log.error({ err: e, from: `${rinfo.address}:${rinfo.port}` }, 'MAVLink datagram handling failed');
    }
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    socket.once('error', onError);
    socket.bind(cfg.port, cfg.host, () => {
      socket.off('error', onError);
      socket.on('error', (e) => log.error({ err: e }, 'MAVLink socket error'));
      try {
        socket.setRecvBufferSize(cfg.recvBufferBytes);
      } catch (e) {
        log.warn({ err: (e as Error).message }, 'could not enlarge the MAVLink receive buffer');
      }
      resolve();
    });
  });
  const port = socket.address().port;

  let lastSweep = now();
  const flushTimer = setInterval(
    () => {
      const t = now();
      for (const v of dirty) if (t - v.lastPublished >= minInterval) publish(v, t);
      if (t - lastSweep >= SWEEP_MS) {
        lastSweep = t;
        for (const [k, v] of vehicles) if (t - v.lastHeard > forgetAfter) forget(k);
      }
    },
    Math.max(20, Math.min(100, minInterval / 2)),
  );
  flushTimer.unref();

  let gcsSeq = 0;
  const heartbeat = () => {
    for (const ep of cfg.connect) {
      socket.send(gcsHeartbeat(gcsSeq++ & 0xff, cfg.signing, now()), ep.port, ep.host, (err) => {
        if (err) warn('connect-send', { host: ep.host, port: ep.port, err: err.message });
      });
    }
  };
  const hbTimer = cfg.connect.length > 0 ? setInterval(heartbeat, 1000) : undefined;
  hbTimer?.unref();
  if (hbTimer) heartbeat();

  log.info(
    { host: cfg.host, port, connect: cfg.connect, requireSigning: cfg.signing.requireSigning },
    'MAVLink gateway listening',
  );

  let closed = false;
  return {
    port,
    stats: () => metrics.stats,
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(flushTimer);
      if (hbTimer) clearInterval(hbTimer);
      await new Promise<void>((resolve) => socket.close(() => resolve()));
      hub.close(session, 'gateway_stopped');
    },
  };
}
