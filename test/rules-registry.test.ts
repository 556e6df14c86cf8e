// Every rule folder is in the generated registry, and has what STYLE.md asks
// of a rule: README.md with the headings in order, a table test, fixtures,
// typed metadata (typescript-eslint's docs test, Ruff's generated docs).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRules, ruleDoc } from '../src/engine/registry.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const folders = readdirSync(join(ROOT, 'rules'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

describe('rules', () => {
  it('the generated registry lists exactly the rule folders', async () => {
    expect((await loadRules()).map((r) => r.id).sort()).toEqual(folders);
  });
  for (const id of folders) {
    it(`${id}: README headings, tests, fixtures, metadata`, async () => {
      const rule = (await loadRules()).find((r) => r.id === id)!;
      const doc = ruleDoc(id)!;
      const headings = [...doc.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
      expect(headings).toEqual(['What it does', 'Why is this bad?', 'Example', 'False positives', 'References']);
      expect(doc.startsWith(`# ${rule.meta.type}\n`)).toBe(true);
      expect(doc).toContain('Use instead');
      expect(existsSync(join(ROOT, 'rules', id, `${id}.test.ts`))).toBe(true);
      expect(readdirSync(join(ROOT, 'rules', id, 'fixtures')).filter((f) => f.endsWith('.patch')).length).toBeGreaterThanOrEqual(16);
      expect(rule.meta.type).toMatch(/^[A-Z_]+$/);
      expect(['ERROR', 'WARNING', 'CHECK']).toContain(rule.meta.level);
      expect(rule.meta.references.length).toBeGreaterThan(0);
      for (const id2 of Object.keys(rule.meta.messages)) expect(rule.meta.questions?.[id2], `question for ${id2}`).toBeTruthy();
    });
  }
  it('the generated registry is up to date with the folders', () => {
    const text = readFileSync(join(ROOT, 'src/engine/rules.generated.ts'), 'utf8');
    for (const id of folders) expect(text).toContain(`'../../rules/${id}/index.js'`);
  });
});
