/**
 * Hostile clients, issue 16 item 4: every UDP datagram that is not ingested is counted, whatever the reason: over
 * the per-source rate, over the total rate, too large, not decodable, or dropped by the kernel because the socket's
 * receive buffer was full. Sent = ingested + counted drops, exactly.
 */
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counter, sleep, startTestApp, type TestApp } from '../helpers/app.js';

const iso = (t: number) => new Date(t).toISOString();
function position(uid: string): string {
  const t = Date.now();
  return (
    `<event version="2.0" uid="${uid}" type="a-f-G-U-C" how="m-g" time="${iso(t)}" start="${iso(t)}" stale="${iso(t + 600_000)}">` +
    `<point lat="54.1" lon="24.2" hae="10" ce="5" le="5"/><detail><contact callsign="${uid}"/></detail></event>`
  );
}

describe('hostile: UDP drops are counted', { timeout: 60_000 }, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ 'limits.maxEventBytes': 4096 });
  });
  afterAll(async () => app.stop());

  it('sent = ingested + counted drops, for a burst of 6,000 datagrams of every kind', async () => {
    const port = app.ports.udp!;
    const ingested = () => counter(app, 'bw_events_in_total', { protocol: 'cot-xml' });
    const drops = () => counter(app, 'bw_udp_dropped_total');
    const before = (await ingested()) + (await drops());
    const sock = dgram.createSocket('udp4');
    let sent = 0;
    const send = (b: Buffer) =>
      new Promise<void>((r) =>
        sock.send(b, port, '127.0.0.1', () => {
          sent++;
          r();
        }),
      );
    const kinds = [
      (i: number) => Buffer.from(position(`UDP-${i % 300}`)),
      () => Buffer.from('not xml at all'),
      () => Buffer.from(`<event uid="x">${'y'.repeat(5000)}</event>`),
      () => Buffer.from([0xbf, 0x01, 0xbf, 0xff, 0xff]),
    ];
    // As fast as the socket takes them, in bursts the hub cannot keep up with.
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 6000; i++) pending.push(send(kinds[i % 10 === 9 ? 1 + (i % 3) : 0]!(i)));
    await Promise.all(pending);
    sock.close();
    // Until everything sent is accounted for (the hub reads what the kernel kept).
    const until = Date.now() + 10_000;
    let accounted = 0;
    while (Date.now() < until) {
      accounted = (await ingested()) + (await drops()) - before;
      if (accounted >= sent) break;
      await sleep(100);
    }
    expect(sent).toBe(6000);
    expect(accounted).toBe(sent);
    expect(await counter(app, 'bw_udp_dropped_total', { reason: 'BW_RATE_LIMITED' })).toBeGreaterThan(0);
    expect(await counter(app, 'bw_udp_dropped_total', { reason: 'BW_COT_TOO_LARGE' })).toBeGreaterThan(0);
  });
});
