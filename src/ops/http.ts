/**
 * The hub's HTTP server (8080, loopback by default): /healthz and /metrics here; the web COP, REST and websocket
 * APIs and the planner API register their routes on the same instance.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { register as globalRegistry, type Metric } from 'prom-client';
import type { Metrics } from './metrics.js';

export interface Health {
  /** `degraded`: serving its own clients but cut off from the cluster bus (docs/cluster.md); still 200. */
  status: 'ok' | 'degraded' | 'stopping';
  uptimeS: number;
  clients: number;
  entities: number;
  version: string;
  /** With clustering on: this node's name, bus state and unacknowledged outbox. */
  cluster?: { state: 'ok' | 'degraded'; node: string; outbox: number; server?: string };
}

/** `onCreate` runs before any route is added (the route guard, ops/routes.ts, sees every route). */
export function createHttp(
  log: Logger,
  metrics: Metrics,
  health: () => Health,
  onCreate?: (app: FastifyInstance) => void,
): FastifyInstance {
  const app: FastifyInstance = Fastify({
    // Request lines are not logged (a /metrics scrape every few seconds would drown the log): warn and up only.
    loggerInstance: log.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
  });
  onCreate?.(app);
  app.get('/healthz', async (_req, reply) => {
    const h = health();
    return reply.code(h.status === 'stopping' ? 503 : 200).send(h);
  });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    // Module-level counters some modules keep in prom-client's default registry join the app's registry once.
    for (const m of globalRegistry.getMetricsAsArray()) {
      if (!metrics.registry.getSingleMetric(m.name)) metrics.registry.registerMetric(m as unknown as Metric);
    }
    return metrics.registry.metrics();
  });
  return app;
}
