/**
 * TAK Server's video lists on the mutual-TLS Marti API, for ATAK/iTAK/WinTAK: `GET /Marti/vcm` (the v1
 * `videoConnections` XML of `feed` elements) and `GET /Marti/api/video` (the v2 `videoCollections` as JSON), as TAK
 * Server's VideoConnectionManager and VideoConnectionManagerV2 answer them. Each client sees only the feeds the
 * egress gate lets it watch; each URL is the hub's HTTP-TS stream with a watch token for that client.
 */
import type { FastifyInstance } from 'fastify';
import { escapeXml } from '../codecs/cot/index.js';
import type { Identity } from '../model/identity.js';
import { describeLabel } from '../model/label.js';
import type { Feed } from './feed.js';
import type { VideoService } from './service.js';
import { makeWatchToken } from './token.js';

interface Listed {
  feed: Feed;
  url: URL;
}

function listed(video: VideoService, who: Identity): Listed[] {
  const out: Listed[] = [];
  for (const f of video.list()) {
    const base = video.urlOf(f.id);
    if (!base || !video.mayWatch(f, who)) continue;
    const url = new URL(base);
    url.searchParams.set('token', makeWatchToken(f.id, who, Date.now(), video.tokenTtlMs));
    out.push({ feed: f, url });
  }
  return out;
}

const n = (f: Feed, k: string) => (typeof f.telemetry[k] === 'number' ? String(f.telemetry[k]) : '');

/** The v1 list (XML, element order of TAK Server's VideoConnections.xsd). */
export function vcmXml(video: VideoService, who: Identity): string {
  const feeds = listed(video, who).map(({ feed: f, url }, i) => {
    const el = (name: string, v: string | number) => `<${name}>${escapeXml(String(v))}</${name}>`;
    return (
      '<feed>' +
      el('address', url.hostname) +
      el('alias', f.cfg.name ?? f.id) +
      el('buffer', '') +
      el('fov', n(f, 'sensorHorizontalFov')) +
      el('heading', n(f, 'platformHeading')) +
      el('id', i + 1) +
      el('ignoreEmbeddedKLV', 'false') +
      el('latitude', n(f, 'sensorLatitude')) +
      el('longitude', n(f, 'sensorLongitude')) +
      el('preferredMacAddress', '') +
      el('timeout', '5000') +
      el('path', `${url.pathname}${url.search}`) +
      el('port', url.port || (url.protocol === 'https:' ? '443' : '80')) +
      el('protocol', url.protocol.replace(':', '')) +
      el('range', n(f, 'slantRange')) +
      el('roverPort', '') +
      el('rtspReliable', '0') +
      el('source', 'Baltic Wall') +
      el('type', 'VIDEO') +
      el('uuid', f.id) +
      '</feed>'
    );
  });
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><videoConnections>${feeds.join('')}</videoConnections>`;
}

/** The v2 list (JSON of TAK Server's VideoCollections). */
export function videoCollections(video: VideoService, who: Identity, protocol?: string): unknown {
  const items = listed(video, who).filter(
    ({ url }) => !protocol || url.protocol.replace(':', '') === protocol,
  );
  return {
    videoConnections: items.map(({ feed: f, url }, i) => ({
      uid: f.id,
      active: f.state === 'live',
      alias: f.cfg.name ?? f.id,
      thumbnail: '',
      classification: describeLabel(f.label),
      feeds: [
        {
          id: i + 1,
          uuid: f.id,
          active: f.state === 'live',
          alias: f.cfg.name ?? f.id,
          url: url.toString(),
          order: i,
          macAddress: '',
          roverPort: '',
          ignoreEmbeddedKLV: 'false',
          source: 'Baltic Wall',
          networkTimeout: '5000',
          bufferTime: '',
          rtspReliable: '0',
          thumbnail: '',
          classification: describeLabel(f.label),
          latitude: n(f, 'sensorLatitude'),
          longitude: n(f, 'sensorLongitude'),
          fov: n(f, 'sensorHorizontalFov'),
          heading: n(f, 'platformHeading'),
          range: n(f, 'slantRange'),
        },
      ],
    })),
  };
}

/** Register both lists and the snapshot content on the Marti (mTLS) app; `req.identity` is the client certificate's identity. */
export function registerVideoMarti(app: FastifyInstance, video: () => VideoService | undefined): void {
  app.get('/Marti/vcm', async (req, reply) => {
    const v = video();
    reply.type('application/xml');
    return v
      ? vcmXml(v, req.identity!)
      : '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><videoConnections/>';
  });
  app.get('/Marti/api/video', async (req) => {
    const v = video();
    const protocol = (req.query as { protocol?: string }).protocol;
    return v ? videoCollections(v, req.identity!, protocol) : { videoConnections: [] };
  });
  // One connection by uid (TAK Server's GET /api/video/{uid}); a feed the client may not watch is not there.
  app.get('/Marti/api/video/:uid', async (req, reply) => {
    const v = video();
    const uid = (req.params as { uid: string }).uid;
    const all = v
      ? (videoCollections(v, req.identity!) as { videoConnections: { uid: string }[] })
      : undefined;
    const one = all?.videoConnections.find((c) => c.uid === uid);
    return one ?? reply.code(404).send({ code: 'BW_VIDEO_NO_FEED', message: 'no such video connection' });
  });
  // Where TAK clients fetch the files a marker's `attachment_list` names (TAK Server's content servlet): here the
  // video snapshots, each through the gate with the client certificate's identity.
  app.get('/Marti/sync/content', async (req, reply) => {
    const hash = (req.query as { hash?: string }).hash ?? '';
    const img = video()?.snapshots?.get(hash.toLowerCase(), req.identity!);
    if (!img) return reply.code(404).send({ code: 'BW_VIDEO_NO_FEED', message: 'no such content' });
    return reply.type('image/jpeg').send(img);
  });
}
