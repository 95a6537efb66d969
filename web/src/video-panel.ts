/**
 * The COP's video panels: selecting a platform, its footprint or its frame centre that has a feed opens a floating
 * panel that plays the feed (TS over the hub's WebSocket into Media Source Extensions with mpegts.js, no
 * transcoding) with the KLV readout (platform, sensor angles, slant range, frame centre in MGRS). Several panels at
 * once; each closes on its own. While a panel is open its feed's footprint is highlighted on the map (video-map.ts),
 * the last-touched panel's most strongly. "Snapshot" grabs the frame on screen as a JPEG and the hub drops an image
 * marker with it attached at the point the camera looks at. The hub's egress gate decides which feeds are listed
 * and playable.
 */
import mpegtsModule from 'mpegts.js';
import { h } from './dom.js';
import { formatMgrs } from './mgrs-grid.js';
import { highlightFootprints } from './video-map.js';

/** The part of mpegts.js used here (its typings' default export does not resolve under NodeNext). */
interface Player {
  attachMediaElement(v: HTMLMediaElement): void;
  load(): void;
  play(): Promise<void> | void;
  destroy(): void;
}
interface MpegtsApi {
  createPlayer(
    source: { type: string; isLive: boolean; url: string },
    config?: Record<string, unknown>,
  ): Player;
  isSupported(): boolean;
}
const mpegts = ((mpegtsModule as unknown as { default?: MpegtsApi }).default ??
  mpegtsModule) as unknown as MpegtsApi;

interface Readout {
  platform: { callsign?: string; lat?: number; lon?: number; hae?: number; heading?: number };
  sensor: { azimuth?: number; relativeElevation?: number; hfov?: number; vfov?: number; slantRange?: number };
  frameCentre?: { lat: number; lon: number };
}

export interface FeedSummary {
  id: string;
  name: string;
  platformUid: string;
  label: string;
  state: string;
  ws: string;
  klv: Readout;
}

const open = new Map<string, { root: HTMLElement; close: () => void; platform: string }>();
const MAX_PANELS = 4;
let selectedFeed: string | null = null;

/** Highlight the footprints of the open panels' feeds; `feed` becomes the selected one. */
function highlight(feed: string | null = selectedFeed): void {
  selectedFeed = feed !== null && open.has(feed) ? feed : null;
  for (const [id, p] of open) p.root.classList.toggle('selected', id === selectedFeed);
  highlightFootprints(
    [...open.values()].map((p) => p.platform),
    selectedFeed ? open.get(selectedFeed)!.platform : null,
  );
}

/** The frame on screen as a JPEG data URL (the video's own size). */
function grabFrame(video: HTMLVideoElement): string | undefined {
  if (!video.videoWidth) return undefined;
  const c = document.createElement('canvas');
  c.width = video.videoWidth;
  c.height = video.videoHeight;
  c.getContext('2d')!.drawImage(video, 0, 0);
  return c.toDataURL('image/jpeg', 0.9);
}

/** Snapshot to marker: the hub keeps the image and drops the marker; the panel says where. */
async function snapshot(f: FeedSummary, video: HTMLVideoElement, status: HTMLElement): Promise<void> {
  const image = grabFrame(video);
  if (!image) return void (status.textContent = 'no picture yet');
  status.textContent = 'sending snapshot…';
  const r = await fetch(`/api/video/feeds/${encodeURIComponent(f.id)}/snapshot`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ image }),
  });
  const body = (await r.json().catch(() => ({}))) as {
    uid?: string;
    sha256?: string;
    lat?: number;
    lon?: number;
    message?: string;
  };
  if (!r.ok || body.lat === undefined || body.lon === undefined)
    return void (status.textContent = `snapshot refused: ${body.message ?? r.status}`);
  status.textContent = `snapshot marker at ${formatMgrs(body.lon, body.lat)}`;
  status.dataset.sha = body.sha256 ?? '';
  status.dataset.marker = body.uid ?? '';
}

async function feeds(): Promise<FeedSummary[]> {
  const r = await fetch('/api/video/feeds', { credentials: 'same-origin' });
  return r.ok ? ((await r.json()) as FeedSummary[]) : [];
}

const fix = (n: number | undefined, d = 1, unit = '') => (n === undefined ? '—' : `${n.toFixed(d)}${unit}`);

function readoutRows(k: Readout): [string, string][] {
  const p = k.platform;
  return [
    [
      'Platform',
      `${p.callsign ?? '—'} ${p.lat !== undefined && p.lon !== undefined ? formatMgrs(p.lon, p.lat) : ''}`,
    ],
    ['Alt (HAE)', fix(p.hae, 0, ' m')],
    ['Heading', fix(p.heading, 0, '°')],
    ['Sensor az / el', `${fix(k.sensor.azimuth, 1, '°')} / ${fix(k.sensor.relativeElevation, 1, '°')}`],
    ['FOV', `${fix(k.sensor.hfov, 1, '°')} × ${fix(k.sensor.vfov, 1, '°')}`],
    ['Slant range', fix(k.sensor.slantRange, 0, ' m')],
    ['Frame centre', k.frameCentre ? formatMgrs(k.frameCentre.lon, k.frameCentre.lat) : '—'],
  ];
}

/** Open (or bring forward) the panel of a feed. */
export function playFeed(f: FeedSummary): void {
  const had = open.get(f.id);
  if (had) {
    had.root.scrollIntoView();
    return highlight(f.id);
  }
  if (open.size >= MAX_PANELS) open.values().next().value?.close();
  const video = h('video', { muted: true, autoplay: true, playsinline: true, 'data-feed': f.id, width: 320 });
  video.muted = true;
  const table = h('table', { class: 'video-klv' });
  const root = h(
    'section',
    { class: 'video-panel', 'data-feed': f.id },
    h(
      'header',
      {},
      h('strong', {}, f.name),
      ' ',
      h('small', {}, f.label),
      h('button', { class: 'video-snapshot', title: 'Snapshot to a marker at the frame centre' }, 'Snapshot'),
      h('button', { class: 'video-close', title: 'Close' }, '×'),
    ),
    video,
    table,
  );
  const status = h('div', { class: 'video-status', role: 'status' });
  root.append(status);
  const url = new URL(f.ws, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const player = mpegts.createPlayer(
    { type: 'mpegts', isLive: true, url: url.toString() },
    { enableWorker: false, liveBufferLatencyChasing: true, lazyLoad: false },
  );
  player.attachMediaElement(video);
  player.load();
  void Promise.resolve(player.play()).catch(() => {});
  const refresh = async () => {
    const r = await fetch(`/api/video/feeds/${f.id}`, { credentials: 'same-origin' });
    if (!r.ok) return;
    const s = (await r.json()) as FeedSummary;
    table.replaceChildren(...readoutRows(s.klv).map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))));
  };
  void refresh();
  const timer = setInterval(() => void refresh(), 1000);
  const close = () => {
    clearInterval(timer);
    player.destroy();
    root.remove();
    open.delete(f.id);
    highlight();
  };
  root.querySelector('.video-close')!.addEventListener('click', close);
  root.querySelector('.video-snapshot')!.addEventListener('click', () => void snapshot(f, video, status));
  root.addEventListener('pointerdown', () => highlight(f.id));
  dock().append(root);
  open.set(f.id, { root, close, platform: f.platformUid });
  highlight(f.id);
}

function dock(): HTMLElement {
  let d = document.getElementById('video-dock');
  if (!d) {
    d = h('div', { id: 'video-dock' });
    d.setAttribute(
      'style',
      'position:fixed;right:8px;bottom:8px;display:flex;flex-direction:column;gap:6px;z-index:50;max-height:95vh;overflow:auto',
    );
    document.body.append(d);
    const css = document.createElement('style');
    css.textContent =
      '.video-panel{background:#111c;color:#eee;padding:4px;border:1px solid #555;font:12px sans-serif;width:330px}' +
      '.video-panel header{display:flex;gap:4px;align-items:center}.video-panel .video-snapshot{margin-left:auto}' +
      '.video-panel.selected{border-color:#00e5ff}.video-status{color:#aaa;min-height:1em}' +
      '.video-klv th{text-align:left;font-weight:normal;color:#aaa;padding-right:6px}';
    document.head.append(css);
  }
  return d;
}

/**
 * The page's hook: called with every selection. A selected platform, `<platform>.footprint` or `<platform>.SPI1`
 * whose platform has a feed the user may watch opens its panel.
 */
export function videoSelect(uid: string | null): void {
  if (!uid || !mpegts.isSupported()) return;
  const platform = uid.replace(/\.(footprint|SPI1)$/, '');
  void feeds().then((list) => {
    const f = list.find((x) => x.platformUid === platform);
    if (f) playFeed(f);
  });
}
