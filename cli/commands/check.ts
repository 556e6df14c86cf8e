// `kreview check`: checkpatch.pl's interface, kreview's rules.

import { runCheck } from '../../src/engine/run.js';
import { TriageStore } from '../../src/engine/triage.js';
import { CHECK_HELP, emit, parseCommon } from '../options.js';
import { isTTY, writeOut } from '../io.js';

export async function run(argv: string[]): Promise<number> {
  const o = parseCommon('check', argv, CHECK_HELP);
  if (typeof o === 'number') return o;
  if (!o.positionals.length) {
    writeOut(2, `kreview check: no input given (use '-' for stdin)\n`);
    return 2;
  }
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
    ...(!o.flags.quiet && isTTY(2) ? { progress: (m: string) => writeOut(2, `\r\x1b[K${m}`) } : {}),
  });
  return emit(result, o);
}
