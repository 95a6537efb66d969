/** Tiny DOM helpers: build elements without innerHTML, so reported text can never inject markup. */

type Attrs = Record<string, string | number | boolean | undefined>;

/** Create an element with attributes and children (strings become text nodes). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') e.className = String(v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

/** A table from column titles and rows of cells. */
export function table(
  cols: string[],
  rows: (Node | string | number | null)[][],
  attrs: Attrs = {},
): HTMLTableElement {
  return el(
    'table',
    attrs,
    el('thead', {}, el('tr', {}, ...cols.map((c) => el('th', {}, c)))),
    el(
      'tbody',
      {},
      ...rows.map((r) =>
        el('tr', {}, ...r.map((c) => el('td', {}, c === null ? '–' : typeof c === 'number' ? String(c) : c))),
      ),
    ),
  );
}

/** Round for display. */
export function fix(x: number | null | undefined, d = 2): string {
  return x === null || x === undefined ? '–' : String(Math.round(x * 10 ** d) / 10 ** d);
}

/** Show a message in the status line (errors stay until the next message). */
export function status(msg: string, kind: 'info' | 'error' = 'info'): void {
  const s = document.getElementById('status')!;
  s.textContent = msg;
  s.dataset.kind = kind;
}
