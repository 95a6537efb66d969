/**
 * Import of equipment CSV files shaped like data/baltic-equipment.csv into programmes. The text of every cell is
 * kept as reported; numbers and dates are derived only by the rules in messy.ts; each cell no rule could read is
 * listed with its line, column and reason; and the row's confidence grade travels with the programme.
 */
import { parseCsv, CsvSyntaxError } from './csv.js';
import { PlannerError } from './errors.js';
import { parseGrade } from './grade.js';
import {
  readDate,
  readMoney,
  readQuantity,
  readStatus,
  splitTop,
  type DateCell,
  type Figure,
} from './messy.js';
import { formatMonth } from './month.js';
import {
  applyOverrides,
  combatOf,
  flagsOf,
  pickFigure,
  splitList,
  stagesOf,
  transferredOf,
} from './import-cells.js';
import type { StageOverride } from './reference.js';
import { defaultLabel, programmeSchema, type Area, type Family, type Programme } from './schema.js';
import type { Label } from '../model/label.js';

/** Columns the importer reads; the first three are required. */
export const CSV_COLUMNS = [
  'nation',
  'capability',
  'system',
  'variant',
  'supplier_country',
  'prime',
  'route',
  'qty_ordered',
  'qty_delivered',
  'delivered_asof',
  'order_date',
  'first_delivery',
  'last_delivery_planned',
  'value_eur_m',
  'status',
  'confidence',
  'source_keys',
] as const;
const REQUIRED = ['nation', 'capability', 'system'];

/** A cell (or a whole row, column `*`) that could not be read, or was read with a caveat. */
export interface ImportIssue {
  line: number;
  column: string;
  text: string;
  severity: 'unreadable' | 'warning';
  reason: string;
}

export interface ImportReport {
  source: string;
  rows: number;
  programmes: Programme[];
  /** Rows dropped entirely (also listed in `issues`). */
  skippedRows: number[];
  issues: ImportIssue[];
  /** How often each documented rule produced a number. */
  rules: Record<string, number>;
}

export interface ImportOptions {
  /** Short name of the file; programme ids are `<source>:<line>` so re-importing the same file replaces them. */
  source: string;
  areas: Area[];
  families: Family[];
  stageOverrides?: StageOverride[];
  /** Label for every imported programme (default: unclassified, releasable to all). */
  label?: Label;
}

/** Resolve a capability word to an area id (aliases, then id, then name; case-insensitive). */
export function resolveArea(areas: Area[], capability: string): Area | undefined {
  const c = capability.trim().toLowerCase();
  return (
    areas.find((a) => a.aliases.some((x) => x.toLowerCase() === c)) ??
    areas.find((a) => a.id.toLowerCase() === c || a.name.toLowerCase() === c)
  );
}

/** Resolve a system name to a family: whole-name alias first, else the longest alias the name starts with. */
export function resolveFamily(families: Family[], system: string): Family | undefined {
  const s = system.trim().toLowerCase();
  let best: { f: Family; len: number } | undefined;
  for (const f of families) {
    for (const a of [...f.aliases, f.name, f.id]) {
      const al = a.toLowerCase();
      if (al === s) return f;
      if (s.startsWith(`${al} `) && (!best || al.length > best.len)) best = { f, len: al.length };
    }
  }
  return best?.f;
}

/** A readable id fragment. */
export function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'x'
  );
}

type Cells = Record<string, string>;

/**
 * Parse an equipment CSV. Throws PlannerError BW_PLAN_CSV only when the file as a whole is unusable (bad CSV
 * syntax, required columns missing); every row- or cell-level problem goes into the report instead.
 */
export function importCsv(text: string, opts: ImportOptions): ImportReport {
  let rows;
  try {
    rows = parseCsv(text);
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new PlannerError('BW_PLAN_CSV', e.message, { cause: e });
    throw e;
  }
  if (rows.length === 0) throw new PlannerError('BW_PLAN_CSV', 'file is empty');
  const header = rows[0]!.cells.map((h) => h.trim().toLowerCase());
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length)
    throw new PlannerError('BW_PLAN_CSV', `required column(s) missing: ${missing.join(', ')}`);
  const report: ImportReport = {
    source: opts.source,
    rows: rows.length - 1,
    programmes: [],
    skippedRows: [],
    issues: [],
    rules: {},
  };
  for (const unknown of header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h))) {
    report.issues.push({
      line: 1,
      column: unknown,
      text: unknown,
      severity: 'warning',
      reason: 'unknown column kept as reported',
    });
  }
  for (const row of rows.slice(1)) {
    const cells: Cells = {};
    header.forEach((h, i) => (cells[h] = (row.cells[i] ?? '').trim()));
    if (row.cells.length !== header.length) {
      report.issues.push({
        line: row.line,
        column: '*',
        text: row.cells.join(','),
        severity: 'warning',
        reason: `row has ${row.cells.length} cells, header ${header.length}`,
      });
    }
    importRow(row.line, cells, opts, report);
  }
  return report;
}

type Issue = (column: string, reason: string, severity?: ImportIssue['severity']) => void;

/** Read the row's quantity, date, money, status and grade cells, reporting each that no rule reads. */
function readCells(cells: Cells, issue: Issue, rule: (rules: string[]) => void) {
  const qty = readQuantity(cells.qty_ordered ?? '');
  const del = readQuantity(cells.qty_delivered ?? '');
  if (!qty.ok) issue('qty_ordered', qty.reason);
  else rule(qty.rules);
  if (!del.ok) issue('qty_delivered', del.reason);
  else rule(del.rules);

  const dateCols = ['order_date', 'first_delivery', 'last_delivery_planned', 'delivered_asof'] as const;
  const dates: Record<string, DateCell | null> = {};
  for (const c of dateCols) {
    const r = readDate(cells[c] ?? '');
    if (!r.ok) {
      issue(c, r.reason);
      dates[c] = null;
    } else {
      dates[c] = r.value;
      rule(r.rules);
    }
  }
  const money = readMoney(cells.value_eur_m ?? '');
  if (!money.ok) issue('value_eur_m', money.reason);
  else rule(money.rules);
  const status = readStatus(cells.status || 'unknown');
  if (!status.ok) issue('status', status.reason);
  const grade = parseGrade(cells.confidence ?? '');
  if (!grade) issue('confidence', 'no confidence grade: treated as C', 'warning');

  return { qty, del, dates, money, status, grade };
}

/**
 * The fleet quantity from the ordered and delivered figures: a ceiling is not a fleet; without an ordered figure
 * a non-zero delivered count stands in; a fleet is at least what has been delivered.
 */
function fleetOf(
  ordered: Figure | null,
  delivered: Figure | null,
  orderedReadable: boolean,
  notes: string[],
  issue: Issue,
  rule: (rules: string[]) => void,
): Figure | null {
  let quantity = ordered;
  if (quantity && quantity.kind === 'max') {
    issue(
      'qty_ordered',
      'an upper bound (ceiling), not a fleet quantity: not used in fleet figures',
      'warning',
    );
    notes.push(`ordered ceiling ${quantity.value}`);
    quantity = null;
  }
  if (!quantity && delivered && delivered.value > 0) {
    quantity = {
      ...delivered,
      kind: delivered.kind === 'exact' && !orderedReadable ? 'min' : delivered.kind,
      note: [delivered.note, 'fleet quantity taken from delivered'].filter(Boolean).join('; '),
    };
    rule(['no readable ordered quantity: fleet quantity taken from a non-zero delivered count']);
  } else if (quantity && delivered && delivered.value > quantity.value) {
    // A fleet is at least what has been delivered (Boxer: "88 (91 incl. variants)", 91 delivered).
    quantity = {
      ...delivered,
      note: [
        `ordered ${quantity.value}`,
        delivered.note,
        'delivered exceeds ordered: fleet is what was delivered',
      ]
        .filter(Boolean)
        .join('; '),
    };
    rule(['delivered exceeds ordered: the fleet is at least what was delivered']);
  }
  return quantity;
}

function importRow(line: number, cells: Cells, opts: ImportOptions, report: ImportReport): void {
  const issue = (column: string, reason: string, severity: ImportIssue['severity'] = 'unreadable') =>
    report.issues.push({ line, column, text: cells[column] ?? '', severity, reason });
  const rule = (rules: string[]) => {
    for (const r of rules) report.rules[r] = (report.rules[r] ?? 0) + 1;
  };
  const nation = (cells.nation ?? '').toUpperCase();
  if (!/^[A-Z]{2,3}$/.test(nation) || !cells.system) {
    issue(cells.system ? 'nation' : 'system', 'row has no nation code or no system: row skipped');
    report.skippedRows.push(line);
    return;
  }
  const capability = cells.capability ?? '';
  const area = resolveArea(opts.areas, capability);
  if (!area) issue('capability', 'capability not in the area list: kept as its own area', 'warning');

  // Several systems in one row ("Stinger / Grom"): one programme per family, matching `/`-split cells by position.
  const systemParts = splitTop(cells.system!, /^\s+\/\s+/);
  const famOf = systemParts.map((s) => resolveFamily(opts.families, s));
  const distinct = new Set(famOf.map((f, i) => f?.id ?? systemParts[i]));
  const parts = distinct.size > 1 ? systemParts : [cells.system!];
  const fams = distinct.size > 1 ? famOf : [famOf[0] ?? resolveFamily(opts.families, cells.system!)];
  if (!fams[0] && parts.length === 1)
    issue('system', 'system not in the family catalogue: family named after it', 'warning');

  const { qty, del, dates, money, status, grade } = readCells(cells, issue, rule);

  const c = { line, cells, opts, report, issue, rule, nation, capability, area, parts, fams };
  const read = { qty, del, dates, money, status, grade };
  parts.forEach((system, k) => importPart(c, read, system, k));
}

/** What every system of a row shares when it becomes a programme. */
interface RowContext {
  line: number;
  cells: Cells;
  opts: ImportOptions;
  report: ImportReport;
  issue: Issue;
  rule: (rules: string[]) => void;
  nation: string;
  capability: string;
  area: Area | undefined;
  parts: string[];
  fams: (Family | undefined)[];
}

/** One programme from one system of a row (most rows hold one), validated by the registry's schema. */
function importPart(c: RowContext, read: ReturnType<typeof readCells>, system: string, k: number): void {
  const { line, cells, opts, report, issue, rule, nation, capability, area, parts, fams } = c;
  const { qty, del, dates, money, status, grade } = read;
  const fam = fams[k];
  const areaId = fam?.area ?? area?.id ?? capability;
  const areaRec = fam?.area ? opts.areas.find((a) => a.id === fam.area) : area;
  const unit = areaRec?.unit;
  const bareUnit = areaRec?.bareUnit ?? unit;
  const alsoUnits = areaRec?.alsoUnits ?? [];
  const pick = (cell: typeof qty, column: string): Figure | null => {
    if (!cell.ok || cell.value === null) return null;
    return pickFigure(cell.value, { unit, bareUnit, alsoUnits }, k, parts.length, (reason) =>
      issue(column, reason),
    );
  };
  const delivered = pick(del, 'qty_delivered');
  const notes: string[] = [];
  const quantity = fleetOf(pick(qty, 'qty_ordered'), delivered, qty.ok, notes, issue, rule);
  const transferred = transferredOf([cells.status ?? '', cells.qty_delivered ?? '', quantity?.note ?? '']);
  if (transferred) rule(['"N to XX": units transferred out of the fleet']);
  const combat = combatOf(quantity?.note ?? '', unit);
  if (combat) rule(['"N combat": combat units apart from training and spares']);
  const stages = stagesOf(dates, k, parts.length);
  const lots = (dates.order_date?.spans ?? []).filter((s) => !s.stage).map((s) => formatMonth(s.at));
  applyOverrides(stages, nation, system, cells.variant ?? '', opts.stageOverrides ?? [], notes);
  const p: Programme = {
    id: `${opts.source}:${line}${parts.length > 1 ? `.${k + 1}` : ''}`,
    nation,
    area: areaId,
    capability,
    system,
    variant: cells.variant ?? '',
    family: fam?.id ?? slug(system),
    supplierCountries: splitList(cells.supplier_country ?? '').map((c) => c.toUpperCase()),
    prime: cells.prime ?? '',
    route: cells.route ?? '',
    quantity,
    quantities:
      qty.ok && qty.value
        ? qty.value.alternatives && qty.value.figures.length === parts.length
          ? [qty.value.figures[k]!]
          : qty.value.figures
        : [],
    delivered,
    transferred,
    combat,
    deliveredAsOf: dates.delivered_asof?.spans.at(-1)
      ? formatMonth(dates.delivered_asof.spans.at(-1)!.at)
      : null,
    stages,
    lots: parts.length > 1 && lots.length === parts.length ? [lots[k]!] : lots,
    valueEurM: parts.length === 1 && money.ok && money.value?.contracted ? money.value.contracted : null,
    ceilingEurM: parts.length === 1 && money.ok && money.value?.ceiling ? money.value.ceiling : null,
    statuses: status.ok ? status.value.statuses : [],
    confidence: grade ?? 'C',
    confidenceText: cells.confidence ?? '',
    sources: splitList(cells.source_keys ?? ''),
    reported: { ...cells },
    notes: [...notes, ...(status.ok ? status.value.notes : []), ...flagsOf(dates)],
    label: opts.label ?? defaultLabel(),
  };
  if (parts.length > 1 && money.ok && money.value) notes.push('value shared by several systems: not split');
  // The registry's schema has the final word (lengths, codes): a row it refuses is reported, not stored.
  const valid = programmeSchema.safeParse(p);
  if (!valid.success) {
    const i = valid.error.issues[0]!;
    issue('*', `row refused by the registry schema: ${i.path.join('.')}: ${i.message}`);
    if (!report.skippedRows.includes(line)) report.skippedRows.push(line);
    return;
  }
  report.programmes.push(valid.data);
}
