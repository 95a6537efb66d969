/** Decode threads (src/transports/decode): a real worker thread, fed chunks as a socket would. */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CodecError } from '../../src/errors.js';
import { CotFramer, decodeCot, newCotMemo } from '../../src/codecs/cot/index.js';
import type { Event } from '../../src/model/event.js';
import { DecodeThreads, type DecodeSink } from '../../src/transports/decode/threads.js';
import { fixture, loadFixtures } from '../fixtures/cot/fixtures.js';
import { CotClient, counter, freshXml, startTestApp } from '../helpers/app.js';

const log = pino({ level: 'silent' });
let threads: DecodeThreads | undefined;
afterEach(async () => {
  await threads?.close();
  threads = undefined;
});

/** A sink that records everything, and a promise for "n chunks answered". */
function recorder() {
  const got = {
    events: [] as { event: Event; raw: string }[],
    errors: [] as Error[],
    chunks: [] as { frames: number; partial: boolean }[],
    released: [] as Buffer[][],
    resumed: 0,
    failed: [] as string[],
  };
  const sink: DecodeSink = {
    event: (event, raw) => got.events.push({ event, raw: raw.toString() }),
    error: (e) => got.errors.push(e),
    chunk: (frames, partial) => got.chunks.push({ frames, partial }),
    released: (held) => got.released.push(held),
    resume: () => got.resumed++,
    failed: (r) => got.failed.push(r),
  };
  return { got, sink };
}

async function until(pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const start = (o: Partial<ConstructorParameters<typeof DecodeThreads>[0]> = {}) =>
  (threads = new DecodeThreads({ threads: 1, maxEventBytes: 1 << 20, inFlightBytes: 8 << 20, log, ...o }));

describe('decode threads', () => {
  it('give the events, raw bytes and errors of a stream cut anywhere, in order, as decoding here does', async () => {
    const fixtures = loadFixtures().map((f) => f.bytes.toString());
    const stream = Buffer.from(fixtures.join('\n') + '<not-cot/>' + fixtures[0] + '<event uid="x">');
    const { got, sink } = recorder();
    const ch = start().open(sink)!;
    const cuts = [0, 7, 100, 1000, 1001, 5000, 20000, stream.length];
    for (let i = 1; i < cuts.length; i++) ch.push(Buffer.from(stream.subarray(cuts[i - 1], cuts[i])));
    await until(() => got.chunks.length === cuts.length - 1);

    // The same bytes, framed and decoded on this thread with a memo.
    const framer = new CotFramer({ maxEventBytes: 1 << 20 });
    const memo = newCotMemo();
    const want: (Event | string)[] = [];
    for (let i = 1; i < cuts.length; i++) {
      for (const f of framer.push(Buffer.from(stream.subarray(cuts[i - 1], cuts[i])))) {
        if (f instanceof CodecError) want.push(f.code);
        else {
          try {
            want.push(decodeCot(f, { memo }));
          } catch (e) {
            want.push((e as CodecError).code);
          }
        }
      }
    }
    const wantEvents = want.filter((w): w is Event => typeof w !== 'string');
    expect(got.events.map((e) => e.event)).toEqual(wantEvents);
    expect(got.errors.map((e) => (e as CodecError).code)).toEqual(want.filter((w) => typeof w === 'string'));
    expect(got.errors.every((e) => e instanceof CodecError && e.message.length > 0)).toBe(true);
    expect(got.events[0]!.raw).toBe(fixtures[0]!.slice(fixtures[0]!.indexOf('<event')).trimEnd());
    // The stream ends inside an event: the slowloris clock must run.
    expect(got.chunks.at(-1)!.partial).toBe(true);
  });

  it('pause a connection over the in-flight limit and resume it once the thread caught up', async () => {
    const { got, sink } = recorder();
    const ch = start({ inFlightBytes: 64 * 1024 }).open(sink)!;
    const one = loadFixtures()[0]!.bytes.toString();
    const big = Buffer.from(one.repeat(Math.ceil((100 * 1024) / one.length)));
    const size = big.length;
    // The chunk owns its memory, so it is moved to the thread (detached here), not copied.
    expect(ch.push(big)).toBe(false);
    expect(big.length).toBe(0);
    expect(threads!.pending).toBe(size);
    await until(() => got.resumed === 1);
    expect(threads!.pending).toBe(0);
    expect(got.events.length).toBe(Math.ceil((100 * 1024) / one.length));
  });

  it('hold what follows a TAK Protocol request and hand it back in order, or decode it on when refused', async () => {
    const req = `<event version="2.0" uid="q" type="t-x-takp-q" how="m-g" time="2026-01-01T00:00:00Z" start="2026-01-01T00:00:00Z" stale="2027-01-01T00:00:00Z"><point lat="0" lon="0" hae="0" ce="0" le="0"/><detail><TakControl><TakRequest version="1"/></TakControl></detail></event>`;
    const pos = loadFixtures()
      .find((f) => f.name === 'atak-position-anonymised.xml')!
      .bytes.toString();
    const t = start();
    // Switched: the chunks after the request come back untouched.
    const a = recorder();
    const switched = t.open(a.sink)!;
    switched.push(Buffer.from(req + pos));
    switched.push(Buffer.from([0xbf, 1, 2]));
    switched.push(Buffer.from([0xbf, 3, 4]));
    await until(() => a.got.events.length === 2 && a.got.chunks.length === 3);
    expect(a.got.events.map((e) => e.event.type)).toEqual(['t-x-takp-q', 'a-f-G-U-C']);
    switched.release(false);
    await until(() => a.got.released.length === 1);
    expect(Buffer.concat(a.got.released[0]!)).toEqual(Buffer.from([0xbf, 1, 2, 0xbf, 3, 4]));
    expect(threads!.pending).toBe(0);
    // Refused: held XML is decoded after all.
    const b = recorder();
    const kept = t.open(b.sink)!;
    kept.push(Buffer.from(req));
    kept.push(Buffer.from(pos));
    await until(() => b.got.chunks.length === 2);
    expect(b.got.events.length).toBe(1);
    kept.release(true);
    await until(() => b.got.events.length === 2);
    expect(b.got.events[1]!.raw).toBe(pos.slice(pos.indexOf('<event')).trimEnd());
  });

  it('fail the connections of a thread that dies, and decode on the caller thread when it dies at start', async () => {
    const t = start();
    const { got, sink } = recorder();
    expect(t.open(sink)).toBeDefined();
    // The thread dies before it ever ran for RESPAWN_AFTER_MS: it would die again, so it is not replaced.
    await (
      t as unknown as { threads: { worker: { terminate(): Promise<number> } }[] }
    ).threads[0]!.worker.terminate();
    await until(() => got.failed.length === 1);
    expect(t.open(recorder().sink)).toBeUndefined();
  });
});

describe('a busy sender moves to a decode thread mid-stream', () => {
  it('loses nothing and keeps the order: light traffic, garbage, then a burst cut inside events', async () => {
    const app = await startTestApp({
      'decode.fromBytesPerSecond': 16 * 1024,
      'limits.ratePerClient': 100000,
      'limits.burstPerClient': 100000,
    });
    try {
      const listener = await CotClient.connect(app.ports.tcp!);
      const sender = await CotClient.connect(app.ports.tcp!);
      const atak = fixture('atak-position-anonymised.xml');
      const one = (i: number) => freshXml(atak, { uid: `move-${i}`, callsign: `M${i}` });
      // Light: stays on the hub's thread.
      for (let i = 0; i < 5; i++) sender.send(one(i));
      await listener.waitUid('move-4');
      expect(await counter(app, 'bw_decode_connections')).toBe(0);
      // Garbage (the framer skips it), then a burst well over the threshold, written in pieces that cut events.
      sender.send('not xml at all ');
      let burst = '';
      for (let i = 5; i < 400; i++) burst += one(i);
      for (let at = 0; at < burst.length; at += 777) sender.send(burst.slice(at, at + 777));
      await listener.waitUid('move-399', 10_000);
      expect(await counter(app, 'bw_decode_connections')).toBe(1);
      expect(await counter(app, 'bw_decode_pending_bytes')).toBe(0);
      const seen = listener.events
        .filter((e) => e.uid.startsWith('move-'))
        .map((e) => Number(e.uid.slice(5)));
      expect(seen).toEqual(Array.from({ length: 400 }, (_, i) => i));
      expect(await counter(app, 'bw_rejected_total', { code: 'BW_COT_NOT_XML' })).toBe(1);
      listener.close();
      sender.close();
    } finally {
      await app.stop();
    }
  });
});
