/** docs/configuration.md lists every configuration key (leaf of the defaults), so the docs cannot fall behind. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/app/config.js';

function leaves(o: unknown, path: string[] = []): string[] {
  if (o && typeof o === 'object' && !Array.isArray(o)) {
    if (path.join('.') === 'trust.labels.markings') return [path.join('.')];
    return Object.entries(o).flatMap(([k, v]) => leaves(v, [...path, k]));
  }
  return [path.join('.')];
}

describe('docs/configuration.md', () => {
  it('documents every key', () => {
    const doc = readFileSync(new URL('../docs/configuration.md', import.meta.url), 'utf8');
    const documented = new Set([...doc.matchAll(/^\| `([A-Za-z0-9_.]+)` \|/gm)].map((m) => m[1]));
    const missing = leaves(loadConfig()).filter((k) => !documented.has(k));
    expect(missing).toEqual([]);
  });
});
