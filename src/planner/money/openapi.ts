/**
 * OpenAPI paths and schemas of the money and fleets-in-the-field routes, merged into the planner's document
 * (src/planner/openapi.ts). Record schemas are generated from the zod schemas that validate them.
 */
import { z } from 'zod';
import { nationBudgetSchema } from './budget.js';
import { targetSchema } from '../targets/targets.js';

const json = (schema: object) => ({ 'application/json': { schema } });
const err = { $ref: '#/components/responses/Error' };
const ok = (description: string) => ({
  200: { description, content: json({ type: 'object' }) },
  400: err,
});
const q = (name: string, schema: object, description: string) => ({
  name,
  in: 'query',
  required: false,
  schema,
  description,
});
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const ym = { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' };
const schemaOf = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as object;

export const MONEY_PATHS = {
  '/api/planner/money': {
    get: {
      summary:
        'Affordability per nation and year: programme payments (cash-flow profiles, funding sources) against budget lines',
      parameters: [
        q('asOf', ym, "YYYY-MM, default the data's as-of month"),
        q('fromYear', { type: 'integer' }, 'first year checked, default the as-of year'),
        q('years', { type: 'integer' }, 'years checked, default 6'),
        q('fit', { type: 'string', enum: ['true', 'false'] }, 'also shift payments to fit the caps (HiGHS)'),
      ],
      responses: ok('{ asOf, years, profile, nations, lines, unpriced, noBudget, assumptions, fit? }'),
    },
  },
  '/api/planner/budgets': {
    get: {
      summary: 'Budget lines per nation the caller may see, and the payment profile',
      responses: ok('{ items, profile }'),
    },
  },
  '/api/planner/budgets/{id}': {
    get: {
      summary: "One nation's budget lines",
      parameters: [idParam],
      responses: { ...ok('the budget'), 404: err },
    },
    put: {
      summary: "Create or replace a nation's budget lines (that nation or an operator)",
      parameters: [idParam],
      requestBody: { required: true, content: json({ $ref: '#/components/schemas/nationBudget' }) },
      responses: { ...ok('the saved budget'), 403: err },
    },
    delete: {
      summary: "Delete a nation's budget lines",
      parameters: [idParam],
      responses: { 204: { description: 'deleted' }, 403: err, 404: err },
    },
  },
  '/api/planner/targets': {
    get: {
      summary:
        'Capability targets against fielded fleets (delivered and in service, not ordered), with the gap per year',
      parameters: [
        q('asOf', ym, "YYYY-MM, default the data's as-of month"),
        q('toYear', { type: 'integer' }, 'last year shown'),
      ],
      responses: ok('{ asOf, targets }'),
    },
  },
  '/api/planner/targets/{id}': {
    put: {
      summary: 'Create or replace a capability target (its nation or an operator)',
      parameters: [idParam],
      requestBody: { required: true, content: json({ $ref: '#/components/schemas/target' }) },
      responses: { ...ok('the saved target'), 403: err },
    },
    delete: {
      summary: 'Delete a capability target',
      parameters: [idParam],
      responses: { 204: { description: 'deleted' }, 403: err, 404: err },
    },
  },
} as const;

export const MONEY_SCHEMAS = {
  nationBudget: schemaOf(nationBudgetSchema),
  target: schemaOf(targetSchema),
};
