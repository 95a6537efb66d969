/** Chooses the web sign-in from configuration: development mode, the trust module's users, or nothing. */
import { DevAuth, DirectoryAuth, NoAuth, type UserDirectory, type WebAuth } from './auth.js';
import { webConfig, type WebConfig } from './config.js';

/**
 * `users`: the trust module's user directory when it exists. Development mode wins only when explicitly enabled;
 * with neither, every sign-in is refused (the COP shows its sign-in form and the error).
 */
export function createWebAuth(config: Partial<WebConfig> = {}, users?: UserDirectory): WebAuth {
  const cfg = webConfig.parse(config);
  const opts = { ttlMs: cfg.sessionTtlMs, maxSessions: cfg.maxSessions };
  if (cfg.devMode) return new DevAuth(cfg.devGroups, opts);
  if (users) return new DirectoryAuth(users, opts);
  return new NoAuth(opts);
}
