// .kreview.conf: command-line words kreview reads before the real ones, as
// checkpatch.pl reads .checkpatch.conf: the first of ./, $HOME/, ./.scripts/
// that has one. `#` starts a comment; words are split on white space.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CONFIG_NAME = '.kreview.conf';

/** The words of the first .kreview.conf found, and its path (for messages about them). */
export function readConfig(cwd: string, env: NodeJS.ProcessEnv = process.env): { path?: string; words: string[] } {
  const dirs = [cwd, env.HOME, join(cwd, '.scripts')].filter((d): d is string => !!d);
  for (const d of dirs) {
    const p = join(d, CONFIG_NAME);
    if (!existsSync(p)) continue;
    let text: string;
    try {
      text = readFileSync(p, 'utf8');
    } catch {
      continue;
    }
    const words = text
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter(Boolean)
      .flatMap((l) => l.split(/\s+/));
    return { path: p, words };
  }
  return { words: [] };
}
