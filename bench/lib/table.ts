/** Plain-text table printing for bench results: right-aligned numbers, left-aligned text. */

export type Cell = string | number | undefined;

/** Format a number with a fixed number of decimals; '-' for missing or NaN. */
export function fmt(v: number | undefined, decimals = 0): string {
  if (v === undefined || !Number.isFinite(v)) return '-';
  return v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Render rows under headers with columns padded to the widest cell. */
export function renderTable(headers: string[], rows: Cell[][]): string {
  const text = rows.map((r) => r.map((c) => (c === undefined ? '-' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) =>
    rows.every((r) => typeof r[i] !== 'string' || /^[-\d.,%]+$/.test(r[i])),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] && cells !== headers ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...text.map(line)].join('\n');
}

/** Render as a Markdown table (for docs/performance.md). */
export function renderMarkdown(headers: string[], rows: Cell[][]): string {
  const cell = (c: Cell) => (c === undefined ? '-' : String(c));
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}
