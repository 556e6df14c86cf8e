// Options shared by `kreview check` and `kreview audit`: checkpatch.pl's
// flags and kreview's own, parsed once, and the output step.

import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, str, typeSet, UsageError, type Specs } from './args.js';
import { readConfigWords } from './config.js';
import type { Level } from '../src/engine/finding.js';
import type { CheckResult } from '../src/engine/result.js';
import { sanitizeLine } from '../src/report/sanitize.js';
import { formatSarif } from '../src/report/sarif.js';
import { formatB4 } from '../src/report/b4.js';
import { formatText } from '../src/report/checkpatch.js';
import { formatJson } from '../src/report/json.js';
import { isTTY, writeOut } from './io.js';

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
  color: { kind: 'string' },
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
  output: { kind: 'string', short: 'o' },
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
  --color[=WHEN]         always, never or auto (default: auto, also for a bare
                         --color); --no-color and --nocolor mean never
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

/**
 * checkpatch spells --tree as a flag and --root=DIR as the tree; kreview also
 * takes --tree=DIR / --tree DIR. A bare --color is --color=auto and never
 * takes the next word (checkpatch.pl rewrites it the same way, so
 * `--color never` is auto and a file named "never"); --no-color and
 * --nocolor are --color=never, in their place on the line, so the last one
 * given wins.
 */
function preprocess(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (a === '--color' || a === '-color') out.push('--color=auto');
    else if (a === '--no-color' || a === '--nocolor' || a === '-no-color' || a === '-nocolor') out.push('--color=never');
    else if (a.startsWith('--tree=')) out.push(`--kernel-tree=${a.slice(7)}`);
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

export interface CommonOptions {
  positionals: string[];
  flags: Record<string, boolean>;
  failLevel: Level;
  format: 'text' | 'json' | 'sarif' | 'b4';
  allow: Map<string, string[]>;
  strict: boolean;
  types: Set<string>;
  ignore: Set<string>;
  tree: string | undefined;
  base: string | undefined;
  output: string | undefined;
  color: 'always' | 'never' | 'auto' | undefined;
}

export const FORMATS = ['text', 'json', 'sarif', 'b4'] as const;

/** Parse argv (after .kreview.conf words); a usage problem prints one line and returns 2. */
export function parseCommon(cmd: string, argv: string[], help: string): CommonOptions | number {
  let p;
  try {
    p = parseArgs([...readConfigWords(process.cwd()), ...preprocess(argv)], CHECK_SPECS);
  } catch (err) {
    if (err instanceof UsageError) {
      writeOut(2, `kreview ${cmd}: ${err.message} (try 'kreview ${cmd} --help')\n`);
      return 2;
    }
    throw err;
  }
  if (p.flags.help) {
    writeOut(1, help);
    return 0;
  }
  const failLevel = parseLevel(str(p, 'fail-level') ?? 'warning');
  const format = str(p, 'format') ?? 'text';
  if (!failLevel) {
    writeOut(2, `kreview ${cmd}: unknown fail level '${str(p, 'fail-level')}' (error, warning or check)\n`);
    return 2;
  }
  const color = str(p, 'color')?.toLowerCase();
  if (color !== undefined && !['always', 'never', 'auto'].includes(color)) {
    writeOut(2, `kreview ${cmd}: invalid color mode: ${str(p, 'color')} (always, never or auto)\n`);
    return 2;
  }
  if (!(FORMATS as readonly string[]).includes(format)) {
    writeOut(2, `kreview ${cmd}: unknown format '${format}' (${FORMATS.join(', ')})\n`);
    return 2;
  }
  const allow = new Map<string, string[]>();
  for (const a of p.strings.allow ?? []) {
    const i = a.indexOf(':');
    if (i <= 0) {
      writeOut(2, `kreview ${cmd}: --allow wants TYPE:PATTERN, got '${a}'\n`);
      return 2;
    }
    const t = a.slice(0, i).toUpperCase();
    allow.set(t, [...(allow.get(t) ?? []), a.slice(i + 1)]);
  }
  return {
    positionals: p.positionals,
    flags: p.flags,
    failLevel,
    format: format as CommonOptions['format'],
    allow,
    strict: !!(p.flags.strict || p.flags.subjective),
    types: typeSet(p, 'types'),
    ignore: typeSet(p, 'ignore'),
    tree: str(p, 'kernel-tree') ?? str(p, 'root'),
    base: str(p, 'base'),
    output: str(p, 'output'),
    color: color as CommonOptions['color'],
  };
}

/**
 * Colour for the text report. --color=always/never decide; auto (the
 * default) colours a terminal, as checkpatch.pl does, and follows the Node
 * ecosystem's variables (supports-color, Node's own tty): FORCE_COLOR=0 or
 * false turns it off, any other FORCE_COLOR on (pipes too), and a non-empty
 * NO_COLOR (no-color.org) turns it off. FORCE_COLOR wins over NO_COLOR, as
 * in Node.
 */
export function useColor(when: CommonOptions['color'], env: NodeJS.ProcessEnv, tty: () => boolean): boolean {
  if (when === 'always') return true;
  if (when === 'never') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR) return false;
  return tty();
}

/** Print the result in the chosen format; returns the exit status (2 when any input was bad). */
export async function emit(result: CheckResult, o: CommonOptions, extra: { all?: boolean; countPreexisting?: boolean } = {}): Promise<number> {
  let bad = false;
  for (const inp of result.inputs) {
    for (const e of inp.errors) {
      bad = true;
      writeOut(2, `kreview: ${sanitizeLine(e.oneLine())}\n`);
    }
    for (const r of inp.patches) {
      for (const e of r.errors) {
        if (e.kind === 'apply') continue; // a hunk that did not apply is a note, not bad input
        bad = true;
        writeOut(2, `kreview: ${sanitizeLine(e.oneLine())}\n`);
      }
    }
  }
  const filter = { all: !!o.flags.all || !!extra.all, strict: o.strict, types: o.types, ignore: o.ignore };
  if (extra.countPreexisting) for (const inp of result.inputs) for (const r of inp.patches) for (const f of r.findings) if (f.status === 'preexisting') f.status = 'introduced';
  const color = useColor(o.color, process.env, () => !o.output && isTTY(1));
  let out: { stdout: string; exit: 0 | 1 };
  switch (o.format) {
    case 'json':
      out = formatJson(result, filter, o.failLevel);
      break;
    case 'sarif':
      out = await formatSarif(result, filter, o.failLevel);
      break;
    case 'b4':
      out = formatB4(result, filter, o.failLevel);
      break;
    default:
      out = formatText(result, {
        ...filter,
        quiet: !!o.flags.quiet,
        terse: !!o.flags.terse,
        showfile: !!o.flags.showfile,
        emacs: !!o.flags.emacs,
        summary: o.flags.summary !== false,
        mailback: !!o.flags.mailback,
        showTypes: !!o.flags['show-types'],
        color,
        witness: o.flags.witness !== false,
        failLevel: o.failLevel,
      });
  }
  if (o.output) writeFileSync(o.output, out.stdout);
  else writeOut(1, out.stdout);
  if (bad) return 2;
  return out.exit;
}
