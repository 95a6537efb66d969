/**
 * The links panel: federation links of this hub (TAK Server Federation v2) at a glance, for the operator: up or
 * down, what waits in each link's queue by class, round trip and last contact. Polls /api/federation/links (behind
 * the session and the gate) every 5 s; stays hidden when federation is off. Self-contained (its own element and
 * styles) so the page needs one call to show it.
 */

interface LinkView {
  name: string;
  role: string;
  connected: boolean;
  queued: { emergency: number; chat: number; delete: number; position: number };
  unconfirmed: number;
  sent: number;
  received: number;
  rttMs?: number;
  lastContact?: number;
  lastError?: string;
  bandwidthKbps: number;
}

const CSS = `
#bw-links{position:absolute;left:8px;bottom:40px;z-index:5;background:rgba(16,24,32,.88);color:#e6edf3;
font:12px/1.35 system-ui,sans-serif;border:1px solid #30363d;border-radius:6px;padding:6px 8px;max-width:360px}
#bw-links h3{margin:0 0 4px;font-size:12px;font-weight:600;cursor:pointer}
#bw-links table{border-collapse:collapse}#bw-links td{padding:1px 6px 1px 0;white-space:nowrap}
#bw-links .up{color:#3fb950}#bw-links .down{color:#f85149}#bw-links .muted{color:#8b949e}`;

function ago(ms: number | undefined): string {
  if (ms === undefined) return 'never';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 90 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One table row per link. */
export function renderLinks(links: LinkView[]): string {
  return links
    .map((l) => {
      const q = l.queued;
      const waiting = q.emergency + q.chat + q.delete + q.position;
      const state = l.connected
        ? `<span class="up">● up</span>`
        : `<span class="down" title="${esc(l.lastError ?? '')}">● down</span>`;
      const queue = waiting
        ? `queued ${q.emergency ? `<b>${q.emergency} emergency</b> ` : ''}${q.chat ? `${q.chat} chat ` : ''}` +
          `${q.delete ? `${q.delete} delete ` : ''}${q.position ? `${q.position} pos` : ''}`
        : '<span class="muted">queue empty</span>';
      const rtt = l.rttMs === undefined ? '' : `${Math.round(l.rttMs)} ms`;
      return (
        `<tr data-link="${esc(l.name)}"><td>${state}</td><td><b>${esc(l.name)}</b> <span class="muted">${esc(l.role)}` +
        `${l.bandwidthKbps ? ` ${l.bandwidthKbps} kbit/s` : ''}</span></td><td>${queue}</td>` +
        `<td class="muted">${rtt}</td><td class="muted">${ago(l.lastContact)}</td></tr>`
      );
    })
    .join('');
}

/** Show the panel and keep it current. Returns a stop function. */
export function startLinksPanel(root: HTMLElement = document.body, everyMs = 5000): () => void {
  const style = document.createElement('style');
  style.textContent = CSS;
  const box = document.createElement('div');
  box.id = 'bw-links';
  box.hidden = true;
  box.innerHTML = '<h3 title="Federation links">Links</h3><table><tbody></tbody></table>';
  root.append(style, box);
  const body = box.querySelector('tbody')!;
  box.querySelector('h3')!.addEventListener('click', () => {
    const t = box.querySelector('table')!;
    t.hidden = !t.hidden;
  });
  const poll = async () => {
    try {
      const r = await fetch('/api/federation/links');
      if (!r.ok) return;
      const data = (await r.json()) as { enabled: boolean; links: LinkView[] };
      box.hidden = !data.enabled || data.links.length === 0;
      body.innerHTML = renderLinks(data.links);
    } catch {
      /* the next poll tries again */
    }
  };
  void poll();
  const timer = setInterval(() => void poll(), everyMs);
  return () => {
    clearInterval(timer);
    box.remove();
    style.remove();
  };
}
