// `kreview audit`: the rules over existing code in a kernel tree, no patch.
// Every finding is pre-existing; the exit status is 1 when any is shown.

import { emit, parseCommon } from '../options.js';
import { writeOut } from '../io.js';

const HELP = `usage: kreview audit [--tree DIR] [options] PATH...

Runs the rules over existing code (files or directories of a kernel tree),
for maintainers who want to know what a subsystem already does. Without
--tree, the current directory must be the top of a kernel tree.

Takes check's output options: --format, --terse, --showfile, --show-types,
--types/--ignore, --allow, --strict, --color, -q.
`;

export async function run(argv: string[]): Promise<number> {
  const o = parseCommon('audit', argv, HELP);
  if (typeof o === 'number') return o;
  if (!o.positionals.length) {
    writeOut(2, 'kreview audit: name the paths to audit (e.g. fs/erofs drivers/block/loop.c)\n');
    return 2;
  }
  const { openTree } = await import('../../src/tree/trees.js');
  const { runAudit } = await import('../../src/engine/audit.js');
  const { InputError } = await import('../../src/patch/types.js');
  let tree;
  try {
    tree = await openTree({ ...(o.tree ? { tree: o.tree } : {}), ...(o.base ? { base: o.base } : {}), cwd: process.cwd() });
  } catch (err) {
    if (err instanceof InputError) {
      writeOut(2, `kreview: ${err.oneLine()}\n`);
      return 2;
    }
    throw err;
  }
  if (tree.kind === 'empty') {
    writeOut(2, 'kreview audit: no kernel tree: use --tree DIR or run at the top of a kernel tree\n');
    return 2;
  }
  const tty = process.stderr.isTTY && !o.flags.quiet;
  let result;
  try {
    result = await runAudit({
      tree,
      paths: o.positionals,
      types: o.types,
      ignore: o.ignore,
      allow: o.allow,
      ...(tty ? { progress: (d: number, t: number) => writeOut(2, `\r\x1b[Kindexing ${d}/${t}`) } : {}),
    });
  } catch (err) {
    if (err instanceof InputError) {
      writeOut(2, `kreview: ${err.oneLine()}\n`);
      return 2;
    }
    throw err;
  }
  if (tty) writeOut(2, '\r\x1b[K');
  return emit(result, o, { all: true, countPreexisting: true });
}
