// The default text output, shaped like scripts/checkpatch.pl's so that
// people, editors, b4 and CI scripts that read checkpatch read kreview too:
//   LEVEL:TYPE: message
//   #N: FILE: path:line:
//   +the offending line
//   <witness, indented>
//   (blank)
//   total: N errors, N warnings, [N checks, ]N lines checked
// checkpatch.pl report() and process() are the reference for every flag.

import type { Finding, Level } from '../engine/finding.js';
import type { CheckResult, Filter, PatchReport } from '../engine/result.js';
import { failing, fixedLaterNote, HIDDEN_BY, shownHidden, visibleFindings } from '../engine/result.js';
import { sanitize, sanitizeLine, terminalSafe } from './sanitize.js';
import type { Patch } from '../patch/types.js';

export interface TextOptions extends Filter {
  quiet: boolean;
  terse: boolean;
  showfile: boolean;
  emacs: boolean;
  summary: boolean;
  mailback: boolean;
  showTypes: boolean;
  color: boolean;
  /** Print the witness under each finding (default on; --terse drops it). */
  witness: boolean;
  failLevel: Level;
  /** checkpatch's --summary-file: the input's name before `total:`. */
  summaryFile?: boolean;
  /** checkpatch's -v: TYPE -> why it matters, printed after the first finding of each TYPE. */
  why?: ReadonlyMap<string, string>;
}

const C = { RED: '\x1b[31m', YELLOW: '\x1b[33m', GREEN: '\x1b[32m', BLUE: '\x1b[34m', RESET: '\x1b[0m' };

export interface Unit {
  /** checkpatch's $vname: the name printed in headers and closing sentences. */
  vname: string;
  /** The file name used by --emacs/--terse prefixes. */
  filename: string;
  report: PatchReport;
  /** Line offset of this message inside its input (mbox), so `#N` is an input line. */
  lineOffset: number;
}

/** One unit per patch, as checkpatch.pl treats each file (or commit) it is given. */
export function units(result: CheckResult): Unit[] {
  const out: Unit[] = [];
  for (const inp of result.inputs) {
    const many = inp.patches.length > 1;
    for (const r of inp.patches) {
      const p = r.patch;
      // checkpatch.pl --git names each commit by its full id in --terse and --emacs prefixes
      // an input's name can come from a patch too (a file in a directory given, a git revision)
      const filename = sanitizeLine(p.commit && p.source.startsWith('git:') ? p.commit : inp.input);
      out.push({ vname: vname(sanitizeLine(inp.input), p, many), filename, report: r, lineOffset: (p.startLine ?? 1) - 1 });
    }
  }
  return out;
}

function vname(input: string, p: Patch, many: boolean): string {
  if (p.commit && p.source.startsWith('git:')) return `Commit ${p.commit.slice(0, 12)} ("${sanitizeLine(p.subject)}")`;
  if (input === '-') return p.subject ? `"${sanitizeLine(p.subject)}"` : 'Your patch';
  if (many) return `${input} (${positionText(p)}"${sanitizeLine(p.subject)}")`;
  return input;
}

function positionText(p: Patch): string {
  const pos = p.position;
  return pos.total > 1 || pos.index !== 1 ? `${pos.index}/${pos.total} ` : '';
}

/** Lines checkpatch counts as checked: every line inside a hunk (measured against checkpatch.pl on the erofs archive). */
export function linesChecked(p: Patch): number {
  let n = 0;
  for (const f of p.files) for (const h of f.hunks) n += h.lines.length;
  return n;
}

export function formatText(result: CheckResult, o: TextOptions): { stdout: string; exit: 0 | 1 } {
  const all = units(result);
  let out = '';
  let exit: 0 | 1 = 0;
  const multi = all.length > 1;
  const explained = new Set<string>();
  for (const u of all) {
    const shown = visibleFindings(u.report, o);
    const fails = failing(u.report, o, o.failLevel);
    if (fails.length) exit = 1;
    const clean = shown.length === 0;
    // a corrupt patch (a line-wrapped hunk, bad MIME) was not fully read: never "ready for submission"
    const broken = u.report.errors.some((e) => e.kind !== 'apply');
    const doubts = u.report.doubts ?? [];
    // findings left out are said in every mode, -q, --terse and --mailback included
    const hidden = shownHidden(u.report, o).map((h) => `${h.count} finding${h.count > 1 ? 's' : ''} hidden, ${HIDDEN_BY[h.by]}: ${sanitizeLine(h.detail ?? '')}`);
    if (o.mailback && clean && !broken && !hidden.length && !doubts.length) continue;
    // what a later patch fixes is said apart: it is no doubt and does not keep --mailback talking
    const later = fixedLaterNote(u.report, o);
    if (later) hidden.push(sanitizeLine(later));
    if (multi && !o.quiet && !o.terse) {
      const dash = '-'.repeat(u.vname.length);
      out += `${dash}\n${u.vname}\n${dash}\n`;
    }
    for (const f of shown) {
      out += finding(f, u, o);
      const why = o.why?.get(f.type);
      if (why && !explained.has(f.type)) {
        explained.add(f.type);
        out += `${why}\n\n`;
      }
    }
    if (o.terse || o.emacs) for (const h of hidden) out += `${u.filename}: NOTE: ${h}\n`;
    const counts = { ERROR: 0, WARNING: 0, CHECK: 0 };
    for (const f of shown) counts[f.level]++;
    if (o.summary && !(clean && (o.quiet || o.terse))) {
      out +=
        (o.summaryFile ? `${u.filename} ` : '') +
        `total: ${counts.ERROR} errors, ${counts.WARNING} warnings, ` +
        (o.strict ? `${counts.CHECK} checks, ` : '') +
        `${u.report.linesChecked ?? linesChecked(u.report.patch)} lines checked\n`;
    }
    if (!o.terse && !o.emacs) for (const h of hidden) out += `${o.quiet ? '' : '\n'}NOTE: ${h}\n`;
    if (!o.quiet && !o.terse) {
      for (const n of [...u.report.notes, ...doubts]) out += `\nNOTE: ${sanitizeLine(n)}\n`;
      out += '\n';
      out += broken
        ? `${u.vname} is malformed (see the errors on stderr) and was not fully checked, please review.\n`
        : !clean
          ? `${u.vname} has style problems, please review.\n`
          : doubts.length
            ? `${u.vname} was not fully checked as it would apply (see the notes), please review.\n`
            : `${u.vname} has no obvious style problems and is ready for submission.\n`;
    } else {
      // what could not be checked as asked is said even when only findings are wanted (b4 reads it as a warning)
      for (const d of doubts) out += `${o.terse || o.emacs ? `${u.filename}: ` : ''}NOTE: ${sanitizeLine(d)}\n`;
    }
  }
  if (exit && !o.quiet && !o.terse) {
    out += '\nNOTE: If any of the errors are false positives, please report\n      them to the kreview maintainers; `kreview explain TYPE` lists known false-positive shapes.\n';
  }
  return { stdout: terminalSafe(out, o.color), exit };
}

function finding(f: Finding, u: Unit, o: TextOptions): string {
  const color = (s: string, c: string): string => (o.color ? c + s + C.RESET : s);
  const levelColor = f.level === 'ERROR' ? C.RED : f.level === 'WARNING' ? C.YELLOW : C.GREEN;
  const patchLine = f.patchLine !== undefined ? f.patchLine + u.lineOffset : undefined;
  let prefix = '';
  // file names come from the patch's diff headers
  const file = sanitizeLine(f.file);
  if (o.showfile) prefix = `${file}:${f.line}: `;
  // a finding on a line the patch does not show has no patch position: name the source line
  else if (o.emacs || o.terse) prefix = patchLine !== undefined ? `${u.filename}:${patchLine}: ` : `${file}:${f.line}: `;
  const type = o.showTypes ? (o.color ? `${C.BLUE}${f.type}:` : `${f.type}:`) : '';
  const head = o.color ? `${levelColor}${prefix}${f.level}:${type}${C.RESET}` : `${prefix}${f.level}:${type}`;
  const msg = sanitizeLine(f.message) + statusSuffix(f);
  let s = `${head} ${msg}\n`;
  if (o.terse) return s;
  if (!o.showfile) s += `${patchLine !== undefined ? `#${patchLine}: ` : ''}FILE: ${file}:${f.line}:\n`;
  if (f.lineText !== undefined) s += `${sanitize(f.lineText)}\n`;
  if (o.witness) s += witness(f, color);
  return s + '\n';
}

function statusSuffix(f: Finding): string {
  switch (f.status) {
    case 'introduced':
      return '';
    case 'moved':
      return ' [moved by this patch]';
    case 'preexisting':
      return ' [pre-existing]';
    case 'fixed-later':
      return f.fixedBy ? ` [fixed later in the series by patch ${f.fixedBy.index}]` : ' [fixed later in the series]';
  }
}

function witness(f: Finding, color: (s: string, c: string) => string): string {
  let s = '';
  for (const w of f.witness) s += `    ${w.kind.padEnd(6)} ${sanitizeLine(w.text)}  ${color(`${sanitizeLine(w.file)}:${w.line}`, C.BLUE)}\n`;
  for (const r of f.related) s += `    see    ${sanitizeLine(r.message)}  ${sanitizeLine(r.file)}:${r.line}\n`;
  s += `    confidence: ${f.confidence}${f.fromPatchText ? ' (judged from the patch text and the embedded model, not a full tree)' : ''}\n`;
  return s;
}
