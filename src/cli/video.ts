/**
 * `balticwall video`: add, list and remove video feeds of a running hub through its REST API (sign-in as an
 * operator; the password from --password or BW_PASSWORD). Feeds that must survive a restart belong in the
 * configuration (`video.feeds`).
 */
import type { Command } from 'commander';

interface Conn {
  hub: string;
  user: string;
  password?: string;
}

async function signIn(c: Conn): Promise<string> {
  const r = await fetch(`${c.hub}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: c.user, password: c.password ?? process.env['BW_PASSWORD'] ?? '' }),
  });
  if (r.status !== 200) throw new Error(`sign-in to ${c.hub} refused (${r.status}): ${await r.text()}`);
  return r.headers.get('set-cookie')!.split(';')[0]!;
}

async function call(c: Conn, method: string, path: string, body?: unknown): Promise<unknown> {
  const cookie = await signIn(c);
  const r = await fetch(`${c.hub}${path}`, {
    method,
    headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const conn = (cmd: Command) =>
  cmd
    .option('--hub <url>', 'the hub HTTP API', 'http://127.0.0.1:8080')
    .option('-u, --user <name>', 'operator to sign in as', 'demo')
    .option('-p, --password <password>', 'password (default: $BW_PASSWORD)');

export function registerVideoCommands(program: Command): void {
  const video = program
    .command('video')
    .description('full-motion video feeds of a running hub (docs/video.md)');
  conn(
    video
      .command('add <id> <url>')
      .description(
        'add a feed: udp://host:port, udp://239.x.y.z:port (multicast), rtp://…, rtsp://…, srt://…',
      )
      .option('--name <name>', 'display name')
      .option('--platform-uid <uid>', 'entity uid of the platform (e.g. MAVLINK-1-1) to join, not duplicate')
      .option('--classification <c>', 'label when the stream has no ST 0102 set', 'UNCLASSIFIED')
      .option('--rel-to <codes>', 'releasable to (comma-separated nations or categories)')
      .option('--group <groups>', 'comma-separated groups', '__ANON__')
      .option('--record', 'record the feed into the data dir'),
  ).action(async (id: string, url: string, o: Record<string, string | boolean | undefined> & Conn) => {
    const body = {
      id,
      url,
      ...(o['name'] ? { name: o['name'] } : {}),
      ...(o['platformUid'] ? { platformUid: o['platformUid'] } : {}),
      label: {
        classification: o['classification'],
        releasableTo: o['relTo']
          ? String(o['relTo'])
              .split(',')
              .map((s) => s.trim())
          : [],
      },
      groups: String(o['group']).split(','),
      record: o['record'] === true,
    };
    const r = (await call(o, 'POST', '/api/video/feeds', body)) as { id: string; http: string };
    console.log(`added ${r.id}: watch at ${o.hub}${r.http}`);
  });
  conn(video.command('list').description('feeds you may watch, with their state')).action(async (o: Conn) => {
    const feeds = (await call(o, 'GET', '/api/video/feeds')) as Record<string, unknown>[];
    for (const f of feeds)
      console.log(
        `${f['id']}\t${f['state']}\t${f['label']}\tviewers=${f['viewers']}\tklv=${f['klvPackets']}\t${f['name']}`,
      );
    if (feeds.length === 0) console.log('(no feeds)');
  });
  conn(video.command('remove <id>').description('stop and remove a feed')).action(
    async (id: string, o: Conn) => {
      await call(o, 'DELETE', `/api/video/feeds/${encodeURIComponent(id)}`);
      console.log(`removed ${id}`);
    },
  );
}
