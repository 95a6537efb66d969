/**
 * RFC 4180 CSV reading (csv-parse, the Node CSV project's parser) and writing. Each row keeps the line where it
 * starts, so import reports can point at it; the reader is bounded (row and cell limits) so a hostile upload
 * cannot exhaust memory.
 */
import { CsvError, parse } from 'csv-parse/sync';

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

interface Parsed {
  record: string[];
  info: { lines: number };
  raw: string;
}

/** Parse CSV text into rows of cells, each row with the 1-based line number where it starts. */
export function parseCsv(
  text: string,
  limits: CsvLimits = DEFAULT_CSV_LIMITS,
): { line: number; cells: string[] }[] {
  let records: Parsed[];
  try {
    records = parse(text, {
      bom: true,
      // Files mixing line ends (CRLF header, LF rows) are common in hand-edited lists.
      record_delimiter: ['\r\n', '\n', '\r'],
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      // Stop reading one record past the limit: enough to know the limit is exceeded.
      to: limits.maxRows + 1,
      max_record_size: limits.maxCellChars * 64,
    }) as unknown as Parsed[];
  } catch (e) {
    if (e instanceof CsvError) {
      const line = Number((e as CsvError & { lines?: number }).lines ?? 0);
      const what = e.code === 'CSV_QUOTE_NOT_CLOSED' ? 'unterminated quoted cell' : e.message;
      throw new CsvSyntaxError(what, line);
    }
    throw e;
  }
  const rows = records.map((r) => {
    const breaks = (r.raw.replace(/(\r\n|\n|\r)$/, '').match(/\r\n|\n|\r/g) ?? []).length;
    return { line: r.info.lines - breaks, cells: r.record };
  });
  for (const r of rows)
    if (r.cells.some((c) => c.length > limits.maxCellChars))
      throw new CsvSyntaxError('cell too long', r.line);
  if (rows.length > limits.maxRows)
    throw new CsvSyntaxError(`more than ${limits.maxRows} rows`, rows[limits.maxRows]!.line);
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
