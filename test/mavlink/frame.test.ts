/**
 * MAVLink frames against the published layout (MAVLink developer guide, serialization), the CRC_EXTRA values of
 * the message definitions (mavlink/mavlink `message_definitions/v1.0`) and an example HEARTBEAT frame. The CRC is recomputed here with an independent CRC-16/MCRF4XX so the library is checked,
 * not trusted.
 */
import { describe, expect, it } from 'vitest';
import { MSG_ID_MAGIC_NUMBER, common, minimal } from 'node-mavlink';
import { scanDatagram, type Frame, type SkipReason } from '../../src/gateways/mavlink/frame.js';
import { encodeFrame } from '../../src/gateways/mavlink/encode.js';
import { decodeFrame } from '../../src/gateways/mavlink/messages.js';

/** CRC-16/MCRF4XX (X.25 accumulate, init 0xFFFF), written from the MAVLink spec text. */
function crc16(bytes: Uint8Array, extra: number): number {
  let crc = 0xffff;
  const acc = (b: number) => {
    let tmp = (b ^ (crc & 0xff)) & 0xff;
    tmp = (tmp ^ (tmp << 4)) & 0xff;
    crc = ((crc >> 8) ^ (tmp << 8) ^ (tmp << 3) ^ (tmp >> 4)) & 0xffff;
  };
  for (const b of bytes) acc(b);
  acc(extra);
  return crc;
}

function scan(buf: Buffer) {
  const frames: Frame[] = [];
  const skips: SkipReason[] = [];
  scanDatagram(
    buf,
    (f) => frames.push(f),
    (r) => skips.push(r),
  );
  return { frames, skips };
}

function heartbeat(): minimal.Heartbeat {
  const hb = new minimal.Heartbeat();
  hb.type = minimal.MavType.QUADROTOR;
  hb.autopilot = minimal.MavAutopilot.ARDUPILOTMEGA;
  hb.systemStatus = minimal.MavState.ACTIVE;
  hb.mavlinkVersion = 3;
  return hb;
}

describe('MAVLink frame layout', () => {
  it('CRC_EXTRA values match the published table', () => {
    const table: Record<number, number> = {
      0: 50,
      1: 124,
      24: 24,
      30: 39,
      33: 104,
      74: 20,
      147: 154,
      242: 104,
      246: 184,
      259: 92,
      263: 133,
      265: 26,
      269: 109,
      271: 22,
      276: 18,
      281: 48,
      285: 137,
    };
    for (const [id, extra] of Object.entries(table)) {
      expect((MSG_ID_MAGIC_NUMBER as Record<string, number>)[id], `msg ${id}`).toBe(extra);
    }
    expect(common.GlobalPositionInt.PAYLOAD_LENGTH).toBe(28);
    expect(common.CameraFovStatus.PAYLOAD_LENGTH).toBe(53);
    expect(common.SysStatus.PAYLOAD_LENGTH).toBe(43);
  });

  it('the example HEARTBEAT frame is byte-exact and parses back', () => {
    const bytes = encodeFrame(heartbeat(), { sysid: 42, compid: 1, seq: 0 });
    expect(bytes.toString('hex')).toBe('fd09000000' + '2a01000000' + '000000000203000403' + '9f13');
    // Independent CRC over everything after STX up to the payload end, then CRC_EXTRA 50.
    expect(crc16(bytes.subarray(1, bytes.length - 2), 50)).toBe(bytes.readUInt16LE(bytes.length - 2));
    const { frames, skips } = scan(bytes);
    expect(skips).toEqual([]);
    expect(frames).toHaveLength(1);
    const f = frames[0]!;
    expect([f.version, f.sysid, f.compid, f.msgid, f.seq, f.signed]).toEqual([2, 42, 1, 0, 0, false]);
    const hb = decodeFrame(f) as minimal.Heartbeat;
    expect(hb.type).toBe(minimal.MavType.QUADROTOR);
    expect(hb.mavlinkVersion).toBe(3);
  });

  it('v1 frames: 0xFE, 6-byte header, 1-byte msgid, same CRC rule', () => {
    const bytes = encodeFrame(heartbeat(), { sysid: 7, compid: 1, seq: 200, version: 1 });
    expect(bytes[0]).toBe(0xfe);
    expect(bytes.length).toBe(6 + 9 + 2);
    expect([bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]]).toEqual([9, 200, 7, 1, 0]);
    expect(crc16(bytes.subarray(1, bytes.length - 2), 50)).toBe(bytes.readUInt16LE(bytes.length - 2));
    const { frames } = scan(bytes);
    expect(frames[0]).toMatchObject({ version: 1, sysid: 7, compid: 1, msgid: 0, seq: 200 });
  });

  it('v2 payloads are zero-truncated on the wire and zero-filled on decode', () => {
    const gp = new common.GlobalPositionInt();
    gp.lat = 543_000_000;
    gp.lon = 235_000_000;
    gp.alt = 0;
    gp.hdg = 0; // last field zero -> truncated
    const bytes = encodeFrame(gp, { sysid: 1, compid: 1, seq: 1 });
    expect(bytes[1]).toBeLessThan(28);
    expect(bytes.readUIntLE(7, 3)).toBe(33);
    const { frames } = scan(bytes);
    const back = decodeFrame(frames[0]!) as common.GlobalPositionInt;
    expect(back.lat).toBe(543_000_000);
    expect(back.hdg).toBe(0);
  });

  it('several frames in one datagram, garbage between them, torn and corrupt frames are counted', () => {
    const a = encodeFrame(heartbeat(), { sysid: 1, compid: 1, seq: 1 });
    const b = encodeFrame(heartbeat(), { sysid: 2, compid: 1, seq: 2 });
    const bad = Buffer.from(b);
    bad[12] = bad[12]! ^ 0xff; // payload byte flipped -> CRC fails
    const buf = Buffer.concat([Buffer.from([1, 2, 3]), a, bad, b, a.subarray(0, 8)]);
    const { frames, skips } = scan(buf);
    expect(frames.map((f) => f.sysid)).toEqual([1, 2]);
    expect(skips).toContain('garbage');
    expect(skips).toContain('crc');
    expect(skips[skips.length - 1]).toBe('truncated');
  });

  it('unknown incompatibility flags make a receiver drop the frame', () => {
    const a = Buffer.from(encodeFrame(heartbeat(), { sysid: 1, compid: 1, seq: 1 }));
    a[2] = 0x02;
    const crc = crc16(a.subarray(1, a.length - 2), 50);
    a.writeUInt16LE(crc, a.length - 2);
    const { frames, skips } = scan(a);
    expect(frames).toEqual([]);
    expect(skips).toEqual(['incompat-flags']);
  });

  it('never throws on random bytes', () => {
    for (let i = 0; i < 2000; i++) {
      const buf = Buffer.from(Array.from({ length: 1 + (i % 300) }, () => (Math.random() * 256) | 0));
      if (i % 3 === 0) buf[0] = 0xfd;
      expect(() => scan(buf)).not.toThrow();
    }
  });
});
