/** The page's picture bookkeeping and banner marking, which are plain TypeScript (no DOM needed). */
import { describe, expect, it } from 'vitest';
import { highestMarking, markingText } from '../../web/src/banners.js';
import { EntityStore, STALE_GRACE_MS } from '../../web/src/entities.js';
import { matchesFilter } from '../../web/src/panels/list.js';
import type { WebEntity } from '../../src/transports/web/protocol.js';

function entity(uid: string, stale: number, over: Partial<WebEntity> = {}): WebEntity {
  return {
    uid,
    type: 'a-f-G-U-C',
    how: 'm-g',
    time: 0,
    start: 0,
    stale,
    lat: 54,
    lon: 25,
    hae: 0,
    ce: 0,
    le: 0,
    sidc: 'SFGPUC---------',
    sidcSource: 'type',
    affiliation: 'friend',
    label: { policy: 'NATO', classification: 'UNCLASSIFIED', categories: [] },
    classification: 'UNCLASSIFIED',
    source: 'cot-xml',
    detail: [],
    ...over,
  };
}

describe('page entity store', () => {
  it('batches changes, greys stale entities, removes them after the grace period, removes deletes at once', () => {
    const s = new EntityStore();
    const seen: { up: string[]; rm: string[] }[] = [];
    s.onChange((c) => seen.push({ up: [...c.upserted], rm: [...c.removed] }));
    s.upsert(entity('A', 10_000), 1000);
    s.upsert(entity('B', 10_000), 1000);
    s.upsert(entity('A', 20_000, { lat: 55 }), 1500);
    s.flush();
    expect(seen).toEqual([{ up: ['A', 'B'], rm: [] }]);
    expect(s.all.get('A')!.trail).toEqual([
      [25, 54],
      [25, 55],
    ]);
    s.sweep(10_001); // B went stale: greyed, still there
    expect(s.all.get('B')!.stale).toBe(true);
    s.expired(['A'], 10_001); // A is not stale yet: the hub deleted it
    expect(s.all.has('A')).toBe(false);
    s.expired(['B'], 10_002); // B is stale: stays greyed until the grace period ends
    expect(s.all.has('B')).toBe(true);
    s.sweep(10_000 + STALE_GRACE_MS);
    expect(s.all.has('B')).toBe(false);
    s.flush();
    expect(seen[1]).toEqual({ up: [], rm: ['A', 'B'] }); // greyed then removed in one batch: only the removal
    s.flush(); // nothing new: no call
    expect(seen.length).toBe(2);
  });

  it('filters the list', () => {
    const s = new EntityStore();
    s.upsert(
      entity('H', 1e15, { affiliation: 'hostile', type: 'a-h-G-U-C', nation: 'LTU', callsign: 'Red one' }),
    );
    const t = s.all.get('H')!;
    const f = { affiliation: '', nation: '', type: '', stale: 'all' as const, text: '' };
    expect(matchesFilter(t, f)).toBe(true);
    expect(matchesFilter(t, { ...f, affiliation: 'friend' })).toBe(false);
    expect(matchesFilter(t, { ...f, nation: 'LVA' })).toBe(false);
    expect(matchesFilter(t, { ...f, type: 'a-h-G' })).toBe(true);
    expect(matchesFilter(t, { ...f, stale: 'stale' })).toBe(false);
    expect(matchesFilter(t, { ...f, text: 'red' })).toBe(true);
  });
});

describe('classification banner marking', () => {
  it('takes the highest classification and the releasability common to everything shown', () => {
    const m = highestMarking([
      { classification: 'RESTRICTED', releasableTo: ['EST', 'LTU', 'LVA'] },
      { classification: 'SECRET', releasableTo: ['LTU', 'LVA', 'POL'] },
      { classification: 'UNCLASSIFIED' },
    ]);
    expect(m).toEqual({ classification: 'SECRET', releasableTo: ['LTU', 'LVA'] });
    expect(markingText(m)).toBe('SECRET // REL TO LTU, LVA');
    expect(markingText(highestMarking([]))).toBe('UNCLASSIFIED');
    expect(
      markingText(
        highestMarking([
          { classification: 'CONFIDENTIAL', releasableTo: ['EST'] },
          { classification: 'CONFIDENTIAL', releasableTo: ['LVA'] },
        ]),
      ),
    ).toBe('CONFIDENTIAL // REL TO NONE');
  });
});
