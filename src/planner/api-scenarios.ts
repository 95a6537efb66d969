/**
 * The scenario routes of /api/planner: saved scenarios (list, create, read, rename or re-edit, delete), their
 * side-by-side comparison, and the one-page briefing. A scenario is applied to the snapshot the caller may see,
 * so it neither reveals nor is shaped by programmes the egress gate withholds; a scenario itself is a labelled
 * record that only those who can read its label see.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { egress } from '../hub/gate.js';
import type { Identity } from '../model/identity.js';
import type { Label } from '../model/label.js';
import { renderBriefing } from './briefing.js';
import { compareScenarios, type Comparator } from './compare.js';
import { COMPARATORS } from './comparators.js';
import { PlannerError } from './errors.js';
import type { Munition } from './reference.js';
import type { ScenarioStore } from './scenario-store.js';
import type { Scenario } from './scenarios.js';
import type { NationBudget } from './money/budget.js';
import { labelSchema, type Registry } from './schema.js';

export interface ScenarioRouteDeps {
  scenarios: ScenarioStore;
  identityOf: (req: FastifyRequest) => Identity;
  snapshot: (req: FastifyRequest) => Registry;
  munitions: () => Munition[];
  /** The budget lines the caller may read (money joins the comparison when there are any). */
  budgets?: (req: FastifyRequest) => NationBudget[];
  log: Logger;
  /** The analyses compared (default COMPARATORS). */
  comparators?: readonly Comparator[];
}

const idParam = z.object({ id: z.string().min(1).max(80) });
const compareQuery = z.object({
  ids: z.string().max(2000).optional(),
  asOf: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .optional(),
  months: z.coerce.number().int().min(12).max(600).optional(),
  draws: z.coerce.number().int().min(0).max(5000).optional(),
});
const patchBody = z
  .object({
    name: z.string().optional(),
    description: z.string().optional(),
    edits: z.array(z.unknown()).optional(),
    label: labelSchema.optional(),
  })
  .strict();

function parse<T>(schema: z.ZodType<T>, v: unknown, what: string): T {
  const r = schema.safeParse(v);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new PlannerError('BW_PLAN_BAD_INPUT', `${what}: ${i.path.join('.') || '(value)'}: ${i.message}`);
  }
  return r.data;
}

/** Register the scenario routes on the planner's scope. */
export function registerScenarioRoutes(scope: FastifyInstance, deps: ScenarioRouteDeps): void {
  const { scenarios, log } = deps;
  const sees = (who: Identity) => (label: Label, id: string) =>
    egress({ label }, who, 'planner', `scenarios/${id}`).allow;
  const visibleOne = (req: FastifyRequest, id: string): Scenario => {
    const s = scenarios.get(id);
    // Denied and absent look the same.
    if (!s || !sees(deps.identityOf(req))(s.label!, id))
      throw new PlannerError('BW_PLAN_NOT_FOUND', `no scenario "${id}"`);
    return s;
  };
  /** Only who made a scenario (or an operator) changes it, and only under a label they can read. */
  const mayChange = (req: FastifyRequest, s: Scenario | undefined, label?: Label): void => {
    const who = deps.identityOf(req);
    if (s && who.kind !== 'operator' && s.createdBy !== who.id)
      throw new PlannerError('BW_PLAN_DENIED', `scenario "${s.id}" belongs to ${s.createdBy}`);
    if (label && !egress({ label }, who, 'planner', 'write').allow)
      throw new PlannerError('BW_PLAN_DENIED', 'you may not write data you could not read under its label');
  };
  const compare = async (req: FastifyRequest, picked: Scenario[], q: z.infer<typeof compareQuery>) =>
    compareScenarios(deps.snapshot(req), picked, deps.comparators ?? COMPARATORS, {
      ...(q.asOf ? { asOf: q.asOf } : {}),
      months: q.months ?? 72,
      draws: q.draws ?? 200,
      munitions: deps.munitions(),
      ...(deps.budgets ? { budgets: deps.budgets(req) } : {}),
    });

  scope.get('/api/planner/scenarios', async (req) => ({
    items: scenarios.list(sees(deps.identityOf(req))),
  }));

  scope.post('/api/planner/scenarios', async (req, reply) => {
    const body = (req.body ?? {}) as { label?: unknown };
    const label = body.label === undefined ? undefined : parse(labelSchema, body.label, 'label');
    mayChange(req, undefined, label);
    const who = deps.identityOf(req);
    const s = scenarios.create(req.body, who.id);
    log.info({ scenario: s.id, who: who.id }, 'planner scenario saved');
    return reply.code(201).send(s);
  });

  scope.get('/api/planner/scenarios/compare', async (req) => {
    const q = parse(compareQuery, req.query, 'query');
    const ids = (q.ids ?? '').split(',').filter(Boolean);
    if (ids.length > 6) throw new PlannerError('BW_PLAN_BAD_INPUT', 'compare at most 6 scenarios at once');
    const picked = ids.length
      ? ids.map((id) => visibleOne(req, id))
      : scenarios.list(sees(deps.identityOf(req))).slice(0, 6);
    return compare(req, picked, q);
  });

  scope.get('/api/planner/scenarios/:id', async (req) =>
    visibleOne(req, parse(idParam, req.params, 'path').id),
  );

  scope.put('/api/planner/scenarios/:id', async (req) => {
    const { id } = parse(idParam, req.params, 'path');
    const patch = parse(patchBody, req.body ?? {}, 'body');
    mayChange(req, visibleOne(req, id), patch.label);
    const s = scenarios.update(id, patch);
    log.info({ scenario: id, who: deps.identityOf(req).id }, 'planner scenario updated');
    return s;
  });

  scope.delete('/api/planner/scenarios/:id', async (req, reply) => {
    const { id } = parse(idParam, req.params, 'path');
    mayChange(req, visibleOne(req, id));
    scenarios.delete(id);
    log.info({ scenario: id, who: deps.identityOf(req).id }, 'planner scenario deleted');
    return reply.code(204).send();
  });

  scope.get('/api/planner/scenarios/:id/briefing', async (req, reply) => {
    const { id } = parse(idParam, req.params, 'path');
    const q = parse(compareQuery.omit({ ids: true }), req.query, 'query');
    const s = visibleOne(req, id);
    const cmp = await compare(req, [s], q);
    return reply
      .type('text/html; charset=utf-8')
      .send(renderBriefing(s, cmp, { generated: new Date().toISOString().slice(0, 10) }));
  });
}
