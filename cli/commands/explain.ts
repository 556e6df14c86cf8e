// `kreview explain [TYPE]`: a rule's documentation (its README.md), or the
// list of rules with their one-line descriptions.

import { isTTY, writeOut } from '../io.js';
import { useColor } from '../color.js';

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    writeOut(
      1,
      'usage: kreview explain [TYPE]\n\nWithout TYPE, lists the rules. TYPE is a checkpatch-style type (RAW_RW_ITER) or a rule id (raw-rw-iter).\n' +
        'On a terminal the documentation is rendered and shown through a pager: KREVIEW_PAGER, else PAGER, else\n' +
        "'less -FRX' (empty or cat: none). NO_COLOR and FORCE_COLOR decide colour, as for kreview check.\n",
    );
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
  const { page } = await import('../pager.js');
  const tty = isTTY(1);
  const text = await renderMarkdown(doc, { tty, width: tty ? process.stdout.columns : 80, color: useColor(undefined, process.env, () => tty) });
  await page(text);
  return 0;
}
