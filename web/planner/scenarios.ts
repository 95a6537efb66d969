/**
 * The scenarios view: saved registry scenarios (create from a change builder or JSON, rename, delete, brief)
 * and their side-by-side comparison with the base across every analysis, each figure with its sources.
 */
import { api, type Comparison, type Rec, type SavedScenario } from './api.js';
import { el, status, table } from './dom.js';
import { SourceNotes } from './sources.js';

const FIELDS = ['family', 'quantity', 'system', 'variant', 'statuses', 'prime', 'valueEurM'] as const;
const MARK = { better: ' ▲', worse: ' ▼', changed: ' *' } as const;

/** A value typed in the builder, as the edit wants it. */
function typed(field: string, v: string): unknown {
  if (field === 'quantity' || field === 'valueEurM') return Number(v);
  if (field === 'statuses') return v.split(/[,\s]+/).filter(Boolean);
  return v;
}

/** The create form: name, description, a builder that appends `change` edits, and the edits as JSON. */
function createForm(programmes: Rec[], onSaved: () => void): HTMLElement {
  const name = el('input', { name: 'name', placeholder: 'LV buys CAESAR instead of Archer', size: 40 });
  const desc = el('input', { name: 'description', placeholder: 'what the scenario asks', size: 50 });
  const edits = el('textarea', { name: 'edits', rows: 5, cols: 90, 'data-testid': 'scenario-edits' }, '[]');
  const prog = el(
    'select',
    { name: 'programme' },
    ...programmes.map((p) =>
      el(
        'option',
        { value: p.id },
        `${String(p.nation)} ${String(p.system || p.family)} ${String(p.variant ?? '')} (${p.id})`,
      ),
    ),
  );
  const field = el('select', { name: 'field' }, ...FIELDS.map((f) => el('option', { value: f }, f)));
  const value = el('input', { name: 'value', placeholder: 'caesar / 40 / planned', size: 16 });
  const add = el('button', { type: 'button', 'data-testid': 'scenario-add-change' }, 'add change');
  add.addEventListener('click', () => {
    const list = JSON.parse(edits.value || '[]') as {
      op: string;
      programme: string;
      set?: Record<string, unknown>;
    }[];
    const same = list.find((e) => e.op === 'change' && e.programme === prog.value);
    const v = typed(field.value, value.value);
    if (same) same.set = { ...same.set, [field.value]: v };
    else list.push({ op: 'change', programme: prog.value, set: { [field.value]: v } });
    edits.value = JSON.stringify(list, null, 1);
  });
  const form = el(
    'form',
    { class: 'toolbar wrap', 'data-testid': 'scenario-form' },
    el('label', {}, 'name ', name),
    el('label', {}, 'description ', desc),
    el('span', {}, 'change ', prog, ' ', field, ' to ', value, ' ', add),
    edits,
    el('button', { type: 'submit' }, 'Save scenario'),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(edits.value || '[]');
    } catch (e) {
      status(`edits: not JSON: ${(e as Error).message}`, 'error');
      return;
    }
    api
      .createScenario({ name: name.value, description: desc.value, edits: parsed })
      .then((s) => {
        status(`saved scenario ${s.id}`);
        onSaved();
      })
      .catch((e: Error) => status(e.message, 'error'));
  });
  return form;
}

/** One saved scenario's row: select for comparison, rename, briefing, delete (a second click confirms). */
function scenarioRow(s: SavedScenario, reload: () => void): (Node | string)[] {
  const pick = el('input', { type: 'checkbox', name: 'pick', value: s.id, checked: true });
  const rename = el('button', { type: 'button', 'data-action': 'rename' }, 'rename');
  rename.addEventListener('click', () => {
    const input = el('input', { value: s.name, size: 40, 'data-testid': 'scenario-rename' });
    input.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      api
        .updateScenario(s.id, { name: input.value })
        .then(() => (status(`renamed ${s.id}`), reload()))
        .catch((err: Error) => status(err.message, 'error'));
    });
    rename.replaceWith(input);
    input.focus();
  });
  const del = el('button', { type: 'button', 'data-action': 'delete' }, 'delete');
  del.addEventListener('click', () => {
    if (del.dataset.armed !== 'true') {
      del.dataset.armed = 'true';
      del.textContent = 'click again to delete';
      return;
    }
    api
      .deleteScenario(s.id)
      .then(() => (status(`deleted ${s.id}`), reload()))
      .catch((err: Error) => status(err.message, 'error'));
  });
  const brief = el(
    'a',
    { href: `/api/planner/scenarios/${encodeURIComponent(s.id)}/briefing`, target: '_blank' },
    'briefing',
  );
  return [
    pick,
    s.name,
    String(s.edits.length),
    s.createdBy,
    s.updatedAt.slice(0, 16),
    el('span', { class: 'actions' }, rename, ' ', brief, ' ', del),
  ];
}

/** The comparison: a table per analysis, a column per scenario, ▲/▼ against the base, sources as footnotes. */
export function comparisonView(c: Comparison, changedOnly: boolean): HTMLElement {
  const notes = new SourceNotes();
  const box = el('div', { 'data-testid': 'scenario-compare' });
  for (const col of c.columns.slice(1))
    box.append(
      el(
        'p',
        {},
        el('b', {}, col.name),
        ': ',
        [...col.applied, ...col.problems.map((p) => `NOT APPLIED: ${p}`)].join('; ') || 'no edits',
      ),
    );
  for (const sec of c.sections) {
    const rows = sec.rows.filter((r) => !changedOnly || r.deltas.some((d) => d !== null));
    box.append(el('h3', {}, `${sec.title} (${sec.changedRows} of ${sec.rows.length} figures change)`));
    const t = table(
      ['figure', ...c.columns.map((x) => x.name)],
      rows.map((r) => [
        el('span', {}, r.label + (r.unit ? ` (${r.unit})` : ''), notes.cite(r.sources)),
        ...r.values.map((v, i) => {
          const d = i === 0 ? null : r.deltas[i - 1];
          return el('span', { class: d ?? '' }, `${v ?? '–'}${d ? MARK[d] : ''}`);
        }),
      ]),
      { 'data-section': sec.id },
    );
    box.append(t);
  }
  box.append(notes.list('scenario-sources'));
  return box;
}

/** Render the scenarios view into `root`. */
export async function renderScenarios(root: HTMLElement): Promise<void> {
  const [items, programmes] = await Promise.all([api.scenarios(), api.list('programmes')]);
  const reload = () => {
    root.replaceChildren();
    void renderScenarios(root).catch((e: Error) => status(e.message, 'error'));
  };
  const out = el('div', { 'data-testid': 'scenario-result' });
  const changed = el('input', { type: 'checkbox', name: 'changed', checked: true });
  const compare = el(
    'button',
    { type: 'button', 'data-testid': 'scenario-compare-button' },
    'Compare with the base',
  );
  const list = table(
    ['', 'name', 'edits', 'by', 'updated', ''],
    items.map((s) => scenarioRow(s, reload)),
    {
      'data-testid': 'scenario-list',
    },
  );
  compare.addEventListener('click', () => {
    const ids = [...list.querySelectorAll<HTMLInputElement>('input[name="pick"]:checked')].map(
      (x) => x.value,
    );
    out.replaceChildren(el('p', { class: 'muted' }, 'comparing (schedules solve per column)…'));
    api
      .compareScenarios(ids)
      .then((c) => out.replaceChildren(comparisonView(c, changed.checked)))
      .catch((e: Error) => out.replaceChildren(el('p', { class: 'alert' }, e.message)));
  });
  root.append(
    el('h3', {}, 'Saved scenarios'),
    items.length ? list : el('p', { class: 'muted' }, 'No saved scenario yet: make one below.'),
    el('div', { class: 'toolbar' }, compare, el('label', {}, changed, ' only figures that change')),
    out,
    el('h3', {}, 'New scenario'),
    createForm(programmes, reload),
  );
}
