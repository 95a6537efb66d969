/**
 * RFC 4180 CSV reading and writing. Hand-written because no CSV library is installed and the format is small;
 * the reader is bounded (row and cell limits) so a hostile upload cannot exhaust memory.
 */

export interface CsvLimits {
  maxRows: number;
  maxCellChars: number;
}

export const DEFAULT_CSV_LIMITS: CsvLimits = { maxRows: 100_000, maxCellChars: 10_000 };

/** A CSV problem at a 1-based line. */
export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** Parse CSV text into rows of cells, each row with the 1-based line number where it starts. */
export function parseCsv(
  text: string,
  limits: CsvLimits = DEFAULT_CSV_LIMITS,
): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const push = () => {
    if (cell.length > limits.maxCellChars) throw new CsvSyntaxError('cell too long', rowLine);
    cells.push(cell);
    cell = '';
  };
  const endRow = () => {
    push();
    if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
    if (rows.length > limits.maxRows) throw new CsvSyntaxError(`more than ${limits.maxRows} rows`, rowLine);
    cells = [];
  };
  while (i < src.length) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      i++;
      continue;
    }
    if (c === '"') {
      if (cell.trim() !== '') throw new CsvSyntaxError('quote inside an unquoted cell', line);
      cell = '';
      quoted = true;
    } else if (c === ',') push();
    else if (c === '\r' && src[i + 1] === '\n') {
      i++;
      continue;
    } else if (c === '\n' || c === '\r') {
      endRow();
      line++;
      rowLine = line;
    } else cell += c;
    i++;
  }
  if (quoted) throw new CsvSyntaxError('unterminated quoted cell', rowLine);
  if (cell !== '' || cells.length > 0) endRow();
  return rows;
}

/** Quote a cell when it holds a comma, quote or line break. */
export function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Write rows (first row the header) as CSV with CRLF line ends. */
export function toCsv(rows: readonly (readonly unknown[])[]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
