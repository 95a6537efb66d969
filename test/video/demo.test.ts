/**
 * The demo drone flies with a live feed: with ffmpeg present, `demo.enabled` starts a generated H.264 camera feed
 * linked to the first scenario drone (one entity: the MAVLink drone carries `__video` with the hub's stream URL),
 * whose KLV follows the drone, so its frame centre (SPI) moves with the drone's footprint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegAvailable } from '../../src/video/generated.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

async function waitFor(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!ffmpegAvailable())('demo drone camera', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      'demo.enabled': true,
      'demo.speed': 4,
      'mavlink.enabled': true,
      'mavlink.port': 0,
    });
  });
  afterAll(() => app?.stop());

  it('streams a live feed whose KLV follows the MAVLink drone', async () => {
    await waitFor(() => (app.video?.list().length ?? 0) > 0, 20_000, 'the demo feed');
    const feed = app.video!.list()[0]!;
    expect(feed.cfg.platformUid).toBe('MAVLINK-42-1');
    await waitFor(
      () => feed.klvPackets > 3 && feed.videoUnits > 25,
      30_000,
      'video and KLV on the demo feed',
    );
    expect(feed.streams.map((s) => s.kind)).toEqual(['video', 'klv-async']);
    const drone = app.hub.state.get('MAVLINK-42-1')!.event;
    const video = drone.detail.elements.find((e) => e.name === '__video')!.xml;
    expect(video).toContain(`/api/video/feeds/${feed.id}/stream.ts`);
    // One entity: the video publishes no platform of its own, only the frame centre linked to the drone.
    expect(app.hub.state.get(`KLV-${feed.id}`)).toBeUndefined();
    await waitFor(() => app.hub.state.get('MAVLINK-42-1.SPI1') !== undefined, 10_000, 'the SPI');
    const first = app.hub.state.get('MAVLINK-42-1.SPI1')!.event.point;
    await waitFor(
      () => app.hub.state.get('MAVLINK-42-1.SPI1')!.event.point.lat !== first.lat,
      15_000,
      'the SPI to move',
    );
  });
});
