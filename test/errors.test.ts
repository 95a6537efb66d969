/** docs/errors.md and src/errors.ts list the same codes (the fastify way: code, docs and types cannot drift). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BwError, CodecError, ERRORS } from '../src/errors.js';

describe('error codes', () => {
  it('docs/errors.md lists exactly the codes of src/errors.ts', () => {
    const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| `(BW_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.keys(ERRORS).sort());
  });

  it('errors carry their code, name and formatted message', () => {
    const e = new CodecError('BW_COT_TOO_LARGE', 'cot-xml', [1024], 17);
    expect(e).toBeInstanceOf(BwError);
    expect(e.name).toBe('CodecError');
    expect(e.code).toBe('BW_COT_TOO_LARGE');
    expect(e.message).toBe('event larger than the limit of 1024 bytes');
    expect(e.offset).toBe(17);
  });
});
