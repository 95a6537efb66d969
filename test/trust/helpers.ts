/** Test helpers: a temp data dir with a PKI, a silent logger, a TLS client connect that reports how it ended. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type ConnectionOptions } from 'node:tls';
import pino from 'pino';
import { trustConfig, type TrustConfig } from '../../src/trust/config.js';

export const silent = pino({ level: 'silent' });

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bw-trust-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testConfig(over: Record<string, unknown> = {}): TrustConfig {
  return trustConfig.parse(over);
}

/**
 * Connect, wait for the server's first bytes or the end. TLS 1.3 completes the client side before the server has
 * checked the client certificate, so a refusal shows up as an error or close after connect: we wait for either.
 */
export function tryConnect(
  port: number,
  opts: ConnectionOptions,
): Promise<{ ok: boolean; data: string; error?: string }> {
  return new Promise((resolve) => {
    let data = '';
    let error: string | undefined;
    const s = connect({ host: '127.0.0.1', port, servername: 'localhost', ...opts });
    s.setTimeout(3000, () => s.destroy(new Error('timeout')));
    s.on('data', (d) => {
      data += d.toString();
      if (data.includes('\n')) s.end();
    });
    s.on('error', (e) => (error = e.message));
    s.on('close', () => resolve({ ok: error === undefined && data.length > 0, data, error }));
  });
}

/** Wait until `cond()` holds (polling), or fail after `ms`: robust on a loaded CI machine, fast when idle. */
export async function waitFor(cond: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
