// `kreview explain [TYPE]`: a rule's documentation (its README.md), or the
// list of rules with their one-line descriptions.

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write('usage: kreview explain [TYPE]\n\nWithout TYPE, lists the rules. TYPE is a checkpatch-style type (RAW_RW_ITER) or a rule id (raw-rw-iter).\n');
    return 0;
  }
  const { loadRules, ruleDoc } = await import('../../src/engine/registry.js');
  const rules = await loadRules();
  const want = argv.find((a) => !a.startsWith('-'));
  if (!want) {
    const w = Math.max(...rules.map((r) => r.meta.type.length));
    for (const r of rules) process.stdout.write(`${r.meta.type.padEnd(w)}  ${r.meta.level.padEnd(7)}  ${r.meta.description}\n`);
    process.stdout.write(`\nRun 'kreview explain TYPE' for a rule's documentation.\n`);
    return 0;
  }
  const rule = rules.find((r) => r.meta.type === want.toUpperCase() || r.id === want.toLowerCase());
  if (!rule) {
    process.stderr.write(`kreview explain: no rule '${want}' (known: ${rules.map((r) => r.meta.type).join(', ')})\n`);
    return 2;
  }
  const doc = ruleDoc(rule.id) ?? `# ${rule.meta.type}\n\n${rule.meta.description}\n`;
  const { renderMarkdown } = await import('../render-markdown.js');
  process.stdout.write(await renderMarkdown(doc, { tty: !!process.stdout.isTTY, width: process.stdout.columns ?? 80 }));
  return 0;
}
