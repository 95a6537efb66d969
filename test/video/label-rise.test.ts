/**
 * A feed whose label rises in-band (an ST 0102 set in the KLV) is re-gated before the next byte goes out: a viewer
 * no longer cleared gets nothing from the datagram that raised the label on and is disconnected; a cleared viewer
 * keeps watching. Real UDP feed socket, the service's own viewers; the hub is a recorder (not under test).
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maySee } from '../../src/hub/gate.js';
import type { Identity } from '../../src/model/identity.js';
import { videoConfig } from '../../src/video/config.js';
import { VideoService, type VideoHub } from '../../src/video/service.js';
import type { ByteSink } from '../../src/video/viewer.js';
import { feedDatagrams, freeUdpPort, sendUdp, telemetry } from './helpers/feed.js';

const hub = {
  open: () => ({}) as never,
  ingest: () => ({ ok: true }) as never,
  close: () => {},
} as unknown as VideoHub;

async function waitFor(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const person = (id: string, nation: string): Identity => ({
  id,
  kind: 'user',
  nation,
  clearance: 'SECRET',
  categories: [],
  groups: ['__ANON__'],
});

describe('video label rising in-band', () => {
  let svc: VideoService;
  let port: number;
  beforeAll(async () => {
    port = await freeUdpPort();
    svc = new VideoService({
      cfg: videoConfig.parse({ feeds: [{ id: 'cam', url: `udp://127.0.0.1:${port}` }] }),
      hub,
      log: pino({ level: 'silent' }),
    });
    await svc.start();
  });
  afterAll(() => svc.close());

  it('closes an uncleared viewer before it is offered the datagram that raised the label', async () => {
    const feed = svc.get('cam')!;
    const viewers = ['LVA', 'LTU'].map((nation) => {
      const who = person(`${nation.toLowerCase()}-officer`, nation);
      const v = {
        who,
        bytes: 0,
        /** Bytes handed over while the feed's current label did not permit this viewer. */
        leaked: 0,
        closed: '',
        stop: () => {},
      };
      const sink: ByteSink = {
        buffered: () => 0,
        send: (c) => {
          v.bytes += c.length;
          if (!maySee({ label: feed.label, groups: feed.cfg.groups }, who).allow) v.leaked += c.length;
        },
        close: (reason) => {
          v.closed = reason;
          v.stop();
        },
      };
      const w = svc.watch('cam', who, sink);
      expect(w.ok).toBe(true);
      if (w.ok) v.stop = w.stop;
      return v;
    });
    const [lva, ltu] = viewers as [(typeof viewers)[0], (typeof viewers)[0]];
    await sendUdp(port, feedDatagrams(10));
    await waitFor(() => feed.klvPackets >= 10, 5000, 'unlabelled KLV');
    expect(feed.label.classification).toBe('UNCLASSIFIED');
    const before = lva.bytes;
    expect(before).toBeGreaterThan(0);

    const sec = { security: { classification: 2, releasing: 'LTU' } };
    await sendUdp(
      port,
      feedDatagrams(10, (i) => telemetry(i, sec)),
    );
    await waitFor(() => feed.klvPackets >= 20, 5000, 'labelled KLV');
    expect(feed.label.classification).toBe('RESTRICTED');
    expect(lva.closed).toBe('label changed');
    expect(lva.leaked).toBe(0);
    expect(feed.viewers.size).toBe(1);
    expect(ltu.closed).toBe('');
    expect(ltu.bytes).toBeGreaterThan(before);
    expect(ltu.leaked).toBe(0);
    expect(await svc.metrics.labelClosed.get()).toMatchObject({ values: [{ value: 1 }] });
  });
});
