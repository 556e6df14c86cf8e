// `kreview index --tree DIR [PATH...]`: fill the facts cache for a tree (the
// default scope when no PATH is given), using both cores.

import { parseArgs, str, UsageError } from '../args.js';
import { writeOut } from '../io.js';

const HELP = `usage: kreview index [--tree DIR] [PATH...]

Indexes the tree's C files (default scope: fs mm block io_uring drivers/block
drivers/nvme/target drivers/target include/linux) into the cache, so later
checks and audits start warm. Without --tree, the current directory must be
the top of a kernel tree.
`;

export async function run(argv: string[]): Promise<number> {
  let p;
  try {
    p = parseArgs(argv, { help: { kind: 'flag', short: 'h' }, tree: { kind: 'string' }, quiet: { kind: 'flag', short: 'q' } });
  } catch (err) {
    if (err instanceof UsageError) {
      writeOut(2, `kreview index: ${err.message}\n${HELP}`);
      return 2;
    }
    throw err;
  }
  if (p.flags.help) {
    writeOut(1, HELP);
    return 0;
  }
  const { openTree } = await import('../../src/tree/trees.js');
  const { indexTree, DEFAULT_SCOPE } = await import('../../src/cgraph/indexer.js');
  const { InputError } = await import('../../src/patch/types.js');
  let tree;
  try {
    tree = await openTree({ ...(str(p, 'tree') ? { tree: str(p, 'tree')! } : {}), cwd: process.cwd() });
  } catch (err) {
    if (err instanceof InputError) {
      writeOut(2, `kreview: ${err.oneLine()}\n`);
      return 2;
    }
    throw err;
  }
  if (tree.kind === 'empty') {
    writeOut(2, 'kreview index: no kernel tree: use --tree DIR or run at the top of a kernel tree\n');
    return 2;
  }
  const tty = process.stderr.isTTY && !p.flags.quiet;
  const { stats } = await indexTree(tree, p.positionals.length ? p.positionals : DEFAULT_SCOPE, {
    discard: true,
    ...(tty ? { progress: (d: number, t: number) => writeOut(2, `\r\x1b[Kindexing ${d}/${t}`) } : {}),
  });
  if (tty) writeOut(2, '\r\x1b[K');
  if (!p.flags.quiet) {
    writeOut(1, 
      `${tree.describe()}: ${stats.files} files (${stats.cached} cached, ${stats.indexed} indexed${stats.workers ? ` on ${stats.workers} workers` : ''}), ` +
        `${stats.functions ? `${stats.functions} functions, ` : ''}${stats.seconds.toFixed(2)} s\n`,
    );
  }
  return 0;
}
