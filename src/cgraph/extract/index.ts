// The C indexer: one file's text -> FileFacts (functions with their calls,
// credential scopes and assignments; includes, exports, ops tables, work
// functions).
//
// Speed: walking tree-sitter nodes from JS costs more than parsing (every
// property read crosses into native code). So one tree-sitter query collects
// every node kreview needs, in one native pass; the rest is plain JS over
// their offsets and the source text. tree-sitter gives the structure; the
// kernel's macro idioms (scoped_with_creds() { }, CLASS(..)(..)) are
// recognised on top of what it makes of them.

//
// The parts: nodes.ts (the tree-sitter pass), body.ts (a definition's calls,
// assignments and locals), creds.ts (credential scopes and leaks),
// fragments.ts (hunks without their file), ../ctext.ts (C text helpers).

import { sha1 } from '../hash.js';
import { credFormFor, revertsForm, WORK_APIS } from '../../kb/index.js';
import { revertsSaved } from './creds.js';
import { longLineAt, MAX_LINE, MAX_NESTING, MAX_SECTIONS, parseC, preprocess, tooDeepAt } from '../parse.js';
import type { FileFacts, FunctionFacts, WorkFn } from '../types.js';
import { functionName, lineIndex, splitArgs } from '../ctext.js';
import { capture, emptyBucket, filterBucket, type Bucket, type N } from './nodes.js';
import { fillBody, functionFacts, opsTable, paramsOf } from './body.js';
import { definitionHeads, initializerTrail, mergePartials, sectionFunctionName, signatureLead, statementTailLead, TAIL_CALLEE, type FragmentSection } from './fragments.js';

export { restartNodeCollection } from './nodes.js';
export { sectionFunctionName, type FragmentSection } from './fragments.js';
export { splitArgs } from '../ctext.js';

/** Bump when extraction changes: cached facts of an older version are rebuilt. */
export const FACTS_VERSION = 26;

export interface ExtractOptions {
  /** No whole text: hunks of a sparse image. Parse each section alone, attribute loose code to the section's function. */
  fragment?: { sections: FragmentSection[] };
  /** Where to say that a unit was not parsed (nested deeper than MAX_NESTING); without it, such a unit is skipped quietly. */
  skipped?: string[];
}

export function extractFileFacts(path: string, text: string, opts?: ExtractOptions): FileFacts {
  const facts: FileFacts = {
    version: FACTS_VERSION,
    path,
    // fragments (patch-only mode) are never cached: no hash, no node:crypto
    hash: opts?.fragment ? '' : sha1(text),
    functions: [],
    includes: [],
    exports: [],
    opsTables: [],
    workFns: [],
    parseErrors: 0,
  };
  const skip = (unit: string, lineOffset: number, at: number, what: string): void => {
    opts?.skipped?.push(`${path}:${lineIndex(unit)(at) + lineOffset}: ${what} nest more than ${MAX_NESTING} deep: not parsed, its functions are not checked`);
  };
  // What the parser is given: not a unit of brackets nested too deep, and not a
  // line no C file has (the whole of Linux 6.12 has none over 4,000 characters;
  // one of 2 MB of `a&&a&&...` is a parse tree of 700,000 levels), which is
  // blanked, said, and the rest of the unit read.
  const parseable = (unit: string, lineOffset: number): string | undefined => {
    const deep = tooDeepAt(unit);
    if (deep >= 0) {
      skip(unit, lineOffset, deep, 'brackets');
      return undefined;
    }
    const long = longLineAt(unit);
    if (long < 0) return unit;
    const lineAt = lineIndex(unit);
    const out = unit.split('\n').map((l) => (l.length > MAX_LINE ? '' : l));
    opts?.skipped?.push(`${path}:${lineAt(long) + lineOffset}: a line of more than ${MAX_LINE} characters: not read (the rest is)`);
    return out.join('\n');
  };
  if (!opts?.fragment) {
    scanDirectives(text, facts, 0);
    const t = parseable(text, 0);
    if (t !== undefined) extractUnit(preprocess(t), 0, facts, path, undefined, '0', skip);
  } else if (opts.fragment.sections.length > MAX_SECTIONS) {
    // each hunk is parsed on its own: the count bounds the time, whatever their size
    opts.skipped?.push(`${path}:${opts.fragment.sections[0]!.startLine}: ${opts.fragment.sections.length} hunks, more than ${MAX_SECTIONS}: not parsed, its functions are not checked`);
  } else {
    for (const [i, sec] of opts.fragment.sections.entries()) {
      // a hunk that starts inside a multi-line signature: its first line is git's heading, one line up
      const lead = signatureLead(sec) ?? statementTailLead(sec.lines);
      const trail = initializerTrail(sec.lines);
      const unit = [...(lead ? [lead] : []), ...sec.lines, ...(trail ? [trail] : [])].join('\n');
      const offset = sec.startLine - 1 - (lead ? 1 : 0);
      scanDirectives(unit, facts, offset);
      const t = parseable(unit, offset);
      if (t !== undefined) extractUnit(preprocess(t), offset, facts, path, sec, `${i + 1}`, skip);
    }
    mergePartials(facts);
    crossSectionLeaks(facts, opts.fragment.sections);
    for (const fn of facts.functions) if (fn.calls.some((c) => c.callee === TAIL_CALLEE)) fn.calls = fn.calls.filter((c) => c.callee !== TAIL_CALLEE);
  }
  unwrapDirIters(opts?.fragment ? opts.fragment.sections.map((x) => x.lines.join('\n')).join('\n') : text, facts);
  return facts;
}

/**
 * include/linux/fs.h: `WRAP_DIR_ITER(x)` defines `shared_x()`, which only
 * calls wrap_directory_iterator(file, ctx, x): the ops table's
 * `.iterate_shared = shared_x` is x's slot (overlayfs' ovl_iterate(), Coda's
 * coda_readdir() in 6.12), so x is the method its file comes to.
 */
function unwrapDirIters(text: string, facts: FileFacts): void {
  const wrapped = new Set([...text.matchAll(/^WRAP_DIR_ITER\(\s*(\w+)\s*\)/gm)].map((m) => m[1]!));
  if (!wrapped.size) return;
  for (const t of facts.opsTables) {
    for (const [slot, fn] of Object.entries(t.slots)) if (fn.startsWith('shared_') && wrapped.has(fn.slice(7))) t.slots[slot] = fn.slice(7);
  }
}

/**
 * extractFileFacts that never throws: a bug in the indexer on one strange
 * file must not stop a check; the file gets no facts and the error is returned.
 */
export function extractFileFactsSafe(path: string, text: string, opts?: ExtractOptions): { facts: FileFacts; error?: string; skipped?: string[] } {
  try {
    const skipped: string[] = [];
    const facts = extractFileFacts(path, text, { ...opts, skipped });
    return skipped.length ? { facts, skipped } : { facts };
  } catch (err) {
    return {
      facts: { version: FACTS_VERSION, path, hash: sha1(text), functions: [], includes: [], exports: [], opsTables: [], workFns: [], parseErrors: 1 },
      error: `indexing ${path} failed: ${(err as Error)?.message ?? String(err)}`,
    };
  }
}

/** Where blocks (syntax nodes: they nest or do not meet) first nest deeper than MAX_NESTING, or -1. */
function deepBlock(blocks: N[]): number {
  const sorted = [...blocks].sort((x, y) => x.s - y.s || y.e - x.e);
  const open: number[] = [];
  for (const b of sorted) {
    while (open.length && open[open.length - 1]! <= b.s) open.pop();
    open.push(b.e);
    if (open.length > MAX_NESTING) return b.s;
  }
  return -1;
}

/** #include and EXPORT_SYMBOL*(): line-oriented, so they survive any parse trouble. */
function scanDirectives(text: string, facts: FileFacts, lineOffset: number): void {
  // no line terminator in the name: `^` also starts after a CR, and a name running on past one was rescanned from every line
  const inc = /^[ \t]*#[ \t]*include[ \t]*([<"])([^>"\n\r\u2028\u2029]+)[>"]/gm;
  const exp = /^[ \t]*(EXPORT_SYMBOL(?:_GPL)?(?:_NS(?:_GPL)?)?|EXPORT_SYMBOL_FOR_MODULES)\s*\(\s*(\w+)/gm;
  const lineAt = lineIndex(text);
  for (let m = inc.exec(text); m; m = inc.exec(text)) facts.includes.push({ path: m[2]!.trim(), system: m[1] === '<', line: lineAt(m.index) + lineOffset });
  for (let m = exp.exec(text); m; m = exp.exec(text)) facts.exports.push({ name: m[2]!, macro: m[1]!, line: lineAt(m.index) + lineOffset });
}

function extractUnit(text: string, lineOffset: number, facts: FileFacts, path: string, section: FragmentSection | undefined, unitId: string, skip: (unit: string, lineOffset: number, at: number, what: string) => void): void {
  const tree = parseC(text);
  const cap = capture(tree.rootNode, text);
  // blocks nest without brackets too (`else if` chains)
  const deep = deepBlock(cap.blocks);
  if (deep >= 0) return skip(text, lineOffset, deep, 'blocks');
  facts.parseErrors += cap.errors;
  const lineAt = lineIndex(text);
  const L = (off: number): number => lineAt(off) + lineOffset;
  const T = (n: N): string => text.slice(n.s, n.e);

  // outermost definitions only (a definition inside an ERROR node can nest)
  // In a fragment, only a definition that starts a line is one: kernel style puts a definition's
  // head at column 0, and a hunk cut mid-statement (`\t       file, file_inode(file)->i_ino, ...);`
  // then `if (...) {`) can look like one to the parser.
  const fns = cap.fns
    .filter((f) => !section || f.fn.s === 0 || text[f.fn.s - 1] === '\n')
    .sort((a, b) => a.fn.s - b.fn.s)
    .filter((f, i, all) => !all.some((g, j) => j < i && g.fn.s <= f.fn.s && f.fn.e <= g.fn.e));
  const owner = (off: number): number => {
    let lo = 0;
    let hi = fns.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const f = fns[mid]!;
      if (off < f.fn.s) hi = mid - 1;
      else if (off >= f.fn.e) lo = mid + 1;
      else return mid;
    }
    return -1;
  };
  const ctx = { text, L, T, cap };
  const byFn = new Map<number, Bucket>();
  const bucket = (i: number): Bucket => {
    let b = byFn.get(i);
    if (!b) byFn.set(i, (b = emptyBucket()));
    return b;
  };
  for (const c of cap.calls) bucket(owner(c.call.s)).calls.push(c);
  for (const b of cap.blocks) bucket(owner(b.s)).blocks.push(b);
  for (const r of cap.rets) bucket(owner(r.s)).rets.push(r);
  for (const g of cap.gotos) bucket(owner(g.g.s)).gotos.push(g);
  for (const l of cap.labels) bucket(owner(l.l.s)).labels.push(l);
  for (const a of cap.assigns) bucket(owner(a.a.s)).assigns.push(a);
  for (const i of cap.inits) bucket(owner(i.i.s)).inits.push(i);
  for (const d of cap.decls) bucket(owner(d.s)).decls.push(d);
  for (const x of cap.ifs) bucket(owner(x.cond.s)).ifs.push(x);
  for (const x of cap.loops) bucket(owner(x.n.s)).loops.push(x);
  for (const x of cap.jumps) bucket(owner(x.j.s)).jumps.push(x);

  for (const [i, f] of fns.entries()) {
    const fn = functionFacts(f, path, ctx, section);
    if (!fn) continue;
    fillBody(fn, f.body, byFn.get(i) ?? emptyBucket(), ctx, unitId);
    // in a fragment, a definition cut off by the hunk's end is only partly seen (its head is)
    if (section && f.fn.e >= text.trimEnd().length - 1 && !text.trimEnd().endsWith('}')) {
      fn.partial = true;
      fn.headSeen = true;
    }
    facts.functions.push(fn);
  }

  const loose = byFn.get(-1) ?? emptyBucket();
  // Loose code that is a function's body: calls, or assignments, initialisers,
  // returns and gotos on indented lines (kernel style puts file-scope
  // declarations at column 0). A hunk that only changes `.cred = ...` in a
  // local's initialiser still shows its function.
  const indented = (n: N): boolean => {
    const c = text.charCodeAt(text.lastIndexOf('\n', n.s - 1) + 1);
    return c === 9 || c === 32;
  };
  const bodyLike = (b: Bucket): boolean =>
    b.calls.length > 0 || b.assigns.some((a) => indented(a.a)) || b.inits.some((i) => indented(i.i)) || b.rets.some(indented) || b.gotos.some((g) => indented(g.g));
  const heads = section ? definitionHeads(text) : [];
  if (section && (bodyLike(loose) || heads.some((h) => paramsOf(h.decl, 0).length && !fns.some((f) => f.fn.s <= h.offset && h.offset < f.fn.e)))) {
    // A hunk that starts a function but does not end it leaves its body loose.
    // Kernel style puts a definition's name at column 0 and its `{` alone on a
    // line: split the loose code at such headers; before the first one, the
    // code belongs to the function git named in the hunk header.
    const groups: { name: string | undefined; decl: string; from: number; to: number }[] = [];
    let prev = { name: sectionFunctionName(section.fn), decl: section.fn ?? '', from: 0 };
    for (const h of heads) {
      groups.push({ ...prev, to: h.offset });
      prev = { name: h.name, decl: h.decl, from: h.offset };
    }
    groups.push({ ...prev, to: text.length });
    for (const g of groups) {
      const part = filterBucket(loose, g.from, g.to);
      // a definition head the hunk shows counts without a call below it: its parameters are
      // what the patch says they are (a hunk that only adds one shows the head and declarations)
      // (not one the parser read as a whole definition: its facts are made above)
      const headOnly = g.from > 0 && paramsOf(g.decl, 0).length > 0 && !fns.some((f) => f.fn.s <= g.from && g.from < f.fn.e);
      if (!bodyLike(part) && !headOnly) continue;
      const line = g.from ? L(g.from) : section.startLine;
      const fake: FunctionFacts = {
        name: g.name ?? `<hunk at line ${section.startLine}>`,
        file: path,
        line,
        endLine: g.to >= text.length ? section.endLine : L(g.to) - 1,
        static: /^\s*static\b/.test(g.decl),
        returns: '',
        params: paramsOf(g.decl, line),
        locals: [],
        calls: [],
        credScopes: [],
        assigns: [],
        partial: true,
        ...(g.from > 0 ? { headSeen: true } : {}),
      };
      fillBody(fake, { s: g.from, e: g.to }, part, ctx, unitId);
      facts.functions.push(fake);
    }
  }

  // work functions: anywhere (usually inside the function that sets the work up)
  for (const c of cap.calls) {
    const callee = T(c.callee);
    const idx = WORK_APIS[callee];
    if (idx === undefined) continue;
    const arg = splitArgs(T(c.args).slice(1, -1))[idx];
    if (!arg || !/^\w+$/.test(arg)) continue;
    const o = owner(c.call.s);
    const w: WorkFn = { fn: arg, api: callee, line: L(c.call.s) };
    if (o >= 0) {
      const name = functionName(T(fns[o]!.decl));
      if (name) w.in = name;
    }
    facts.workFns.push(w);
  }

  // file-level declarations: ops tables
  for (const d of loose.decls) {
    facts.opsTables.push(...opsTable(T(d), L(d.s)));
  }
}

/**
 * An override one hunk shows whose revert a later hunk of the same function
 * shows: each hunk was read alone, so the returns the later hunks show
 * between the two were nobody's leak (f_mass_storage's do_read() with a new
 * override_creds() around kernel_read() and the `return -EINTR;` of the hunk
 * that adds the revert). Only a plain `saved = override(...)` form: an
 * out-parameter form's error return sits right after it and switched nothing.
 * Whether lines the hunks do not show revert first stays the rule's question
 * (no revert line is set).
 */
function crossSectionLeaks(facts: FileFacts, sections: readonly FragmentSection[]): void {
  for (const fn of facts.functions) {
    if (!fn.partial) continue;
    for (const sc of fn.credScopes) {
      if (sc.kind === 'scoped' || sc.nested || sc.revertLine !== undefined || !sc.saved || !/^\w+$/.test(sc.saved)) continue;
      const found = credFormFor(sc.api);
      if (!found || found.generic || found.form.savedArg !== undefined) continue;
      const form = found.form;
      const revertArg = form.kind === 'paired' ? (form.revertArg ?? 1) : 0;
      const revert = fn.calls.filter((c) => c.line > sc.startLine && revertsForm(form, c.callee) && revertsSaved(c.args, revertArg, sc.saved!)).sort((a, b) => a.line - b.line)[0];
      if (!revert) continue;
      const own = sections.find((x) => x.startLine <= sc.startLine && sc.startLine <= x.endLine);
      for (const sec of sections) {
        if (sec === own) continue;
        for (const [i, text] of sec.lines.entries()) {
          const line = sec.startLine + i;
          if (line <= sc.startLine || line >= revert.line || line < fn.line || line > fn.endLine || !/^\s*return\b/.test(text)) continue;
          if (!sc.leaks.some((l) => l.line === line)) sc.leaks.push({ line, kind: 'return', text: text.trim().replace(/\s+/g, ' ').slice(0, 80) });
        }
      }
      sc.leaks.sort((a, b) => a.line - b.line);
    }
  }
}
