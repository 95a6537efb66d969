/**
 * Control events exchanged in CoT XML on a streaming connection: TAK protocol negotiation (t-x-takp-v/q/r,
 * docs/codecs.md, "Negotiation") and the server's pong (t-x-c-t-r). Built as ordinary Events so the normal
 * encoder writes them.
 */
import { DEFAULT_LABEL, type Event } from '../../model/index.js';
import { deriveDetail } from './detail.js';
import { parseElement, escapeXml } from './xml-scan.js';

/** How long a negotiation offer/answer stays valid: the client waits at least a minute for the answer. */
const CONTROL_STALE_MS = 60_000;

function controlEvent(uid: string, type: string, how: string, now: number, detailXml: string): Event {
  const name = detailXml.slice(1, detailXml.search(/[\s/>]/));
  return {
    version: '2.0',
    uid,
    type,
    how,
    time: now,
    start: now,
    stale: now + CONTROL_STALE_MS,
    point: { lat: 0, lon: 0, hae: 0, ce: 999999, le: 999999 },
    detail: deriveDetail(detailXml ? [{ name, xml: detailXml }] : []),
    label: DEFAULT_LABEL,
    origin: { protocol: 'internal' },
  };
}

/** The server's offer (sent at most once per connection): "I speak TAK protocol version 1". */
export function buildProtocolSupport(uid: string, now: number): Event {
  return controlEvent(
    uid,
    't-x-takp-v',
    'm-g',
    now,
    '<TakControl><TakProtocolSupport version="1"/></TakControl>',
  );
}

/** The server's answer to a client's t-x-takp-q: `ok` true means both sides switch to TAK protocol v1 framing. */
export function buildProtocolResponse(uid: string, ok: boolean, now: number): Event {
  return controlEvent(
    uid,
    't-x-takp-r',
    'm-g',
    now,
    `<TakControl><TakResponse status="${escapeXml(String(ok))}"/></TakControl>`,
  );
}

/**
 * The version a client asks for in a `t-x-takp-q` event (`detail/TakControl/TakRequest version="N"`), or
 * undefined when the event is not a request or the version is not a positive integer.
 */
export function readProtocolRequest(event: Event): number | undefined {
  if (event.type !== 't-x-takp-q') return undefined;
  const control = event.detail.elements.find((e) => e.name === 'TakControl');
  if (!control) return undefined;
  let requests;
  try {
    requests = parseElement(control.xml).children.filter((c) => c.name === 'TakRequest');
  } catch {
    return undefined; // elements were validated on decode; a hand-built bad one is simply "no request"
  }
  if (requests.length !== 1) return undefined; // the protocol allows exactly one
  const v = requests[0]!.attrs.version?.trim() ?? '';
  return /^[1-9]\d{0,8}$/.test(v) ? Number(v) : undefined;
}

/** The answer to a client's ping (t-x-c-t): TAK Server's `takPong` event. */
export function buildPong(now: number): Event {
  return controlEvent('takPong', 't-x-c-t-r', 'h-g-i-g-o', now, '');
}

/**
 * The answer to a refused write (src/hub/ownership.ts): `t-x-c-n`, "not accepted", with the uid it was about, the
 * BW code and the reason in `<bwRefusal>`. TAK clients ignore control types they do not know; integrators read it.
 */
export function buildRefusal(ref: string, code: string, reason: string, now: number): Event {
  return controlEvent(
    'balticwall-refusal',
    't-x-c-n',
    'h-g-i-g-o',
    now,
    `<bwRefusal ref="${escapeXml(ref)}" code="${escapeXml(code)}" reason="${escapeXml(reason)}"/>`,
  );
}
