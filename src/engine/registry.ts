// The rules: every folder under rules/ with an index module, listed in
// rules.generated.ts by scripts/gen-rules.mjs (no hand-kept registry; a test
// checks the list matches the folders).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuleDefinition } from './rule-api.js';
import { RULES } from './rules.generated.js';

/** The package root (package.json, the rule READMEs, model/), found upwards from this module. */
export const packageRoot = findRoot(dirname(fileURLToPath(import.meta.url)));

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

export async function loadRules(): Promise<RuleDefinition[]> {
  for (const r of RULES) if (!r || !r.id) throw new Error('a rule module must default-export defineRule({ id, ... })');
  return RULES;
}

/** The rule's README.md (its documentation), or undefined. */
export function ruleDoc(id: string): string | undefined {
  const p = join(packageRoot, 'rules', id, 'README.md');
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}
