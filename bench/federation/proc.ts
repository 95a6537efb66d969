/**
 * One bench process of `npm run bench:federation`, forked by procs.ts, so that each hub and the load generator
 * have a Node event loop (and a core, where the machine has one) of their own, as national hubs on their own
 * machines do. Talks to the parent over IPC.
 *
 *   proc.ts hub HUBID NATION        a hub (setup.ts startHub); answers {op:'links'} with its link status
 *   proc.ts load PORT PREFIX N      N TCP clients on PORT, one unit each, one position per second (driveUnits)
 *
 * Both end on {op:'stop'}.
 */
import type net from 'node:net';
import { driveUnits, sender, startHub } from './setup.js';

type Msg = { op: 'links'; id: number } | { op: 'stop' };

const send = (m: unknown) => process.send!(m);

async function hub(hubId: string, nation: string): Promise<void> {
  const h = await startHub(hubId, nation);
  process.on('message', (m: Msg) => {
    if (m.op === 'links') send({ id: m.id, links: h.app.federation!.links() });
    else if (m.op === 'stop') void h.stop().then(() => process.exit(0));
  });
  send({ ready: true, dir: h.dir, tcp: h.app.ports.tcp, federation: h.app.ports.federation });
}

async function load(port: number, prefix: string, n: number): Promise<void> {
  const socks: net.Socket[] = [];
  for (let i = 0; i < n; i++) socks.push(await sender(port));
  const stop = driveUnits(socks, prefix, n);
  process.on('message', (m: Msg) => {
    if (m.op !== 'stop') return;
    stop();
    for (const s of socks) s.destroy();
    process.exit(0);
  });
  send({ ready: true });
}

const [role, a, b, c] = process.argv.slice(2);
process.on('disconnect', () => process.exit(0)); // the parent is gone: so is this process
const run = role === 'hub' ? hub(a!, b!) : load(Number(a), b!, Number(c));
run.catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
