/**
 * Reading a scenario file: YAML -> zod validation, with every problem reported as `file:line:column: path: message`
 * so an author can jump to it. Line numbers come from the yaml package's node ranges.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { LineCounter, isNode, parseDocument, type Document } from 'yaml';
import { ConfigError } from '../errors.js';
import { scenarioSchema, type Scenario } from './scenario.js';

/** One problem in a scenario file. */
export interface ScenarioIssue {
  line: number;
  column: number;
  /** Dotted path of the field, e.g. `units[2].motion.speed`. */
  field: string;
  message: string;
}

/**
 * A scenario file is wrong (BW_SCENARIO_INVALID); `issues` holds each problem with its line and field.
 */
export class ScenarioError extends ConfigError {
  override name = 'ScenarioError';
  readonly issues: ScenarioIssue[];
  constructor(file: string, issues: ScenarioIssue[]) {
    super('BW_SCENARIO_INVALID', [
      issues.map((i) => `${file}:${i.line}:${i.column}: ${i.field || '(top)'}: ${i.message}`).join('\n'),
    ]);
    this.issues = issues;
  }
}

function fieldName(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

/** The deepest node that exists along `path` (a missing field is reported at its parent). */
function locate(doc: Document, lc: LineCounter, path: PropertyKey[]): { line: number; column: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as (string | number)[], true);
    if (isNode(node) && node.range) {
      const pos = lc.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return { line: 1, column: 1 };
}

/** Parse and validate scenario text. `file` is only used in messages. Throws ScenarioError. */
export function parseScenario(text: string, file = 'scenario'): Scenario {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      file,
      doc.errors.map((e) => {
        const pos = lc.linePos(e.pos[0]);
        return { line: pos.line, column: pos.col, field: '', message: `YAML: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  const r = scenarioSchema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({
    ...locate(doc, lc, i.path),
    field: fieldName(i.path),
    message: i.message,
  }));
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  throw new ScenarioError(file, issues);
}

/** Read and validate a scenario file. */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError('BW_CONFIG_FILE', [file], { cause: e });
  }
  return parseScenario(text, file);
}

/** Names of the scenarios shipped with Baltic Wall (`balticwall sim baltic-demo`). */
export const BUILT_IN = ['baltic-demo'] as const;

/**
 * Path of a built-in scenario. The YAML lives in src/sim/scenarios; a compiled build (dist/src/sim) finds it in
 * the source tree beside it, since tsc does not copy YAML.
 */
export function builtInScenarioPath(name: string): string | undefined {
  for (const rel of [`./scenarios/${name}.yaml`, `../../../src/sim/scenarios/${name}.yaml`]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** A file path, or the name of a built-in scenario. */
export function resolveScenario(nameOrFile: string): Scenario {
  const builtIn = (BUILT_IN as readonly string[]).includes(nameOrFile)
    ? builtInScenarioPath(nameOrFile)
    : undefined;
  return loadScenario(builtIn ?? nameOrFile);
}
