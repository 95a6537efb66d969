/**
 * The demo drone's camera: a generated H.264 stream (ffmpeg testsrc, time burnt in) whose KLV is written from
 * the drone's own state in the hub (position, track, the MAVLink gateway's sensor angles and footprint corners),
 * sent as UDP to a feed linked to the drone's entity, so the COP shows one drone whose footprint and video move
 * in step. Without ffmpeg nothing starts (the demo runs without video).
 */
import { createSocket } from 'node:dgram';
import type { Logger } from 'pino';
import type { Hub } from '../hub/hub.js';
import type { Event } from '../model/index.js';
import type { MavlinkConfig } from '../gateways/mavlink/config.js';
import { ffmpegAvailable, startGenerated } from './generated.js';
import type { VideoService } from './service.js';

const attrs = (xml: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const m of xml.matchAll(/(\w+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
};

/** ST 0601 values from a MAVLink drone's event (the gateway's `track`, `sensor` and `__footprint`). */
export function telemetryFromEvent(e: Event, callsign: string): Record<string, number | string> {
  const t: Record<string, number | string> = {
    platformCallSign: callsign,
    platformTailNumber: callsign,
    sensorLatitude: e.point.lat,
    sensorLongitude: e.point.lon,
    sensorEllipsoidHeight: e.point.hae,
    platformHeading: e.detail.track?.course ?? 0,
    platformGroundSpeed: Math.round(e.detail.track?.speed ?? 0),
    uasLsVersion: 19,
  };
  const sensor = e.detail.elements.find((x) => x.name === 'sensor');
  if (sensor) {
    const s = attrs(sensor.xml);
    const az = Number(s.azimuth ?? 0);
    t.sensorRelativeAzimuth = (((az - Number(t.platformHeading)) % 360) + 360) % 360;
    t.sensorRelativeElevation = Number(s.elevation ?? -90);
    t.sensorHorizontalFov = Number(s.fov ?? 30);
    t.sensorVerticalFov = Number(s.vfov ?? 20);
    if (s.range) t.slantRange = Number(s.range);
    t.imageSourceSensor = s.model ?? 'EO';
  }
  const fp = e.detail.elements.find((x) => x.name === '__footprint');
  if (fp) {
    const v = [...fp.xml.matchAll(/<vertex lat="([-\d.]+)" lon="([-\d.]+)"/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    if (v.length === 4) {
      v.forEach(([lat, lon], i) => {
        t[`cornerLatitude${i + 1}`] = lat!;
        t[`cornerLongitude${i + 1}`] = lon!;
      });
      t.frameCenterLatitude = v.reduce((a, p) => a + p[0]!, 0) / 4;
      t.frameCenterLongitude = v.reduce((a, p) => a + p[1]!, 0) / 4;
    }
  }
  return t;
}

export interface DemoCamera {
  stop(): Promise<void>;
}

export async function startDemoCamera(o: {
  video: VideoService;
  hub: Pick<Hub, 'state'>;
  platformUid: string;
  callsign: string;
  ffmpeg: string;
  log: Logger;
}): Promise<DemoCamera | undefined> {
  const id = feedIdOf(o.callsign);
  const added = await o.video.add(
    { id, url: 'udp://127.0.0.1:0', name: `${o.callsign} camera`, platformUid: o.platformUid },
    'config',
  );
  if (!added.ok) {
    o.log.warn({ code: added.code, err: added.message }, 'demo camera feed not added');
    return undefined;
  }
  const port = o.video.portOf(id)!;
  const socket = createSocket('udp4');
  const g = startGenerated({
    ffmpeg: o.ffmpeg,
    width: 640,
    height: 360,
    fps: 25,
    bitrate: '800k',
    telemetry: () => {
      const env = o.hub.state.get(o.platformUid);
      return env ? telemetryFromEvent(env.event, o.callsign) : undefined;
    },
    out: (ts) => {
      for (let i = 0; i < ts.length; i += 7 * 188)
        socket.send(ts.subarray(i, i + 7 * 188), port, '127.0.0.1');
    },
  });
  if (!g) {
    o.log.info('ffmpeg not found: the demo runs without its drone video');
    await o.video.remove(id);
    socket.close();
    return undefined;
  }
  o.log.info({ feed: id, platform: o.platformUid }, 'demo drone camera streaming');
  return {
    stop: async () => {
      await g.stop();
      socket.close();
    },
  };
}

/** The demo's first drone (lowest system id) whose camera gets a generated feed. */
function demoDrone(cfg: MavlinkConfig): { sysid: string; callsign: string } | undefined {
  const ids = Object.keys(cfg.vehicles).sort((a, b) => Number(a) - Number(b));
  const sysid = ids[0];
  return sysid ? { sysid, callsign: cfg.vehicles[sysid]!.callsign ?? `UAS-${sysid}` } : undefined;
}

const feedIdOf = (callsign: string) => `demo-${callsign.replace(/[^A-Za-z0-9_-]/g, '-')}`.slice(0, 64);

/** The gateway config with the demo drone's `__video` pointing at the hub's stream of its camera feed. */
export function withDemoCameraUrl(cfg: MavlinkConfig, video: VideoService, ffmpeg: string): MavlinkConfig {
  const d = demoDrone(cfg);
  if (!d || !ffmpegAvailable(ffmpeg)) return cfg;
  const url = video.urlOf(feedIdOf(d.callsign));
  if (!url) return cfg;
  return { ...cfg, vehicles: { ...cfg.vehicles, [d.sysid]: { ...cfg.vehicles[d.sysid], videoUrl: url } } };
}

/** Start the camera of the demo's first drone (uid MAVLINK-<sysid>-1). */
export function startDemoCameraFor(
  cfg: MavlinkConfig,
  video: VideoService,
  hub: Pick<Hub, 'state'>,
  ffmpeg: string,
  log: Logger,
): Promise<DemoCamera | undefined> {
  const d = demoDrone(cfg);
  if (!d) return Promise.resolve(undefined);
  return startDemoCamera({
    video,
    hub,
    platformUid: `MAVLINK-${d.sysid}-1`,
    callsign: d.callsign,
    ffmpeg,
    log,
  });
}
