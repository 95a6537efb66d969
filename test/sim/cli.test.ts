/** `balticwall sim`: --check prints the summary; a bad file exits 1 naming the line and field. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { registerSimCommands } from '../../src/cli/sim.js';

const dir = mkdtempSync(join(tmpdir(), 'bw-simcli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
  vi.spyOn(console, 'error').mockImplementation((s: string) => void err.push(s));
  const program = new Command().exitOverride();
  registerSimCommands(program);
  await program.parseAsync(['node', 'balticwall', 'sim', ...args]);
  return { out: out.join('\n'), err: err.join('\n'), code: process.exitCode };
}

describe('balticwall sim', () => {
  it('--check on the built-in scenario lists it and the gateway callsigns', async () => {
    const r = await run('baltic-demo', '--check');
    expect(r.code).toBeUndefined();
    expect(r.out).toMatch(/OK — "Suwałki corridor/);
    expect(r.out).toMatch(/42: VILKAS UAS 1 \(LTU\)/);
  });

  it('a bad file: exit code 1, message with file, line, column and field', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'name: x\nunits:\n  - id: a\n    callsign: A\n    nation: LTU\n    type: tank\n    motion: { kind: static, at: [54, 23] }\n',
    );
    const r = await run(file, '--check');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file}:6:11: units[0].type: a CoT type`);
  });

  it('a missing file and bad flags are clear errors', async () => {
    expect((await run(join(dir, 'nope.yaml'))).err).toMatch(
      /BW_CONFIG_FILE: cannot read configuration file .*nope\.yaml/,
    );
    expect((await run('baltic-demo', '--speed', 'fast')).err).toMatch(/--speed must be a number/);
    expect((await run('baltic-demo', '--key', 'abc')).err).toMatch(/--key must be 64 hex digits/);
  });

  it('no hub listening: exit code 1 with the address', async () => {
    const r = await run('baltic-demo', '--cot-port', '1', '--log-level', 'silent');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot connect to the hub's CoT port 127\.0\.0\.1:1/);
  });
});
