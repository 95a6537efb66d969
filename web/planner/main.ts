/** The planner page: a hash router over seven views. Each view fetches its own data from /api/planner. */
import './style.css';
import { disposeCharts } from './charts.js';
import { paintBanners } from '../src/banners.js';
import { api } from './api.js';
import { status } from './dom.js';
import { renderAmmunition } from './ammunition.js';
import { renderFielding } from './fielding.js';
import { renderMosaic } from './mosaic.js';
import { renderOpportunities } from './opportunities.js';
import { renderPipeline } from './pipeline.js';
import { renderRegistry } from './registry.js';
import { renderMoney } from './money.js';
import { renderTargets } from './targets.js';
import { renderScenarios } from './scenarios.js';

const VIEWS: Record<string, (root: HTMLElement) => Promise<void>> = {
  registry: (r) => renderRegistry(r),
  mosaic: (r) => renderMosaic(r),
  opportunities: (r) => renderOpportunities(r),
  pipeline: (r) => renderPipeline(r),
  fielding: (r) => renderFielding(r),
  ammunition: (r) => renderAmmunition(r),
  money: (r) => renderMoney(r),
  targets: (r) => renderTargets(r),
  scenarios: (r) => renderScenarios(r),
};

async function show(): Promise<void> {
  const name = location.hash.slice(1) || 'mosaic';
  const view = VIEWS[name] ?? VIEWS.mosaic!;
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav.tabs a'))
    a.classList.toggle('active', a.dataset.tab === name);
  disposeCharts();
  const root = document.getElementById('view')!;
  root.replaceChildren();
  root.dataset.view = name;
  root.dataset.ready = 'false';
  status('');
  try {
    await view(root);
    root.dataset.ready = 'true';
  } catch (e) {
    status((e as Error).message, 'error');
    root.dataset.ready = 'error';
  }
}

/** Classification banners as on the COP page: the highest marking of what this user sees, and who they are. */
async function banners(): Promise<void> {
  const who = await api.session();
  const m = await api.marking();
  const els = [document.getElementById('banner-top')!, document.getElementById('banner-bottom')!];
  paintBanners(
    els,
    { classification: m.classification, ...(m.releasableTo ? { releasableTo: m.releasableTo } : {}) },
    who ? `${who.id}${who.nation ? ` (${who.nation})` : ''} · cleared ${who.clearance}` : '',
  );
  for (const e of els) e.querySelector('.asof')!.textContent = `data as of ${m.asOf}`;
}

addEventListener('hashchange', () => void show());
void banners()
  .then(() => show())
  .catch((e: Error) => status(e.message, 'error'));
