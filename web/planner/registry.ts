/**
 * Registry tables with editing. Simple fields are edited in place (the cell is editable; leaving it saves the
 * whole record through PUT and the server validates); any record can be edited as JSON. A refused edit shows
 * the server's code and message and the cell goes back to its stored value.
 */
import { api, ApiError, type Rec } from './api.js';
import { el, status } from './dom.js';

interface Field {
  title: string;
  get: (r: Rec) => string;
  /** Returns the edited record; throws with a message when the text cannot be read. */
  set?: (r: Rec, text: string) => Rec;
}

const obj = (v: unknown) => (v ?? {}) as Record<string, unknown>;
const list = (s: string) =>
  s
    .split(/[,;+]/)
    .map((x) => x.trim())
    .filter(Boolean);
const numOf = (s: string, what: string) => {
  const n = Number(s.trim());
  if (s.trim() === '' || !Number.isFinite(n)) throw new Error(`${what}: "${s}" is not a number`);
  return n;
};
const str = (k: string, editable = true): Field => ({
  title: k,
  get: (r) => (r[k] === undefined || r[k] === null ? '' : String(r[k])),
  ...(editable ? { set: (r: Rec, t: string) => ({ ...r, [k]: t.trim() }) } : {}),
});
const releasable = (r: Rec) => {
  const l = obj(r.label);
  const cats = (l.categories as { tag: string; values: string[] }[] | undefined) ?? [];
  const rel = cats.find((c) => c.tag === 'Releasable to');
  return `${String(l.classification ?? '')}${rel ? ` rel ${rel.values.join(',')}` : ''}`;
};

const FIELDS: Record<string, Field[]> = {
  programmes: [
    str('id', false),
    str('nation', false),
    str('area', false),
    str('family'),
    str('system'),
    str('variant'),
    {
      title: 'quantity',
      get: (r) => (r.quantity ? String(obj(r.quantity).value) : ''),
      set: (r, t) => ({
        ...r,
        quantity:
          t.trim() === ''
            ? null
            : { ...obj(r.quantity), kind: obj(r.quantity).kind ?? 'exact', value: numOf(t, 'quantity') },
      }),
    },
    { title: 'reported qty', get: (r) => String(obj(r.reported).qty_ordered ?? '') },
    {
      title: 'statuses',
      get: (r) => ((r.statuses as string[]) ?? []).join('+'),
      set: (r, t) => ({ ...r, statuses: list(t) }),
    },
    { title: 'contract', get: (r) => String(obj(obj(r.stages).contract).at ?? '') },
    str('confidence'),
    { title: 'label', get: releasable },
  ],
  families: [
    str('id', false),
    str('name'),
    str('area'),
    ...(['calibreMm', 'ammoFamily', 'missile'] as const).map((k): Field => ({
      title: k,
      get: (r) => String(obj(r.standards)[k] ?? ''),
      set: (r, t) => ({
        ...r,
        standards: {
          ...obj(r.standards),
          [k]: t.trim() === '' ? null : k === 'calibreMm' ? numOf(t, k) : t.trim(),
        },
      }),
    })),
    ...(['dataLinks', 'protocols'] as const).map((k): Field => ({
      title: k,
      get: (r) => ((obj(r.standards)[k] as string[]) ?? []).join(', '),
      set: (r, t) => ({
        ...r,
        standards: {
          ...obj(r.standards),
          [k]: list(t).map((x) => (k === 'protocols' ? x.toLowerCase() : x)),
        },
      }),
    })),
    str('confidence'),
  ],
  lines: [
    str('id', false),
    str('family'),
    str('supplier'),
    str('location'),
    {
      title: 'steps (YYYY-MM:rate)',
      get: (r) =>
        ((r.steps as { from: string; perMonth: number }[]) ?? [])
          .map((s) => `${s.from}:${s.perMonth}`)
          .join('; '),
      set: (r, t) => ({
        ...r,
        steps: list(t.replace(/;/g, ',')).map((p) => {
          const [from, rate] = p.split(':');
          return { from: (from ?? '').trim(), perMonth: numOf(rate ?? '', 'rate') };
        }),
      }),
    },
    {
      title: 'rampMonths',
      get: (r) => String(r.rampMonths ?? ''),
      set: (r, t) => ({ ...r, rampMonths: numOf(t, 'rampMonths') }),
    },
    {
      title: 'share',
      get: (r) => String(r.share ?? ''),
      set: (r, t) => ({ ...r, share: numOf(t, 'share') }),
    },
    str('confidence'),
  ],
  frameworks: [
    str('id', false),
    str('name'),
    {
      title: 'participants',
      get: (r) => ((r.participants as string[]) ?? []).join(', '),
      set: (r, t) => ({ ...r, participants: list(t) }),
    },
    str('leadAgency'),
    {
      title: 'families',
      get: (r) => ((r.families as string[]) ?? []).join(', '),
      set: (r, t) => ({ ...r, families: list(t) }),
    },
    str('start'),
    str('status'),
    str('confidence'),
  ],
  nations: [str('id', false), str('name'), str('alpha3')],
  areas: [
    str('id', false),
    str('name'),
    str('unit'),
    {
      title: 'aliases',
      get: (r) => ((r.aliases as string[]) ?? []).join(', '),
      set: (r, t) => ({ ...r, aliases: list(t) }),
    },
  ],
  suppliers: [str('id', false), str('name'), str('country')],
};

/** Starting points for new records; the server fills defaults and validates. */
const TEMPLATES: Record<string, object> = {
  programmes: {
    id: 'manual:1',
    nation: 'EE',
    area: 'SPA',
    family: 'caesar',
    system: 'CAESAR',
    quantity: { value: 12, kind: 'exact' },
    statuses: ['planned'],
    stages: { requirement: { at: '2026-09' } },
    confidence: 'C',
  },
  lines: {
    id: 'new-line',
    family: 'caesar',
    supplier: '',
    steps: [{ from: '2027-01', perMonth: 2 }],
    rampMonths: 6,
    share: 0.2,
  },
  frameworks: { id: 'new-framework', name: '', participants: ['EE', 'LV'], families: [], status: 'planned' },
  families: { id: 'new-family', name: '', aliases: [], standards: { dataLinks: [], protocols: [] } },
};

/** Render the registry view into `root`. */
export async function renderRegistry(root: HTMLElement, kind = 'programmes'): Promise<void> {
  const items = await api.list(kind);
  const fields = FIELDS[kind]!;
  const filter = el('input', { type: 'search', placeholder: 'filter', 'data-testid': 'registry-filter' });
  const select = el(
    'select',
    { 'data-testid': 'registry-kind' },
    ...Object.keys(FIELDS).map((k) => el('option', { value: k, selected: k === kind }, k)),
  );
  select.addEventListener('change', () => {
    root.replaceChildren();
    void renderRegistry(root, select.value).catch((e: Error) => status(e.message, 'error'));
  });
  const tbody = el('tbody');
  const rows = items.map((rec) => row(kind, rec, fields));
  tbody.append(...rows.map((r) => r.tr));
  filter.addEventListener('input', () => {
    const q = filter.value.toLowerCase();
    for (const r of rows) r.tr.hidden = q !== '' && !r.text().toLowerCase().includes(q);
  });
  const newBtn = el('button', { 'data-testid': 'registry-new' }, 'New record');
  const newEditor = el('textarea', {
    class: 'json',
    rows: 14,
    hidden: true,
    'aria-label': 'new record JSON',
  });
  newBtn.addEventListener('click', () => {
    if (newEditor.hidden) {
      newEditor.value = JSON.stringify(TEMPLATES[kind] ?? { id: '' }, null, 2);
      newEditor.hidden = false;
      newBtn.textContent = 'Save new record';
      return;
    }
    void (async () => {
      try {
        const saved = await api.put(kind, JSON.parse(newEditor.value) as Rec);
        status(`saved ${kind}/${saved.id}`);
        root.replaceChildren();
        await renderRegistry(root, kind);
      } catch (e) {
        status(
          `not saved: ${e instanceof ApiError ? `${e.code}: ${e.message}` : (e as Error).message}`,
          'error',
        );
      }
    })();
  });
  root.append(
    el(
      'div',
      { class: 'toolbar' },
      el('label', {}, 'Records ', select),
      filter,
      newBtn,
      el('span', { class: 'muted' }, `${items.length} ${kind}; click a cell to edit, leave it to save`),
    ),
    newEditor,
    el(
      'table',
      { class: 'registry', 'data-testid': `registry-${kind}` },
      el('thead', {}, el('tr', {}, ...fields.map((f) => el('th', {}, f.title)), el('th', {}, ''))),
      tbody,
    ),
  );
}

function row(kind: string, initial: Rec, fields: Field[]): { tr: HTMLTableRowElement; text: () => string } {
  let rec = initial;
  const tr = el('tr', { 'data-id': rec.id });
  const cells = fields.map((f) => {
    const td = el(
      'td',
      {
        'data-field': f.title,
        contenteditable: f.set ? 'plaintext-only' : undefined,
        class: f.set ? 'editable' : undefined,
      },
      f.get(rec),
    );
    if (f.set) {
      td.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          td.blur();
        }
      });
      td.addEventListener('blur', () => {
        const text = td.textContent ?? '';
        if (text === f.get(rec)) return;
        void save(() => f.set!(rec, text), td, f);
      });
    }
    return td;
  });
  const editor = el('textarea', { class: 'json', rows: 14, hidden: true, 'aria-label': 'record JSON' });
  const jsonBtn = el('button', { class: 'small' }, 'JSON');
  jsonBtn.addEventListener('click', () => {
    if (editor.hidden) {
      editor.value = JSON.stringify(rec, null, 2);
      editor.hidden = false;
      jsonBtn.textContent = 'Save';
    } else {
      void save(() => JSON.parse(editor.value) as Rec, null, null).then((ok) => {
        if (ok) {
          editor.hidden = true;
          jsonBtn.textContent = 'JSON';
        }
      });
    }
  });
  tr.append(...cells, el('td', {}, jsonBtn, editor));

  async function save(make: () => Rec, td: HTMLElement | null, f: Field | null): Promise<boolean> {
    try {
      const saved = await api.put(kind, make());
      rec = saved;
      fields.forEach((x, i) => (cells[i]!.textContent = x.get(rec)));
      status(`saved ${kind}/${rec.id}`);
      tr.classList.add('saved');
      return true;
    } catch (e) {
      const msg = e instanceof ApiError ? `${e.code}: ${e.message}` : (e as Error).message;
      status(`not saved: ${msg}`, 'error');
      if (td && f) td.textContent = f.get(rec);
      return false;
    }
  }
  return { tr, text: () => fields.map((f) => f.get(rec)).join(' ') };
}
