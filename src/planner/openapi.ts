/**
 * OpenAPI 3.1 description of /api/planner. Paths are written by hand (test/planner/api.test.ts keeps them equal to
 * the registered routes); record schemas are generated from the zod schemas, so they cannot drift from validation.
 */
import { z } from 'zod';
import { importReportNote } from './openapi-text.js';
import { KIND_NAMES, KINDS, labelSchema } from './schema.js';
import { scheduleInputSchema } from './scheduler.js';
import { whatIfSchema } from './whatif.js';
import { MONEY_PATHS, MONEY_SCHEMAS } from './money/openapi.js';
import { SCENARIO_PATHS } from './openapi-scenarios.js';
import { scenarioInputSchema } from './scenarios.js';

const json = (schema: object) => ({ 'application/json': { schema } });
const ok = (description: string, schema: object = { type: 'object' }) => ({
  200: { description, content: json(schema) },
  400: { $ref: '#/components/responses/Error' },
});
const ym = { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' };
const q = (name: string, schema: object, description: string) => ({
  name,
  in: 'query',
  required: false,
  schema,
  description,
});
const kindParam = { name: 'kind', in: 'path', required: true, schema: { type: 'string', enum: KIND_NAMES } };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

function schemaOf(s: z.ZodType): object {
  return z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as object;
}

/** The OpenAPI document served at /api/planner/openapi.json. */
export const PLANNER_OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'Baltic Wall planner API',
    version: '1.0.0',
    description:
      'Joint procurement and industrial capacity planner. Every read passes the egress gate record by record; analyses are computed over what the caller may see.',
  },
  paths: {
    '/api/planner/openapi.json': { get: { summary: 'This document', responses: ok('OpenAPI document') } },
    '/api/planner/registry/{kind}': {
      get: {
        summary: 'List the records of a kind the caller may see',
        parameters: [kindParam],
        responses: ok('{ items }'),
      },
    },
    '/api/planner/registry/{kind}/{id}': {
      get: {
        summary: 'One record (404 when absent or not releasable to the caller)',
        parameters: [kindParam, idParam],
        responses: { ...ok('the record'), 404: { $ref: '#/components/responses/Error' } },
      },
      put: {
        summary: 'Create or replace a record (validated; nation data only by that nation or an operator)',
        parameters: [kindParam, idParam],
        requestBody: {
          required: true,
          content: json({ oneOf: KIND_NAMES.map((k) => ({ $ref: `#/components/schemas/${k}` })) }),
        },
        responses: { ...ok('the saved record'), 403: { $ref: '#/components/responses/Error' } },
      },
      delete: {
        summary: 'Delete a record',
        parameters: [kindParam, idParam],
        responses: {
          204: { description: 'deleted' },
          403: { $ref: '#/components/responses/Error' },
          404: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/api/planner/import': {
      post: {
        summary: 'Import an equipment CSV',
        description: importReportNote,
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['csv', 'source'],
            properties: {
              csv: { type: 'string' },
              source: { type: 'string' },
              label: { $ref: '#/components/schemas/label' },
            },
          }),
        },
        responses: ok(
          'import report: rows, programme ids, issues (line, column, text, severity, reason), rules used',
        ),
      },
    },
    '/api/planner/import/reports': {
      get: { summary: 'Recent import reports (operators)', responses: ok('{ reports }') },
    },
    '/api/planner/export': {
      get: {
        summary: 'Export the registry the caller may see',
        parameters: [
          q(
            'format',
            { type: 'string', enum: ['csv', 'json', 'xlsx'] },
            'csv: programmes; json: every kind; xlsx: every table (programmes, mosaic, opportunities, pipeline, days of fire, assumptions)',
          ),
        ],
        responses: {
          200: {
            description: 'export',
            content: {
              'text/csv': { schema: { type: 'string' } },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
                schema: { type: 'string', format: 'binary' },
              },
              ...json({ type: 'object' }),
            },
          },
        },
      },
    },
    '/api/planner/mosaic': {
      get: {
        summary: 'Fragmentation per capability area and the nations × areas matrix',
        parameters: [
          q('includePlanned', { type: 'string', enum: ['true', 'false'] }, 'count planned-only programmes'),
        ],
        responses: ok('mosaic'),
      },
    },
    '/api/planner/interop': {
      get: {
        summary: 'Pairwise interoperability per area',
        parameters: [q('area', { type: 'string' }, 'one area id')],
        responses: ok('{ areas }'),
      },
    },
    '/api/planner/opportunities': {
      get: {
        summary: 'Ranked joint-procurement opportunities',
        parameters: [
          q('windowYears', { type: 'number' }, 'overlap window, default 3'),
          q('asOf', ym, 'YYYY-MM'),
          q('learningRate', { type: 'number' }, 'Wright learning rate, default 0.9'),
          q('wTypes', { type: 'number' }, 'weight of type reduction'),
          q('wVolume', { type: 'number' }, 'weight of volume'),
          q('wFramework', { type: 'number' }, 'weight of existing frameworks'),
          q('wCapacity', { type: 'number' }, 'weight of line capacity'),
        ],
        responses: ok('{ parameters, opportunities }'),
      },
    },
    '/api/planner/pipeline': {
      get: {
        summary:
          'Budget → contract → delivery: stage durations, medians, stalls, approved money not contracted',
        parameters: [
          q('asOf', ym, 'YYYY-MM'),
          q('stallMonths', { type: 'number' }, 'pre-contract stall threshold, default 18'),
          q(
            'deliveryStallMonths',
            { type: 'number' },
            'contract → first delivery stall threshold, default 48',
          ),
        ],
        responses: ok('pipeline'),
      },
    },
    '/api/planner/schedule': {
      post: {
        summary: 'Allocate line output to orders (HiGHS LP) with what-if runs side by side',
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            properties: {
              input: { $ref: '#/components/schemas/scheduleInput' },
              fromRegistry: {
                type: 'object',
                required: ['months'],
                properties: {
                  start: ym,
                  months: { type: 'integer' },
                  defaultLeadMonths: { type: 'integer' },
                  mode: { type: 'string', enum: ['national', 'pooled'] },
                },
              },
              whatIfs: {
                oneOf: [
                  { const: 'default' },
                  { type: 'array', items: { $ref: '#/components/schemas/whatIf' } },
                ],
              },
            },
          }),
        },
        responses: {
          ...ok('{ summaries, results, skipped, assumptions, defaults }'),
          422: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/api/planner/ammunition': {
      get: {
        summary:
          'Days of fire per munition and nation: demand (weapons × rounds a day) against stockpile and production',
        parameters: [
          q('asOf', ym, "YYYY-MM, default the data's as-of date"),
          q('intensity', { type: 'string' }, 'planning intensity, default high (also: sustained)'),
          q('months', { type: 'integer' }, 'horizon in months, default 72'),
        ],
        responses: ok('{ asOf, intensity, munitions }'),
      },
    },
    '/api/planner/marking': {
      get: {
        summary:
          "Classification banner: the highest classification and common releasability of what the caller sees, and the data's as-of month",
        responses: ok('{ classification, releasableTo?, asOf, records }'),
      },
    },
    '/api/planner/montecarlo': {
      get: {
        summary:
          'Monte Carlo over quantity ranges, line shares, lead times and slip: P10/P50/P90 completion per order and nation, and P10/P50/P90 days of fire',
        parameters: [
          q('draws', { type: 'integer' }, 'number of draws, default 2000 (at most 100000)'),
          q('seed', { type: 'integer' }, 'random seed, default 1 (same seed, same answer)'),
          q('start', ym, "first month, default the month after the data's as-of date"),
          q('months', { type: 'integer' }, 'horizon in months, default 72'),
          q('intensity', { type: 'string' }, 'days-of-fire intensity, default high'),
        ],
        responses: ok('{ parameters, assumptions, orders (with sources), nations, daysOfFire }'),
      },
    },
    ...MONEY_PATHS,
    ...SCENARIO_PATHS,
  },
  components: {
    responses: {
      Error: {
        description: 'refused',
        content: json({
          type: 'object',
          properties: {
            error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
          },
        }),
      },
    },
    schemas: {
      ...Object.fromEntries(KIND_NAMES.map((k) => [k, schemaOf(KINDS[k])])),
      label: schemaOf(labelSchema),
      scheduleInput: schemaOf(scheduleInputSchema),
      whatIf: schemaOf(whatIfSchema),
      ...MONEY_SCHEMAS,
      scenario: schemaOf(scenarioInputSchema),
    },
  },
} as const;
