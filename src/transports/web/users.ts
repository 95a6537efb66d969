/**
 * Adapter from the trust module's user store (scrypt passwords, lockout) to the web sign-in's UserDirectory.
 * Only passwords sign in to the web: one-time enrollment tokens are for certificates and are refused here.
 */
import type { Identity } from '../../model/identity.js';
import type { UserStore } from '../../trust/users.js';
import { SignInLocked, type UserDirectory } from './auth.js';

export function userStoreDirectory(users: Pick<UserStore, 'authenticate'>): UserDirectory {
  return {
    async verify(name: string, password: string, remote?: string): Promise<Identity | null> {
      const r = await users.authenticate(name, password, remote);
      if (!r.ok && r.lockedForMs !== undefined) throw new SignInLocked(r.lockedForMs, !!r.lockedNow);
      if (!r.ok || r.via !== 'password') return null;
      const u = r.user;
      return {
        id: u.id,
        kind: u.kind,
        ...(u.nation ? { nation: u.nation } : {}),
        clearance: u.clearance,
        categories: [...u.categories],
        groups: [...u.groups],
      };
    },
  };
}
