/**
 * Any payload bytes in a correctly framed message (valid CRC, so the gateway must decode it) produce either no
 * event or events that encode to valid CoT; nothing throws, nothing prints NaN.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pino } from 'pino';
import { MavLinkProtocolV2, x25crc } from 'node-mavlink';
import { decodeCot, encodeCot } from '../../src/codecs/cot/index.js';
import { mavlinkConfig } from '../../src/gateways/mavlink/config.js';
import { HANDLED } from '../../src/gateways/mavlink/messages.js';
import { startMavlinkGateway } from '../../src/gateways/mavlink/index.js';
import { recorderHub, udpSender } from './helpers.js';
import { waitFor } from '../helpers/wait.js';

/** A v2 frame with arbitrary payload bytes and a correct CRC. */
function frame(msgid: number, sysid: number, payload: Uint8Array, seq: number): Buffer {
  const clazz = HANDLED[msgid]!;
  const len = Math.min(payload.length, clazz.PAYLOAD_LENGTH);
  const buf = Buffer.alloc(10 + len + 2);
  buf[0] = MavLinkProtocolV2.START_BYTE;
  buf[1] = len;
  buf[4] = seq & 0xff;
  buf[5] = sysid;
  buf[6] = 1;
  buf.writeUIntLE(msgid, 7, 3);
  Buffer.from(payload.subarray(0, len)).copy(buf, 10);
  buf.writeUInt16LE(x25crc(buf, 1, 2, clazz.MAGIC_NUMBER), buf.length - 2);
  return buf;
}

describe('gateway fuzz', () => {
  it('random payloads of every handled message never break the CoT it produces', async () => {
    const { hub, events } = recorderHub();
    const gw = await startMavlinkGateway({
      cfg: mavlinkConfig.parse({ port: 0, maxRateHz: 50 }),
      hub,
      log: pino({ level: 'silent' }),
    });
    const udp = udpSender();
    const ids = Object.keys(HANDLED).map(Number);
    let seq = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              msgid: fc.constantFrom(...ids),
              sysid: fc.integer({ min: 1, max: 4 }),
              payload: fc.uint8Array({ minLength: 1, maxLength: 255 }),
            }),
            { minLength: 1, maxLength: 20 },
          ),
          async (frames) => {
            // A send refused by a busy kernel is not the gateway's problem: skip it.
            for (const f of frames) {
              await udp.send(frame(f.msgid, f.sysid, f.payload, seq++), gw.port).catch(() => undefined);
            }
          },
        ),
        { numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
      );
      await waitFor(() => (gw.stats().frames['accepted'] ?? 0) > 100, 10_000, 'accepted frames');
    } finally {
      udp.close();
      await gw.close();
    }
    expect(gw.stats().frames['accepted']).toBeGreaterThan(100);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      const xml = encodeCot(e);
      expect(xml).not.toMatch(/NaN|Infinity|undefined/);
      expect(() => decodeCot(xml)).not.toThrow();
    }
  });
});
