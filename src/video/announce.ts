/**
 * The check on a MAVLink camera's announced stream (VIDEO_STREAM_INFORMATION `uri`) before the hub opens it: an
 * announcement makes the hub bind a port or start ffmpeg against a URL, so it must come from a signed link (unless
 * configured otherwise) and name a scheme and host the configuration allows.
 */
import { BlockList, isIP } from 'node:net';
import type { VideoConfig } from './config.js';
import { parseFeedUrl } from './source.js';

export interface Refusal {
  reason: 'unsigned' | 'not-allowed';
  why: string;
}

/** Does `host` match an allow-list entry: an exact name or address, or a CIDR block? */
export function hostAllowed(host: string, allow: readonly string[]): boolean {
  const h = host.toLowerCase();
  const family = isIP(h);
  for (const entry of allow) {
    const [net, bits] = entry.split('/');
    if (bits === undefined) {
      if (entry.toLowerCase() === h) return true;
      continue;
    }
    const type = isIP(net ?? '') === 6 ? 'ipv6' : 'ipv4';
    if (!family || (family === 6) !== (type === 'ipv6')) continue;
    const list = new BlockList();
    try {
      list.addSubnet(net!, Number(bits), type);
    } catch {
      continue; // a malformed entry matches nothing
    }
    if (list.check(h, family === 6 ? 'ipv6' : 'ipv4')) return true;
  }
  return false;
}

/** Why an announcement is refused, or undefined when it may be opened. */
export function announceRefusal(
  cfg: VideoConfig['announced'],
  uri: string,
  signed: boolean,
): Refusal | undefined {
  if (cfg.requireSigned && !signed)
    return { reason: 'unsigned', why: 'announcement not signed with a configured MAVLink key' };
  const u = parseFeedUrl(uri);
  if (!u) return undefined; // not a URL the hub opens: add() refuses it as before
  if (!cfg.allowSchemes.includes(u.scheme))
    return { reason: 'not-allowed', why: `scheme ${u.scheme} not in video.announced.allowSchemes` };
  if (cfg.allowHosts.length && !hostAllowed(u.host, cfg.allowHosts))
    return { reason: 'not-allowed', why: `host ${u.host} not in video.announced.allowHosts` };
  return undefined;
}
