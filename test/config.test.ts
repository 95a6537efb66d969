import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envToObject, loadConfig } from '../src/app/config.js';
import { ConfigError } from '../src/errors.js';

function file(text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'bw-cfg-')), 'balticwall.yaml');
  writeFileSync(f, text);
  return f;
}

describe('configuration', () => {
  it('has working embedded defaults', () => {
    const c = loadConfig();
    expect(c.tcp).toEqual({ enabled: true, host: '127.0.0.1', port: 8087 });
    expect(c.tls.port).toBe(8089);
    expect(c.http.host).toBe('127.0.0.1');
    expect(c.limits.maxEventBytes).toBe(1024 * 1024);
    expect(Object.isFrozen(c.limits)).toBe(true);
  });

  it('layers defaults <- file <- environment <- flags', () => {
    const f = file('tcp:\n  port: 9001\nlimits:\n  ratePerClient: 10\nhubId: from-file\n');
    const c = loadConfig({
      file: f,
      env: { BW_TCP__PORT: '9002', BW_LIMITS__BURST_PER_CLIENT: '20', PATH: '/bin' },
      overrides: { 'tcp.port': 9003 },
    });
    expect(c.tcp.port).toBe(9003);
    expect(c.limits.ratePerClient).toBe(10);
    expect(c.limits.burstPerClient).toBe(20);
    expect(c.hubId).toBe('from-file');
  });

  it('turns BW_ variables into nested camelCase keys', () => {
    expect(envToObject({ BW_LIMITS__QUEUE_LIMIT: '10', BW_LOCAL__GROUPS: '["a","b"]', OTHER: 'x' })).toEqual({
      limits: { queueLimit: 10 },
      local: { groups: ['a', 'b'] },
    });
  });

  it('names the key and the problem', () => {
    const f = file('tcp:\n  port: eighty\n  prot: 1\nlimits:\n  maxEventBytes: -5\n');
    let err: unknown;
    try {
      loadConfig({ file: f });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/tcp\.port: .*number/);
    expect(msg).toMatch(/tcp.*prot/);
    expect(msg).toMatch(/limits\.maxEventBytes/);
  });

  it('refuses a hub id that cannot be a flow-tag attribute name', () => {
    expect(() => loadConfig({ overrides: { hubId: 'has space' } })).toThrow(/hubId/);
  });

  it('reports unreadable and non-mapping files', () => {
    expect(() => loadConfig({ file: '/nonexistent/bw.yaml' })).toThrow(/cannot read configuration file/);
    expect(() => loadConfig({ file: file('- a\n- b\n') })).toThrow(/mapping/);
    expect(() => loadConfig({ file: file('a: [\n') })).toThrow(ConfigError);
  });
});
