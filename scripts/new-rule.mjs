// `npm run new-rule -- rule-id TYPE`: the folder of a new rule, the way the
// four rules are laid out (STYLE.md, "One rule, one folder"), and the
// registry regenerated. It writes a rule that looks at one call and reports
// it, a README with the headings the registry test asks for, and a table
// test with one case each way; make them say what the rule is for, then
// add cases until the registry test is satisfied (16 fixtures).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const [id, type] = process.argv.slice(2);
if (!id || !/^[a-z][a-z0-9-]*$/.test(id) || !type || !/^[A-Z][A-Z0-9_]*$/.test(type)) {
  process.stderr.write('usage: npm run new-rule -- rule-id TYPE   (e.g. npm run new-rule -- raw-splice RAW_SPLICE)\n');
  process.exit(2);
}
const dir = join(root, 'rules', id);
if (existsSync(dir)) {
  process.stderr.write(`rules/${id} exists already\n`);
  process.exit(2);
}
mkdirSync(join(dir, 'fixtures'), { recursive: true });

writeFileSync(
  join(dir, 'index.ts'),
  `// ${type}: say in one sentence what the rule finds and why it matters.

import { defineRule, kb } from '../../src/engine/rule-api.js';

export default defineRule({
  id: '${id}',
  meta: {
    type: '${type}',
    level: 'WARNING',
    confidence: 'high',
    description: 'One line for kreview explain and SARIF.',
    messages: {
      found: '{{call}} here: say what is wrong and what to use instead',
    },
    questions: {
      found: 'Ask it as a reviewer would in a reply: why {{call}} here?',
    },
    // what the rule looks at: the engine shows it only these calls (and files that have them)
    triggers: [{ calls: Object.keys(kb.VFS_INTERNAL_HELPERS) }],
    references: [{ title: 'the lore thread, kernel commit or Documentation/ page behind the rule', url: 'https://lore.kernel.org/' }],
  },
  create(ctx) {
    return {
      call(site, fn) {
        ctx.report({
          messageId: 'found',
          data: { call: \`\${site.callee}()\` },
          at: { file: fn.file, line: site.line },
          key: site.callee,
          witness: [{ kind: 'call', text: \`\${fn.name}() calls \${site.callee}()\`, file: fn.file, line: site.line }],
        });
      },
    };
  },
});
`,
);

writeFileSync(
  join(dir, 'README.md'),
  `# ${type}

## What it does

## Why is this bad?

## Example

\`\`\`diff
\`\`\`

Use instead:

\`\`\`diff
\`\`\`

## False positives

## References
`,
);

writeFileSync(
  join(dir, `${id}.test.ts`),
  `import { describe } from 'vitest';
import { ruleTester, type InvalidCase, type ValidCase } from '../../test/support/rule-tester.js';

// each case: edits of the synthetic tree (test/fixtures/ktree), named after the kernel idiom it covers
const invalid: InvalidCase[] = [];
const valid: ValidCase[] = [];

describe('${type}', () => {
  ruleTester.run('${id}', { valid, invalid });
});
`,
);

execFileSync(process.execPath, [join(root, 'scripts/gen-rules.mjs')], { stdio: 'inherit' });
process.stdout.write(`rules/${id}/: index.ts, README.md, ${id}.test.ts, fixtures/ (registry regenerated)\n`);
