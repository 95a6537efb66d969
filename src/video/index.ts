/**
 * Full-motion video (STANAG 4609): feeds in, KLV into the picture, TS out to viewers under the egress gate.
 * `createVideo` builds the service from the app's configuration; the composition root starts and stops it.
 */
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../app/config.js';
import type { Hub } from '../hub/hub.js';
import type { Metrics } from '../ops/metrics.js';
import type { Trust } from '../trust/index.js';
import { VideoService } from './service.js';

export { VideoService } from './service.js';
export { registerVideoRoutes } from './routes.js';
export { registerVideoMarti, vcmXml, videoCollections } from './marti.js';
export type { VideoConfig, FeedConfig } from './config.js';
export { startDemoCameraFor, withDemoCameraUrl, type DemoCamera } from './demo-camera.js';

export function createVideo(deps: {
  config: Config;
  hub: Hub;
  log: Logger;
  metrics: Metrics;
  trust?: Trust;
}): VideoService {
  return new VideoService({
    cfg: deps.config.video,
    hub: deps.hub,
    log: deps.log,
    registry: deps.metrics.registry,
    ...(deps.trust ? { audit: deps.trust.audit } : {}),
    recordDir: resolve(deps.config.dataDir, 'video'),
  });
}
