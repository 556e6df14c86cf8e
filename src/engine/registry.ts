// The rules: every folder under rules/ with an index module, listed in
// rules.generated.ts by scripts/gen-rules.mjs (no hand-kept registry; a test
// checks the list matches the folders).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuleDefinition } from './rule-api.js';
import { RULES } from './rules.generated.js';

import { packageRoot } from '../package-root.js';

export { packageRoot };

export async function loadRules(): Promise<RuleDefinition[]> {
  for (const r of RULES) if (!r || !r.id) throw new Error('a rule module must default-export defineRule({ id, ... })');
  return RULES;
}

/** The rule's README.md (its documentation), or undefined. */
export function ruleDoc(id: string): string | undefined {
  const p = join(packageRoot, 'rules', id, 'README.md');
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}
