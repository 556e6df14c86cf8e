// Fragments (patch-only mode): a hunk parsed without its file. Code cut
// off from its definition belongs to the function git names in the hunk
// header, or to the column-0 definition head above it; two hunks of one
// function become one partial function with the lines between them hidden.

import type { FileFacts, FunctionFacts } from '../types.js';
import { functionName } from '../ctext.js';

export interface FragmentSection {
  startLine: number;
  endLine: number;
  /** git's hunk-header function context, e.g. `static int lo_rw_aio(struct loop_device *lo, ...`. */
  fn?: string;
  /** The section's lines, `startLine` first (blank where the hunk shows none). */
  lines: readonly string[];
}

/** Column-0 definition heads (`static int foo(...)` ... `{` alone on a line) in a fragment. */
export function definitionHeads(text: string): { name: string; decl: string; offset: number }[] {
  const out: { name: string; decl: string; offset: number }[] = [];
  const lines = text.split('\n');
  let off = 0;
  for (let i = 0; i < lines.length; off += lines[i]!.length + 1, i++) {
    const l = lines[i]!;
    if (!/^[A-Za-z_]/.test(l) || /;\s*$/.test(l) || /^(if|for|while|switch|return|else|do|case|default)\b/.test(l)) continue;
    const name = functionName(l);
    if (!name || !l.includes('(')) continue;
    for (let j = i; j < Math.min(lines.length, i + 8); j++) {
      if (lines[j] === '{') {
        out.push({ name, decl: lines.slice(i, j).join(' '), offset: off });
        break;
      }
      if (j > i && /;\s*$/.test(lines[j]!)) break;
    }
  }
  return out;
}

/** `static int lo_rw_aio(struct loop_device *lo, ...` -> `lo_rw_aio` */
export function sectionFunctionName(ctx: string | undefined): string | undefined {
  if (!ctx) return undefined;
  // the indexer names SYSCALL_DEFINEn(read, ...) bodies sys_read (parse.ts)
  const sys = /^\s*(COMPAT_)?SYSCALL_DEFINE[0-6]\s*\(\s*(\w+)/.exec(ctx);
  if (sys) return `${sys[1] ? 'compat_' : ''}sys_${sys[2]}`;
  return functionName(ctx);
}

/** Fragment mode: two hunks of one function become one partial function. */
export function mergePartials(facts: FileFacts): void {
  const byName = new Map<string, FunctionFacts>();
  const out: FunctionFacts[] = [];
  for (const f of facts.functions) {
    const prev = byName.get(f.name);
    if (!prev) {
      byName.set(f.name, f);
      out.push(f);
      continue;
    }
    // the lines between the two hunks are not shown: an override or a revert may hide there
    if (f.line > prev.endLine + 1) (prev.hidden ??= []).push({ from: prev.endLine + 1, to: f.line - 1 });
    const shift = prev.credScopes.length;
    prev.calls.push(...f.calls.map((c) => ({ ...c, creds: c.creds.map((i) => i + shift) })));
    prev.credScopes.push(...f.credScopes);
    prev.assigns.push(...f.assigns);
    prev.locals.push(...f.locals);
    if (!prev.params.length) prev.params = f.params;
    prev.line = Math.min(prev.line, f.line);
    prev.endLine = Math.max(prev.endLine, f.endLine);
    prev.partial = true;
    prev.headSeen = prev.headSeen && prev.line <= f.line;
  }
  facts.functions = out;
}

/**
 * git's heading when the hunk starts inside that function's signature (the
 * heading is the signature's first line, the hunk's first lines close its
 * parenthesis and open the body): the signature is then whole again with
 * the heading put back above the hunk. Undefined otherwise.
 */
export function signatureLead(sec: FragmentSection): string | undefined {
  const h = sec.fn;
  if (!h || /[;{}]/.test(h) || !functionName(h)) return undefined;
  let depth = parenDepth(h);
  if (depth <= 0) return undefined;
  for (let i = 0; i < Math.min(sec.lines.length, 8); i++) {
    const l = sec.lines[i]!;
    if (/[;}]/.test(l)) return undefined;
    depth += parenDepth(l);
    if (depth < 0) return undefined;
    if (depth === 0) {
      const rest = l.slice(l.lastIndexOf(')') + 1);
      return /\{\s*$/.test(rest) || sec.lines[i + 1]?.trim() === '{' ? h : undefined;
    }
  }
  return undefined;
}

function parenDepth(s: string): number {
  let d = 0;
  for (const c of s) {
    if (c === '(') d++;
    else if (c === ')') d--;
  }
  return d;
}

/** The callee of the call statementTailLead() opens; never kernel code, dropped from the facts. */
export const TAIL_CALLEE = '__kreview_statement_tail';

/**
 * A hunk that starts in the middle of a statement (the last arguments of a
 * call that began above it, `\t       i_size_read(file_inode(file)));`): a
 * line to put above it that opens as many calls as the tail closes, so the
 * parser reads one whole statement and what follows as what it is, and the
 * calls in the tail keep their lines. Undefined when the hunk starts at a
 * statement.
 */
export function statementTailLead(lines: readonly string[]): string | undefined {
  let depth = 0;
  for (let i = 0; i < Math.min(lines.length, 8); i++) {
    const l = lines[i]!;
    if (/[{}]/.test(l)) return undefined;
    depth += parenDepth(l);
    if (depth < 0) return /;\s*$/.test(l) ? `${TAIL_CALLEE}(`.repeat(-depth) : undefined;
    if (/;\s*$/.test(l)) return undefined;
  }
  return undefined;
}

/**
 * A hunk that ends inside an initialiser (`struct backing_file_ctx ctx = {`,
 * `.cred = file->f_cred,` and no more): the brackets that close it, and the
 * `;`, to put after the hunk so the declaration parses and `.cred` is seen.
 * Undefined when the hunk ends outside one (an open block closes itself).
 */
export function initializerTrail(lines: readonly string[]): string | undefined {
  const open: { ch: string; init: boolean }[] = [];
  let prev = '';
  let comment = false;
  for (const l of lines) {
    // one pass per line, skipping strings, character constants and comments
    let quote = '';
    for (let i = 0; i < l.length; i++) {
      const c = l[i]!;
      if (comment) {
        if (c === '*' && l[i + 1] === '/') {
          comment = false;
          i++;
        }
        continue;
      }
      if (quote) {
        if (c === '\\') i++;
        else if (c === quote) quote = '';
        continue;
      }
      if (c === '/' && l[i + 1] === '/') break;
      if (c === '/' && l[i + 1] === '*') {
        comment = true;
        i++;
        continue;
      }
      if (c === '"' || c === "'") {
        quote = c;
        continue;
      }
      if (c === '{' || c === '(' || c === '[') open.push({ ch: c, init: c === '{' && prev === '=' });
      else if (c === '}' || c === ')' || c === ']') open.pop();
      if (c !== ' ' && c !== '\t') prev = c;
    }
  }
  const k = open.findIndex((o) => o.init);
  if (k < 0) return undefined;
  const close: Record<string, string> = { '{': '}', '(': ')', '[': ']' };
  return open.slice(k).reverse().map((o) => close[o.ch]).join('') + ';';
}
