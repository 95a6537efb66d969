/** Small Event factories for hub tests that do not need the codecs. */
import type { Detail, Event } from '../../src/model/event.js';
import { DEFAULT_LABEL, type Label } from '../../src/model/label.js';

export function makeEvent(over: Omit<Partial<Event>, 'detail'> & { detail?: Partial<Detail> } = {}): Event {
  const now = Date.now();
  const { detail, ...rest } = over;
  return {
    version: '2.0',
    uid: 'U1',
    type: 'a-f-G-U-C',
    how: 'm-g',
    time: now,
    start: now,
    stale: now + 60_000,
    point: { lat: 54.9, lon: 23.9, hae: 50, ce: 10, le: 10 },
    label: DEFAULT_LABEL as Label,
    origin: { protocol: 'cot-xml' },
    ...rest,
    detail: { elements: [], ...detail },
  };
}
