#!/usr/bin/env node
// kreview's entry point: stays tiny. Each command module is imported only
// when it runs (b4 and changesets do the same), so `kreview check` never pays
// for Ink, React or marked.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { installInterruptHandler } from '../src/interrupt.js';
import { nodeRequire } from '../src/runtime.js';
import { installCompileCache } from './compile-cache.js';
import { finish } from './exit-guard.js';
import { writeOut } from './io.js';
import { ENVIRONMENT } from './environment.js';

/** dist/bin: this bundle's directory (no URL to build in the CommonJS bundle). */
const binDir = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));

// Compiled code is cached between runs (Node's own cache from 22.1, ours on 20).
installCompileCache(join(binDir, '..', '..'));

/**
 * Commands, loaded only when run. The path is built at run time on purpose:
 * the bundler leaves it alone, so each command stays its own bundle.
 */
const COMMANDS = new Set(['check', 'audit', 'model', 'explain', 'reply', 'hook', 'index', 'graph', 'review', 'triage']);
const load = async (name: string): Promise<{ run(argv: string[]): Promise<number> }> => {
  // bundled commands are .cjs, loaded with require(): import() of a CommonJS
  // file runs Node's export lexer over the whole bundle first (~15 ms of a
  // 50 ms check). review and explain are .js (Ink and marked are ES modules).
  const cjs = join(binDir, 'commands', `${name}.cjs`);
  if (existsSync(cjs)) return nodeRequire()(cjs) as { run(argv: string[]): Promise<number> };
  return import(pathToFileURL(join(binDir, 'commands', `${name}.js`)).href);
};

const HELP = `usage: kreview <command> [options] [args]

Reviews Linux kernel patches for VFS layering bugs: raw ->read_iter()/->write_iter()
calls that skip rw_verify_area(), VFS-internal helpers used by filesystems, backing
files touched under the wrong credentials, and reads of another filesystem's page cache.

commands:
  check [options] INPUT...   check patches (file, mbox, directory, '-' for stdin, --git RANGE)
  audit [options] PATH...    run the rules over existing code in a kernel tree (no patch)
  review [options] INPUT...  review a series interactively (Ink TUI)
  reply [options] INPUT...   draft the review email for the findings
  explain [TYPE]             a rule's documentation, or the list of rules
  hook install|uninstall     a git sendemail-validate hook that runs kreview check
  triage list|forget         the false-positive marks made in review, shown and undone
  index [--tree DIR]         index a kernel tree into the cache (both cores)
  graph callers|callees|path|show NAME   what the code graph knows
  model build --tree DIR     build a model from a kernel tree (then use it with --model)

Run 'kreview <command> --help' for a command's options.
  -h, --help      this help
  -V, --version   print the version

${ENVIRONMENT}`;

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    writeOut(1, HELP);
    return first === undefined ? 2 : 0;
  }
  if (first === '-V' || first === '--version') {
    const { toolVersion } = await import('../src/version.js');
    writeOut(1, `kreview ${toolVersion()}\n`);
    return 0;
  }
  if (!COMMANDS.has(first)) {
    process.stderr.write(`kreview: unknown command '${first}' (try 'kreview --help')\n`);
    return 2;
  }
  // review hides the CI flags from Ink itself while it loads it (commands/review.ts)
  const cmd = await load(first);
  return cmd.run(rest);
}

// Ctrl-C: stop workers, remove partly written cache files, exit 130 like other tools
installInterruptHandler();

finish(main(process.argv.slice(2)));
