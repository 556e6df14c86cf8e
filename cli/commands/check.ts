// `kreview check`: checkpatch.pl's interface, kreview's rules.

import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { runCheck } from '../../src/engine/run.js';
import { TriageStore } from '../../src/engine/triage.js';
import type { CheckResult } from '../../src/engine/result.js';
import { CHECK_HELP, emit, parseCommon, ruleWhys, useColor, type CommonOptions } from '../options.js';
import { isTTY, writeOut } from '../io.js';
import { sanitizeLine } from '../../src/report/sanitize.js';

export interface CheckHooks {
  /** Rename inputs before the report is printed (the sendemail hook names the patches git gave it). */
  relabel?: (result: CheckResult) => void;
}

export async function run(argv: string[], hooks: CheckHooks = {}): Promise<number> {
  const o = parseCommon('check', argv, CHECK_HELP);
  if (typeof o === 'number') return o;
  if (o.flags['list-types']) return listTypes(o);
  if (!o.positionals.length) {
    writeOut(2, `kreview check: no input given (use '-' for stdin)\n`);
    return 2;
  }
  if (o.flags.file && o.flags.git) {
    // as checkpatch.pl says it
    writeOut(2, 'kreview check: --git cannot be used with --file\n');
    return 2;
  }
  if (o.flags.file) return checkFiles(o);
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
  hooks.relabel?.(result);
  return emit(result, o);
}

/** checkpatch.pl --list-types: `#\tMessage type`, then one numbered TYPE a line; -v adds why each matters. */
async function listTypes(o: CommonOptions): Promise<number> {
  const { loadRules } = await import('../../src/engine/registry.js');
  const rules = [...(await loadRules())].sort((a, b) => (a.meta.type < b.meta.type ? -1 : 1));
  const why = o.flags.verbose ? await ruleWhys() : undefined;
  const color = useColor(o.color, process.env, () => !o.output && isTTY(1));
  const paint: Record<string, string> = { ERROR: '\x1b[31m', WARNING: '\x1b[33m', CHECK: '\x1b[32m' };
  let out = '#\tMessage type\n\n';
  if (color) out += ` ( Color coding: ${paint.ERROR}ERROR\x1b[0m | ${paint.WARNING}WARNING\x1b[0m | ${paint.CHECK}CHECK\x1b[0m )\n\n`;
  for (const [i, r] of rules.entries()) {
    out += `${i + 1}\t${color ? `${paint[r.meta.level]}${r.meta.type}\x1b[0m` : r.meta.type}\n`;
    const w = why?.get(r.meta.type);
    if (w) out += `\t${w.replace(/\n/g, '\n\t')}\n\n`;
  }
  writeOut(1, out);
  return 0;
}

/**
 * checkpatch.pl -f: the inputs are source files, checked as they are. The
 * rules run over them as `kreview audit` runs them (every finding is the
 * file's own, so every one counts), and each file is reported in checkpatch
 * -f's layout: `#LINE: FILE: path:LINE:`, the line with a `+`, its own
 * `total:` line with the file's line count.
 */
async function checkFiles(o: CommonOptions): Promise<number> {
  const { openTree, DiskTree } = await import('../../src/tree/index.js');
  const { runAudit } = await import('../../src/engine/audit.js');
  const { InputError } = await import('../../src/patch/types.js');
  const cwd = process.cwd();
  let tree;
  try {
    tree = await openTree({ ...(o.tree ? { tree: o.tree } : {}), ...(o.base ? { base: o.base } : {}), cwd });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    writeOut(2, `kreview: ${sanitizeLine(err.oneLine())}\n`);
    return 2;
  }
  // outside a kernel tree the files are read where they are, the model supplies the rest
  if (tree.kind === 'empty' || o.flags.tree === false) tree = new DiskTree(cwd);
  const root = tree.root ?? cwd;
  const files: { name: string; rel: string; lines: number }[] = [];
  let bad = false;
  const fail = (msg: string): void => {
    bad = true;
    writeOut(2, `kreview: ${sanitizeLine(msg)}\n`);
  };
  for (const name of o.positionals) {
    const rel = relative(root, resolve(cwd, name));
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) {
      fail(`${name}: not inside the tree ${root} (-f checks the tree's own files)`);
      continue;
    }
    if (tree.kind === 'disk') {
      try {
        if (statSync(resolve(cwd, name)).isDirectory()) {
          fail(`${name}: is a directory (-f takes files; kreview audit takes directories)`);
          continue;
        }
      } catch {
        // the tree says below
      }
    }
    let text: string | null;
    try {
      text = await tree.read(rel);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      fail(err.oneLine());
      continue;
    }
    if (text === null) {
      fail(`${name}: no such file or directory`);
      continue;
    }
    // the lines `diff -u /dev/null FILE` shows, which checkpatch -f counts
    files.push({ name, rel, lines: text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0) });
  }
  const result: CheckResult = { mode: 'audit', ...(tree.describe ? { tree: tree.describe() } : {}), inputs: [] };
  if (files.length) {
    const audit = await runAudit({ tree, paths: [...new Set(files.map((f) => f.rel))], types: o.types, ignore: o.ignore, allow: o.allow });
    const whole = audit.inputs[0]!.patches[0]!;
    for (const f of files) {
      const findings = whole.findings
        .filter((x) => x.file === f.rel)
        .map((x) => ({ ...x, status: 'introduced' as const, patchLine: x.line, ...(x.lineText !== undefined ? { lineText: `+${x.lineText}` } : {}) }));
      result.inputs.push({
        input: f.name,
        errors: [],
        patches: [{ patch: { ...whole.patch, source: f.name, subject: f.name, rawSubject: f.name }, findings, errors: [], notes: [], kernelFiles: 1, linesChecked: f.lines }],
      });
    }
  }
  const exit = await emit(result, o);
  return bad ? 2 : exit;
}
