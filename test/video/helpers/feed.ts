/** Test feeds: a TS stream (H.264-typed video PES + async KLV) sent as UDP datagrams of 7 TS packets. */
import { createSocket } from 'node:dgram';
import { telemetryPacket, type Telemetry } from './klv-encode.js';
import { KLVA_REG, TsWriter, concat } from './ts-encode.js';

export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export function telemetry(i: number, extra: Partial<Telemetry> = {}): Telemetry {
  const lat = 54.9 + i * 0.0001;
  return {
    time: 1_700_000_000_000_000 + i * 100_000,
    tail: 'LTU-UAV-7',
    heading: 45,
    sensorLat: lat,
    sensorLon: 23.9,
    sensorHae: 900,
    hfov: 20,
    vfov: 12,
    relAz: 0,
    relEl: -60,
    slant: 1000,
    fcLat: lat + 0.004,
    fcLon: 23.905,
    fcHae: 120,
    corners: [
      [lat + 0.006, 23.9],
      [lat + 0.006, 23.91],
      [lat + 0.002, 23.91],
      [lat + 0.002, 23.9],
    ],
    ...extra,
  };
}

/** `frames` frames of a stream, each a video PES and a KLV PES, as datagrams of up to 7 packets. */
export function feedDatagrams(
  frames: number,
  tele: (i: number) => Telemetry = (i) => telemetry(i),
): Buffer[] {
  const w = new TsWriter();
  const packets: Uint8Array[] = [];
  for (let f = 0; f < frames; f++) {
    if (f % 10 === 0)
      packets.push(
        ...w.pat(),
        ...w.pmt(
          [
            { pid: 0x100, streamType: 0x1b },
            { pid: 0x101, streamType: 0x06, descriptors: KLVA_REG },
          ],
          0x100,
        ),
      );
    const pts = 90_000 + f * 3600;
    packets.push(
      ...w.packets(0x100, TsWriter.pes(0xe0, new Array(900).fill(f & 0xff), pts, false), { pcr: pts * 300 }),
    );
    packets.push(...w.packets(0x101, TsWriter.pes(0xbd, telemetryPacket(tele(f)))));
  }
  const out: Buffer[] = [];
  for (let i = 0; i < packets.length; i += 7) out.push(Buffer.from(concat(packets.slice(i, i + 7))));
  return out;
}

export async function sendUdp(port: number, datagrams: Buffer[]): Promise<void> {
  const s = createSocket('udp4');
  for (const d of datagrams) await new Promise<void>((r) => s.send(d, port, '127.0.0.1', () => r()));
  await new Promise<void>((r) => s.close(() => r()));
}
