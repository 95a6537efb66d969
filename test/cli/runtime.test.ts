/** The node flags the hub is meant to run with reach node on every documented way of starting it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS, missingNodeFlags } from '../../src/app/runtime.js';

describe('recommended node flags', () => {
  it('are on the balticwall #! line and in npm start', () => {
    const shebang = readFileSync('src/cli/main.ts', 'utf8').split('\n')[0]!;
    const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> })
      .scripts['start']!;
    for (const f of NODE_FLAGS) {
      expect(shebang).toContain(f);
      expect(start).toContain(`node ${NODE_FLAGS.join(' ')} dist/src/cli/main.js`);
    }
    expect(shebang.startsWith('#!/usr/bin/env -S node ')).toBe(true);
  });

  it('are found in node arguments or NODE_OPTIONS, by name', () => {
    expect(missingNodeFlags([], '')).toEqual([...NODE_FLAGS]);
    const gc = ['--concurrent-marking-max-worker-num=2', '--heap-growing-percent=50'];
    expect(missingNodeFlags(['--max-semi-space-size=32', ...gc], '')).toEqual([]);
    expect(missingNodeFlags(gc, '--max_semi_space_size=128 --inspect')).toEqual([]);
    expect(missingNodeFlags(['--max-semi-space-size=32'], '')).toEqual([
      '--concurrent-marking-max-worker-num=1',
      '--heap-growing-percent=100',
    ]);
    expect(missingNodeFlags(['--cpu-prof'], '--max-old-space-size=4096')).toEqual([...NODE_FLAGS]);
  });
});
