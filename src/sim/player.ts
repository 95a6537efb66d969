/**
 * Plays a scenario against a hub: each ground unit on its own CoT TCP connection, every drone as MAVLink datagrams
 * to the gateway, chat injects on time. Scenario time runs `speed` times faster than the wall clock; ground
 * reports follow scenario time (never faster than 10 per second per unit), drone telemetry streams at its
 * autopilot rate in wall time, as a real autopilot does.
 */
import { createSocket } from 'node:dgram';
import type { Logger } from 'pino';
import type { MavlinkVehicleConfig } from '../gateways/mavlink/config.js';
import { signingKeyBytes } from '../gateways/mavlink/signing.js';
import { chatMessage, emergencyAlert, positionReport, type CotIdentity } from './cot-events.js';
import { CotLink } from './cot-link.js';
import { CAMERA_COMPID, SimDrone, type DroneSigning } from './drone.js';
import { compileMotion, move, type Fix } from './motion.js';
import type { DroneUnitSpec, GroundUnitSpec, Scenario } from './scenario.js';

export interface RunOptions {
  cotHost: string;
  cotPort: number;
  mavlinkHost: string;
  mavlinkPort: number;
  /** Scenario seconds per wall second (1 = real time). */
  speed?: number;
  signal?: AbortSignal;
  log: Logger;
  /** Sign drone frames with this key (overrides the scenario's passphrase). */
  mavlinkKey?: Buffer;
  /** New CoT connections per second (the hub limits accepts per address; 40 stays under its default 50). */
  connectPerSecond?: number;
}

export interface RunResult {
  units: number;
  drones: number;
  cotSent: number;
  cotDropped: number;
  mavlinkFrames: number;
  mavlinkErrors: number;
  chatsSent: number;
  seconds: number;
}

const TICK_MS = 20;
const COPY_SPACING_M = 40;

interface GroundRunner {
  spec: GroundUnitSpec;
  who: CotIdentity;
  at: (t: number) => Fix;
  link: CotLink;
  next: number;
}

interface DroneRunner {
  drone: SimDrone;
  at: (t: number) => Fix;
  intervalMs: number;
  next: number;
}

/** Copy i of N sits on a small grid around the original so copies do not hide each other. */
function copyOffset(fn: (t: number) => Fix, i: number, startAt: number): (t: number) => Fix {
  const side = 10;
  const dn = Math.floor(i / side) * COPY_SPACING_M;
  const de = (i % side) * COPY_SPACING_M;
  return (t) => {
    const f = fn(Math.max(0, t - startAt));
    if (i === 0) return f;
    const p = move(move(f, 0, dn), 90, de);
    return { ...f, lat: p.lat, lon: p.lon };
  };
}

const suffix = (n: number, i: number) => (n === 1 ? '' : `-${String(i + 1).padStart(3, '0')}`);

/** System and component id of drone copy i (system ids wrap at 255 onto further component ids). */
export function droneIds(spec: DroneUnitSpec, i: number): { sysid: number; compid: number } {
  const k = spec.sysid - 1 + i;
  let compid = 1 + Math.floor(k / 255);
  if (compid >= CAMERA_COMPID) compid++;
  return { sysid: (k % 255) + 1, compid };
}

/**
 * The gateway's per-sysid settings (callsign, nation) for the scenario's drones, so the hub shows the callsigns
 * the scenario gives them. The demo merges this into `mavlink.vehicles`.
 */
export function mavlinkVehiclesFor(s: Scenario): Record<string, MavlinkVehicleConfig> {
  const out: Record<string, MavlinkVehicleConfig> = {};
  for (const u of s.units) {
    if (u.kind !== 'drone') continue;
    for (let i = 0; i < u.copies; i++) {
      const { sysid, compid } = droneIds(u, i);
      if (compid !== 1) continue;
      out[String(sysid)] = { callsign: `${u.callsign}${suffix(u.copies, i)}`, nation: u.nation };
    }
  }
  return out;
}

/** Run until the scenario's duration passes or `signal` aborts. Rejects if no CoT connection can be made. */
export async function runScenario(s: Scenario, o: RunOptions): Promise<RunResult> {
  const speed = o.speed ?? 1;
  const log = o.log.child({ module: 'sim', scenario: s.name });
  const wallStart = Date.now();
  const simT = (wall: number) => ((wall - wallStart) / 1000) * speed;

  const grounds: GroundRunner[] = [];
  const drones: DroneRunner[] = [];
  const udp = createSocket('udp4');
  udp.on('error', (e) => log.warn({ err: e.message }, 'simulator UDP socket error'));
  let mavlinkFrames = 0;
  let mavlinkErrors = 0;
  const sendUdp = (frame: Buffer) => {
    mavlinkFrames++;
    udp.send(frame, o.mavlinkPort, o.mavlinkHost, (err) => {
      if (err) mavlinkErrors++;
    });
  };
  const key =
    o.mavlinkKey ??
    (s.mavlink.signingPassphrase ? signingKeyBytes({ passphrase: s.mavlink.signingPassphrase }) : undefined);
  const signing: DroneSigning | undefined = key ? { key, last: 0 } : undefined;

  for (const u of s.units) {
    const base = compileMotion(u.motion);
    for (let i = 0; i < u.copies; i++) {
      const at = copyOffset(base, i, u.startAt);
      const sfx = suffix(u.copies, i);
      if (u.kind === 'drone') {
        const { sysid, compid } = droneIds(u, i);
        const intervalMs = 1000 / u.rateHz;
        drones.push({
          drone: new SimDrone(u, sysid, compid, sendUdp, signing),
          at,
          intervalMs,
          // Spread copies over one interval so a thousand drones do not fire in the same millisecond.
          next: wallStart + (intervalMs * i) / u.copies,
        });
      } else {
        const who: CotIdentity = {
          uid: `BW-SIM-${u.id}${sfx}`,
          callsign: `${u.callsign}${sfx ? ' ' + sfx.slice(1) : ''}`,
          type: u.type,
          team: u.team,
          role: u.role,
          nation: u.nation,
          remarks: u.remarks,
          access: u.access,
          releasableTo: u.releasableTo,
        };
        const link = new CotLink(o.cotHost, o.cotPort, log, who.callsign);
        grounds.push({ spec: u, who, at, link, next: 0 });
      }
    }
  }

  // Connect the CoT units, paced under the hub's accept-rate limit. The first failure means no hub: give up.
  const perSecond = o.connectPerSecond ?? 40;
  for (let i = 0; i < grounds.length; i++) {
    if (o.signal?.aborted) break;
    const g = grounds[i]!;
    try {
      await g.link.open();
    } catch (e) {
      for (const x of grounds) x.link.close();
      udp.close();
      throw new Error(
        `cannot connect to the hub's CoT port ${o.cotHost}:${o.cotPort}: ${(e as Error).message}`,
        { cause: e },
      );
    }
    g.next = Date.now() + ((g.spec.reportSeconds * 1000) / speed) * (i / Math.max(1, grounds.length)) * 0.5;
    if ((i + 1) % perSecond === 0) await new Promise((r) => setTimeout(r, 1000));
  }
  log.info({ units: grounds.length, drones: drones.length, speed }, 'scenario playing');

  // Chat comes from (and goes to) the first copy of a unit.
  const byId = new Map<string, GroundRunner>();
  for (const g of grounds) if (!byId.has(g.spec.id)) byId.set(g.spec.id, g);
  const first = (id: string) => byId.get(id);
  const chats = [...s.chat].sort((a, b) => a.at - b.at);
  let chatIdx = 0;
  let chatsSent = 0;
  // Emergencies and their cancels, in time order.
  const alarms = s.emergencies
    .flatMap((a) => [
      { at: a.at, a, cancel: false },
      ...(a.cancelAt !== undefined ? [{ at: a.cancelAt, a, cancel: true }] : []),
    ])
    .sort((x, y) => x.at - y.at);
  let alarmIdx = 0;

  return new Promise<RunResult>((resolve) => {
    const finish = () => {
      clearInterval(timer);
      o.signal?.removeEventListener('abort', finish);
      for (const g of grounds) g.link.close();
      udp.close();
      const seconds = (Date.now() - wallStart) / 1000;
      const result: RunResult = {
        units: grounds.length,
        drones: drones.length,
        cotSent: grounds.reduce((a, g) => a + g.link.stats.sent, 0),
        cotDropped: grounds.reduce((a, g) => a + g.link.stats.dropped, 0),
        mavlinkFrames,
        mavlinkErrors,
        chatsSent,
        seconds,
      };
      log.info(result, 'scenario finished');
      resolve(result);
    };
    const step = () => {
      const wall = Date.now();
      const t = simT(wall);
      if (s.duration !== undefined && t >= s.duration) return finish();
      for (const g of grounds) {
        if (wall < g.next) continue;
        g.next = wall + Math.max(100, (g.spec.reportSeconds * 1000) / speed);
        const staleMs = Math.max(60_000, 3 * g.spec.reportSeconds * 1000);
        g.link.sendPosition(positionReport(g.who, g.at(t), g.spec.altitude, wall, staleMs));
      }
      for (const d of drones) {
        if (wall < d.next) continue;
        d.next += d.intervalMs;
        if (d.next < wall) d.next = wall + d.intervalMs; // fell behind: skip, do not burst
        d.drone.tick(t, d.at(t), wall);
      }
      while (chatIdx < chats.length && chats[chatIdx]!.at <= t) {
        const c = chats[chatIdx++]!;
        const from = first(c.from);
        const to = c.to === 'all' ? 'all' : first(c.to);
        if (!from || !to) continue;
        from.link.sendReliable(
          chatMessage(from.who, to === 'all' ? 'all' : to.who, c.text, from.at(t), wall),
        );
        chatsSent++;
      }
      while (alarmIdx < alarms.length && alarms[alarmIdx]!.at <= t) {
        const { a, cancel } = alarms[alarmIdx++]!;
        const from = first(a.from);
        if (from) from.link.sendReliable(emergencyAlert(from.who, from.at(t), a.kind, wall, cancel));
      }
    };
    const timer = setInterval(step, TICK_MS);
    if (o.signal?.aborted) return finish();
    o.signal?.addEventListener('abort', finish, { once: true });
    step();
  });
}
