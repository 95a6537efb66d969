/** Exercise simulator: scenario files, the player, and the built-in Baltic demo. */
export { runScenario, mavlinkVehiclesFor, droneIds, type RunOptions, type RunResult } from './player.js';
export {
  parseScenario,
  loadScenario,
  resolveScenario,
  builtInScenarioPath,
  ScenarioError,
  BUILT_IN,
  type ScenarioIssue,
} from './load.js';
export { scenarioSchema, type Scenario } from './scenario.js';
