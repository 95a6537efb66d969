import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv, CsvSyntaxError } from './csv.js';

describe('csv', () => {
  it('reads quoted cells with commas, quotes and line breaks', () => {
    const rows = parseCsv('a,b\r\n"x, y","say ""hi""\nthere"\n');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, y', 'say "hi"\nthere'] },
    ]);
  });
  it('round-trips what it writes', () => {
    const data = [
      ['n', 'v'],
      ['a,b', 'c"d'],
    ];
    expect(parseCsv(toCsv(data)).map((r) => r.cells)).toEqual(data);
  });
  it('refuses unterminated quotes and oversize input', () => {
    expect(() => parseCsv('a\n"open')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a\nb\nc\n', { maxRows: 1, maxCellChars: 10 })).toThrow(/more than 1 rows/);
  });
});
