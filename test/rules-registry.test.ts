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
    it(`${id}: the doc and the references stand alone and cite sources a reader can open`, async () => {
      const rule = (await loadRules()).find((r) => r.id === id)!;
      const doc = ruleDoc(id)!;
      const refs = doc.slice(doc.indexOf('## References'));
      // nothing the package does not ship, no discussion without its link
      for (const text of [doc, ...rule.meta.references.map((r) => r.title)]) {
        expect(text).not.toMatch(/shared\/|KERNEL-CONTEXT|ENGINEERING-NOTES/);
        expect(text).not.toMatch(/discussion of \w+ \d{4}/);
      }
      // the thread behind the rules is cited, by Message-ID
      expect(refs).toContain('https://lore.kernel.org/r/20260505155615.2719500-1-hsiangkao@linux.alibaba.com');
      // every reference bullet opens somewhere: a lore message, a commit by id and subject, or a kernel file
      for (const bullet of refs.split('\n- ').slice(1)) {
        expect(bullet, bullet).toMatch(/https:\/\/lore\.kernel\.org\/r\/\S+@\S+|[Cc]ommit [0-9a-f]{12} \("[^"]+"\)|`(fs|mm|kernel|include|drivers|block|io_uring)\/[\w./-]+`/);
      }
      for (const r of rule.meta.references) {
        if (r.url) expect(r.url).toMatch(/^https:\/\/(lore\.kernel\.org\/r\/\S+@\S+|elixir\.bootlin\.com\/linux\/v6\.12\/source\/\S+)$/);
        else expect(r.title).toMatch(/^Commit [0-9a-f]{12} \("[^"]+"\)$/);
      }
      expect(rule.meta.references[0]!.url).toMatch(/^https:\/\/lore\.kernel\.org\/r\//);
      // examples read as Linux 6.12 does: its loop driver has no lo_read_simple()
      expect(doc).not.toContain('lo_read_simple');
    });
  }
  it('the generated registry is up to date with the folders', () => {
    const text = readFileSync(join(ROOT, 'src/engine/rules.generated.ts'), 'utf8');
    for (const id of folders) expect(text).toContain(`'../../rules/${id}/index.js'`);
  });
});
