/**
 * The four scenarios of issue 2 with their full and smoke sizes, and the targets each must meet. Sizes can be
 * overridden from the command line; the targets are judged on whatever was run and say so.
 */
import type { FanoutMode } from './baseline.js';
import type { GeneratorConfig } from './generator.js';

export type ScenarioName = 'S1' | 'S2' | 'S3' | 'S4';

export interface Scenario {
  name: ScenarioName;
  title: string;
  clients: number;
  /** Reports per second per client (periodic mode). */
  rate: number;
  teams: number;
  mode: GeneratorConfig['mode'];
  protoFraction: number;
  /** The hub scopes broadcasts by ATAK team (S2: senders reach only the listener; S3: 100 groups). */
  teamScoped: boolean;
  baselineMode: FanoutMode;
  warmupMs: number;
  durationMs: number;
  graceMs: number;
  connectPerSecond: number;
}

const FULL: Record<ScenarioName, Scenario> = {
  S1: {
    name: 'S1',
    title: 'broadcast: 1,000 TCP clients in one group, one position report each per second',
    clients: 1000,
    rate: 1,
    teams: 1,
    mode: 'periodic',
    protoFraction: 0,
    teamScoped: false,
    baselineMode: 'all',
    warmupMs: 8_000,
    durationMs: 30_000,
    graceMs: 5_000,
    connectPerSecond: 500,
  },
  S2: {
    name: 'S2',
    title: 'ingest: 50 clients sending as fast as they can, one listener',
    clients: 51,
    rate: 0,
    teams: 51,
    mode: 'flood',
    protoFraction: 0,
    teamScoped: true,
    baselineMode: 'first',
    warmupMs: 5_000,
    durationMs: 20_000,
    graceMs: 3_000,
    connectPerSecond: 200,
  },
  S3: {
    name: 'S3',
    title: 'many connections: 10,000 clients in 100 groups, one position each per 30 s',
    clients: 10_000,
    rate: 1 / 30,
    teams: 100,
    mode: 'periodic',
    protoFraction: 0,
    teamScoped: true,
    baselineMode: 'team',
    // One full period, so every client has announced its team before measuring.
    warmupMs: 32_000,
    durationMs: 60_000,
    graceMs: 5_000,
    connectPerSecond: 1_000,
  },
  S4: {
    name: 'S4',
    title: 'protobuf: S1 with half of the clients negotiated to TAK Protocol v1',
    clients: 1000,
    rate: 1,
    teams: 1,
    mode: 'periodic',
    protoFraction: 0.5,
    teamScoped: false,
    baselineMode: 'all',
    warmupMs: 8_000,
    durationMs: 30_000,
    graceMs: 5_000,
    connectPerSecond: 500,
  },
};

const SMOKE: Record<ScenarioName, Partial<Scenario>> = {
  S1: { clients: 12, rate: 5, warmupMs: 800, durationMs: 1_500, graceMs: 500 },
  S2: { clients: 4, teams: 4, warmupMs: 500, durationMs: 1_500, graceMs: 500 },
  S3: { clients: 24, teams: 4, rate: 2, warmupMs: 1_200, durationMs: 1_500, graceMs: 500 },
  S4: { clients: 12, rate: 5, warmupMs: 800, durationMs: 1_500, graceMs: 500 },
};

export const SCENARIOS = Object.keys(FULL) as ScenarioName[];

export interface Overrides {
  smoke?: boolean;
  clients?: number;
  rate?: number;
  durationMs?: number;
  warmupMs?: number;
  /** Share of the clients that negotiate TAK Protocol v1 (S2's listener always stays on XML). */
  protoFraction?: number;
}

/** A scenario at full size, or smoke size, with command-line overrides applied. */
export function scenario(name: ScenarioName, o: Overrides = {}): Scenario {
  const s: Scenario = { ...FULL[name], ...(o.smoke ? SMOKE[name] : {}) };
  if (o.clients !== undefined) s.clients = o.clients;
  if (o.rate !== undefined) s.rate = o.rate;
  if (o.durationMs !== undefined) s.durationMs = o.durationMs;
  if (o.warmupMs !== undefined) s.warmupMs = o.warmupMs;
  if (o.protoFraction !== undefined) s.protoFraction = o.protoFraction;
  if (s.mode === 'flood') s.teams = s.clients;
  return s;
}

/** Deliveries one sent report should cause when nothing is dropped or coalesced. */
export function recipientsPerReport(s: Scenario): number {
  if (s.mode === 'flood') return 1;
  const perTeam = s.clients / s.teams;
  return Math.max(0, perTeam - 1);
}
