// A digest of the code that makes per-file facts (src/cgraph, src/kb): the
// bundle builds it into the facts cache's directory name (src/cgraph/cache.ts).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

export function factsDigest(root) {
  const h = createHash('sha1');
  const walk = (d) => {
    for (const e of readdirSync(`${root}${d}`, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) h.update(`${p}\0${readFileSync(`${root}${p}`)}\0`);
    }
  };
  for (const d of ['src/cgraph', 'src/kb']) walk(d);
  return h.digest('hex').slice(0, 12);
}
