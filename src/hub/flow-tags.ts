/**
 * Stamp this hub into an event's `_flow-tags_` (loop prevention, as TAK Server does) without re-parsing the
 * detail: per-event cost matters on the ingest path.
 */
import type { Event } from '../model/event.js';

export function stampFlowTag(e: Event, key: string, now: number): Event {
  const when = new Date(now).toISOString();
  const attr = ` ${key}="${when}"`;
  const elements = e.detail.elements.slice();
  const i = elements.findIndex((el) => el.name === '_flow-tags_');
  if (i >= 0) {
    const xml = elements[i]!.xml;
    // Insert before the end of the start tag: "/>" for an empty element, ">" otherwise.
    const end = xml.indexOf('>');
    const at = xml[end - 1] === '/' ? end - 1 : end;
    elements[i] = { name: '_flow-tags_', xml: xml.slice(0, at) + attr + xml.slice(at) };
  } else {
    elements.push({ name: '_flow-tags_', xml: `<_flow-tags_${attr}/>` });
  }
  return { ...e, detail: { ...e.detail, elements, flowTags: { ...e.detail.flowTags, [key]: when } } };
}
