/**
 * REST routes for money and fleets in the field, registered inside the planner's API scope (so they share its
 * error handler, codes and egress gate): the affordability check (optionally fitted with HiGHS), budget lines per
 * nation and capability targets against fielded fleets. Budgets and targets carry labels; reads leave out what
 * the gate denies; a nation edits only its own, operators any.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { egress } from '../../hub/gate.js';
import type { Identity } from '../../model/identity.js';
import { defaultLabel, type Registry } from '../schema.js';
import type { Label } from '../../model/label.js';
import { PlannerError } from '../errors.js';
import { affordability } from './affordability.js';
import { fitToCaps } from './fit.js';
import type { NationBudget } from './budget.js';
import { MoneyStore } from './store.js';
import { targetsVersusFielded, type Target } from '../targets/targets.js';
import type { Store } from '../../store/index.js';

export interface MoneyApiDeps {
  store: Store;
  identityOf: (req: FastifyRequest) => Identity;
  snapshot: (req: FastifyRequest) => Registry;
  log: Logger;
  /** Seed budgets and example targets into new tables (default true). */
  seed?: boolean;
}

const ymQ = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
  .optional();
const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(120)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:+-]*$/),
});

function parse<T>(schema: z.ZodType<T>, v: unknown, what: string): T {
  const r = schema.safeParse(v);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new PlannerError('BW_PLAN_BAD_INPUT', `${what}: ${i.path.join('.') || '(value)'}: ${i.message}`);
  }
  return r.data;
}

/** The budget lines `who` may read (each through the egress gate under its own label). */
export function visibleBudgets(money: MoneyStore, who: Identity): NationBudget[] {
  return money
    .budgets()
    .filter((b) => egress({ label: b.label ?? defaultLabel() }, who, 'planner', `budgets/${b.id}`).allow);
}

/** The capability targets `who` may read (each through the egress gate under its own label). */
export function visibleTargets(money: MoneyStore, who: Identity): Target[] {
  return money
    .targets()
    .filter((t) => egress({ label: t.label ?? defaultLabel() }, who, 'planner', `targets/${t.id}`).allow);
}

/** Register /api/planner/money, /budgets and /targets on the planner's scope. */
export function registerMoneyApi(scope: FastifyInstance, deps: MoneyApiDeps): void {
  const money = new MoneyStore(deps.store);
  if (deps.seed !== false) {
    try {
      money.seedOnce();
    } catch (err) {
      deps.log.error({ err }, 'planner budgets and targets could not be seeded');
    }
  }
  const sees = (who: Identity, label: Label | undefined, ref: string) =>
    egress({ label: label ?? defaultLabel() }, who, 'planner', ref).allow;
  const budgetsFor = (req: FastifyRequest) => visibleBudgets(money, deps.identityOf(req));
  const targetsFor = (req: FastifyRequest) => visibleTargets(money, deps.identityOf(req));
  /** A nation edits its own budget and targets; operators any; nobody writes what they could not read. */
  const mayWrite = (req: FastifyRequest, nation: string, label: Label | undefined): void => {
    const who = deps.identityOf(req);
    if (!sees(who, label, 'write'))
      throw new PlannerError('BW_PLAN_DENIED', 'you may not write data you could not read under its label');
    if (who.kind === 'operator') return;
    const alpha3 = deps.snapshot(req).nations.find((n) => n.id === nation)?.alpha3 ?? nation;
    if (who.nation !== alpha3)
      throw new PlannerError('BW_PLAN_DENIED', `only ${nation} (or an operator) may edit ${nation} data`);
  };

  scope.get('/api/planner/money', async (req) => {
    const q = parse(
      z.object({
        asOf: ymQ,
        fromYear: z.coerce.number().int().min(1990).max(2100).optional(),
        years: z.coerce.number().int().min(1).max(30).optional(),
        fit: z.enum(['true', 'false']).optional(),
      }),
      req.query,
      'query',
    );
    const budgets = budgetsFor(req);
    const a = affordability(deps.snapshot(req), budgets, {
      ...(q.asOf ? { asOf: q.asOf } : {}),
      ...(q.fromYear ? { fromYear: q.fromYear } : {}),
      ...(q.years ? { years: q.years } : {}),
      profile: money.profile(),
    });
    return q.fit === 'true' ? { ...a, fit: await fitToCaps(a, budgets) } : a;
  });

  scope.get('/api/planner/budgets', async (req) => ({ items: budgetsFor(req), profile: money.profile() }));
  scope.get('/api/planner/budgets/:id', async (req) => {
    const { id } = parse(idParam, req.params, 'path');
    const b = budgetsFor(req).find((x) => x.id === id);
    if (!b) throw new PlannerError('BW_PLAN_NOT_FOUND', `no budget for "${id}"`);
    return b;
  });
  scope.put('/api/planner/budgets/:id', async (req) => {
    const { id } = parse(idParam, req.params, 'path');
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.id !== undefined && body.id !== id)
      throw new PlannerError('BW_PLAN_BAD_INPUT', 'body id differs from the path id');
    const old = money.budget(id);
    if (old) mayWrite(req, id, old.label);
    mayWrite(req, id, (body.label as Label | undefined) ?? old?.label);
    const saved = money.putBudget({
      ...body,
      id,
      ...(body.label || !old?.label ? {} : { label: old.label }),
    });
    deps.log.info({ id, who: deps.identityOf(req).id }, 'planner budget saved');
    return saved;
  });
  scope.delete('/api/planner/budgets/:id', async (req, reply: FastifyReply) => {
    const { id } = parse(idParam, req.params, 'path');
    const old = money.budget(id);
    if (!old || !sees(deps.identityOf(req), old.label, `budgets/${id}`))
      throw new PlannerError('BW_PLAN_NOT_FOUND', `no budget for "${id}"`);
    mayWrite(req, id, old.label);
    money.deleteBudget(id);
    return reply.code(204).send();
  });

  scope.get('/api/planner/targets', async (req) => {
    const q = parse(
      z.object({ asOf: ymQ, toYear: z.coerce.number().int().min(1990).max(2100).optional() }),
      req.query,
      'query',
    );
    return targetsVersusFielded(deps.snapshot(req), targetsFor(req), {
      ...(q.asOf ? { asOf: q.asOf } : {}),
      ...(q.toYear ? { toYear: q.toYear } : {}),
    });
  });
  scope.put('/api/planner/targets/:id', async (req) => {
    const { id } = parse(idParam, req.params, 'path');
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.id !== undefined && body.id !== id)
      throw new PlannerError('BW_PLAN_BAD_INPUT', 'body id differs from the path id');
    const old = money.target(id);
    if (old) mayWrite(req, old.nation, old.label);
    if (typeof body.nation !== 'string') throw new PlannerError('BW_PLAN_BAD_INPUT', 'nation: required');
    mayWrite(req, body.nation, (body.label as Label | undefined) ?? old?.label);
    const saved = money.putTarget({
      ...body,
      id,
      ...(body.label || !old?.label ? {} : { label: old.label }),
    });
    deps.log.info({ id, who: deps.identityOf(req).id }, 'planner target saved');
    return saved;
  });
  scope.delete('/api/planner/targets/:id', async (req, reply: FastifyReply) => {
    const { id } = parse(idParam, req.params, 'path');
    const old = money.target(id);
    if (!old || !sees(deps.identityOf(req), old.label, `targets/${id}`))
      throw new PlannerError('BW_PLAN_NOT_FOUND', `no target "${id}"`);
    mayWrite(req, old.nation, old.label);
    money.deleteTarget(id);
    return reply.code(204).send();
  });
}
