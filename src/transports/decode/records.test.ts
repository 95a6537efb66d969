import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadFixtures } from '../../../test/fixtures/cot/fixtures.js';
import { decodeCot, newCotMemo } from '../../codecs/cot/index.js';
import { DEFAULT_LABEL } from '../../model/label.js';
import type { Event } from '../../model/event.js';
import { XmlReport } from '../../../bench/hub/message.js';
import { Interner, MAX_SLOT_CHARS, Mirror, RecordReader, RecordWriter, SLOTS } from './records.js';

/** Write values as consecutive records of one connection, read them back with one mirror. */
function roundTripWith<T>(
  values: T[],
  write: (w: RecordWriter, v: T, it: Interner) => void,
  read: (r: RecordReader, m: Mirror) => T,
): T[] {
  const w = new RecordWriter(16);
  const it = new Interner();
  for (const v of values) {
    write(w, v, it);
    it.endRecord();
  }
  const r = new RecordReader(w.take());
  const m = new Mirror();
  const out = values.map(() => read(r, m));
  expect(r.done).toBe(true);
  return out;
}

const roundTrip = (values: unknown[]) =>
  roundTripWith(
    values,
    (w, v, it) => w.value(v, it),
    (r, m) => r.value(m),
  );
const roundTripEvents = (events: Event[]) =>
  roundTripWith(
    events,
    (w, e, it) => w.event(e, it),
    (r, m) => r.event(m),
  );

const tree = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ unit: 'grapheme', maxLength: 80 }),
    fc.constantFrom('uid-1', 'a-f-G-U-C', 'callsign'),
    fc.double(),
    fc.boolean(),
    fc.constant(undefined),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor')),
      tie('value'),
      {
        maxKeys: 5,
      },
    ),
  ),
})).value;

describe('records', () => {
  it('round-trip any plain value tree, record after record', () => {
    fc.assert(
      fc.property(fc.array(tree, { maxLength: 12 }), (values) => {
        expect(roundTrip(values)).toEqual(values);
      }),
      { numRuns: 300 },
    );
  });

  it('keep a key called __proto__ an own property, not the prototype', () => {
    const v = JSON.parse('{"__proto__": "x", "a": 1}') as object;
    const [back] = roundTrip([v]) as [Record<string, unknown>];
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['__proto__', 'a']);
  });

  it('share on the reading side what the writer shares between records, and nothing else', () => {
    const shared = { callsign: 'ALPHA' };
    const values = Array.from({ length: 5 }, (_, i) => ({ contact: shared, point: { lat: i } }));
    const out = roundTrip(values) as { contact: object; point: object }[];
    // Sent in full the first two times (it earns a slot by appearing twice in a row), then by slot number.
    expect(out[2]!.contact).toBe(out[3]!.contact);
    expect(out[3]!.contact).toBe(out[4]!.contact);
    expect(out[0]!.contact).not.toBe(out[1]!.contact);
    // Objects made anew per record stay new, so the hub may change them in place.
    expect(new Set(out.map((o) => o.point)).size).toBe(5);
    expect(out).toEqual(values);
  });

  it('reuse slots in a ring: more repeated values than slots still round-trip', () => {
    const objs = Array.from({ length: SLOTS * 2 }, (_, i) => ({ n: i }));
    const strs = Array.from({ length: SLOTS * 2 }, (_, i) => `s${i}`);
    const values = Array.from({ length: 6 }, () => ({ objs, strs, long: 'x'.repeat(MAX_SLOT_CHARS + 1) }));
    expect(roundTrip(values)).toEqual(values);
  });

  it('refuse what is not plain data', () => {
    const w = new RecordWriter();
    expect(() => w.value(new Map(), new Interner())).toThrow(TypeError);
    expect(() => w.value(() => 1, new Interner())).toThrow(TypeError);
    expect(() => w.value(new (class X {})(), new Interner())).toThrow(TypeError);
  });

  it('fail with a RangeError on cut or corrupt bytes, never anything else', () => {
    const w = new RecordWriter();
    const it = new Interner();
    w.value({ a: ['x', 1, { b: true }] }, it);
    const bytes = w.take();
    for (let cut = 0; cut < bytes.length; cut++) {
      expect(() => new RecordReader(bytes.subarray(0, cut)).value(new Mirror())).toThrow(RangeError);
    }
    expect(() => new RecordReader(Buffer.from([99])).value(new Mirror())).toThrow(RangeError);
  });
});

describe('records of events', () => {
  it('give back every real fixture exactly as decodeCot read it', () => {
    const events = loadFixtures().map((f) => decodeCot(f.bytes));
    const back = roundTripEvents(events);
    for (const e of back) {
      expect(e.label).toBe(DEFAULT_LABEL);
      expect(e.origin).toEqual({ protocol: 'cot-xml' });
    }
    expect(back).toEqual(events);
  });

  it('give back a sender stream decoded with its memo (shared views, optional attributes), event by event', () => {
    const report = new XmlReport({ uid: 'S-1', callsign: 'S&1', team: 'Cyan', lat: 57.1, lon: 24.1 });
    const memo = newCotMemo();
    const events: Event[] = [];
    for (let i = 0; i < 40; i++) {
      let xml = report.render(1_790_000_000_000 + i * 1000, i);
      if (i % 7 === 3)
        xml = xml.replace('<event ', '<event access="Unrestricted" qos="1-r-c" caveat="FOUO" ');
      events.push(decodeCot(xml, { memo }));
    }
    const back = roundTripEvents(events);
    expect(back).toEqual(events);
    // The typed views the memo shares are shared on the reading side too, once slotted.
    expect(back[10]!.detail.contact).toBe(back[11]!.detail.contact);
    expect(back[10]!.detail).not.toBe(back[11]!.detail);
    expect(back[10]!.detail.elements).not.toBe(back[11]!.detail.elements);
  });

  it('stay readable when a record fails half-way and the writer starts its tables afresh (worker.ts)', () => {
    const report = new XmlReport({ uid: 'R-1', callsign: 'R1', team: 'Red', lat: 56.9, lon: 24.1 });
    const memo = newCotMemo();
    const events = Array.from({ length: 8 }, (_, i) =>
      decodeCot(report.render(1_790_000_000_000 + i, i), { memo }),
    );
    const w = new RecordWriter(64);
    let it = new Interner();
    w.event(events[0]!, it);
    it.endRecord();
    // The next record gives slots to what repeats (uid, type, keys, shared views), then meets something that is
    // not plain data and throws.
    const start = w.pos;
    const bad = { ...events[1]!, detail: { ...events[1]!.detail, bad: new Map() } };
    expect(() => w.event(bad as unknown as Event, it)).toThrow(TypeError);
    w.pos = start;
    it = new Interner();
    expect(w.pos).toBe(start);
    for (const e of events.slice(1)) {
      w.event(e, it);
      it.endRecord();
    }
    const r = new RecordReader(w.take());
    const m = new Mirror();
    expect(events.map(() => r.event(m))).toEqual(events);
  });
});
