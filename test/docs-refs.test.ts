/**
 * README.md and docs/*.md name repository files (`src/hub/gate.ts`, [trust](trust.md)); this test fails when one of
 * them does not exist, so the docs cannot keep pointing at renamed or deleted files.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOP = ['src', 'test', 'bench', 'web', 'docs', 'fuzz'];

/** Repository paths inside code spans and fenced blocks: `src/hub/gate.ts`, `npx vitest run test/x.test.ts`. */
const CODE_PATH = new RegExp(`(?<![\\w./-])((?:\\.\\./)*(?:${TOP.join('|')})/[\\w.\\-/{},*]*)`, 'g');
/** Markdown link targets: [text](target). */
const LINK = /\]\(([^)\s]+)\)/g;

/** The markdown files whose references are checked. */
function docFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f));
  return ['README.md', ...docs];
}

/** Code spans and fenced blocks of a markdown text. */
function codeOf(md: string): string[] {
  const fenced = [...md.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
  const rest = md.replace(/^```[^\n]*\n[\s\S]*?^```/gm, '');
  return [...fenced, ...[...rest.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!)];
}

/** `a/{b,c}.ts` -> `a/b.ts`, `a/c.ts`. */
function expandBraces(p: string): string[] {
  const m = /\{([^{}]*)\}/.exec(p);
  if (!m) return [p];
  return m[1]!
    .split(',')
    .flatMap((alt) => expandBraces(p.slice(0, m.index) + alt + p.slice(m.index + m[0].length)));
}

/** Whether a referenced path exists; a glob (`*`) needs only the folder before it to exist. */
function exists(path: string): boolean {
  const star = path.indexOf('*');
  const p = star < 0 ? path : path.slice(0, path.lastIndexOf('/', star) + 1);
  return existsSync(join(ROOT, p));
}

/** Every repository path a markdown file refers to, relative to the repository root. */
function referencesOf(file: string): string[] {
  const md = readFileSync(join(ROOT, file), 'utf8');
  const dir = dirname(file);
  const found = new Set<string>();
  for (const code of codeOf(md)) {
    for (const m of code.matchAll(CODE_PATH)) {
      const raw = m[1]!.replace(/[.,:]+$/, '');
      if (raw.startsWith('../')) found.add(relative(ROOT, join(ROOT, dir, raw)));
      else found.add(raw);
    }
  }
  for (const m of md.matchAll(LINK)) {
    const target = m[1]!.split('#')[0]!;
    if (!target || /^[a-z]+:/i.test(target)) continue;
    found.add(relative(ROOT, join(ROOT, dir, target)));
  }
  return [...found].flatMap(expandBraces);
}

describe('file references in README.md and docs/*.md', () => {
  it('finds the references it is meant to check', () => {
    const all = docFiles().flatMap(referencesOf);
    expect(all).toContain('src/hub/gate.ts');
    expect(all.length).toBeGreaterThan(50);
  });

  it('every referenced repository file exists', () => {
    const missing = docFiles().flatMap((file) =>
      referencesOf(file)
        .filter((p) => !exists(p))
        .map((p) => `${file}: ${p}`),
    );
    expect(missing).toEqual([]);
  });
});
