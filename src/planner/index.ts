/** The planner's public face: registry, import, analyses, scheduler and the REST API. */
export { registerPlannerApi, type PlannerApiDeps } from './api.js';
export { PlannerRegistry, PLANNER_MIGRATIONS } from './registry.js';
export { importCsv, type ImportReport, type ImportIssue } from './import.js';
export { loadReference, parseReference, seedDir, type Reference } from './reference.js';
export { computeMosaic, type Mosaic, type AreaMosaic } from './mosaic.js';
export { computeInterop, type AreaInterop, type InteropPair } from './interop.js';
export { findOpportunities, type OpportunityResult, type Opportunity } from './opportunities.js';
export { computePipeline, type PipelineResult } from './pipeline.js';
export { schedule, parseScheduleInput, type ScheduleInput, type ScheduleResult } from './scheduler.js';
export { compareWhatIfs, applyWhatIf, type WhatIf, type ScenarioSummary } from './whatif.js';
export { ordersFromRegistry } from './orders.js';
export { poolingSavings, type LearningParams } from './learning.js';
export { programmesToCsv, registryToJson } from './export.js';
export { PlannerError, PLANNER_ERRORS, plannerCounters } from './errors.js';
export { PLANNER_OPENAPI } from './openapi.js';
export * from './schema.js';
