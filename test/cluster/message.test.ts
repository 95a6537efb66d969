/** The bus message format, subject and key names, and the outbox's order and overflow policy (no NATS needed). */
import { describe, expect, it } from 'vitest';
import { encodeCotStream } from '../../src/codecs/cot/index.js';
import {
  BusMessageError,
  encodeMessage,
  readEvent,
  readHeader,
  recipientsOf,
} from '../../src/cluster/message.js';
import { Outbox, type OutItem } from '../../src/cluster/outbox.js';
import { Names, groupToken, uidKey } from '../../src/cluster/subjects.js';
import { makeEvent } from '../helpers/events.js';

describe('bus message', () => {
  it('round-trips header and event, keeping the XML bytes and every detail element', () => {
    const e = makeEvent({
      uid: 'ANDROID-1',
      detail: {
        elements: [{ name: 'custom', xml: '<custom a="1"><x/></custom>' }],
        dests: [{ callsign: 'Bob' }],
      },
      label: {
        policy: 'NATO',
        classification: 'RESTRICTED',
        categories: [{ tag: 'Releasable to', type: 'PERMISSIVE', values: ['LTU'] }],
      },
      origin: { protocol: 'cot-xml', nation: 'LTU', identityId: 'alpha' },
    });
    const xml = encodeCotStream(e);
    const to = recipientsOf(e);
    expect(to).toEqual({ u: [], c: ['Bob'], g: [] });
    const data = encodeMessage(
      { n: 'a', b: 'x', s: 7, k: 'directed', g: ['Blue'], l: e.label, o: e.origin, ...(to ? { to } : {}) },
      xml,
    );
    const { header, xml: back } = readHeader(data);
    expect(header).toMatchObject({ n: 'a', s: 7, k: 'directed', g: ['Blue'], to: { c: ['Bob'] } });
    expect(Buffer.from(back).equals(xml)).toBe(true);
    const e2 = readEvent(header, back, 1 << 20);
    expect(e2.uid).toBe('ANDROID-1');
    expect(e2.label).toEqual(e.label);
    expect(e2.origin).toEqual(e.origin);
    expect(e2.detail.elements.map((x) => x.xml)).toContain('<custom a="1"><x/></custom>');
  });

  it('refuses what is not a bus message with BusMessageError', () => {
    expect(() => readHeader(Buffer.from('hello'))).toThrow(BusMessageError);
    expect(() => readHeader(Buffer.from([0xb7, 9, 0, 0, 0, 0]))).toThrow(/version 9/);
    expect(() => readHeader(Buffer.from([0xb7, 1, 0, 0, 0, 99, 1]))).toThrow(/truncated/);
    const bad = Buffer.concat([Buffer.from([0xb7, 1, 0, 0, 0, 2]), Buffer.from('{}')]);
    expect(() => readHeader(bad)).toThrow(/lacks/);
    const h = {
      n: 'a',
      b: 'b',
      s: 1,
      k: 'state' as const,
      g: null,
      l: makeEvent().label,
      o: makeEvent().origin,
    };
    const { header, xml } = readHeader(encodeMessage(h, Buffer.from('<event')));
    expect(() => readEvent(header, xml, 1 << 20)).toThrow(BusMessageError);
  });
});

describe('names', () => {
  it('puts one-group events on their group subject, others on the shared ones', () => {
    const n = new Names('c1');
    expect(n.subjectOf(['Cyan'], false)).toBe('bw.c1.ev.g.Cyan');
    expect(n.subjectOf(['a b.c'], false)).toBe(`bw.c1.ev.g.=${Buffer.from('a b.c').toString('base64url')}`);
    expect(n.subjectOf(['A', 'B'], false)).toBe('bw.c1.ev.m');
    expect(n.subjectOf(undefined, false)).toBe('bw.c1.ev.m');
    expect(n.subjectOf(['A'], true)).toBe('bw.c1.ev.d');
    expect(n.filters(undefined)).toEqual(['bw.c1.ev.>']);
    expect(n.filters(['A', 'A'])).toEqual(['bw.c1.ev.g.A', 'bw.c1.ev.m', 'bw.c1.ev.d']);
    expect(groupToken('__ANON__')).toBe('__ANON__');
  });

  it('makes a valid, distinct bucket key of any uid', () => {
    expect(uidKey('ANDROID-abc.def')).toBe('ANDROID-abc.def');
    for (const u of ['S-1-5:21', '.lead', 'trail.', 'a..b', '=x', 'ünï', 'a b']) {
      const k = uidKey(u);
      expect(k).toMatch(/^=[A-Za-z0-9_-]+$/);
      expect(Buffer.from(k.slice(1), 'base64url').toString()).toBe(u);
    }
  });
});

describe('outbox', () => {
  const item = (seq: number, kind: OutItem['kind'] = 'state'): OutItem => ({
    seq,
    kind,
    subject: 's',
    data: Buffer.alloc(0),
    id: String(seq),
  });

  it('hands items out in order, a retried one before newer ones', () => {
    const o = new Outbox(10);
    for (let i = 1; i <= 4; i++) o.add(item(i));
    const first = o.next()!;
    const second = o.next()!;
    o.retry(second);
    o.retry(first);
    expect([o.next()!.seq, o.next()!.seq, o.next()!.seq, o.next()!.seq]).toEqual([1, 2, 3, 4]);
    expect(o.next()).toBeUndefined();
    expect(o.size).toBe(0);
  });

  it('when full drops positions first, and a chat pushes out the oldest position', () => {
    const o = new Outbox(3);
    o.add(item(1, 'state'));
    o.add(item(2, 'chat'));
    o.add(item(3, 'state'));
    expect(o.add(item(4, 'state'))!.seq).toBe(4);
    expect(o.add(item(5, 'chat'))!.seq).toBe(1);
    expect(o.add(item(6, 'chat'))!.seq).toBe(3);
    expect(o.add(item(7, 'chat'))!.seq).toBe(7);
    const out: number[] = [];
    for (let it = o.next(); it; it = o.next()) out.push(it.seq);
    expect(out).toEqual([2, 5, 6]);
  });
});
