/**
 * `balticwall video add|list|remove` against a running hub's REST API: an operator adds and removes a feed; a
 * user who is not an operator is refused (BW_VIDEO_FORBIDDEN); a bad URL is refused (BW_VIDEO_BAD_FEED).
 */
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerVideoCommands } from '../../src/cli/video.js';
import { createUserStore } from '../../src/trust/users.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { freeUdpPort } from './helpers/feed.js';

async function cli(args: string[]): Promise<string> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    const program = new Command().name('balticwall').exitOverride();
    registerVideoCommands(program);
    await program.parseAsync(['node', 'balticwall', ...args]);
  } finally {
    spy.mockRestore();
  }
  return lines.join('\n');
}

describe('balticwall video', () => {
  let app: TestApp;
  let hub: string;
  beforeAll(async () => {
    app = await startTestApp({ 'web.staticDir': '/nonexistent' });
    hub = `http://127.0.0.1:${app.ports.http}`;
    const users = createUserStore(app.store, { maxFailures: 5, lockoutMinutes: 1 });
    const base = { clearance: 'SECRET' as const, categories: [], groups: ['__ANON__'], nation: 'LTU' };
    await users.add({ ...base, id: 'op', kind: 'operator' }, 'op-pass-123');
    await users.add({ ...base, id: 'viewer', kind: 'user' }, 'viewer-pass-1');
  });
  afterAll(() => app?.stop());

  it('adds, lists and removes a feed as an operator', async () => {
    const port = await freeUdpPort();
    const auth = ['--hub', hub, '-u', 'op', '-p', 'op-pass-123'];
    const added = await cli([
      'video',
      'add',
      'cam2',
      `udp://127.0.0.1:${port}`,
      '--name',
      'Gate',
      '--rel-to',
      'LTU',
      ...auth,
    ]);
    expect(added).toBe(`added cam2: watch at ${hub}/api/video/feeds/cam2/stream.ts`);
    expect(app.video!.get('cam2')!.label.categories[0]!.values).toEqual(['LTU']);
    expect(await cli(['video', 'list', ...auth])).toMatch(
      /^cam2\twaiting\tNATO UNCLASSIFIED \/\/ REL TO LTU\tviewers=0/,
    );
    expect(await cli(['video', 'remove', 'cam2', ...auth])).toBe('removed cam2');
    expect(app.video!.get('cam2')).toBeUndefined();
  });

  it('refuses a user who is not an operator, and a bad URL', async () => {
    await expect(
      cli(['video', 'add', 'cam3', 'udp://127.0.0.1:1', '--hub', hub, '-u', 'viewer', '-p', 'viewer-pass-1']),
    ).rejects.toThrow(/403.*BW_VIDEO_FORBIDDEN/);
    await expect(
      cli(['video', 'add', 'cam3', 'http://example.org/x', '--hub', hub, '-u', 'op', '-p', 'op-pass-123']),
    ).rejects.toThrow(/400.*BW_VIDEO_BAD_FEED/);
  });
});
