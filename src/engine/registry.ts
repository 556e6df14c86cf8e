// Rule discovery: every folder under rules/ with an index module is a rule.
// No hand-kept list (STYLE.md: registries that drift from the folders).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RuleDefinition } from './rule-api.js';

const here = dirname(fileURLToPath(import.meta.url));
/** rules/ next to this build: dist/rules when compiled, ./rules under vitest. */
const rulesDir = join(here, '..', '..', 'rules');
/** The package root, where the rule READMEs live (they are not compiled). */
export const packageRoot = existsSync(join(here, '..', '..', 'package.json')) ? join(here, '..', '..') : join(here, '..', '..', '..');

let cache: Promise<RuleDefinition[]> | undefined;

export function loadRules(): Promise<RuleDefinition[]> {
  cache ??= discover();
  return cache;
}

async function discover(): Promise<RuleDefinition[]> {
  if (!existsSync(rulesDir)) return [];
  const ids = readdirSync(rulesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const out: RuleDefinition[] = [];
  for (const id of ids) {
    const js = join(rulesDir, id, 'index.js');
    const ts = join(rulesDir, id, 'index.ts');
    const file = existsSync(js) ? js : existsSync(ts) ? ts : undefined;
    if (!file) continue;
    const mod = (await import(pathToFileURL(file).href)) as { default?: RuleDefinition };
    const def = mod.default;
    if (!def || def.id !== id) throw new Error(`rules/${id}: index must default-export defineRule({ id: '${id}', ... })`);
    out.push(def);
  }
  return out;
}

/** The rule's README.md (its documentation), or undefined. */
export function ruleDoc(id: string): string | undefined {
  const p = join(packageRoot, 'rules', id, 'README.md');
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}
