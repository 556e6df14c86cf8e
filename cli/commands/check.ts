// `kreview check`: checkpatch.pl's interface, kreview's rules.

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, str, typeSet, UsageError, type Specs } from '../args.js';
import { readConfigWords } from '../config.js';
import { runCheck } from '../../src/engine/run.js';
import type { Level } from '../../src/engine/finding.js';
import type { CheckResult } from '../../src/engine/result.js';
import { formatText } from '../../src/report/checkpatch.js';
import { formatJson } from '../../src/report/json.js';

export const CHECK_SPECS: Specs = {
  help: { kind: 'flag', short: 'h' },
  quiet: { kind: 'flag', short: 'q' },
  terse: { kind: 'flag' },
  showfile: { kind: 'flag' },
  emacs: { kind: 'flag' },
  summary: { kind: 'flag' },
  mailback: { kind: 'flag' },
  'show-types': { kind: 'flag' },
  types: { kind: 'string', repeat: true },
  ignore: { kind: 'string', repeat: true },
  color: { kind: 'string', optionalValue: 'always' },
  strict: { kind: 'flag' },
  subjective: { kind: 'flag' },
  all: { kind: 'flag' },
  witness: { kind: 'flag' },
  'fail-level': { kind: 'string' },
  format: { kind: 'string' },
  git: { kind: 'flag', short: 'g' },
  tree: { kind: 'flag' },
  'kernel-tree': { kind: 'string', short: 't' },
  root: { kind: 'string' },
  base: { kind: 'string' },
  allow: { kind: 'string', repeat: true },
  debug: { kind: 'flag' },
  patch: { kind: 'flag' },
};

export const CHECK_HELP = `usage: kreview check [options] INPUT...

INPUT is a format-patch file, a mail (.eml), an mbox, a directory of patches,
'-' for stdin, or with --git a revision or range (a..b, rev, rev-N).

checkpatch.pl-compatible options:
  -q, --quiet            only print findings and the summary
  --terse                one line per finding: INPUT:LINE: LEVEL:TYPE: message
  --showfile             print the diffed file position, not the patch position
  --emacs                emacs compile window format
  --no-summary           no per-patch summary line
  --mailback             print nothing and exit 0 when there is nothing to report
  --show-types           print the TYPE of each finding
  --types T,...          only these TYPEs      --ignore T,...  not these TYPEs
  --color[=WHEN]         always, never or auto (default auto)
  --strict               also show CHECK-level findings
  -g, --git              INPUTs are git revisions or ranges
  --root DIR             the kernel tree (same as --tree=DIR below)

kreview options:
  --tree=DIR             apply the series to this kernel tree (default: the current
                         directory when it is the top of one)
  --no-tree              never use a tree: patch-only mode with the embedded model
  --base REV             read the tree at this git revision (default: base-commit:
                         from the series, when the tree has it)
  --all                  also show pre-existing and fixed-later findings
  --no-witness           do not print the evidence under each finding
  --fail-level LEVEL     error, warning (default) or check: what makes exit status 1
  --format FORMAT        text (default), json
  --allow TYPE:PATTERN   accept findings of TYPE in files (and functions) matching
                         PATTERN, e.g. VFS_INTERNAL_HELPER:fs/btrfs/*
  --debug                stack traces for internal errors

Options are also read from .kreview.conf in ., $HOME and .scripts.
Exit status: 0 nothing to report, 1 findings, 2 bad input or usage.
`;

export async function run(argv: string[]): Promise<number> {
  let p;
  try {
    p = parseArgs([...readConfigWords(process.cwd()), ...preprocess(argv)], CHECK_SPECS);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`kreview check: ${err.message}\n${CHECK_HELP}`);
      return 2;
    }
    throw err;
  }
  if (p.flags.help) {
    process.stdout.write(CHECK_HELP);
    return 0;
  }
  if (!p.positionals.length) {
    process.stderr.write(`kreview check: no input given (use '-' for stdin)\n`);
    return 2;
  }
  const failLevel = parseLevel(str(p, 'fail-level') ?? 'warning');
  const format = str(p, 'format') ?? 'text';
  if (!failLevel || !['text', 'json'].includes(format)) {
    process.stderr.write(`kreview check: ${failLevel ? `unknown format '${format}'` : `unknown fail level '${str(p, 'fail-level')}'`}\n`);
    return 2;
  }
  const allow = new Map<string, string[]>();
  for (const a of p.strings.allow ?? []) {
    const i = a.indexOf(':');
    if (i <= 0) {
      process.stderr.write(`kreview check: --allow wants TYPE:PATTERN, got '${a}'\n`);
      return 2;
    }
    const t = a.slice(0, i).toUpperCase();
    allow.set(t, [...(allow.get(t) ?? []), a.slice(i + 1)]);
  }
  const strict = !!(p.flags.strict || p.flags.subjective);
  const types = typeSet(p, 'types');
  const ignore = typeSet(p, 'ignore');
  const treeDir = str(p, 'kernel-tree') ?? str(p, 'root');
  const result: CheckResult = await runCheck({
    inputs: p.positionals,
    cwd: process.cwd(),
    git: !!p.flags.git,
    ...(treeDir ? { tree: treeDir } : {}),
    ...(str(p, 'base') ? { base: str(p, 'base')! } : {}),
    noTree: p.flags.tree === false,
    stdin: process.stdin,
    types,
    ignore,
    allow,
    ...(process.stderr.isTTY && !p.flags.quiet ? { progress: (m: string) => process.stderr.write(`\r\x1b[K${m}`) } : {}),
  });
  // one line per bad input on stderr, naming it; everything else is still reported
  let bad = false;
  for (const inp of result.inputs) {
    for (const e of inp.errors) {
      bad = true;
      process.stderr.write(`kreview: ${e.oneLine()}\n`);
    }
    for (const r of inp.patches) {
      for (const e of r.errors) {
        if (e.kind === 'apply') continue; // a hunk that did not apply is a note, not bad input
        bad = true;
        process.stderr.write(`kreview: ${e.oneLine()}\n`);
      }
    }
  }
  const filter = { all: !!p.flags.all, strict, types, ignore };
  const colorWhen = str(p, 'color') ?? 'auto';
  const color = colorWhen === 'always' || (colorWhen === 'auto' && !!process.stdout.isTTY && !process.env.NO_COLOR);
  const out =
    format === 'json'
      ? formatJson(result, filter, failLevel)
      : formatText(result, {
          ...filter,
          quiet: !!p.flags.quiet,
          terse: !!p.flags.terse,
          showfile: !!p.flags.showfile,
          emacs: !!p.flags.emacs,
          summary: p.flags.summary !== false,
          mailback: !!p.flags.mailback,
          showTypes: !!p.flags['show-types'],
          color,
          witness: p.flags.witness !== false,
          failLevel,
        });
  process.stdout.write(out.stdout);
  if (bad) return 2;
  return out.exit;
}

/** checkpatch spells --tree as a flag and --root=DIR as the tree; kreview also takes --tree=DIR / --tree DIR. */
function preprocess(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--tree=')) out.push(`--kernel-tree=${a.slice(7)}`);
    else if (a === '--tree' && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-') && looksLikeTree(argv[i + 1]!)) {
      out.push(`--kernel-tree=${argv[i + 1]}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** A kernel (or any source) tree, not a directory of patches: `--tree DIR` takes it as the tree. */
function looksLikeTree(p: string): boolean {
  try {
    return statSync(p).isDirectory() && ['fs', 'include', 'Makefile', '.git'].some((n) => existsSync(join(p, n)));
  } catch {
    return false;
  }
}

function parseLevel(s: string): Level | undefined {
  const u = s.toUpperCase();
  return u === 'ERROR' || u === 'WARNING' || u === 'CHECK' ? u : undefined;
}
