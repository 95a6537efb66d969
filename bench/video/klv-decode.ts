/** V2: ST 0601 packets decoded per second on one core (a realistic 40-item packet with corners and ST 0102). */
import { decodeKlvPayload, encodeUasDatalink, securityItem } from '../../src/codecs/klv/index.js';
import { orbitTelemetry } from '../../src/video/orbit.js';

export function benchKlvDecode(seconds = 3): {
  packetsPerSecond: number;
  packetsPerCpuSecond: number;
  bytes: number;
} {
  const packets = Array.from({ length: 64 }, (_, i) =>
    encodeUasDatalink({ precisionTimeStamp: 1.7e15 + i, ...orbitTelemetry(i) }, [securityItem(2, 'LTU POL')]),
  );
  let n = 0;
  let sink = 0;
  const cpu0 = process.cpuUsage();
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let k = 0; k < 1000; k++) {
      const r = decodeKlvPayload(packets[n++ & 63]!);
      sink += r.sets.length;
    }
  }
  if (sink !== n) throw new Error('decode failed');
  const cpu = process.cpuUsage(cpu0);
  return {
    packetsPerSecond: n / seconds,
    packetsPerCpuSecond: n / ((cpu.user + cpu.system) / 1e6),
    bytes: packets[0]!.length,
  };
}
