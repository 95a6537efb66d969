/**
 * Configuration: defaults -> YAML file -> BW_ environment variables -> command-line flags, validated once with zod
 * and frozen. Errors name the key and the problem.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { trustConfig } from '../trust/config.js';
import { mavlinkConfig } from '../gateways/mavlink/config.js';
import { videoConfig } from '../video/config.js';
import { webConfig } from '../transports/web/config.js';
import { clusterConfig } from '../cluster/config.js';
import { federationConfig } from '../federation/config.js';

const listen = (port: number, host = '127.0.0.1') =>
  z
    .strictObject({
      enabled: z.boolean().default(true),
      host: z.string().default(host),
      port: z.number().int().min(0).max(65535).default(port),
    })
    .prefault({});

const classification = z.enum(['UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET', 'TOP SECRET']);

export const configSchema = z.strictObject({
  /** This hub's id: stamped into _flow-tags_ and used by federation. */
  hubId: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, dot, dash and underscore only')
    .default('balticwall'),
  dataDir: z.string().default('.balticwall'),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      pretty: z.boolean().default(false),
    })
    .prefault({}),
  tcp: listen(8087),
  udp: listen(8087),
  tls: z
    .strictObject({
      enabled: z.boolean().default(true),
      host: z.string().default('0.0.0.0'),
      port: z.number().int().min(0).max(65535).default(8089),
    })
    .prefault({}),
  http: listen(8080),
  limits: z
    .strictObject({
      maxEventBytes: z
        .number()
        .int()
        .min(1024)
        .default(1024 * 1024),
      /** A started event must complete within this time (slowloris). */
      eventTimeoutMs: z.number().int().min(100).default(10_000),
      /** A connection with no traffic at all for this long is closed. */
      idleTimeoutMs: z.number().int().min(1000).default(300_000),
      /** A TLS handshake must finish within this time. */
      handshakeTimeoutMs: z.number().int().min(100).default(10_000),
      /** Events per second a single connection may send (token bucket), and the burst it may save up. */
      ratePerClient: z.number().min(1).default(200),
      burstPerClient: z.number().min(1).default(1000),
      /** UDP datagrams per second taken from all sources together (each source also has ratePerClient). */
      udpPerSecond: z.number().min(1).default(5000),
      /** Parallel sessions allowed for one client identity (uid or certificate). The oldest is closed. */
      sessionsPerIdentity: z.number().int().min(1).default(3),
      /** Accepted connections per second from one address, and in total. */
      acceptPerSecondPerAddress: z.number().int().min(1).default(50),
      acceptPerSecond: z.number().int().min(1).default(500),
      maxConnections: z.number().int().min(1).default(20_000),
      /**
       * Sockets that are not clients yet (waiting for an accept slot or in the TLS handshake), in total and per
       * address; 0 derives them from the open-file limit (a quarter of it, and a quarter of that per address).
       */
      maxPendingConnections: z.number().int().min(0).default(0),
      maxPendingPerAddress: z.number().int().min(0).default(0),
      /**
       * Picture bounds: entities held in total and per reporting identity. A new uid past either is refused
       * (BW_PICTURE_FULL); updates of held uids always pass.
       */
      maxEntities: z.number().int().min(1).default(100_000),
      maxEntitiesPerIdentity: z.number().int().min(1).default(20_000),
      /**
       * Per-client outgoing queue: messages that may never be dropped (chat, alerts, deletes, directed) that may wait
       * for a lagging client before it is disconnected; state updates coalesce to one slot per uid besides.
       */
      queueLimit: z.number().int().min(16).default(4096),
      /**
       * Bytes buffered in a socket before the hub stops writing to it and lets updates coalesce. Small, so a lagging
       * client gets fresh positions rather than a backlog (bench S1: 886k deliveries/s at 128 KiB, 676k at 1 MiB).
       */
      socketHighWater: z
        .number()
        .int()
        .min(4096)
        .default(128 * 1024),
    })
    .prefault({}),
  decode: z
    .strictObject({
      /** Threads that frame and decode CoT XML streams (TCP, TLS); 0 decodes on the hub's own thread. */
      threads: z.number().int().min(0).max(16).default(1),
      /**
       * A connection moves to them once it reads this many bytes within a second (0: every connection from the
       * start). Light senders stay on the hub's thread: no thread hop, no per-connection state there.
       */
      fromBytesPerSecond: z
        .number()
        .int()
        .min(0)
        .default(64 * 1024),
      /** Bytes handed to them and not yet decoded; above it connections pause reading (the sender is slowed). */
      inFlightBytes: z
        .number()
        .int()
        .min(64 * 1024)
        .default(8 * 1024 * 1024),
    })
    .prefault({}),
  routing: z
    .strictObject({
      /** Also scope broadcasts by the sender's __group team (off: TAK Server treats __group as display only). */
      teamScoped: z.boolean().default(false),
    })
    .prefault({}),
  local: z
    .strictObject({
      /** Identity for connections on the plain (loopback by default) ports. */
      nation: z.string().length(3).optional(),
      clearance: classification.default('UNCLASSIFIED'),
      groups: z.array(z.string()).default(['__ANON__']),
    })
    .prefault({}),
  store: z
    .strictObject({
      /** How often dirty latest-state rows are written (one transaction). */
      flushMs: z.number().int().min(10).default(1000),
    })
    .prefault({}),
  trust: trustConfig,
  mavlink: mavlinkConfig,
  video: videoConfig,
  web: webConfig,
  federation: federationConfig,
  planner: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
  cluster: clusterConfig,
  demo: z
    .strictObject({
      enabled: z.boolean().default(false),
      scenario: z.string().optional(),
      speed: z.number().positive().default(1),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;

/** The top-level keys of the configuration: a `BW_` variable is configuration only when it names one of them. */
const TOP_LEVEL_KEYS: ReadonlySet<string> = new Set(Object.keys(configSchema.shape));

const envPath = (name: string): string[] =>
  name
    .slice(3)
    .split('__')
    .map((p) => p.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()));

/**
 * Turn BW_TCP__PORT=9000 style variables into a nested object (double underscore separates levels, single
 * underscores become camelCase). Only a variable whose first part names a top-level key is configuration
 * (BW_TCP__PORT, BW_HUB_ID, BW_TRUST__PKI__PUBLIC_HOST); any other (BW_PASSWORD, BW_TEST_…) belongs to someone
 * else and is ignored, so it can never make configuration fail. Within a known key every part is checked, so a
 * typo such as BW_TCP__PROT is still reported.
 */
export function envToObject(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(env)) {
    if (!k.startsWith('BW_') || v === undefined) continue;
    const path = envPath(k);
    if (!TOP_LEVEL_KEYS.has(path[0]!)) continue;
    setPath(out, path, coerce(v));
  }
  return out;
}

function coerce(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (v.startsWith('[') || v.startsWith('{')) {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}

export function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = isPlain(v) && isPlain(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/** Validate a merged raw object; throws ConfigError naming each bad key. */
export function validateConfig(raw: unknown): Config {
  const r = configSchema.safeParse(raw ?? {});
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError('BW_CONFIG_INVALID', [lines.join('; ')]);
  }
  return deepFreeze(r.data);
}

export interface LoadOptions {
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Flag overrides as dotted paths: { 'tcp.port': 9000 }. */
  overrides?: Record<string, unknown>;
}

/** defaults -> file -> env -> flags. */
export function loadConfig(opts: LoadOptions = {}): Config {
  let raw: Record<string, unknown> = {};
  if (opts.file) {
    let text: string;
    try {
      text = readFileSync(opts.file, 'utf8');
    } catch (e) {
      throw new ConfigError('BW_CONFIG_FILE', [opts.file], { cause: e });
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (e) {
      throw new ConfigError('BW_CONFIG_INVALID', [`${opts.file}: ${(e as Error).message}`]);
    }
    if (parsed != null && !isPlain(parsed)) {
      throw new ConfigError('BW_CONFIG_INVALID', [`${opts.file}: the top level must be a mapping`]);
    }
    raw = (parsed as Record<string, unknown>) ?? {};
  }
  raw = deepMerge(raw, envToObject(opts.env ?? {}));
  for (const [k, v] of Object.entries(opts.overrides ?? {})) setPath(raw, k.split('.'), v);
  return validateConfig(raw);
}
