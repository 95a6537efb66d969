/**
 * The demo behind `npm start` (`balticwall serve --demo`): the built-in Suwałki corridor scenario played against
 * the hub that just started, with the scenario's drone callsigns and nations given to the MAVLink gateway.
 */
import type { Logger } from 'pino';
import type { MavlinkConfig } from '../gateways/mavlink/config.js';
import { resolveScenario } from './load.js';
import { mavlinkVehiclesFor, runScenario, type RunResult } from './player.js';
import type { Scenario } from './scenario.js';

export const DEMO_SCENARIO = 'baltic-demo';

/** The gateway config with the scenario's drones named (explicit configuration wins). */
export function withScenarioVehicles(cfg: MavlinkConfig, s: Scenario): MavlinkConfig {
  return { ...cfg, vehicles: { ...mavlinkVehiclesFor(s), ...cfg.vehicles } };
}

/**
 * For the composition root: the gateway config to start with when the demo is on (the demo scenario's drone
 * callsigns added). Throws ScenarioError if the scenario file is wrong, before anything starts.
 */
export function demoMavlinkConfig(cfg: MavlinkConfig, scenario: string = DEMO_SCENARIO): MavlinkConfig {
  return withScenarioVehicles(cfg, resolveScenario(scenario));
}

/** A listen address as a client would dial it (0.0.0.0 and :: mean "this machine"). */
export function dialHost(host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
}

export interface DemoOptions {
  /** Scenario file or built-in name; default the Baltic demo. */
  scenario?: string | undefined;
  speed?: number;
  cotHost: string;
  cotPort: number;
  mavlinkHost: string;
  mavlinkPort: number;
  log: Logger;
}

export interface Demo {
  scenario: Scenario;
  /** Settles when the scenario ends (or is stopped). */
  done: Promise<RunResult>;
  stop(): Promise<void>;
}

/** Load the scenario (throws ScenarioError with lines when it is wrong) and start playing it. */
export function startDemo(o: DemoOptions): Demo {
  const scenario = resolveScenario(o.scenario ?? DEMO_SCENARIO);
  const ac = new AbortController();
  const done = runScenario(scenario, {
    cotHost: dialHost(o.cotHost),
    cotPort: o.cotPort,
    mavlinkHost: dialHost(o.mavlinkHost),
    mavlinkPort: o.mavlinkPort,
    speed: o.speed ?? 1,
    signal: ac.signal,
    log: o.log,
  });
  done.catch((err: unknown) => o.log.error({ err }, 'demo scenario failed'));
  return {
    scenario,
    done,
    stop: async () => {
      ac.abort();
      await done.catch(() => undefined);
    },
  };
}
