/**
 * Opening a UDP feed source that fails after the bind (a multicast group that cannot be joined) releases the port:
 * the socket is closed, so the port can be bound again at once, even without SO_REUSEADDR.
 */
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { openUdpSource, parseFeedUrl } from '../../src/video/source.js';
import { freeUdpPort } from './helpers/feed.js';

describe('UDP feed source', () => {
  it('closes the bound socket when joining the multicast group throws', async () => {
    const port = await freeUdpPort();
    // `ff…` reads as an IPv6 multicast group: the bind succeeds, addMembership throws EINVAL.
    const url = parseFeedUrl(`udp://ffcamera:${port}`)!;
    const data: Uint8Array[] = [];
    await expect(
      openUdpSource(url, 64 * 1024, { data: (c) => data.push(c), bad: () => {}, error: () => {} }),
    ).rejects.toThrow(/EINVAL/);
    const again = createSocket('udp4');
    try {
      await new Promise<void>((resolve, reject) => {
        again.once('error', reject);
        again.bind(port, '0.0.0.0', () => resolve());
      });
      expect(again.address().port).toBe(port);
    } finally {
      again.close();
    }
  });
});
