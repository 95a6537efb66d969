/** The `plan` commands alone, without the rest of the CLI: `npx tsx test/planner/cli-runner.ts plan mosaic`. */
import { Command } from 'commander';
import { registerPlanCommands } from '../../src/cli/plan.js';

const program = new Command().name('balticwall');
registerPlanCommands(program);
await program.parseAsync(process.argv);
