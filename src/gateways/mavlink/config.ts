/** Configuration of the MAVLink gateway. Owned by the MAVLink module. */
import { z } from 'zod';

const affiliation = z.enum(['f', 'a', 'n', 'u', 'h', 's', 'p', 'o']);
const nation = z
  .string()
  .regex(/^[A-Z]{3}$/, 'ISO 3166 alpha-3 code in capitals (LTU, DEU …)')
  .optional();

/** Settings for one vehicle (by MAVLink system id) that override the gateway defaults. */
const vehicle = z.object({
  callsign: z.string().min(1).max(64).optional(),
  affiliation: affiliation.optional(),
  nation,
  /** Full CoT type to use instead of the one derived from HEARTBEAT's MAV_TYPE. */
  type: z
    .string()
    .regex(/^[a-z](-[A-Za-z0-9]+)*$/)
    .optional(),
  /** Camera model shown in the sensor detail. */
  cameraModel: z.string().max(64).optional(),
  /** Video stream URL (RTSP/SRT/HLS) advertised in `__video`. */
  videoUrl: z.string().max(512).optional(),
});

/** A signing key: 32 bytes as 64 hex digits, or a passphrase hashed with SHA-256 (the Mission Planner way). */
const signingKey = z
  .object({
    id: z.string().min(1).default('key'),
    hex: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, '32-byte key as 64 hex digits')
      .optional(),
    passphrase: z.string().min(1).optional(),
    /** System ids this key may sign for; empty = any. */
    sysids: z.array(z.number().int().min(1).max(255)).default([]),
  })
  .refine((k) => (k.hex === undefined) !== (k.passphrase === undefined), {
    message: 'give exactly one of hex or passphrase',
  });

export const mavlinkConfig = z
  .object({
    enabled: z.boolean().default(true),
    /** Where to listen for MAVLink datagrams (14550 is the ground-control convention). */
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(14550),
    /**
     * Ground-control endpoints to connect to instead of (or as well as) waiting: the gateway sends a GCS HEARTBEAT
     * there every second so an autopilot/router in "udpin" mode starts streaming back to us.
     */
    connect: z
      .array(z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535) }))
      .max(16)
      .default([]),
    /** Default affiliation letter for vehicles (f friend, h hostile, n neutral, u unknown …). */
    affiliation: affiliation.default('f'),
    /** Nation of the drones' operator (alpha-3); stamped as the origin nation. */
    nation,
    /** Server-side groups the gateway publishes into. */
    groups: z.array(z.string().min(1)).min(1).default(['__ANON__']),
    /** Seconds after the last frame until a vehicle's event goes stale (link loss). */
    staleSeconds: z.number().min(1).max(3600).default(5),
    /** Most position events per second published per vehicle; faster telemetry is coalesced. */
    maxRateHz: z.number().min(0.1).max(50).default(5),
    /** Most vehicles tracked at once; the least recently heard is evicted beyond it. */
    maxVehicles: z.number().int().min(1).max(100_000).default(5000),
    /**
     * Kernel receive buffer for the UDP socket. Telemetry arrives in bursts; a small buffer drops datagrams whenever
     * the event loop pauses (GC). Capped by the OS (net.core.rmem_max on Linux).
     */
    recvBufferBytes: z
      .number()
      .int()
      .min(65_536)
      .max(256 * 1024 * 1024)
      .default(4 * 1024 * 1024),
    /** Callsign prefix for vehicles without a configured callsign (`UAS-<sysid>`). */
    callsignPrefix: z.string().max(32).default('UAS-'),
    /** Per-sysid overrides, keyed by the system id as a string ("42"). */
    vehicles: z.record(z.string().regex(/^\d{1,3}$/, 'system id 1-255'), vehicle).default({}),
    signing: z
      .object({
        keys: z.array(signingKey).default([]),
        /** Reject frames that are not signed with one of the keys (MAVLink v1 frames can never be signed). */
        requireSigning: z.boolean().default(false),
        /** Accepted distance of a new stream's timestamp from our clock (spec: one minute). */
        maxSkewSeconds: z.number().min(1).max(86_400).default(60),
      })
      .prefault({}),
  })
  .prefault({});

export type MavlinkConfig = z.infer<typeof mavlinkConfig>;
export type MavlinkVehicleConfig = z.infer<typeof vehicle>;
