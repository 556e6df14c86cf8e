// Options shared by `kreview check` and `kreview audit`: checkpatch.pl's
// flags and kreview's own, parsed once, and the output step.

import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useModel } from './model-option.js';
import { ENVIRONMENT } from './environment.js';
import { useColor, type ColorWhen } from './color.js';

export { useColor };
import { parseArgs, str, typeSet, UsageError, type Specs } from './args.js';
import { readConfig } from './config.js';
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
  verbose: { kind: 'flag', short: 'v' },
  terse: { kind: 'flag' },
  showfile: { kind: 'flag' },
  emacs: { kind: 'flag' },
  summary: { kind: 'flag' },
  'summary-file': { kind: 'flag' },
  mailback: { kind: 'flag' },
  'show-types': { kind: 'flag' },
  'list-types': { kind: 'flag' },
  types: { kind: 'string', repeat: true },
  ignore: { kind: 'string', repeat: true },
  'test-only': { kind: 'string' },
  color: { kind: 'string' },
  strict: { kind: 'flag' },
  subjective: { kind: 'flag' },
  file: { kind: 'flag', short: 'f' },
  all: { kind: 'flag' },
  witness: { kind: 'flag' },
  'fail-level': { kind: 'string' },
  format: { kind: 'string' },
  git: { kind: 'flag', short: 'g' },
  tree: { kind: 'flag' },
  'kernel-tree': { kind: 'string', short: 't' },
  root: { kind: 'string' },
  base: { kind: 'string' },
  model: { kind: 'string' },
  allow: { kind: 'string', repeat: true },
  debug: { kind: 'flag' },
  patch: { kind: 'flag' },
  output: { kind: 'string', short: 'o' },
  // checkpatch.pl's style and commit-message checks: kreview makes none of
  // them, so b4 and CI command lines that pass them are accepted as they are
  signoff: { kind: 'flag' },
  'fixes-tag': { kind: 'flag' },
  codespell: { kind: 'flag' },
  codespellfile: { kind: 'string' },
  'max-line-length': { kind: 'string' },
  'min-conf-desc-length': { kind: 'string' },
  'tab-size': { kind: 'string' },
  typedefsfile: { kind: 'string' },
  'kconfig-prefix': { kind: 'string' },
  'ignore-perl-version': { kind: 'flag' },
  fix: { kind: 'flag' },
  'fix-inplace': { kind: 'flag' },
};

/** checkpatch.pl options that take a number (Getopt's `=i`): a word that is not one is a usage error there too. */
const NUMERIC_INERT = ['max-line-length', 'min-conf-desc-length', 'tab-size'];

export const CHECK_HELP = `usage: kreview check [options] INPUT...
       kreview check -f [options] FILE...
       kreview check --list-types [-v]

INPUT is a format-patch file, a mail (.eml), an mbox, a directory of patches,
'-' for stdin, or with --git a revision or range (a..b, rev, rev-N).

checkpatch.pl's options, with the meaning they have for kreview:
  -q, --quiet            only print findings and the summary
  -v, --verbose          after the first finding of each TYPE, say why it matters
                         (from the rule's documentation: kreview explain TYPE)
  --terse                one line per finding: INPUT:LINE: LEVEL:TYPE: message
  --showfile             print the diffed file position, not the patch position
  --emacs                emacs compile window format
  --no-summary           no per-patch summary line
  --summary-file         name the input on the summary line
  --mailback             print nothing and exit 0 when there is nothing to report
  --show-types           print the TYPE of each finding
  --list-types           list the TYPEs kreview reports (-v: and why each matters)
  --types T,...          only these TYPEs      --ignore T,...  not these TYPEs
  --test-only=WORD       only findings whose message holds WORD
  --color[=WHEN]         always, never or auto (default: auto, also for a bare
                         --color); --no-color and --nocolor mean never
  --strict, --subjective also show CHECK-level findings
  -f, --file             the inputs are source files of the tree: run the rules
                         over them as they are (as kreview audit does), in
                         checkpatch -f's layout
  -g, --git              INPUTs are git revisions or ranges
  --root=DIR             the kernel tree (same as --tree=DIR below)
  --no-tree              never use a tree: patch-only mode with the embedded model

Accepted and ignored, because kreview makes none of the checks they tune
(style, spelling, commit-message trailers): --[no-]signoff, --[no-]fixes-tag,
--[no-]codespell, --codespellfile=FILE, --max-line-length=N,
--min-conf-desc-length=N, --tab-size=N, --typedefsfile=FILE,
--kconfig-prefix=WORD, --ignore-perl-version, --patch. kreview never rewrites
a file, so --fix and --fix-inplace are refused.

kreview options:
  --tree=DIR             apply the series to this kernel tree (default: the current
                         directory when it is the top of one)
  --base REV             read the tree at this git revision (default: base-commit:
                         from the series, when the tree has it)
  --model DIR            use the model 'kreview model build' wrote to DIR instead
                         of the embedded one (also KREVIEW_MODEL=DIR)
  --all                  also show pre-existing and fixed-later findings
  --no-witness           do not print the evidence under each finding
  --fail-level LEVEL     error, warning (default) or check: what makes exit status 1
  --format FORMAT        text (default: checkpatch's layout), json (described in
                         docs/json.md), sarif (SARIF 2.1.0, for code scanning and
                         editors), b4 (the array b4 review stores per patch)
  -o, --output FILE      write the report to FILE instead of stdout
  --allow TYPE:PATTERN   accept findings of TYPE in files (and functions) matching
                         PATTERN, e.g. VFS_INTERNAL_HELPER:fs/btrfs/*
  --debug                stack traces for internal errors

Findings marked as false positives in 'kreview review' are left out, and
every format says how many and which; 'kreview triage list' shows the marks,
'kreview triage forget' undoes them.

Options are also read from .kreview.conf in ., $HOME and .scripts (the first
found), as checkpatch.pl reads .checkpatch.conf.

${ENVIRONMENT}
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
  color: ColorWhen | undefined;
  /** checkpatch's --test-only=WORD: only findings whose message holds WORD. */
  testOnly: string | undefined;
  /** --model DIR: a model `kreview model build` wrote. */
  model: string | undefined;
}

export const FORMATS = ['text', 'json', 'sarif', 'b4'] as const;

/**
 * Parse argv after the .kreview.conf words; a usage problem prints one line
 * and returns 2. The file's words are first checked on their own, so a bad
 * option there names the file.
 */
export function parseCommon(cmd: string, argv: string[], help: string): CommonOptions | number {
  const conf = readConfig(process.cwd());
  const usage = (where: string, msg: string): number => {
    writeOut(2, `kreview ${cmd}: ${where}${msg}\n`);
    return 2;
  };
  if (conf.path) {
    const own = interpret(conf.words);
    if (typeof own === 'string') return usage(`${conf.path}: `, own);
  }
  const o = interpret([...conf.words, ...argv]);
  if (typeof o === 'string') return usage('', o);
  if (o.flags.help) {
    writeOut(1, help);
    return 0;
  }
  const model = useModel(cmd, o.model);
  if (model !== undefined) return model;
  return o;

  function interpret(words: string[]): CommonOptions | string {
    let p;
    try {
      p = parseArgs(preprocess(words), CHECK_SPECS);
    } catch (err) {
      if (err instanceof UsageError) return `${err.message} (try 'kreview ${cmd} --help')`;
      throw err;
    }
    const failLevel = parseLevel(str(p, 'fail-level') ?? 'warning');
    const format = str(p, 'format') ?? 'text';
    if (!failLevel) return `unknown fail level '${str(p, 'fail-level')}' (error, warning or check)`;
    const color = str(p, 'color')?.toLowerCase();
    if (color !== undefined && !['always', 'never', 'auto'].includes(color)) return `invalid color mode: ${str(p, 'color')} (always, never or auto)`;
    if (!(FORMATS as readonly string[]).includes(format)) return `unknown format '${format}' (${FORMATS.join(', ')})`;
    for (const n of NUMERIC_INERT) {
      const v = str(p, n);
      if (v !== undefined && !/^\d+$/.test(v)) return `option --${n} wants a number, got '${v}'`;
    }
    if (p.flags.fix || p.flags['fix-inplace']) return `--${p.flags.fix ? 'fix' : 'fix-inplace'}: kreview never rewrites files (it reports; the fix is the author's)`;
    const allow = new Map<string, string[]>();
    for (const a of p.strings.allow ?? []) {
      const i = a.indexOf(':');
      if (i <= 0) return `--allow wants TYPE:PATTERN, got '${a}'`;
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
      testOnly: str(p, 'test-only'),
      model: str(p, 'model'),
    };
  }
}

/**
 * What -v prints after the first finding of each TYPE, as checkpatch.pl -v
 * prints Documentation/dev-tools/checkpatch.rst's text: the "Why is this
 * bad?" section of the rule's README (what `kreview explain TYPE` shows).
 */
export async function ruleWhys(): Promise<Map<string, string>> {
  const { loadRules, ruleDoc } = await import('../src/engine/registry.js');
  const out = new Map<string, string>();
  for (const r of await loadRules()) {
    const why = docSection(ruleDoc(r.id) ?? '', 'Why is this bad?');
    if (why) out.set(r.meta.type, why);
  }
  return out;
}

/** The text under a `## Heading` of a rule README, up to the next heading. */
export function docSection(md: string, heading: string): string | undefined {
  const lines = md.split('\n');
  const at = lines.findIndex((l) => l.trim() === `## ${heading}`);
  if (at < 0) return undefined;
  const end = lines.findIndex((l, i) => i > at && /^#{1,2} /.test(l));
  const text = lines.slice(at + 1, end < 0 ? undefined : end).join('\n').trim();
  return text || undefined;
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
  if (o.testOnly !== undefined) for (const inp of result.inputs) for (const r of inp.patches) r.findings = r.findings.filter((f) => f.message.includes(o.testOnly!));
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
        summaryFile: !!o.flags['summary-file'],
        ...(o.flags.verbose ? { why: await ruleWhys() } : {}),
      });
  }
  if (o.output) writeFileSync(o.output, out.stdout);
  else writeOut(1, out.stdout);
  if (bad) return 2;
  return out.exit;
}
