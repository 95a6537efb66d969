/**
 * Where a feed's bytes come from. UDP (unicast, or multicast when the address is a multicast group) and RTP/MP2T
 * are read directly; RTSP and SRT are pulled by Debian's ffmpeg as a managed child process that only remuxes
 * (`-c copy -f mpegts`) to its stdout: Node has no maintained RTSP/SRT client, ffmpeg is the reference one, and
 * remuxing costs almost nothing. The child is restarted with back-off when it exits and killed on close.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { unwrapDatagram } from '../codecs/mpegts/index.js';

export interface SourceEvents {
  /** TS bytes (whole 188-byte packets for UDP/RTP; any chunking from ffmpeg). */
  data(chunk: Uint8Array): void;
  /** A datagram that is neither TS nor RTP/MP2T. */
  bad(reason: 'rtp-malformed'): void;
  error(message: string): void;
}

export interface Source {
  /** Bound UDP port (for udp/rtp sources; useful with port 0). */
  port?: number;
  close(): Promise<void>;
}

export interface ParsedUrl {
  scheme: 'udp' | 'rtp' | 'rtsp' | 'rtsps' | 'srt';
  host: string;
  port: number;
}

export function parseFeedUrl(url: string): ParsedUrl | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const scheme = u.protocol.replace(':', '') as ParsedUrl['scheme'];
  if (!['udp', 'rtp', 'rtsp', 'rtsps', 'srt'].includes(scheme)) return undefined;
  const host = u.hostname.replace(/^\[|\]$/g, '') || '0.0.0.0';
  const port = u.port === '' ? (scheme === 'rtsp' ? 554 : NaN) : Number(u.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return undefined;
  return { scheme, host: host === '@' ? '0.0.0.0' : host, port };
}

function isMulticast(host: string): boolean {
  const first = Number(host.split('.')[0]);
  return (first >= 224 && first <= 239) || /^ff/i.test(host);
}

/** Listen for TS over UDP or RTP. Multicast groups are joined on all interfaces. */
export async function openUdpSource(p: ParsedUrl, recvBuffer: number, ev: SourceEvents): Promise<Source> {
  const v6 = isIPv6(p.host);
  const socket: Socket = createSocket({ type: v6 ? 'udp6' : 'udp4', reuseAddr: isMulticast(p.host) });
  socket.on('message', (buf) => {
    const u = unwrapDatagram(buf);
    if (u.ok) ev.data(u.ts);
    else ev.bad(u.reason);
  });
  const multicast = isMulticast(p.host);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(p.port, multicast ? (v6 ? '::' : '0.0.0.0') : p.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    // A group that cannot be joined (EINVAL, ENODEV) must not leave the port bound with its listener attached.
    if (multicast) socket.addMembership(p.host);
  } catch (e) {
    await new Promise<void>((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        resolve(); // never bound: nothing to release
      }
    });
    throw e;
  }
  socket.on('error', (e) => ev.error(e.message));
  try {
    socket.setRecvBufferSize(recvBuffer);
  } catch {
    // capped by net.core.rmem_max: the default buffer still works, with more loss under bursts
  }
  return {
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** ffmpeg arguments that pull `url` and write it, remuxed, as MPEG-TS to stdout. */
export function ffmpegArgs(url: string, scheme: ParsedUrl['scheme']): string[] {
  const input = scheme.startsWith('rtsp') ? ['-rtsp_transport', 'tcp'] : [];
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    ...input,
    '-i',
    url,
    '-map',
    '0',
    '-c',
    'copy',
    '-f',
    'mpegts',
    'pipe:1',
  ];
}

/** Pull through ffmpeg; restarts after 1, 2, 4 … 30 s when the child exits (source down, network). */
export function openFfmpegSource(
  url: string,
  scheme: ParsedUrl['scheme'],
  ffmpeg: string,
  ev: SourceEvents,
): Source {
  let child: ChildProcess | undefined;
  let closed = false;
  let delay = 1000;
  let timer: NodeJS.Timeout | undefined;
  const start = () => {
    if (closed) return;
    const c = spawn(ffmpeg, ffmpegArgs(url, scheme), { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let err = '';
    c.stdout!.on('data', (d: Buffer) => {
      delay = 1000;
      ev.data(d);
    });
    c.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-500)));
    c.on('error', (e) => ev.error(`ffmpeg: ${e.message}`));
    c.on('close', (code) => {
      child = undefined;
      if (closed) return;
      ev.error(`ffmpeg exited (${code ?? 'signal'}): ${err.trim().split('\n').pop() ?? ''}`);
      timer = setTimeout(start, delay);
      delay = Math.min(delay * 2, 30_000);
    });
  };
  start();
  return {
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = child;
      if (!c) return;
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => c.kill('SIGKILL'), 2000);
        c.once('close', () => {
          clearTimeout(kill);
          resolve();
        });
        c.kill('SIGTERM');
      });
    },
  };
}
