/** The package version, read once. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

function findPackageJson(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      return readFileSync(join(dir, 'package.json'), 'utf8');
    } catch {
      dir = dirname(dir);
    }
  }
  return '{"version":"0.0.0"}';
}

export const VERSION: string = (JSON.parse(findPackageJson()) as { version: string }).version;
