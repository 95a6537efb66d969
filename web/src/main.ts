/**
 * The COP page: sign in, then the live map with panels. Wires the live connection to the entity store, the map,
 * the chat and the banners.
 */
import './style.css';
import type { ServerMessage, WebSessionInfo } from '../../src/transports/web/protocol.js';
import { api, type SessionView, type WebConfig } from './api.js';
import { AlertCenter } from './alerts.js';
import { highestMarking, labelSources, paintBanners, type Labelled } from './banners.js';
import { closeDialog, confirmAction, installEscape } from './confirm.js';
import { $ } from './dom.js';
import { EntityStore } from './entities.js';
import { DataAge, lagText } from './lag.js';
import { LiveClient, type LinkState } from './live.js';
import { MapView } from './map-view.js';
import { baseStyle } from './map-style.js';
import { wireBasemaps } from './basemaps.js';
import { LayersPanel } from './panels/layers.js';
import { formatMgrs } from './mgrs-grid.js';
import { ChatPanel } from './panels/chat.js';
import { renderDetails } from './panels/details.js';
import { EntityList } from './panels/list.js';
import { openMarkerDialog } from './panels/marker.js';
import { wireTools } from './tools-panel.js';
import { videoSelect } from './video-panel.js';
import { attachVideoMap } from './video-map.js';
import { startLinksPanel } from './links-panel.js';

async function signIn(cfg: WebConfig): Promise<SessionView> {
  const existing = await api.session();
  if (existing) return existing;
  const overlay = $('login');
  overlay.hidden = false;
  $('login-dev').hidden = !cfg.devMode;
  $('login-dev-fields').hidden = !cfg.devMode;
  const form = $('login-form') as HTMLFormElement;
  return new Promise((resolve) => {
    form.onsubmit = async (ev) => {
      ev.preventDefault();
      const data = Object.fromEntries(new FormData(form).entries()) as Record<string, string>;
      try {
        const s = await api.login(data);
        overlay.hidden = true;
        resolve(s);
      } catch (e) {
        $('login-error').textContent = (e as Error).message || 'Sign-in failed';
      }
    };
  });
}

function who(s: SessionView | WebSessionInfo['identity'], callsign?: string): string {
  const id = 'id' in s ? s.id : '';
  return `${callsign ?? id} · ${s.nation ?? 'no nation'} · cleared ${s.clearance}`;
}

let noticeTimer: ReturnType<typeof setTimeout> | undefined;

/** A short message in the status bar (e.g. why the hub refused a marker), cleared after 10 s. */
function notify(text: string): void {
  $('notice').textContent = text;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => ($('notice').textContent = ''), 10_000);
}

async function start(): Promise<void> {
  const cfg = await api.config();
  $('devmode').hidden = !cfg.devMode;
  void import('virtual:basemap'); // start fetching the basemap while the user signs in
  const session = await signIn(cfg);
  $('user').textContent = who(session);
  startLinksPanel(); // federation links (docs/federation.md)
  const banners = [$('banner-top'), $('banner-bottom')];
  installEscape($('dialog'));
  let whoText = who(session);

  const store = new EntityStore();
  const view = new MapView($('map'), store, await baseStyle(cfg.tiles, cfg.pmtiles));
  attachVideoMap(view.map, store);
  const mapLayers = wireBasemaps(view.map, $('basemap') as HTMLSelectElement, cfg);
  const live = new LiveClient();
  const age = new DataAge();
  const alerts = new AlertCenter($('alerts'));
  const list = new EntityList($('tab-list'), store);
  const chat = new ChatPanel($('tab-chat'));
  const ownMarkers = new Set<string>();
  const markerRefs = new Set<string>();
  let me: WebSessionInfo | undefined;
  let tab = 'details';

  chat.send = (m) => live.send(m);
  chat.contacts = () =>
    [...store.all.values()]
      .filter((t) => t.e.endpoint && t.e.callsign && t.e.uid !== me?.uid)
      .map((t) => ({ uid: t.e.uid, callsign: t.e.callsign! }));
  chat.onUnread = (n) => {
    const b = $('chat-unread');
    b.hidden = n === 0;
    b.textContent = String(n);
  };

  const showTab = (name: string) => {
    tab = name;
    for (const b of document.querySelectorAll<HTMLButtonElement>('nav.tabs button')) {
      b.classList.toggle('active', b.dataset.tab === name);
      b.setAttribute('aria-selected', String(b.dataset.tab === name));
    }
    for (const t of ['details', 'list', 'chat']) $(`tab-${t}`).hidden = t !== name;
    chat.setVisible(name === 'chat');
    if (name === 'list') list.render();
  };
  for (const b of document.querySelectorAll<HTMLButtonElement>('nav.tabs button'))
    b.onclick = () => showTab(b.dataset.tab!);

  const sendPresence = (lon: number, lat: number) => tools.own.set(lon, lat);
  const details = () =>
    renderDetails($('tab-details'), view.selection ? store.all.get(view.selection) : undefined, {
      center: (e) => {
        const now = store.all.get(e.uid)?.e ?? e;
        view.flyTo(now.lon, now.lat);
      },
      chat: (e) => {
        chat.openDirect({ uid: e.uid, callsign: e.callsign ?? e.uid });
        showTab('chat');
      },
      follow: (e) => {
        view.follow(e.uid);
        notify(`Following ${e.callsign ?? e.uid} (drag the map to stop)`);
      },
      remove: (e) =>
        void confirmAction($('dialog'), `Delete ${e.callsign ?? e.uid} for everyone?`).then(
          (ok) => ok && live.send({ t: 'delete', uid: e.uid }),
        ),
      own: (e) => ownMarkers.has(e.uid) || (me !== undefined && e.parent === me.uid),
    });
  const select = (uid: string | null) => {
    view.select(uid);
    const t = uid ? store.all.get(uid) : undefined;
    $('sel-mgrs').textContent = t ? formatMgrs(t.e.lon, t.e.lat) : '—';
    details();
    if (uid) showTab('details');
    videoSelect(uid);
  };
  view.onSelect = select;
  alerts.onGoTo = (a) => {
    view.flyTo(a.lon, a.lat);
    select(store.all.has(a.uid) ? a.uid : (a.callerUid ?? null));
  };
  alerts.onChange = () => list.setAlerting((uid) => alerts.isAlerting(uid));
  list.onPick = (uid) => {
    const t = store.all.get(uid);
    if (t) view.flyTo(t.e.lon, t.e.lat);
    select(uid);
  };
  view.onCursor = (lon, lat) => ($('cursor-mgrs').textContent = formatMgrs(lon, lat));
  const tools = wireTools({
    view,
    store,
    live,
    select: (uid) => select(uid),
    notify,
    openMarker: (lon, lat) => view.onContext(lon, lat),
  });
  view.onContext = (lon, lat) => {
    closeDialog($('dialog'));
    openMarkerDialog(
      $('dialog'),
      lon,
      lat,
      (m) => {
        if (m.t === 'marker' && m.ref) markerRefs.add(m.ref);
        return live.send(m);
      },
      sendPresence,
      session,
    );
  };
  const gridBox = $('toggle-grid') as HTMLInputElement;
  const layersPanel = new LayersPanel(
    view.map,
    mapLayers,
    (on) => {
      gridBox.checked = on;
      view.setGrid(on);
    },
    gridBox.checked,
  );
  document.body.append(layersPanel.el);
  $('layers').onclick = () => layersPanel.toggle($('map'));
  gridBox.onchange = () => {
    view.setGrid(gridBox.checked);
    layersPanel.gridChanged(gridBox.checked);
  };
  ($('toggle-trails') as HTMLInputElement).onchange = (e) =>
    view.setTrails((e.target as HTMLInputElement).checked);
  $('signout').onclick = async () => {
    live.close();
    await api.logout();
    location.reload();
  };

  live.onState = (s: LinkState) => {
    const el = $('link');
    el.dataset.state = s;
    el.querySelector('span')!.textContent =
      s === 'open'
        ? 'live'
        : s === 'connecting'
          ? 'connecting…'
          : s === 'unauthorised'
            ? 'signed out'
            : 'offline — retrying';
    if (s === 'unauthorised') location.reload();
  };
  live.onMessage = (m: ServerMessage) => {
    switch (m.t) {
      case 'hello': {
        me = m.session;
        age.sync(m.now);
        chat.me = { uid: m.session.uid, callsign: m.session.callsign };
        whoText = who(m.session.identity, m.session.callsign);
        $('user').textContent = whoText;
        tools.own.announce();
        // Frame the first view on the action once the first picture has arrived (retried while it is too early).
        const frame = (tries: number) => {
          if (!view.frameOnPicture() && tries < 30) setTimeout(() => frame(tries + 1), 1000);
        };
        setTimeout(() => frame(0), 2500);
        break;
      }
      case 'entity':
        if (m.e.uid === me?.uid) break;
        age.note(m.e.uid, m.e.time);
        // An emergency raises the alert banner; its cancel clears it and removes the alert from the map.
        if (alerts.update(m.e) && m.e.emergency?.cancel) {
          store.remove(m.e.uid);
          break;
        }
        store.upsert(m.e);
        break;
      case 'chat':
        chat.receive(m.m);
        break;
      case 'receipt':
        chat.receipt(m.r);
        break;
      case 'expired':
        if (m.reason === 'deleted') for (const uid of m.uids) alerts.clear(uid);
        store.expired(m.uids);
        if (view.selection && !store.all.has(view.selection)) select(null);
        break;
      case 'ack':
        if (!chat.ack(m.ref) && markerRefs.delete(m.ref)) ownMarkers.add(m.uid);
        break;
      case 'error':
        if (m.ref && markerRefs.delete(m.ref)) notify(`Marker not accepted: ${m.message} (${m.code})`);
        else if (!(m.ref && chat.fail(m.ref))) console.warn(`hub refused: ${m.code} ${m.message}`);
        break;
    }
  };
  live.connect();

  // Once a second: stale sweep, banners, lag, counts, and the panel that is open.
  setInterval(() => {
    store.sweep();
    const b = view.map.getBounds();
    let stale = 0;
    let inView = 0;
    const labels: Labelled[] = [];
    for (const t of store.all.values()) {
      if (t.stale) stale++;
      if (b.contains([t.e.lon, t.e.lat])) inView++;
      labels.push(t.e);
    }
    // Everything the page holds is on a surface (the list shows it all), so everything counts for the banner.
    for (const src of labelSources) for (const l of src()) labels.push(l);
    paintBanners(banners, highestMarking([...labels, ...chat.shownLabels()]), whoText);
    const behind = lagText(age.behindMs());
    $('lag').textContent = behind;
    $('link').dataset.lag = behind ? 'behind' : '';
    $('counts').textContent =
      `${store.all.size} entities (${stale} stale) · ${inView} in view · ${live.received} messages`;
    if (tab === 'list') list.render();
    if (tab === 'details' && view.selection) details();
  }, 1000);
  details();
  // For tests and the bench: read-only handles on the live state.
  (window as unknown as { __bw: unknown }).__bw = {
    store,
    view,
    live,
    chat,
    alerts,
    age,
    tools,
    mapLayers,
    layersPanel,
  };
}

start().catch((e: unknown) => {
  console.error(e);
  document.body.append(`Baltic Wall COP failed to start: ${(e as Error).message}`);
});
