/**
 * Output files of the pki commands, checked before anything is issued and written all-or-nothing. `--out` means
 * the same in every command: the directory the files go to (created if missing). Commands that write one zip also
 * take a path ending in `.zip` as the file itself. A command that cannot write leaves no file behind.
 */
import { accessSync, constants, mkdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export interface OutFile {
  name: string;
  data: string | Uint8Array;
  mode?: number;
}

const isDir = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
const exists = (p: string): boolean => statSync(p, { throwIfNoEntry: false }) !== undefined;

/**
 * Resolve `--out` for a command that writes one zip: a directory (the zip is DIR/defaultName), or a path ending in
 * `.zip` that is not a directory (the zip itself).
 */
export function zipTarget(out: string | undefined, defaultName: string): { dir: string; name: string } {
  if (out && /\.zip$/i.test(out) && !isDir(out)) return { dir: dirname(out), name: basename(out) };
  return { dir: out ?? '.', name: defaultName };
}

/**
 * Check that `names` can be written into `dir`: `dir` is a directory or can be created, it is writable, and no
 * target is a directory. Throws an Error with a plain message otherwise. Creates `dir` when missing.
 */
export function checkOut(dir: string, names: string[]): void {
  if (exists(dir) && !isDir(dir)) throw new Error(`--out ${dir}: exists and is not a directory`);
  for (const n of names) {
    if (isDir(join(dir, n))) throw new Error(`--out ${dir}: ${n} exists and is a directory`);
  }
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new Error(`--out ${dir}: cannot write there (${(e as NodeJS.ErrnoException).code ?? String(e)})`, {
      cause: e,
    });
  }
}

/** Write every file, or none: each goes to a temporary name first and is renamed once all are written. */
export function writeAll(dir: string, files: OutFile[]): string[] {
  const temps: string[] = [];
  try {
    for (const f of files) {
      const tmp = join(dir, `.${f.name}.${process.pid}.tmp`);
      temps.push(tmp);
      writeFileSync(tmp, f.data, { mode: f.mode ?? 0o644, flag: 'wx' });
    }
    return files.map((f, i) => {
      const to = join(dir, f.name);
      renameSync(temps[i]!, to);
      return resolve(to);
    });
  } catch (e) {
    for (const t of temps) {
      try {
        unlinkSync(t);
      } catch {
        // already renamed or never written
      }
    }
    throw e;
  }
}
