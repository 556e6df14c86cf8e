// Where kreview is installed: package.json, the rule READMEs, model/. Its own
// module so that `kreview --version` does not load the rules.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root (package.json, the rule READMEs, model/), found upwards
 * from this module: in a CommonJS bundle from its __dirname, so no URL is
 * built at start-up.
 */
export const packageRoot = findRoot(typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let d = from; ; d = dirname(d)) {
    const p = join(d, 'package.json');
    if (existsSync(p)) {
      try {
        if ((JSON.parse(readFileSync(p, 'utf8')) as { name?: string }).name === 'kreview') return d;
      } catch {
        // keep looking
      }
    }
    if (dirname(d) === d) return from;
  }
}

