/** The trust module's tables in the shared store: audit trail, users, one-time enrollment tokens, sign-in lockouts. */
import type { Store } from '../store/db.js';

const STEPS = [
  `CREATE TABLE trust_audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     kind TEXT NOT NULL,
     actor TEXT, nation TEXT, ref TEXT, rule TEXT, path TEXT, remote TEXT,
     count INTEGER NOT NULL DEFAULT 1,
     detail TEXT
   );
   CREATE INDEX trust_audit_at ON trust_audit(at);
   CREATE INDEX trust_audit_actor ON trust_audit(actor, at);
   CREATE INDEX trust_audit_kind ON trust_audit(kind, at);
   CREATE TRIGGER trust_audit_no_update BEFORE UPDATE ON trust_audit
     BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
   CREATE TRIGGER trust_audit_no_delete BEFORE DELETE ON trust_audit
     BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;`,
  `CREATE TABLE trust_users (
     name TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     nation TEXT,
     clearance TEXT NOT NULL,
     categories TEXT NOT NULL,
     groups TEXT NOT NULL,
     password TEXT,
     failures INTEGER NOT NULL DEFAULT 0,
     locked_until INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE trust_tokens (
     hash TEXT PRIMARY KEY,
     user TEXT NOT NULL REFERENCES trust_users(name) ON DELETE CASCADE,
     expires_at INTEGER NOT NULL,
     used_at INTEGER,
     created_at INTEGER NOT NULL
   );`,
  // Failed sign-ins per user AND address: a lockout holds one address back, never the user everywhere.
  `CREATE TABLE trust_lockouts (
     name TEXT NOT NULL,
     remote TEXT NOT NULL,
     failures INTEGER NOT NULL DEFAULT 0,
     locked_until INTEGER NOT NULL DEFAULT 0,
     lockouts INTEGER NOT NULL DEFAULT 0,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (name, remote)
   );`,
];

/** Create or upgrade the trust tables (idempotent). */
export function migrateTrust(store: Store): void {
  store.migrate('trust', STEPS);
}
