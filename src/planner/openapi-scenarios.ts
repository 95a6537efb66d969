/**
 * The scenario part of the planner's OpenAPI document: paths of api-scenarios.ts, with the scenario body schema
 * generated from its zod schema like the record schemas.
 */
const ym = { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' };
const err = { $ref: '#/components/responses/Error' };
const json = (schema: object) => ({ 'application/json': { schema } });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const q = (name: string, schema: object, description: string) => ({
  name,
  in: 'query',
  required: false,
  schema,
  description,
});
const compareParams = [
  q('asOf', ym, "reference month, default the data's own as-of date"),
  q('months', { type: 'integer' }, 'schedule horizon in months, default 72'),
  q('draws', { type: 'integer' }, 'Monte Carlo draws per column, default 200 (0 leaves uncertainty out)'),
];
const body = { required: true, content: json({ $ref: '#/components/schemas/scenario' }) };

export const SCENARIO_PATHS = {
  '/api/planner/scenarios': {
    get: {
      summary: 'Saved scenarios the caller may see, by name',
      responses: { 200: { description: '{ items }', content: json({ type: 'object' }) } },
    },
    post: {
      summary: 'Save a scenario: a name, a description and edits (change, add, remove a programme)',
      requestBody: body,
      responses: { 201: { description: 'the saved scenario with its id' }, 400: err, 403: err },
    },
  },
  '/api/planner/scenarios/compare': {
    get: {
      summary:
        'Base registry and scenarios side by side: per analysis (mosaic, opportunities, pipeline, schedule, ammunition, uncertainty) the figures per column, what changed, and their sources',
      parameters: [
        q('ids', { type: 'string' }, 'comma-separated scenario ids (default: the first 6)'),
        ...compareParams,
      ],
      responses: {
        200: { description: '{ columns, sections }', content: json({ type: 'object' }) },
        400: err,
        404: err,
      },
    },
  },
  '/api/planner/scenarios/{id}': {
    get: {
      summary: 'One scenario',
      parameters: [idParam],
      responses: { 200: { description: 'the scenario' }, 404: err },
    },
    put: {
      summary: 'Rename a scenario or replace its description, edits or label (the fields given)',
      parameters: [idParam],
      requestBody: { required: true, content: json({ type: 'object' }) },
      responses: { 200: { description: 'the scenario' }, 400: err, 403: err, 404: err },
    },
    delete: {
      summary: 'Delete a scenario (its author or an operator)',
      parameters: [idParam],
      responses: { 204: { description: 'deleted' }, 403: err, 404: err },
    },
  },
  '/api/planner/scenarios/{id}/briefing': {
    get: {
      summary: 'The one-page briefing of a scenario against the base (HTML with print CSS, A4)',
      parameters: [idParam, ...compareParams],
      responses: {
        200: { description: 'text/html', content: { 'text/html': { schema: { type: 'string' } } } },
        404: err,
      },
    },
  },
} as const;
