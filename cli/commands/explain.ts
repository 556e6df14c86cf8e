// `kreview explain [TYPE]`: a rule's documentation (its README.md), or the
// list of rules with their one-line descriptions.

import { writeOut } from '../io.js';

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    writeOut(1, 'usage: kreview explain [TYPE]\n\nWithout TYPE, lists the rules. TYPE is a checkpatch-style type (RAW_RW_ITER) or a rule id (raw-rw-iter).\n');
    return 0;
  }
  const { loadRules, ruleDoc } = await import('../../src/engine/registry.js');
  const rules = await loadRules();
  const want = argv.find((a) => !a.startsWith('-'));
  if (!want) {
    const w = Math.max(...rules.map((r) => r.meta.type.length));
    for (const r of rules) writeOut(1, `${r.meta.type.padEnd(w)}  ${r.meta.level.padEnd(7)}  ${r.meta.description}\n`);
    writeOut(1, `\nRun 'kreview explain TYPE' for a rule's documentation.\n`);
    return 0;
  }
  const rule = rules.find((r) => r.meta.type === want.toUpperCase() || r.id === want.toLowerCase());
  if (!rule) {
    writeOut(2, `kreview explain: no rule '${want}' (known: ${rules.map((r) => r.meta.type).join(', ')})\n`);
    return 2;
  }
  const doc = ruleDoc(rule.id) ?? `# ${rule.meta.type}\n\n${rule.meta.description}\n`;
  const { renderMarkdown } = await import('../render-markdown.js');
  writeOut(1, await renderMarkdown(doc, { tty: !!process.stdout.isTTY, width: process.stdout.columns ?? 80 }));
  return 0;
}
