/** The planner page: a hash router over five views. Each view fetches its own data from /api/planner. */
import './style.css';
import { disposeCharts } from './charts.js';
import { status } from './dom.js';
import { renderFielding } from './fielding.js';
import { renderMosaic } from './mosaic.js';
import { renderOpportunities } from './opportunities.js';
import { renderPipeline } from './pipeline.js';
import { renderRegistry } from './registry.js';

const VIEWS: Record<string, (root: HTMLElement) => Promise<void>> = {
  registry: (r) => renderRegistry(r),
  mosaic: (r) => renderMosaic(r),
  opportunities: (r) => renderOpportunities(r),
  pipeline: (r) => renderPipeline(r),
  fielding: (r) => renderFielding(r),
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

addEventListener('hashchange', () => void show());
void show();
