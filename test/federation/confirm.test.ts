/**
 * A row is confirmed only once its bytes have left our send buffer: HTTP/2 flow control is per stream, so a health
 * round trip can succeed while the event stream is stalled and what was "written" still sits in the call's buffer.
 * The stream here is a real Writable whose write callbacks are held back, as a stalled HTTP/2 stream holds them.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { makeHub } from '../helpers/hub.js';
import { makeEvent } from '../helpers/events.js';
import { Link } from '../../src/federation/link.js';
import { QueueDb } from '../../src/federation/queue.js';
import { encodeRecord } from '../../src/federation/record.js';
import { createFedMetrics } from '../../src/federation/metrics.js';
import { peerConfig } from '../../src/federation/config.js';

describe('federation link confirmation (M2)', () => {
  it('does not confirm rows still in the send buffer, and confirms them once they left', () => {
    const { hub, metrics } = makeHub(10_000);
    const db = new QueueDb(':memory:');
    const link = new Link(
      peerConfig.parse({ name: 'peer', nations: ['EST'], groupsOut: { Blue: 'Blue' } }),
      db.queue('peer', 1000),
      {
        hub,
        hubId: 'test',
        log: pino({ level: 'silent' }),
        m: createFedMetrics(metrics.registry),
      },
    );
    const held: (() => void)[] = [];
    const stalled = new Writable({
      objectMode: true,
      highWaterMark: 1000,
      write(_msg, _enc, cb) {
        held.push(() => cb());
      },
    });
    const rows = Array.from({ length: 5 }, (_, i) => ({
      cls: 'chat' as const,
      key: undefined,
      body: encodeRecord(makeEvent({ uid: `C${i}`, type: 'b-t-f' }), undefined, ['Blue']),
    }));
    link.queue.putMany(rows);
    link.attach(stalled);
    expect(link.queue.pending.chat).toBe(0); // all handed to the stream
    // A health round trip begun now succeeds: nothing has left the buffer, so nothing is confirmed.
    link.confirm(link.mark());
    expect(link.queue.size).toBe(5);
    // The stream drains: the bytes left, and the next round trip confirms them.
    for (const f of held.splice(0)) f();
    link.confirm(link.mark());
    expect(link.queue.size).toBe(0);
    link.close();
  });
});
