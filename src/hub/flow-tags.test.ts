import { describe, expect, it } from 'vitest';
import { decodeCot } from '../codecs/cot/index.js';
import { flowTagsElement, restampRaw, stampFlowTag } from './flow-tags.js';

const xml = (detail: string) =>
  `<event version="2.0" uid="u" type="a-f-G" how="m-g" time="2026-11-27T10:00:00Z" start="2026-11-27T10:00:00Z" ` +
  `stale="2026-11-27T10:05:00Z"><point lat="1" lon="2" hae="0" ce="1" le="1"/><detail>${detail}</detail></event>`;
const NOW = Date.parse('2026-11-27T10:00:01.000Z');

describe('stampFlowTag', () => {
  for (const detail of ['<contact callsign="A"/>', '<_flow-tags_ other="2026-11-27T09:59:59Z"/><x/>']) {
    it(`copy and in place give the same event (${detail})`, () => {
      const a = decodeCot(xml(detail));
      const b = decodeCot(xml(detail));
      const keep = JSON.stringify(a);
      const copy = stampFlowTag(a, 'hub-1', NOW);
      expect(JSON.stringify(a)).toBe(keep); // the input is not changed
      const inPlace = stampFlowTag(b, 'hub-1', NOW, true);
      expect(inPlace).toBe(b);
      expect(inPlace).toEqual(copy);
      expect(copy.detail.flowTags?.['hub-1']).toBe('2026-11-27T10:00:01.000Z');
      // The stamped XML reads back to the same views.
      const el = flowTagsElement(copy.detail.elements)!;
      expect(decodeCot(xml(el.xml)).detail.flowTags).toEqual(copy.detail.flowTags);
    });
  }

  it('in place never changes a flowTags object another event shares', () => {
    const a = decodeCot(xml('<_flow-tags_ other="2026-11-27T09:59:59Z"/>'));
    const shared = a.detail.flowTags!;
    const copy = { ...a, detail: { ...a.detail, elements: [...a.detail.elements] } };
    stampFlowTag(copy, 'hub-1', NOW, true);
    expect(shared).toEqual({ other: '2026-11-27T09:59:59Z' });
  });

  it('restampRaw puts the stamped element into the sender bytes', () => {
    for (const detail of ['<contact callsign="A"/>', '<_flow-tags_ other="2026-11-27T09:59:59Z"/><x/>']) {
      for (const raw of [
        Buffer.from(xml(detail)),
        Buffer.from(xml(detail).replace('</detail></event>', '</detail>\n</event >')),
      ]) {
        const e = decodeCot(raw);
        const old = flowTagsElement(e.detail.elements);
        const out = stampFlowTag(e, 'hub-1', NOW, true);
        const bytes = restampRaw(raw, old, flowTagsElement(out.detail.elements))!;
        expect(bytes.toString().startsWith('<?xml ')).toBe(true);
        expect(decodeCot(bytes)).toEqual(out);
      }
    }
  });
});
