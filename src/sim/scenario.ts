/**
 * The scenario file format: forces (ground units speaking CoT over TCP, drones speaking MAVLink over UDP), how they
 * move, and chat injects. Validated with zod; load.ts maps each problem back to its line in the YAML.
 */
import { z } from 'zod';

const lat = z.number().min(-90).max(90);
const lon = z.number().min(-180).max(180);
/** A position written `[lat, lon]`, the order people read off a map. */
const latLon = z.tuple([lat, lon]);

const cotType = z.string().regex(/^[a-z](-[A-Za-z0-9]+)+$/, 'a CoT type such as a-f-G-U-C-I');
const nation = z
  .string()
  .regex(/^[A-Z]{3}$/, 'ISO 3166 alpha-3 code in capitals (LTU, LVA, EST, POL, DEU …)');
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (max 64)');

/** Speed: either `speedKmh` or `speed` (m/s). */
const speedFields = {
  speed: z.number().min(0).max(400).optional(),
  speedKmh: z.number().min(0).max(1500).optional(),
};

const motion = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('static'), at: latLon }).strict(),
  z
    .object({
      kind: z.literal('route'),
      points: z.array(latLon).min(2),
      /** At the end: stop, start again from the first point, or turn back (patrol). */
      end: z.enum(['stop', 'loop', 'reverse']).default('stop'),
      ...speedFields,
    })
    .strict(),
  z
    .object({
      kind: z.literal('patrol'),
      points: z.array(latLon).min(2),
      ...speedFields,
    })
    .strict(),
  z
    .object({
      kind: z.literal('orbit'),
      centre: latLon,
      radius: z.number().min(10).max(100_000),
      clockwise: z.boolean().default(true),
      ...speedFields,
    })
    .strict(),
]);

const camera = z
  .object({
    hfov: z.number().gt(0).lt(180).default(60),
    vfov: z.number().gt(0).lt(180).default(45),
    /** Point the camera looks at; without it the camera looks ahead at `pitch`. */
    target: latLon.optional(),
    pitch: z.number().min(-90).max(0).default(-45),
  })
  .strict();

const common = {
  id,
  callsign: z.string().min(1).max(64),
  nation,
  /** Start moving this many seconds after the scenario starts (held at the first point until then). */
  startAt: z.number().min(0).default(0),
  /** N copies of this unit (load generation); copies get -001, -002 … suffixes and spread out. */
  copies: z.number().int().min(1).max(10_000).default(1),
  motion,
  remarks: z.string().max(500).optional(),
};

export const groundUnit = z
  .object({
    ...common,
    kind: z.literal('unit'),
    type: cotType,
    /** ATAK team colour and role (`__group`). */
    team: z.string().max(32).default('Cyan'),
    role: z.string().max(32).default('Team Member'),
    /** Position report interval, seconds of scenario time. */
    reportSeconds: z.number().min(0.1).max(600).default(5),
    /** Ground elevation (metres above mean sea level). */
    altitude: z.number().min(-500).max(9000).default(150),
    /** The report's label as a TAK client writes it: `access` marking and `releasableTo` nations. */
    access: z.string().max(64).optional(),
    releasableTo: z.array(nation).min(1).max(30).optional(),
  })
  .strict();

export const droneUnit = z
  .object({
    ...common,
    kind: z.literal('drone'),
    /** MAVLink system id (copies count up from it, then use further component ids). */
    sysid: z.number().int().min(1).max(255),
    /** MAV_TYPE name. */
    vehicle: z.enum(['quadrotor', 'hexarotor', 'octorotor', 'fixed-wing', 'vtol', 'helicopter', 'rover']),
    /** Height above the ground in metres, and the ground's elevation above mean sea level. */
    height: z.number().min(0).max(20_000).default(120),
    ground: z.number().min(-500).max(9000).default(150),
    /** Telemetry rate (GLOBAL_POSITION_INT and ATTITUDE per second). */
    rateHz: z.number().min(0.2).max(50).default(5),
    camera: camera.optional(),
    battery: z
      .object({
        start: z.number().min(0).max(100).default(100),
        drainPerMinute: z.number().min(0).default(0.5),
      })
      .strict()
      .prefault({}),
    /** Send MAVLink v1 frames (old autopilots) instead of v2. */
    mavlinkV1: z.boolean().default(false),
  })
  .strict();

/** An ATAK emergency raised by a unit (911, ring the bell, troops in contact), cancelled at `cancelAt`. */
const emergency = z
  .object({
    at: z.number().min(0),
    from: id,
    kind: z.enum(['911 Alert', 'Ring The Bell', 'Troops In Contact']).default('911 Alert'),
    cancelAt: z.number().min(0).optional(),
  })
  .strict();

const chat = z
  .object({
    /** Seconds of scenario time. */
    at: z.number().min(0),
    from: id,
    /** A unit id for a direct message, or `all` for the All Chat Rooms broadcast. */
    to: z.union([z.literal('all'), id]).default('all'),
    text: z.string().min(1).max(2000),
  })
  .strict();

export const scenarioSchema = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().max(5000).optional(),
    /** Play for this many seconds of scenario time, then stop; absent = until interrupted. */
    duration: z.number().positive().optional(),
    units: z
      .array(
        z.preprocess(
          // `kind` may be left out for ground units, the common case.
          (v) => (v && typeof v === 'object' && !('kind' in v) ? { ...v, kind: 'unit' } : v),
          z.discriminatedUnion('kind', [droneUnit, groundUnit]),
        ),
      )
      .min(1),
    chat: z.array(chat).default([]),
    emergencies: z.array(emergency).default([]),
    mavlink: z
      .object({
        /** Sign drone frames with this passphrase (SHA-256 of it is the key, as Mission Planner does). */
        signingPassphrase: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Map<string, number>();
    s.units.forEach((u, i) => {
      if (seen.has(u.id))
        ctx.addIssue({ code: 'custom', path: ['units', i, 'id'], message: `duplicate unit id "${u.id}"` });
      seen.set(u.id, i);
      const m = u.motion;
      if (m.kind !== 'static' && m.speed === undefined && m.speedKmh === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['units', i, 'motion'],
          message: 'give speed (m/s) or speedKmh',
        });
      }
    });
    const sysids = new Map<number, string>();
    for (const [i, u] of s.units.entries()) {
      if (u.kind !== 'drone') continue;
      const other = sysids.get(u.sysid);
      if (other)
        ctx.addIssue({
          code: 'custom',
          path: ['units', i, 'sysid'],
          message: `sysid also used by "${other}"`,
        });
      sysids.set(u.sysid, u.id);
    }
    s.chat.forEach((c, i) => {
      const from = s.units.find((u) => u.id === c.from);
      if (!from) ctx.addIssue({ code: 'custom', path: ['chat', i, 'from'], message: `no unit "${c.from}"` });
      else if (from.kind === 'drone') {
        ctx.addIssue({
          code: 'custom',
          path: ['chat', i, 'from'],
          message: 'drones speak MAVLink and cannot chat',
        });
      }
      if (c.to !== 'all' && !seen.has(c.to)) {
        ctx.addIssue({ code: 'custom', path: ['chat', i, 'to'], message: `no unit "${c.to}"` });
      }
    });
    s.emergencies.forEach((a, i) => {
      const from = s.units.find((u) => u.id === a.from);
      if (!from || from.kind === 'drone')
        ctx.addIssue({
          code: 'custom',
          path: ['emergencies', i, 'from'],
          message: `no ground unit "${a.from}"`,
        });
      if (a.cancelAt !== undefined && a.cancelAt <= a.at)
        ctx.addIssue({ code: 'custom', path: ['emergencies', i, 'cancelAt'], message: 'must be after `at`' });
    });
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type UnitSpec = Scenario['units'][number];
export type GroundUnitSpec = z.infer<typeof groundUnit>;
export type DroneUnitSpec = z.infer<typeof droneUnit>;
export type Motion = z.infer<typeof motion>;
export type ChatInject = Scenario['chat'][number];
