/**
 * The planner's REST API under /api/planner. Every read goes through the egress gate record by record, and the
 * analyses run on the snapshot the caller may see, so a nation's restricted plans neither appear nor shape the
 * figures others get. Input is validated with zod; failures answer `{ error: { code, message } }` with a stable
 * planner code, are counted and logged, and never reach the hub's error handler.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { egress } from '../hub/gate.js';
import type { Identity } from '../model/identity.js';
import type { Store } from '../store/index.js';
import { countPlanner, PlannerError } from './errors.js';
import { programmesToCsv } from './export.js';
import { registryToXlsx } from './xlsx.js';
import { importCsv } from './import.js';
import { computeInterop } from './interop.js';
import { computeMosaic } from './mosaic.js';
import { monteCarlo } from './montecarlo.js';
import { findOpportunities } from './opportunities.js';
import { PLANNER_OPENAPI } from './openapi.js';
import { ordersFromRegistry } from './orders.js';
import { computePipeline } from './pipeline.js';
import { PlannerRegistry } from './registry.js';
import { loadReference, seedDir, type Munition, type StageOverride } from './reference.js';
import { computeAmmunition } from './ammunition.js';
import { parseScheduleInput } from './scheduler.js';
import { defaultLabel, labelSchema, KIND_NAMES, type Kind, type Registry } from './schema.js';
import { compareWhatIfs } from './whatif.js';
import { importBody, scheduleBody } from './api-inputs.js';
import { registerScenarioRoutes } from './api-scenarios.js';
import { sourcesOf } from './comparators.js';
import { ScenarioStore } from './scenario-store.js';
import { CLASSIFICATIONS, releasableTo, type Label } from '../model/label.js';
import { dataAsOf } from './asof.js';
import { formatMonth } from './month.js';
import { registerMoneyApi, visibleBudgets, visibleTargets } from './money/api.js';
import { MoneyStore } from './money/store.js';

export interface PlannerApiDeps {
  store: Store;
  identityOf: (req: FastifyRequest) => Identity;
  log: Logger;
  /** Load data/planner-reference.yaml into an empty registry (areas, families, lines, frameworks). Default true. */
  seedReference?: boolean;
  /** Also import data/baltic-equipment.csv when the registry holds no programme (`serve --demo`). Default false. */
  seedProgrammes?: boolean;
}

const kindParam = z.object({ kind: z.enum(KIND_NAMES as [Kind, ...Kind[]]) });
const idParam = kindParam.extend({ id: z.string().min(1).max(120) });
const num = (min: number, max: number) => z.coerce.number().min(min).max(max).optional();
const ymQ = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
  .optional();

function parse<T>(schema: z.ZodType<T>, v: unknown, what: string): T {
  const r = schema.safeParse(v);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new PlannerError('BW_PLAN_BAD_INPUT', `${what}: ${i.path.join('.') || '(value)'}: ${i.message}`);
  }
  return r.data;
}

/** Register the planner routes (an encapsulated plugin with its own error handler). */
export function registerPlannerApi(app: FastifyInstance, deps: PlannerApiDeps): void {
  const registry = new PlannerRegistry(deps.store);
  const log = deps.log.child({ module: 'planner' });
  // Stage dates the seed CSV cannot hold come from the reference file; imports of matching rows use them.
  let stageOverrides: StageOverride[] = [];
  let munitions: Munition[] = [];
  if (deps.seedReference !== false) {
    try {
      const ref = loadReference();
      stageOverrides = ref.stages;
      munitions = ref.munitions;
      if (registry.list('areas').length === 0) {
        registry.loadReference(ref);
        log.info('planner reference data loaded');
      }
      if (deps.seedProgrammes && registry.list('programmes').length === 0) {
        const snap = registry.snapshot();
        const report = importCsv(readFileSync(join(seedDir(), 'baltic-equipment.csv'), 'utf8'), {
          source: 'baltic-equipment',
          areas: snap.areas,
          families: snap.families,
          stageOverrides,
        });
        registry.saveImport(report);
        log.info({ programmes: report.programmes.length }, 'planner seed data imported (demo)');
      }
    } catch (err) {
      log.error({ err }, 'planner reference data could not be loaded; the registry starts empty');
    }
  }

  const visible = (who: Identity) => (label: Label, kind: Kind, id: string) =>
    egress({ label }, who, 'planner', `${kind}/${id}`).allow;
  const snapshot = (req: FastifyRequest): Registry => registry.snapshot(visible(deps.identityOf(req)));

  /**
   * Writes: the caller must be able to read what it writes; a programme only by its nation (or an operator);
   * the shared reference kinds (nations, areas, families, lines, frameworks, suppliers) only by operators.
   */
  const mayWriteKind = (who: Identity, kind: Kind): void => {
    if (kind !== 'programmes' && who.kind !== 'operator') {
      throw new PlannerError('BW_PLAN_DENIED', `${kind} are shared reference data: operators edit them`);
    }
  };
  const mayWrite = (who: Identity, label: Label, nation?: string): void => {
    if (!egress({ label }, who, 'planner', 'write').allow) {
      throw new PlannerError('BW_PLAN_DENIED', 'you may not write data you could not read under its label');
    }
    if (who.kind === 'operator' || nation === undefined) return;
    const alpha3 = registry.get('nations', nation)?.alpha3 ?? nation;
    if (who.nation !== alpha3)
      throw new PlannerError('BW_PLAN_DENIED', `only ${nation} (or an operator) may edit ${nation} data`);
  };

  void app.register(async (scope) => {
    scope.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, req, reply) => {
      if (err instanceof PlannerError) {
        countPlanner(err.plannerCode);
        log.warn({ code: err.plannerCode, url: req.url, err: err.message }, 'planner request refused');
        return reply.code(err.status).send({ error: { code: err.plannerCode, message: err.message } });
      }
      if (err.statusCode && err.statusCode < 500) {
        countPlanner('BW_PLAN_BAD_INPUT');
        log.warn({ url: req.url, err: err.message }, 'planner request refused');
        return reply
          .code(err.statusCode)
          .send({ error: { code: 'BW_PLAN_BAD_INPUT', message: err.message } });
      }
      countPlanner('BW_PLAN_INTERNAL');
      log.error({ url: req.url, err }, 'planner request failed');
      return reply.code(500).send({ error: { code: 'BW_PLAN_INTERNAL', message: 'internal error' } });
    });

    scope.get('/api/planner/openapi.json', async () => PLANNER_OPENAPI);
    registerMoneyApi(scope, {
      store: deps.store,
      identityOf: deps.identityOf,
      snapshot,
      log,
      seed: deps.seedReference !== false,
    });
    registerScenarioRoutes(scope, {
      scenarios: new ScenarioStore(deps.store),
      identityOf: deps.identityOf,
      snapshot,
      munitions: () => munitions,
      budgets: (req) => visibleBudgets(new MoneyStore(deps.store), deps.identityOf(req)),
      log,
    });

    // The page's classification banner: the highest classification of what the caller can see, the
    // releasability common to all of it, and the data's as-of month (the default of every analysis).
    scope.get('/api/planner/marking', async (req) => {
      const snap = snapshot(req);
      const labels = KIND_NAMES.flatMap((k) =>
        (snap[k] as { label?: Label }[]).map((r) => r.label ?? defaultLabel()),
      );
      let rank = 0;
      let rel: Set<string> | undefined;
      for (const l of labels) {
        rank = Math.max(rank, CLASSIFICATIONS.indexOf(l.classification));
        const r = releasableTo(l);
        if (r) rel = rel ? new Set(r.filter((v) => rel!.has(v))) : new Set(r);
      }
      return {
        classification: CLASSIFICATIONS[rank]!,
        ...(rel ? { releasableTo: [...rel].sort() } : {}),
        asOf: formatMonth(dataAsOf(snap)),
        records: labels.length,
      };
    });

    scope.get('/api/planner/registry/:kind', async (req) => {
      const { kind } = parse(kindParam, req.params, 'path');
      return { items: snapshot(req)[kind] };
    });

    scope.get('/api/planner/registry/:kind/:id', async (req) => {
      const { kind, id } = parse(idParam, req.params, 'path');
      const rec = registry.get(kind, id);
      // Denied and absent look the same: existence is information too.
      if (!rec || !visible(deps.identityOf(req))(rec.label!, kind, id)) {
        throw new PlannerError('BW_PLAN_NOT_FOUND', `no ${kind} record "${id}"`);
      }
      return rec;
    });

    scope.put('/api/planner/registry/:kind/:id', async (req) => {
      const { kind, id } = parse(idParam, req.params, 'path');
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (body.id !== undefined && body.id !== id)
        throw new PlannerError('BW_PLAN_BAD_INPUT', 'body id differs from the path id');
      const who = deps.identityOf(req);
      mayWriteKind(who, kind);
      const old = registry.get(kind, id);
      if (old) mayWrite(who, old.label!, (old as { nation?: string }).nation);
      const label = body.label ? parse(labelSchema, body.label, 'label') : (old?.label ?? undefined);
      mayWrite(
        who,
        label ?? { policy: 'NATO', classification: 'UNCLASSIFIED', categories: [] },
        typeof body.nation === 'string' ? body.nation : undefined,
      );
      const saved = registry.put(kind, { ...body, id, ...(label ? { label } : {}) });
      log.info({ kind, id, who: who.id }, 'planner record saved');
      return saved;
    });

    scope.delete('/api/planner/registry/:kind/:id', async (req, reply: FastifyReply) => {
      const { kind, id } = parse(idParam, req.params, 'path');
      const who = deps.identityOf(req);
      mayWriteKind(who, kind);
      const old = registry.get(kind, id);
      if (!old) throw new PlannerError('BW_PLAN_NOT_FOUND', `no ${kind} record "${id}"`);
      mayWrite(who, old.label!, (old as { nation?: string }).nation);
      registry.delete(kind, id);
      log.info({ kind, id, who: who.id }, 'planner record deleted');
      return reply.code(204).send();
    });

    scope.post('/api/planner/import', { bodyLimit: 6 * 1024 * 1024 }, async (req) => {
      const body = parse(importBody, req.body, 'body');
      const snap = registry.snapshot();
      const report = importCsv(body.csv, {
        source: body.source,
        areas: snap.areas,
        families: snap.families,
        stageOverrides,
        ...(body.label ? { label: body.label } : {}),
      });
      const who = deps.identityOf(req);
      // An import replaces every programme of its source: the rows it removes are held to the same rule.
      const replaced = snap.programmes.filter((p) => p.id.startsWith(`${body.source}:`));
      for (const p of [...replaced, ...report.programmes]) mayWrite(who, p.label!, p.nation);
      registry.saveImport(report);
      countPlanner(
        'planner_import_unreadable_cells',
        report.issues.filter((i) => i.severity === 'unreadable').length,
      );
      log.info(
        { source: body.source, rows: report.rows, issues: report.issues.length, who: who.id },
        'planner import',
      );
      return { ...report, programmes: report.programmes.map((p) => p.id) };
    });

    scope.get('/api/planner/import/reports', async (req) => {
      if (deps.identityOf(req).kind !== 'operator')
        throw new PlannerError('BW_PLAN_DENIED', 'import reports are for operators');
      return { reports: registry.imports() };
    });

    scope.get('/api/planner/export', async (req, reply) => {
      const q = parse(
        z.object({ format: z.enum(['csv', 'json', 'xlsx']).default('json') }),
        req.query,
        'query',
      );
      const snap = snapshot(req);
      if (q.format === 'csv') return reply.type('text/csv; charset=utf-8').send(programmesToCsv(snap));
      if (q.format === 'xlsx')
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', 'attachment; filename="baltic-wall-planner.xlsx"')
          .send(
            await registryToXlsx(snap, munitions, undefined, {
              budgets: visibleBudgets(new MoneyStore(deps.store), deps.identityOf(req)),
              targets: visibleTargets(new MoneyStore(deps.store), deps.identityOf(req)),
            }),
          );
      return snap;
    });

    scope.get('/api/planner/mosaic', async (req) => {
      const q = parse(
        z.object({ includePlanned: z.enum(['true', 'false']).optional(), asOf: ymQ }),
        req.query,
        'query',
      );
      return computeMosaic(snapshot(req), {
        includePlanned: q.includePlanned === 'true',
        ...(q.asOf ? { asOf: q.asOf } : {}),
      });
    });

    scope.get('/api/planner/interop', async (req) => {
      const q = parse(z.object({ area: z.string().max(120).optional() }), req.query, 'query');
      return { areas: computeInterop(snapshot(req), q.area) };
    });

    scope.get('/api/planner/opportunities', async (req) => {
      const q = parse(
        z.object({
          windowYears: num(0.25, 20),
          asOf: ymQ,
          learningRate: num(0.5, 1),
          wTypes: num(0, 10),
          wVolume: num(0, 10),
          wFramework: num(0, 10),
          wCapacity: num(0, 10),
        }),
        req.query,
        'query',
      );
      const weights = Object.fromEntries(
        Object.entries({
          types: q.wTypes,
          volume: q.wVolume,
          framework: q.wFramework,
          capacity: q.wCapacity,
        }).filter(([, v]) => v !== undefined),
      );
      return findOpportunities(snapshot(req), { ...q, weights });
    });

    scope.get('/api/planner/pipeline', async (req) => {
      const q = parse(
        z.object({ asOf: ymQ, stallMonths: num(0, 600), deliveryStallMonths: num(0, 600) }),
        req.query,
        'query',
      );
      return computePipeline(snapshot(req), q);
    });

    scope.get('/api/planner/ammunition', async (req) => {
      const q = parse(
        z.object({ asOf: ymQ, intensity: z.string().max(40).optional(), months: num(12, 600) }),
        req.query,
        'query',
      );
      const m = q.intensity
        ? munitions.filter((x) => x.perWeaponPerDay[q.intensity!] !== undefined)
        : munitions;
      if (q.intensity && m.length === 0)
        throw new PlannerError('BW_PLAN_BAD_INPUT', `no munition has an intensity "${q.intensity}"`);
      return computeAmmunition(snapshot(req), m, {
        ...(q.asOf ? { asOf: q.asOf } : {}),
        ...(q.intensity ? { intensity: q.intensity } : {}),
        ...(q.months ? { months: q.months } : {}),
      });
    });

    scope.get('/api/planner/montecarlo', async (req) => {
      const q = parse(
        z.object({
          draws: num(1, 100_000),
          seed: num(0, 2 ** 31),
          start: ymQ,
          months: num(1, 600),
          intensity: z.string().max(40).optional(),
        }),
        req.query,
        'query',
      );
      const res = monteCarlo(
        snapshot(req),
        {
          ...(q.draws !== undefined ? { draws: q.draws } : {}),
          ...(q.seed !== undefined ? { seed: q.seed } : {}),
          ...(q.start ? { start: q.start } : {}),
          ...(q.intensity ? { intensity: q.intensity } : {}),
          months: q.months ?? 72,
        },
        munitions,
      );
      if (res.orders.length === 0)
        throw new PlannerError('BW_PLAN_INFEASIBLE', 'no schedulable order in the registry you can see');
      return res;
    });

    scope.post('/api/planner/schedule', async (req) => {
      const body = parse(scheduleBody, req.body, 'body');
      let skipped: unknown[] = [];
      let assumptions: string[] = [];
      let defaults: string[] = [];
      let ctx = {};
      let input;
      let sources: Record<string, string[]> = {};
      if (body.fromRegistry) {
        const snap = snapshot(req);
        const built = ordersFromRegistry(snap, body.fromRegistry);
        sources = Object.fromEntries(built.input.orders.map((o) => [o.id, sourcesOf(snap, [o.id])]));
        if (built.input.orders.length === 0) {
          throw new PlannerError('BW_PLAN_INFEASIBLE', 'no schedulable order in the registry you can see');
        }
        ({ skipped, assumptions, defaults } = built);
        if (built.slip) ctx = { slipMonths: built.slip.months, slipBasis: built.slip.basis };
        input = parseScheduleInput(built.input);
      } else input = parseScheduleInput(body.input);
      const run = await compareWhatIfs(
        input,
        body.whatIfs === 'default' ? undefined : (body.whatIfs ?? []),
        ctx,
      );
      return { ...run, skipped, assumptions, defaults, sources };
    });
  });
}
