// `kreview reply INPUT... [-o FILE]`: draft the review email(s) for the
// findings a check raises. One message per patch that has something to say;
// several messages are written as an mbox, which mutt and git send-email read.

import { writeFileSync } from 'node:fs';
import { gitIdentity } from '../git-identity.js';
import { parseCommon } from '../options.js';
import { writeOut } from '../io.js';
import { sanitizeLine } from '../../src/report/sanitize.js';

const HELP = `usage: kreview reply [options] INPUT... [-o FILE]

Drafts the reply a reviewer would send for each patch with findings: threaded
headers (To the author, Cc the original recipients, In-Reply-To/References),
only the hunks with findings quoted, each finding asked as a question. Never
adds a Reviewed-by. Takes check's options (--tree, --types, --ignore, ...).
`;

export async function run(argv: string[]): Promise<number> {
  const o = parseCommon('reply', argv, HELP);
  if (typeof o === 'number') return o;
  if (!o.positionals.length) {
    writeOut(2, 'kreview reply: no input given\n');
    return 2;
  }
  const { runCheck } = await import('../../src/engine/run.js');
  const { draftReply, threadingProblem } = await import('../../src/report/reply.js');
  const { loadRules } = await import('../../src/engine/registry.js');
  const { TriageStore } = await import('../../src/engine/triage.js');
  const { HIDDEN_BY } = await import('../../src/engine/result.js');
  const rules = await loadRules();
  const result = await runCheck({
    inputs: o.positionals,
    cwd: process.cwd(),
    git: !!o.flags.git,
    ...(o.tree ? { tree: o.tree } : {}),
    ...(o.base ? { base: o.base } : {}),
    noTree: o.flags.tree === false,
    ...(o.positionals.includes('-') ? { stdin: process.stdin } : {}),
    types: o.types,
    ignore: o.ignore,
    allow: o.allow,
    triage: new TriageStore(),
  });
  let bad = false;
  for (const inp of result.inputs) for (const e of [...inp.errors, ...inp.patches.flatMap((p) => p.errors.filter((x) => x.kind !== 'apply'))]) {
    bad = true;
    writeOut(2, `kreview: ${e.oneLine()}\n`);
  }
  // what the draft leaves out, and why, is said here: the mail itself is for the author
  for (const inp of result.inputs) {
    for (const r of inp.patches) {
      for (const h of r.hidden ?? []) writeOut(2, `kreview reply: "${sanitizeLine(r.patch.subject)}": ${h.count} finding${h.count > 1 ? 's' : ''} left out, ${HIDDEN_BY[h.by]}\n`);
    }
  }
  const me = gitIdentity();
  const mails: string[] = [];
  for (const inp of result.inputs) {
    for (const r of inp.patches) {
      const m = draftReply(r, { me, questions: (rule, id) => rules.find((x) => x.id === rule)?.meta.questions?.[id] });
      if (!m) continue;
      mails.push(m);
      const problem = threadingProblem(r.patch);
      if (problem) writeOut(2, `kreview reply: warning: "${sanitizeLine(r.patch.subject)}": ${problem}\n`);
    }
  }
  if (!mails.length) {
    writeOut(2, 'kreview reply: nothing to reply about (no findings)\n');
    return bad ? 2 : 0;
  }
  const text = mails.length === 1 ? mails[0]! : mails.map((m) => `From kreview Thu Jan  1 00:00:00 1970\n${m.replace(/^(>*From )/gm, '>$1')}`).join('\n');
  if (o.output) writeFileSync(o.output, text);
  else writeOut(1, text);
  return bad ? 2 : 0;
}
