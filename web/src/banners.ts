/**
 * Classification banners, top and bottom, as military systems show them: the highest classification of everything
 * the page shows anywhere (every entity it holds, since the list shows them all; the map, the details, every chat
 * message, and whatever other panels register in {@link labelSources}, e.g. video), the releasability common to
 * all of it, and who is signed in with which nation and clearance.
 */
import { CLASSIFICATIONS, type Classification } from '../../src/model/label.js';

const COLORS: Record<Classification, [bg: string, fg: string]> = {
  UNCLASSIFIED: ['#007a33', '#ffffff'],
  RESTRICTED: ['#8a5a00', '#ffffff'],
  CONFIDENTIAL: ['#0033a0', '#ffffff'],
  SECRET: ['#c8102e', '#ffffff'],
  'TOP SECRET': ['#ff8c00', '#000000'],
};

export interface Marking {
  classification: Classification;
  /** Intersection of the releasability of everything shown; undefined = nothing on screen restricts it. */
  releasableTo?: string[];
}

export type Labelled = { classification: Classification; releasableTo?: string[] };

/** Other panels that show labelled data (video, links…) add a function returning their labels. */
export const labelSources: (() => Iterable<Labelled>)[] = [];

/** Fold the labels of what is visible into one marking. */
export function highestMarking(
  items: Iterable<{ classification: Classification; releasableTo?: string[] }>,
): Marking {
  let rank = 0;
  let rel: Set<string> | undefined;
  for (const it of items) {
    rank = Math.max(rank, CLASSIFICATIONS.indexOf(it.classification));
    if (it.releasableTo)
      rel = rel ? new Set(it.releasableTo.filter((v) => rel!.has(v))) : new Set(it.releasableTo);
  }
  return { classification: CLASSIFICATIONS[rank]!, releasableTo: rel ? [...rel].sort() : undefined };
}

export function markingText(m: Marking): string {
  const rel = m.releasableTo
    ? ` // REL TO ${m.releasableTo.length ? m.releasableTo.join(', ') : 'NONE'}`
    : '';
  return `${m.classification}${rel}`;
}

export function paintBanners(els: HTMLElement[], m: Marking, who: string): void {
  const [bg, fg] = COLORS[m.classification];
  for (const el of els) {
    el.style.background = bg;
    el.style.color = fg;
    el.dataset.classification = m.classification;
    el.querySelector('.marking')!.textContent = markingText(m);
    el.querySelector('.who')!.textContent = who;
  }
}
