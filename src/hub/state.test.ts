import { describe, expect, it } from 'vitest';
import type { Envelope } from './envelope.js';
import { State } from './state.js';

/** Only what State reads of an envelope. */
function env(uid: string, team: string | undefined, time = 1, stale = 1_000): Envelope {
  const detail = team === undefined ? {} : { group: { name: team, role: 'Team Member' } };
  return { event: { uid, time, stale, detail, origin: {} } } as unknown as Envelope;
}

const uids = (it: Iterator<Envelope>): string[] => {
  const out: string[] = [];
  for (let r = it.next(); !r.done; r = it.next()) out.push(r.value.event.uid);
  return out;
};

describe('State team index', () => {
  it("gives a team its own entities and the team-less ones, and no team's everything", () => {
    const s = new State();
    s.put(env('a1', 'Cyan'));
    s.put(env('b1', 'Red'));
    s.put(env('x', undefined));
    s.put(env('a2', 'Cyan'));
    expect(uids(s.teamValues('Cyan'))).toEqual(['a1', 'a2', 'x']);
    expect(uids(s.teamValues('Red'))).toEqual(['b1', 'x']);
    expect(uids(s.teamValues('Blue'))).toEqual(['x']);
    expect(uids(s.teamValues(undefined))).toEqual(['a1', 'b1', 'x', 'a2']);
  });

  it('follows an entity that changes team, is deleted or expires', () => {
    const s = new State();
    s.put(env('a', 'Cyan', 1));
    s.put(env('b', 'Cyan', 1, 10));
    s.put(env('a', 'Red', 2));
    expect(uids(s.teamValues('Cyan'))).toEqual(['b']);
    expect(uids(s.teamValues('Red'))).toEqual(['a']);
    // An older event does not replace the newer one, nor move it.
    expect(s.put(env('a', 'Cyan', 1))).toBe(false);
    expect(uids(s.teamValues('Red'))).toEqual(['a']);
    s.put(env('a', undefined, 3));
    // Team-less now: every team sees it, once.
    expect(uids(s.teamValues('Red'))).toEqual(['a']);
    expect(uids(s.teamValues('Cyan'))).toEqual(['b', 'a']);
    expect(s.expire(20).map((e) => e.event.uid)).toEqual(['b']);
    expect(uids(s.teamValues('Cyan'))).toEqual(['a']);
    s.delete('a');
    expect(uids(s.teamValues('Cyan'))).toEqual([]);
    expect(uids(s.teamValues(undefined))).toEqual([]);
    expect(s.size).toBe(0);
  });

  it('is live: an entity added while a picture is walked is included', () => {
    const s = new State();
    s.put(env('a1', 'Cyan'));
    const it = s.teamValues('Cyan');
    expect(it.next().value?.event.uid).toBe('a1');
    s.put(env('a2', 'Cyan'));
    s.put(env('x', undefined));
    expect(uids(it)).toEqual(['a2', 'x']);
  });
});
