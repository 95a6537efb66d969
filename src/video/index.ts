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
import type { UserStore } from '../trust/users.js';
import type { Identity } from '../model/identity.js';
import { VideoService, type IdentityStatus } from './service.js';

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
  /** The user store: a watch token's user must still exist with the same clearance, nation and groups. */
  users?: Pick<UserStore, 'get'>;
}): VideoService {
  const { trust, users } = deps;
  return new VideoService({
    cfg: deps.config.video,
    hub: deps.hub,
    log: deps.log,
    registry: deps.metrics.registry,
    ...(deps.trust ? { audit: deps.trust.audit } : {}),
    recordDir: resolve(deps.config.dataDir, 'video'),
    identityCheck: (who) => currentIdentity(who, trust, users),
  });
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/**
 * Is a watch token's identity still current? Its certificate must not be on the CRL; a user the hub knows must still
 * have the clearance, nation, groups and categories the token was made with; an identity with neither a certificate
 * nor a known user is not current.
 */
function currentIdentity(
  who: Identity,
  trust: Pick<Trust, 'pki'> | undefined,
  users: Pick<UserStore, 'get'> | undefined,
): IdentityStatus {
  if (who.certSerial && trust?.pki.isRevoked(who.certSerial)) return 'revoked';
  const u = users?.get(who.id);
  if (!u) return who.certSerial ? 'ok' : 'identity-changed';
  const same =
    u.clearance === who.clearance &&
    (u.nation ?? '') === (who.nation ?? '') &&
    sameSet(u.groups, who.groups) &&
    sameSet(u.categories, who.categories);
  return same ? 'ok' : 'identity-changed';
}
