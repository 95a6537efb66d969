/**
 * Test material: a STANAG 4609-style stream (H.264 testsrc with the time burnt in, plus ST 0601 KLV with an ST 0102
 * set, the platform orbiting Kalvarija) to a file or as UDP datagrams of 7 TS packets to a feed.
 *   npx tsx bench/video/generate.ts --out test/fixtures/video/orbit.mpegts --seconds 2 --size 160x120 --fast
 *   npx tsx bench/video/generate.ts --udp 127.0.0.1:20601 [--rel LTU,POL --classification 2] [--frame-code]
 */
import { createSocket } from 'node:dgram';
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { startGenerated } from '../../src/video/generated.js';
import { orbitTelemetry } from '../../src/video/orbit.js';

const { values: a } = parseArgs({
  options: {
    out: { type: 'string' },
    udp: { type: 'string' },
    seconds: { type: 'string' },
    size: { type: 'string', default: '640x360' },
    fps: { type: 'string', default: '25' },
    bitrate: { type: 'string', default: '1M' },
    fast: { type: 'boolean', default: false },
    'frame-code': { type: 'boolean', default: false },
    classification: { type: 'string' },
    rel: { type: 'string' },
  },
});
const [w, h] = a.size!.split('x').map(Number);
const t0 = Date.now();
let out: (ts: Uint8Array) => void;
let finish: () => Promise<void>;
if (a.out) {
  const f = createWriteStream(a.out);
  out = (ts) => void f.write(ts);
  finish = () => new Promise<void>((r) => f.end(r));
} else if (a.udp) {
  const [host, port] = [
    a.udp.slice(0, a.udp.lastIndexOf(':')),
    Number(a.udp.slice(a.udp.lastIndexOf(':') + 1)),
  ];
  const s = createSocket('udp4');
  out = (ts) => {
    for (let i = 0; i < ts.length; i += 7 * 188) s.send(ts.subarray(i, i + 7 * 188), port, host);
  };
  finish = async () => void s.close();
} else throw new Error('give --out FILE or --udp HOST:PORT');

const g = startGenerated({
  width: w!,
  height: h!,
  fps: Number(a.fps),
  bitrate: a.bitrate!,
  realtime: !a.fast,
  frameCode: a['frame-code'],
  ...(a.seconds ? { seconds: Number(a.seconds) } : {}),
  telemetry: () => orbitTelemetry((Date.now() - t0) / 1000),
  ...(a.classification
    ? {
        security: {
          classification: Number(a.classification),
          ...(a.rel ? { releasing: a.rel.replace(/,/g, ' ') } : {}),
        },
      }
    : {}),
  out: (ts) => out(ts),
});
if (!g) {
  console.error('ffmpeg not found');
  process.exit(1);
}
process.on('SIGINT', () => void g.stop());
await g.done;
await finish();
