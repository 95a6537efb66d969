/** `balticwall sim SCENARIO`: play an exercise scenario against a running hub (or just check the file). */
import type { Command } from 'commander';
import pino from 'pino';
import { BwError } from '../errors.js';
import { resolveScenario } from '../sim/load.js';
import { mavlinkVehiclesFor, runScenario } from '../sim/player.js';

interface SimFlags {
  hub: string;
  cotPort: string;
  mavlinkPort: string;
  speed: string;
  check?: boolean;
  key?: string;
  logLevel: string;
}

function number(name: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Error(`--${name} must be a number from ${min} to ${max}`);
  return n;
}

export function registerSimCommands(program: Command): void {
  program
    .command('sim')
    .description(
      'play an exercise scenario (YAML) against a hub: CoT over TCP for units, MAVLink over UDP for drones',
    )
    .argument('<scenario>', 'scenario file, or the name of a built-in one (baltic-demo)')
    .option('--hub <host>', 'hub address', '127.0.0.1')
    .option('--cot-port <port>', "hub's CoT TCP port", '8087')
    .option('--mavlink-port <port>', "hub's MAVLink UDP port", '14550')
    .option('--speed <x>', 'scenario seconds per real second', '1')
    .option('--key <hex>', 'sign MAVLink frames with this 32-byte key (64 hex digits)')
    .option('--check', 'only validate the scenario and print what it contains')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|silent', 'info')
    .action(async (file: string, f: SimFlags) => {
      try {
        const scenario = resolveScenario(file);
        if (f.check) {
          const units = scenario.units.reduce((a, u) => a + u.copies, 0);
          console.log(
            `${file}: OK — "${scenario.name}", ${units} units, ${scenario.chat.length} chat injects`,
          );
          const drones = mavlinkVehiclesFor(scenario);
          if (Object.keys(drones).length > 0) {
            console.log('MAVLink gateway callsigns (mavlink.vehicles):');
            for (const [sysid, v] of Object.entries(drones))
              console.log(`  ${sysid}: ${v.callsign} (${v.nation})`);
          }
          return;
        }
        if (f.key !== undefined && !/^[0-9a-fA-F]{64}$/.test(f.key))
          throw new Error('--key must be 64 hex digits');
        const opts = {
          cotHost: f.hub,
          cotPort: number('cot-port', f.cotPort, 1, 65535),
          mavlinkHost: f.hub,
          mavlinkPort: number('mavlink-port', f.mavlinkPort, 1, 65535),
          speed: number('speed', f.speed, 0.01, 1000),
          ...(f.key ? { mavlinkKey: Buffer.from(f.key, 'hex') } : {}),
        };
        const log = pino({ level: f.logLevel }, pino.destination(2));
        const ac = new AbortController();
        const stop = () => ac.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        let r;
        try {
          r = await runScenario(scenario, { ...opts, signal: ac.signal, log });
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
        console.log(
          `played ${r.seconds.toFixed(1)} s: ${r.units} units sent ${r.cotSent} CoT events (${r.cotDropped} dropped), ` +
            `${r.drones} drones sent ${r.mavlinkFrames} MAVLink frames, ${r.chatsSent} chats`,
        );
      } catch (e) {
        console.error(e instanceof BwError ? `${e.code}: ${e.message}` : (e as Error).message);
        process.exitCode = 1;
      }
    });
}
