/** The page's overload coalescing and data-age measure (plain TypeScript, no browser). */
import { describe, expect, it } from 'vitest';
import { DataAge, lagText } from '../../web/src/lag.js';
import { coalesceLines, entityUid } from '../../web/src/live.js';

const ent = (uid: string, lon: number) => JSON.stringify({ t: 'entity', e: { uid, lon } });

describe('page live link', () => {
  it('keeps only the newest entity update per uid, in order, and every other message', () => {
    const lines = [
      ent('A', 1),
      ent('B', 1),
      JSON.stringify({ t: 'chat', m: { text: 'hi' } }),
      ent('A', 2),
      JSON.stringify({ t: 'expired', uids: ['B'] }),
      ent('A', 3),
      '',
    ];
    const { kept, dropped } = coalesceLines(lines);
    expect(dropped).toBe(2);
    expect(kept).toEqual([lines[1], lines[2], lines[4], lines[5]]);
    expect(entityUid(ent('x"y', 1))).toBeUndefined(); // an escaped uid is never guessed at
    expect(entityUid('{"t":"chat"}')).toBeUndefined();
  });

  it('measures data age against the hub clock, ignoring first sightings, and says when it is behind', () => {
    const a = new DataAge();
    a.sync(1_000_000, 1_000_500); // page clock 500 ms ahead
    a.note('U', 900_000, 1_000_600); // first sighting (old picture): not counted
    expect(a.behindMs(1_000_600)).toBe(0);
    a.note('U', 992_000, 1_001_500); // made 9 s before it arrived (hub clock)
    expect(a.behindMs(1_001_500)).toBe(9000);
    expect(lagText(a.behindMs(1_001_500))).toBe('behind by 9 s');
    expect(a.behindMs(1_004_000)).toBe(0); // nothing new for 2 s: no claim
    expect(lagText(2000)).toBe('');
  });
});
