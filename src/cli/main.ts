#!/usr/bin/env -S node --max-semi-space-size=64 --concurrent-marking-max-worker-num=1 --heap-growing-percent=100
/** The `balticwall` command line. Each module registers its own subcommands. */
import { Command } from 'commander';
import { VERSION } from '../version.js';
import { registerServeCommand } from './serve.js';
import { registerPkiCommands } from './pki.js';
import { registerAuditCommands } from './audit.js';
import { registerPlanCommands } from './plan.js';
import { registerSimCommands } from './sim.js';
import { registerVideoCommands } from './video.js';
import { registerFederationCommands } from './federation.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('balticwall')
    .description(
      'Baltic Wall: coalition battlespace hub (TAK/CoT, TAK Protocol, MAVLink) and procurement planner',
    )
    .version(VERSION, '-v, --version')
    .showHelpAfterError();
  registerServeCommand(program);
  registerPkiCommands(program);
  registerAuditCommands(program);
  registerSimCommands(program);
  registerPlanCommands(program);
  registerVideoCommands(program);
  registerFederationCommands(program);
  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    process.exitCode = 1;
  });
