/**
 * Cluster-wide uid binding across two hub processes: a uid bound on node A to the first authenticated identity that
 * reported it is held on node B too. Another identity's report of it on B is refused (BW_UID_BOUND) and answered,
 * and a chat to the uid sent on B reaches the bound identity on A, not the other identity's session on B.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/app/config.js';
import { ensurePki } from '../../src/trust/pki/store.js';
import { directChat, selfReport, Tak, type Cert } from '../hostile/integrity-helpers.js';
import type { HubNode } from './harness.js';
import { TestCluster } from './harness.js';

const X = { uid: 'ANDROID-bound-x', callsign: 'XRAY1' };
const SENDER = { uid: 'ANDROID-sender', callsign: 'SEND1' };

let pkiDir: string;
let cluster: TestCluster;
let a: HubNode;
let b: HubNode;
const certs: Record<string, Cert> = {};
const taks: Tak[] = [];

async function tak(n: HubNode, id: string): Promise<Tak> {
  const t = await Tak.tls(n.tls, certs[id]!);
  taks.push(t);
  return t;
}

beforeAll(async () => {
  pkiDir = mkdtempSync(join(tmpdir(), 'bw-cluster-pki-'));
  const cfg = validateConfig({ dataDir: pkiDir });
  const pki = await ensurePki(pkiDir, cfg.trust, pino({ level: 'silent' }));
  const { readFileSync } = await import('node:fs');
  const ca = readFileSync(join(pkiDir, cfg.trust.pki.dir, 'ca.pem'), 'utf8');
  try {
    for (const id of ['owner', 'intruder', 'sender']) {
      const c = await pki.issueClient({
        id,
        kind: 'user',
        nation: 'LTU',
        clearance: 'SECRET',
        categories: [],
        groups: ['__ANON__'],
      });
      certs[id] = { id, cert: c.cert, key: c.key, ca };
    }
  } finally {
    pki.close();
  }
  const dir = join(pkiDir, cfg.trust.pki.dir);
  cluster = await TestCluster.start([
    { name: 'a', pkiDir: dir },
    { name: 'b', pkiDir: dir },
  ]);
  [a, b] = cluster.nodes as [HubNode, HubNode];
}, 180_000);

afterAll(async () => {
  for (const t of taks) t.close();
  await cluster?.stop();
  if (pkiDir) rmSync(pkiDir, { recursive: true, force: true });
});

describe('cluster-wide uid binding', () => {
  it('holds a binding made on one node on the other: reports refused, chats to the bound identity', async () => {
    const owner = await tak(a, 'owner');
    const intruder = await tak(b, 'intruder');
    const sender = await tak(b, 'sender');
    owner.send(selfReport(X.uid, X.callsign));
    sender.send(selfReport(SENDER.uid, SENDER.callsign));
    // The owner's report crossed the bus; its binding travels in the bindings bucket beside it.
    await intruder.until(() => intruder.of(X.uid).length > 0, 'the owner at B');
    await owner.until(() => owner.of(SENDER.uid).length > 0, 'the sender at A');
    const refusedBefore = await b.metric('bw_rejected_total', { code: 'BW_UID_BOUND' });

    // The intruder claims the uid on B, until B refuses it: at once when B already holds the binding, else after
    // B's own claim of it lost to A's in the bucket.
    const deadline = Date.now() + 20_000;
    while (intruder.refusals().length === 0) {
      if (Date.now() > deadline) throw new Error(`no refusal on B:\n${b.log.slice(-3000)}`);
      intruder.send(selfReport(X.uid, 'INTRUDER'));
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(intruder.refusals()[0]).toEqual(['BW_UID_BOUND', X.uid]);
    expect(await b.metric('bw_rejected_total', { code: 'BW_UID_BOUND' })).toBeGreaterThan(refusedBefore);

    // A chat to the uid sent on B goes to the bound identity on A, never to the intruder's session on B.
    sender.send(directChat(SENDER, X, 'bound-chat', 'uid'));
    await owner.until(() => owner.events.some((e) => e.uid.endsWith('.bound-chat')), 'the chat at A');
    expect(intruder.events.some((e) => e.uid.endsWith('.bound-chat'))).toBe(false);
    // And the owner still writes its uid on both nodes.
    owner.send(selfReport(X.uid, X.callsign));
    await a.waitHealth((h) => h.entities >= 2, 5000, 'entities on a');
    expect(await a.metric('bw_rejected_total', { code: 'BW_UID_BOUND' })).toBe(0);
  }, 120_000);
});
