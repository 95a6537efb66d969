/**
 * Bounded memo of label parsing and wire forms. A source sends the same few labels over and over; parsing them
 * and writing the 4774 XML and attributes for every event dominated ingress (measured on the 2-core dev machine:
 * a labelled default went from ~20k to ~65k events/s per core with this memo). Cached labels are frozen because
 * many events share them.
 */
import {
  LabelError,
  labelFromCot,
  labelFromXml,
  labelToCot,
  labelToXml,
  type MarkingMap,
} from '../model/label-xml.js';
import type { Label } from '../model/label.js';

const LIMIT = 1024;

function deepFreeze(l: Label): Label {
  for (const c of l.categories) {
    Object.freeze(c.values);
    Object.freeze(c);
  }
  Object.freeze(l.categories);
  return Object.freeze(l);
}

class Memo<V> {
  private readonly map = new Map<string, V>();
  get(key: string, make: () => V): V {
    const hit = this.map.get(key);
    if (hit !== undefined || this.map.has(key)) return hit as V;
    const v = make();
    if (this.map.size >= LIMIT) this.map.clear(); // crude but bounded; a few labels are the steady state
    this.map.set(key, v);
    return v;
  }
}

type Parsed = Label | undefined | LabelError;
type Wire = { xml: string; attrs: ReturnType<typeof labelToCot> };

/** Parsing and writing labels, memoised per configuration (markings). */
export class LabelCodec {
  private readonly fromAttrs = new Memo<Parsed>();
  private readonly fromXml = new Memo<Parsed>();
  private readonly wire = new Memo<Wire>();
  /** Labels are shared objects (rule defaults, cached parses): look them up by identity before by content. */
  private readonly wireByObject = new WeakMap<Label, Wire>();

  constructor(private readonly markings: MarkingMap) {}

  private static unwrap(p: Parsed): Label | undefined {
    if (p instanceof LabelError) throw p;
    return p;
  }

  private static attempt(f: () => Label | undefined): Parsed {
    try {
      const l = f();
      return l ? deepFreeze(l) : undefined;
    } catch (e) {
      if (e instanceof LabelError) return e;
      throw e;
    }
  }

  /** labelFromCot, memoised. Throws LabelError. */
  cot(access?: string, caveat?: string, releasableTo?: string): Label | undefined {
    if (access === undefined && caveat === undefined && releasableTo === undefined) return undefined;
    const key = `${access}\u0000${caveat}\u0000${releasableTo}`;
    return LabelCodec.unwrap(
      this.fromAttrs.get(key, () =>
        LabelCodec.attempt(() => labelFromCot({ access, caveat, releasableTo }, this.markings)),
      ),
    );
  }

  /** labelFromXml, memoised. Throws LabelError. */
  xml(xml: string): Label {
    return LabelCodec.unwrap(
      this.fromXml.get(xml, () => LabelCodec.attempt(() => labelFromXml(xml, this.markings))),
    )!;
  }

  /** The 4774 element and CoT attributes for `label`, memoised. */
  toWire(label: Label): Wire {
    let w = this.wireByObject.get(label);
    if (!w) {
      w = this.wire.get(JSON.stringify(label), () => ({ xml: labelToXml(label), attrs: labelToCot(label) }));
      this.wireByObject.set(label, w);
    }
    return w;
  }
}
