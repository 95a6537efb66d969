/** The contacts table: bindings are never replaced by another identity, bounded size, TTL, replication hooks. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_LABEL } from '../model/label.js';
import { Contacts, type Contact, type ContactChange } from './contacts.js';

const c = (uid: string, identityId: string, bound: boolean, seen = 0, callsign?: string): Contact => ({
  uid,
  identityId,
  bound,
  ...(callsign ? { callsign } : {}),
  label: DEFAULT_LABEL,
  groups: ['__ANON__'],
  seen,
  stale: seen + 60_000,
});

describe('Contacts', () => {
  it('keeps a binding against another identity, and lets the bound identity update it', () => {
    const t = new Contacts();
    t.note(c('u1', 'plain', false));
    expect(t.note(c('u1', 'ltu2', true, 1, 'LTU2')).identityId).toBe('ltu2');
    expect(t.note(c('u1', 'lva1', true, 2, 'X')).identityId).toBe('ltu2');
    expect(t.note(c('u1', 'ltu2', false, 3, 'LTU2')).bound).toBe(true);
    expect(t.byCallsign('LTU2')?.uid).toBe('u1');
    expect(t.byCallsign('X')).toBeUndefined();
  });

  it('moves a callsign to its new bound holder and forgets the old one on rename', () => {
    const t = new Contacts();
    t.note(c('u1', 'a', true, 0, 'ONE'));
    t.note(c('u1', 'a', true, 1, 'TWO'));
    expect(t.byCallsign('ONE')).toBeUndefined();
    t.note(c('u2', 'b', true, 2, 'TWO'));
    expect(t.byCallsign('TWO')?.uid).toBe('u2');
  });

  it('is bounded (the longest unreported unbound goes first), never evicts a binding, forgets past the TTL', () => {
    const t = new Contacts(3, 1000);
    t.note(c('a', 'a', true, 0));
    t.note(c('b', 'b', false, 1));
    t.note(c('c', 'c', false, 2));
    t.note(c('b', 'b', false, 10)); // reported again: now the newest unbound
    t.note(c('d', 'd', true, 11));
    expect(['a', 'b', 'c', 'd'].filter((u) => t.get(u))).toEqual(['a', 'b', 'd']);
    t.note(c('e', 'e', false, 12));
    expect(['a', 'b', 'd', 'e'].filter((u) => t.get(u))).toEqual(['a', 'd', 'e']);
    // Full of bindings: a new contact is not held, and no binding goes.
    const u = new Contacts(2, 1000);
    u.note(c('x', 'x', true, 0));
    u.note(c('y', 'y', true, 1));
    expect(u.note(c('z', 'z', true, 2)).bound).toBe(false);
    expect(['x', 'y', 'z'].filter((k) => u.get(k))).toEqual(['x', 'y']);
    t.sweep(1005);
    expect(['a', 'd', 'e'].filter((k) => t.get(k))).toEqual(['d', 'e']);
  });

  it('announces its changes and applies a peer’s (cluster replication)', () => {
    const a = new Contacts(2);
    const b = new Contacts(2);
    const seen: ContactChange[] = [];
    a.onChange((ch) => {
      seen.push(ch);
      b.apply(ch);
    });
    a.note(c('u1', 'x', true, 0, 'CS'));
    a.note(c('u2', 'y', false, 1));
    a.note(c('u3', 'z', true, 2)); // evicts u2, the unbound one
    expect(seen.map((s) => s.op)).toEqual(['put', 'put', 'forget', 'put']);
    expect(b.get('u2')).toBeUndefined();
    expect(b.get('u3')?.identityId).toBe('z');
    expect(b.byCallsign('CS')?.uid).toBe('u1');
  });
});
