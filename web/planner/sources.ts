/**
 * Sources on the page: every figure built from reported rows carries the rows' source keys. A figure gets a
 * numbered mark whose tooltip lists its sources, and the view ends with the numbered list (footnotes), so a
 * printed or copied page keeps them too.
 */
import { el } from './dom.js';

/** The footnotes of one view: `cite` numbers a set of sources once, `list` renders them. */
export class SourceNotes {
  private readonly notes: string[] = [];

  /** A superscript mark for these sources (same sources, same number); nothing when there are none. */
  cite(sources: readonly string[] | undefined): HTMLElement | null {
    if (!sources?.length) return null;
    const text = sources.join('; ');
    let n = this.notes.indexOf(text);
    if (n < 0) n = this.notes.push(text) - 1;
    return el('sup', { class: 'src', title: `Sources: ${text}`, 'data-sources': text }, `[${n + 1}]`);
  }

  /** A value with its mark: `12 [3]`. */
  with(value: string | number | null, sources: readonly string[] | undefined): HTMLElement {
    return el('span', {}, value === null ? '–' : String(value), this.cite(sources));
  }

  /** The numbered list of every source cited so far. */
  list(testid = 'sources'): HTMLElement {
    return el(
      'details',
      { class: 'sources', 'data-testid': testid, open: this.notes.length <= 12 },
      el('summary', {}, `Sources (${this.notes.length})`),
      el('ol', {}, ...this.notes.map((t) => el('li', {}, t))),
    );
  }
}
