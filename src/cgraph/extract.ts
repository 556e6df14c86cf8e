// The C indexer: one file's text -> FileFacts (functions with their calls,
// credential scopes and assignments; includes, exports, ops tables, work
// functions, prototypes).
//
// Speed: walking tree-sitter nodes from JS costs more than parsing (every
// property read crosses into native code). So one tree-sitter query collects
// every node kreview needs, in one native pass; the rest is plain JS over
// their offsets and the source text. tree-sitter gives the structure; the
// kernel's macro idioms (scoped_with_creds() { }, CLASS(..)(..)) are
// recognised on top of what it makes of them.

import { sha1 } from './hash.js';
import type ParserT from 'tree-sitter';
import { CRED_FORMS, credFormFor, isCredRevert, table } from './kb.js';
import { cLanguage, parseC, preprocess, Query } from './parse.js';
import type { Assignment, CallSite, CredLeak, CredScope, FileFacts, FunctionFacts, OpsTable, Variable, WorkFn } from './types.js';

/** Bump when extraction changes: cached facts of an older version are rebuilt. */
export const FACTS_VERSION = 7;

export interface FragmentSection {
  startLine: number;
  endLine: number;
  /** git's hunk-header function context, e.g. `static int lo_rw_aio(struct loop_device *lo, ...`. */
  fn?: string;
  /** The section's lines, `startLine` first (blank where the hunk shows none). */
  lines: readonly string[];
}

export interface ExtractOptions {
  /** No whole text: hunks of a sparse image. Parse each section alone, attribute loose code to the section's function. */
  fragment?: { sections: FragmentSection[] };
}

/** Functions whose argument runs from a kworker (workqueue and kthread APIs): name -> argument index. */
const WORK_APIS: Record<string, number> = table({
  INIT_WORK: 1,
  INIT_WORK_ONSTACK: 1,
  INIT_DELAYED_WORK: 1,
  INIT_DEFERRABLE_WORK: 1,
  DECLARE_WORK: 1,
  DECLARE_DELAYED_WORK: 1,
  INIT_RCU_WORK: 1,
  kthread_init_work: 1,
  kthread_run: 0,
  kthread_create: 0,
});

const SCOPED_BLOCK_FORMS = new Set(['scoped_with_creds', 'scoped_with_kernel_creds']);

// The node kinds extraction looks at, collected in one native pass, in
// document order. A check of a few files uses descendantsOfType(): building
// a tree-sitter Query analyses the whole C grammar (1.5-2.5 ms, whatever the
// patterns), too much for a 40 ms check; see kindNodes() for long runs.
// Callees, arguments, assignment sides and labels are cut from the text;
// fields (an if's consequence, a loop's body) are read from the node.
const KIND: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
  function_definition: 'fn',
  call_expression: 'call',
  compound_statement: 'block',
  if_statement: 'if',
  else_clause: 'block',
  case_statement: 'block',
  for_statement: 'loop',
  while_statement: 'loop',
  do_statement: 'loop',
  conditional_expression: 'cond',
  binary_expression: 'logic',
  return_statement: 'ret',
  goto_statement: 'goto',
  labeled_statement: 'label',
  assignment_expression: 'assign',
  init_declarator: 'init',
  declaration: 'decl',
  ERROR: 'err',
});
const KINDS = Object.keys(KIND);

// For long runs (an index, a sweep, a big mbox) a Query is faster: its
// captures filter `&&`/`||` natively and skip the other binary expressions.
// Its one-time cost (4.5 ms) is only worth paying after a dozen files' worth
// of C: counted in bytes, so the many small hunk fragments of a one-patch
// check (a dozen units, 30 kB) never pay it.
const QUERY_SRC = Object.entries(KIND)
  .map(([type, kind]) => (type === 'binary_expression' ? '(binary_expression operator: ["&&" "||"]) @logic' : `(${type}) @${kind}`))
  .join('\n');
let queryAfterBytes = 256 * 1024;
let captured = 0;
let query: ParserT.Query | undefined;

/** Count the next files as the first of a run again, switching to a Query after `afterBytes` (the tests compare both passes). */
export function restartNodeCollection(afterBytes = 256 * 1024): void {
  captured = 0;
  queryAfterBytes = afterBytes;
}

/** The nodes of the kinds above, in document order. */
function kindNodes(root: ParserT.SyntaxNode): { nodes: ParserT.SyntaxNode[]; logicChecked: boolean } {
  captured += root.endIndex;
  if (captured <= queryAfterBytes) return { nodes: root.descendantsOfType(KINDS), logicChecked: false };
  query ??= new Query(cLanguage(), QUERY_SRC);
  return { nodes: query.captures(root).map((c) => c.node), logicChecked: true };
}

/** A captured node, reduced to plain numbers and strings once. */
interface N {
  s: number;
  e: number;
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
    prototypes: [],
    parseErrors: 0,
  };
  if (!opts?.fragment) {
    scanDirectives(text, facts, 0);
    extractUnit(preprocess(text), 0, facts, path, undefined, '0');
  } else {
    for (const [i, sec] of opts.fragment.sections.entries()) {
      const unit = sec.lines.join('\n');
      scanDirectives(unit, facts, sec.startLine - 1);
      extractUnit(preprocess(unit), sec.startLine - 1, facts, path, sec, `${i + 1}`);
    }
    mergePartials(facts);
  }
  return facts;
}

/**
 * extractFileFacts that never throws: a bug in the indexer on one strange
 * file must not stop a check; the file gets no facts and the error is returned.
 */
export function extractFileFactsSafe(path: string, text: string, opts?: ExtractOptions): { facts: FileFacts; error?: string } {
  try {
    return { facts: extractFileFacts(path, text, opts) };
  } catch (err) {
    return {
      facts: { version: FACTS_VERSION, path, hash: sha1(text), functions: [], includes: [], exports: [], opsTables: [], workFns: [], prototypes: [], parseErrors: 1 },
      error: `indexing ${path} failed: ${(err as Error)?.message ?? String(err)}`,
    };
  }
}

/** #include and EXPORT_SYMBOL*(): line-oriented, so they survive any parse trouble. */
function scanDirectives(text: string, facts: FileFacts, lineOffset: number): void {
  const inc = /^[ \t]*#[ \t]*include[ \t]*([<"])([^>"\n]+)[>"]/gm;
  const exp = /^[ \t]*(EXPORT_SYMBOL(?:_GPL)?(?:_NS(?:_GPL)?)?|EXPORT_SYMBOL_FOR_MODULES)\s*\(\s*(\w+)/gm;
  const lineAt = lineIndex(text);
  for (let m = inc.exec(text); m; m = inc.exec(text)) facts.includes.push({ path: m[2]!.trim(), system: m[1] === '<', line: lineAt(m.index) + lineOffset });
  for (let m = exp.exec(text); m; m = exp.exec(text)) facts.exports.push({ name: m[2]!, macro: m[1]!, line: lineAt(m.index) + lineOffset });
}

function lineIndex(text: string): (offset: number) => number {
  const starts: number[] = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (off) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= off) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

// ---------------------------------------------------------------------------

interface Captures {
  fns: { fn: N; decl: N; body: N }[];
  calls: { call: N; callee: N; args: N }[];
  blocks: N[];
  rets: N[];
  gotos: { g: N; label: string }[];
  labels: { l: N; label: string }[];
  assigns: { a: N; lhs: N; rhs: N; op: string }[];
  inits: { i: N; decl: N; val: N }[];
  decls: N[];
  errors: number;
}

function capture(root: ParserT.SyntaxNode, text: string): Captures {
  const c: Captures = { fns: [], calls: [], blocks: [], rets: [], gotos: [], labels: [], assigns: [], inits: [], decls: [], errors: 0 };
  const { nodes, logicChecked } = kindNodes(root);
  for (const n of nodes) {
    const kind = KIND[n.type];
    // only `&&` and `||` make their right side conditional
    if (kind === 'logic' && !logicChecked) {
      const op = n.childForFieldName('operator')?.type;
      if (op !== '&&' && op !== '||') continue;
    }
    const x: N = { s: n.startIndex, e: n.endIndex };
    switch (kind) {
      case 'fn': {
        // the declarator is the text between the definition's start and its body
        const body = n.childForFieldName('body');
        if (body?.type === 'compound_statement') c.fns.push({ fn: x, decl: { s: x.s, e: body.startIndex }, body: { s: body.startIndex, e: body.endIndex } });
        break;
      }
      case 'if':
        pushField(c.blocks, n, 'consequence');
        break;
      case 'loop':
        pushField(c.blocks, n, 'body');
        break;
      case 'cond':
        pushField(c.blocks, n, 'consequence');
        pushField(c.blocks, n, 'alternative');
        break;
      case 'logic':
        pushField(c.blocks, n, 'right');
        break;
      case 'call': {
        const parts = splitCall(text, x);
        if (parts) c.calls.push({ call: x, ...parts });
        break;
      }
      case 'block':
        c.blocks.push(x);
        break;
      case 'ret':
        c.rets.push(x);
        break;
      case 'goto':
        c.gotos.push({ g: x, label: /^goto\s+(\w+)/.exec(text.slice(x.s, x.e))?.[1] ?? '' });
        break;
      case 'label':
        c.labels.push({ l: x, label: /^(\w+)\s*:/.exec(text.slice(x.s, x.e))?.[1] ?? '' });
        break;
      case 'assign': {
        const eq = topLevelAssign(text, x);
        if (eq) c.assigns.push({ a: x, lhs: { s: x.s, e: eq.s }, rhs: { s: eq.e, e: x.e }, op: text.slice(eq.s, eq.e) });
        break;
      }
      case 'init': {
        const eq = topLevelAssign(text, x);
        if (eq) c.inits.push({ i: x, decl: { s: x.s, e: eq.s }, val: { s: eq.e, e: x.e } });
        break;
      }
      case 'decl':
        c.decls.push(x);
        break;
      case 'err':
        c.errors++;
        break;
    }
  }
  return c;
}

function pushField(out: N[], n: ParserT.SyntaxNode, field: string): void {
  const f = n.childForFieldName(field);
  if (f) out.push({ s: f.startIndex, e: f.endIndex });
}

/** `f(a, b)` -> callee `f`, arguments `(a, b)`: the last top-level parenthesised group. */
function splitCall(text: string, x: N): { callee: N; args: N } | undefined {
  let end = x.e;
  while (end > x.s && /\s/.test(text[end - 1]!)) end--;
  if (text[end - 1] !== ')') return undefined;
  let depth = 0;
  for (let i = end - 1; i >= x.s; i--) {
    const ch = text[i];
    if (ch === ')') depth++;
    else if (ch === '(' && --depth === 0) {
      let ce = i;
      while (ce > x.s && /\s/.test(text[ce - 1]!)) ce--;
      return ce > x.s ? { callee: { s: x.s, e: ce }, args: { s: i, e: end } } : undefined;
    }
  }
  return undefined;
}

/** The first `=` (or compound assignment) at nesting depth 0, as an offset range. */
function topLevelAssign(text: string, x: N): N | undefined {
  let depth = 0;
  let quote = '';
  for (let i = x.s; i < x.e; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === '=' && depth === 0) {
      const prev = text[i - 1]!;
      if (text[i + 1] === '=') {
        i++;
        continue;
      }
      if (prev === '=' || prev === '!' || ((prev === '<' || prev === '>') && text[i - 2] !== prev)) continue;
      // compound assignments (+=, |=, <<=) keep their operator
      let s = i;
      while (s > x.s && /[+\-*/%&|^<>]/.test(text[s - 1]!)) s--;
      return { s, e: i + 1 };
    }
  }
  return undefined;
}

function extractUnit(text: string, lineOffset: number, facts: FileFacts, path: string, section: FragmentSection | undefined, unitId: string): void {
  const tree = parseC(text);
  const cap = capture(tree.rootNode, text);
  facts.parseErrors += cap.errors;
  const lineAt = lineIndex(text);
  const L = (off: number): number => lineAt(off) + lineOffset;
  const T = (n: N): string => text.slice(n.s, n.e);

  // outermost definitions only (a definition inside an ERROR node can nest)
  const fns = cap.fns.sort((a, b) => a.fn.s - b.fn.s).filter((f, i, all) => !all.some((g, j) => j < i && g.fn.s <= f.fn.s && f.fn.e <= g.fn.e));
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
  if (section && loose.calls.length) {
    // A hunk that starts a function but does not end it leaves its body loose.
    // Kernel style puts a definition's name at column 0 and its `{` alone on a
    // line: split the loose code at such headers; before the first one, the
    // code belongs to the function git named in the hunk header.
    const heads = definitionHeads(text);
    const groups: { name: string | undefined; decl: string; from: number; to: number }[] = [];
    let prev = { name: sectionFunctionName(section.fn), decl: section.fn ?? '', from: 0 };
    for (const h of heads) {
      groups.push({ ...prev, to: h.offset });
      prev = { name: h.name, decl: h.decl, from: h.offset };
    }
    groups.push({ ...prev, to: text.length });
    for (const g of groups) {
      const part = filterBucket(loose, g.from, g.to);
      if (!part.calls.length) continue;
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

  // file-level declarations: ops tables and prototypes
  for (const d of loose.decls) {
    const dt = T(d);
    const ops = opsTable(dt, L(d.s));
    if (ops) {
      facts.opsTables.push(ops);
      continue;
    }
    if (!dt.includes('=') && /\)\s*;\s*$/.test(dt)) {
      const name = functionName(dt);
      if (name) facts.prototypes.push({ name, line: L(d.s) });
    }
  }
}

/** Column-0 definition heads (`static int foo(...)` ... `{` alone on a line) in a fragment. */
function definitionHeads(text: string): { name: string; decl: string; offset: number }[] {
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

function filterBucket(b: Bucket, from: number, to: number): Bucket {
  const inside = (n: N): boolean => n.s >= from && n.s < to;
  return {
    calls: b.calls.filter((c) => inside(c.call)),
    blocks: b.blocks.filter(inside),
    rets: b.rets.filter(inside),
    gotos: b.gotos.filter((g) => inside(g.g)),
    labels: b.labels.filter((l) => inside(l.l)),
    assigns: b.assigns.filter((a) => inside(a.a)),
    inits: b.inits.filter((i) => inside(i.i)),
    decls: b.decls.filter(inside),
  };
}

interface Bucket {
  calls: Captures['calls'];
  blocks: N[];
  rets: N[];
  gotos: Captures['gotos'];
  labels: Captures['labels'];
  assigns: Captures['assigns'];
  inits: Captures['inits'];
  decls: N[];
}

function emptyBucket(): Bucket {
  return { calls: [], blocks: [], rets: [], gotos: [], labels: [], assigns: [], inits: [], decls: [] };
}

interface Ctx {
  text: string;
  L: (off: number) => number;
  T: (n: N) => string;
}

/** `static int lo_rw_aio(struct loop_device *lo, ...` -> `lo_rw_aio` */
export function sectionFunctionName(ctx: string | undefined): string | undefined {
  if (!ctx) return undefined;
  return functionName(ctx);
}

/** The declared name: the last identifier before the first top-level `(` of a declarator. */
function functionName(decl: string): string | undefined {
  // `(*fn(args))(more)`: the name sits inside the first parentheses
  const m = /([A-Za-z_]\w*)\s*\(/.exec(decl);
  if (!m || /^(if|for|while|switch|return|sizeof|defined|typeof|__typeof__)$/.test(m[1]!)) return undefined;
  return m[1];
}

function paramsOf(decl: string, line: number): Variable[] {
  const open = decl.indexOf('(');
  if (open < 0) return [];
  const close = matching(decl, open);
  const inside = decl.slice(open + 1, close < 0 ? decl.length : close);
  return splitArgs(inside)
    .filter((p) => p && p !== 'void' && p !== '...')
    .map((p) => {
      const m = /^(.*?)([A-Za-z_]\w*)\s*(\[[^\]]*\])?$/.exec(p.replace(/\s+/g, ' ').trim());
      return m && m[1]!.trim() ? { name: m[2]!, type: normType(m[1]!), line } : undefined;
    })
    .filter((v): v is Variable => !!v);
}

function matching(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Split a comma-separated list at the top level (not inside (), [], {}). */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(norm(s.slice(start, i)));
      start = i + 1;
    }
  }
  const last = norm(s.slice(start));
  if (last || out.length) out.push(last);
  return out;
}

function normType(t: string): string {
  return t
    .replace(/\b(static|inline|extern|__always_inline|register)\b/g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*\*\s*/g, ' *')
    .replace(/\*\s+\*/g, '**')
    .replace(/ \*(?=\*)/g, '*')
    .trim();
}

function norm(s: string): string {
  if (!/[\s/]/.test(s)) return s;
  return s.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ').replace(/\s+/g, ' ').trim();
}

function functionFacts(f: { fn: N; decl: N; body: N }, path: string, ctx: Ctx, _section: FragmentSection | undefined): FunctionFacts | undefined {
  const declText = ctx.T(f.decl);
  const m = /([A-Za-z_]\w*)\s*\(/.exec(declText);
  const name = m ? functionName(declText) : undefined;
  if (!name || !m) return undefined;
  // `static struct file *foo(`: storage class and return type come before the name
  const head = declText.slice(0, m.index);
  const stars = '';
  return {
    name,
    file: path,
    line: ctx.L(f.fn.s),
    endLine: ctx.L(f.fn.e - 1),
    static: /\bstatic\b/.test(head),
    returns: normType(head + stars),
    params: paramsOf(declText, ctx.L(f.decl.s)),
    locals: [],
    calls: [],
    credScopes: [],
    assigns: [],
  };
}

// ---------------------------------------------------------------------------
// bodies

interface RawCall {
  n: N;
  site: CallSite;
}

function fillBody(fn: FunctionFacts, body: N, b: Bucket, ctx: Ctx, rootId: string): void {
  const blocks = b.blocks.filter((x) => x.s > body.s || x.e < body.e).sort((x, y) => x.s - y.s || y.e - x.e);
  const blockPath = (off: number): string => {
    const ids = [rootId];
    for (const x of blocks) {
      if (x.s > off) break;
      if (off < x.e && (x.s !== body.s || x.e !== body.e)) {
        const id = String(x.s + 1);
        if (ids[ids.length - 1] !== id) ids.push(id); // an if's consequence and its `{` share an offset
      }
    }
    return ids.join('.');
  };
  const raw: RawCall[] = [];
  for (const c of b.calls.sort((x, y) => x.call.s - y.call.s)) raw.push({ n: c.call, site: callSite(c, ctx, blockPath) });
  fn.calls = raw.map((r) => r.site);
  const { scopes, ranges } = credScopes(fn, body, raw, b, ctx, blockPath);
  fn.credScopes = scopes;
  for (const r of raw) {
    const inForce: number[] = [];
    for (const [i, rg] of ranges.entries()) {
      if (r.n.s >= rg.from && r.n.s < rg.to && !(r.n.s >= rg.exclude.s && r.n.e <= rg.exclude.e)) inForce.push(i);
    }
    r.site.creds = inForce;
  }
  fn.assigns = assignments(b, ctx);
  fn.locals = locals(b, ctx);
}

const OPS_MEMBER = /^(?:\w*_ops?|f_op|a_ops|fops|ops)$/;

function callSite(c: { call: N; callee: N; args: N }, ctx: Ctx, blockPath: (off: number) => string): CallSite {
  const f = norm(ctx.T(c.callee));
  const args = splitArgs(ctx.T(c.args).slice(1, -1));
  let callee = f;
  let kind: CallSite['kind'] = 'direct';
  let receiver: string | undefined;
  if (/^[A-Za-z_]\w*$/.test(f)) {
    // direct call
  } else if (/^[A-Za-z_]\w*\s*\([^()]*\)$/.test(f)) {
    // CLASS(override_creds, old)(cred), guard(mutex)(&lock): name the class
    const m = /^(\w+)\s*\(\s*([^,)\s]*)/.exec(f)!;
    callee = `${m[1]}(${m[2]})`;
  } else {
    const chain = memberChain(f);
    const opsAt = chain ? chain.fields.findIndex((x, i) => i < chain.fields.length - 1 && OPS_MEMBER.test(x)) : -1;
    if (chain && opsAt >= 0) {
      kind = 'member';
      callee = chain.fields.slice(opsAt).join('->');
      receiver = chainPrefix(chain, opsAt);
    } else {
      kind = 'pointer';
      if (chain) receiver = chainPrefix(chain, chain.fields.length - 1);
    }
  }
  return { callee, kind, ...(receiver !== undefined ? { receiver } : {}), args, line: ctx.L(c.call.s), block: blockPath(c.call.s), creds: [] };
}

/** `a->b.c->d` -> base `a`, fields [b, c, d] with the operator before each (`->` or `.`). */
function memberChain(e: string): { base: string; fields: string[]; ops: string[] } | undefined {
  const fields: string[] = [];
  const ops: string[] = [];
  let rest = e;
  for (;;) {
    const m = /(->|\.)\s*([A-Za-z_]\w*)\s*$/.exec(rest);
    if (!m) break;
    fields.unshift(m[2]!);
    ops.unshift(m[1]!);
    rest = rest.slice(0, m.index).trimEnd();
    if (!rest) return undefined;
  }
  if (!fields.length) return undefined;
  return { base: rest, fields, ops };
}

/** The chain's text up to (not including) field `k`. */
function chainPrefix(c: { base: string; fields: string[]; ops: string[] }, k: number): string {
  let s = c.base;
  for (let i = 0; i < k; i++) s += c.ops[i]! + c.fields[i]!;
  return s;
}

// ---------------------------------------------------------------------------
// credentials

interface ScopeRange {
  /** Offsets of the source the scope covers; `exclude`: the scope's own call. */
  from: number;
  to: number;
  exclude: N;
}

function credScopes(fn: FunctionFacts, body: N, raw: RawCall[], b: Bucket, ctx: Ctx, blockPath: (off: number) => string): { scopes: CredScope[]; ranges: ScopeRange[] } {
  const scopes: CredScope[] = [];
  const ranges: ScopeRange[] = [];
  const add = (s: CredScope, from: number, to: number, exclude: N): void => {
    scopes.push(s);
    ranges.push({ from, to, exclude });
  };
  const stmts = [...b.blocks].sort((x, y) => x.s - y.s);
  for (const r of raw) {
    const key = formKey(r.site.callee, r.site.args);
    const form = key ? credFormFor(key)?.form : undefined;
    if (!form || !key) continue;
    const cred = credText(form, r.site.args, key);
    if (form.kind === 'scoped') {
      if (SCOPED_BLOCK_FORMS.has(key) || key.startsWith('scoped_class(')) {
        // `scoped_with_creds(c) { ... }` (a call, then a block) or `scoped_with_creds(c) stmt;`
        const next = nextStatement(ctx.text, r.n.e, stmts, body);
        add({ api: key, kind: 'scoped', cred, startLine: r.site.line, endLine: ctx.L(next.e - 1), leaks: [], block: r.site.block }, r.n.e, next.e, r.n);
      } else {
        // `with_creds(c);`, `CLASS(override_creds, x)(c);`: until the end of the enclosing block
        const encl = innermost(stmts, r.n.s, body, ctx.text);
        add({ api: key, kind: 'scoped', cred, startLine: r.site.line, endLine: ctx.L(encl.e - 1), leaks: [], block: r.site.block }, r.n.e, encl.e, r.n);
      }
      continue;
    }
    // override / paired: what keeps the old creds, and where they are restored
    const before = ctx.text.slice(Math.max(body.s, r.n.s - 120), r.n.s);
    if (/\breturn\s*$/.test(before)) continue; // a wrapper handing the old creds to its caller
    const nested = /\bput_cred\s*\(\s*$/.test(before);
    let saved: string | undefined;
    // the old creds kept in a plain local can be checked here; through a pointer
    // (`*saved = override_creds(..)`, `cachefiles_begin_secure(cache, _saved)`) the
    // revert belongs to another function
    let local = true;
    if (form.kind === 'paired') {
      const a1 = r.site.args[1] ?? '';
      local = a1.startsWith('&');
      saved = a1.replace(/^&\s*/, '');
    } else if (r.site.args.length >= 2 && /^&\s*\w+$/.test(r.site.args[r.site.args.length - 1]!)) {
      // an out-parameter variant, `err = ovl_override_creds(sb, &old_cred)` (proposed in
      // 2019): the old creds are in old_cred, the result is an error code
      saved = r.site.args[r.site.args.length - 1]!.replace(/^&\s*/, '');
    } else {
      const m = /([A-Za-z_][\w.>-]*(?:\[[^\]]*\])?)\s*=\s*$/.exec(before);
      if (m) {
        saved = m[1]!.replace(/\s+/g, '');
        // `*saved = ...` at the start of a statement stores through a pointer; `struct cred *old = ...` declares a local
        const deref = /(?:^|[;{}]|\n)\s*\*\s*[A-Za-z_][\w.>-]*\s*=\s*$/.test(before);
        local = !deref && /^\w+$/.test(saved);
      }
    }
    const isRevert = (callee: string): boolean => (form.kind === 'paired' ? callee === 'cachefiles_end_secure' : isCredRevert(callee) && callee !== 'cachefiles_end_secure');
    const revertArg = form.kind === 'paired' ? 1 : 0;
    // the region ends before the same variable is overridden again
    const reOverride = raw.find((x) => x.n.s > r.n.e && x !== r && formKey(x.site.callee, x.site.args) === key && sameSaved(ctx.text, body, x, form.kind, saved));
    const reverts = raw.filter((x) => x.n.s > r.n.e && (!reOverride || x.n.s < reOverride.n.s) && isRevert(x.site.callee) && (saved === undefined || revertsSaved(x.site.args, revertArg, saved)));
    const last = reverts[reverts.length - 1];
    const scope: CredScope = {
      api: key,
      kind: form.kind,
      cred,
      startLine: r.site.line,
      endLine: last ? last.site.line : fn.endLine,
      leaks: [],
      block: r.site.block,
      ...(saved ? { saved } : {}),
      ...(last ? { revertLine: last.site.line } : {}),
      ...(nested ? { nested: true } : {}),
    };
    if (nested) {
      // undone by the outer revert: in force until the end of the enclosing override region
      const outer = ranges.find((rg, i) => scopes[i]!.kind === 'override' && rg.from <= r.n.s && r.n.s < rg.to);
      add(scope, r.n.e, outer ? outer.to : body.e, r.n);
      continue;
    }
    // leaks only make sense for a plain local; `*saved = ...`/`cc->old = ...` is undone by another function
    // only for the forms we know the contract of: a look-alike (access_override_creds()) may revert elsewhere
    if (saved && local && !credFormFor(key)?.generic) scope.leaks = leaks(body, r, reverts, last, b, ctx, blockPath);
    add(scope, r.n.e, last ? last.n.s : body.e, r.n);
  }
  return { scopes, ranges };
}

/**
 * Does a revert call undo the creds saved in `saved`? The usual argument
 * (`revert_creds(old_cred)`), or, for wrappers that take more, any argument
 * that is or names it: `ovl_revert_creds(sb, old_cred)`,
 * `ovl_revert_creds(sb, old_cred ?: hold_cred)`.
 */
function revertsSaved(args: string[], usual: number, saved: string): boolean {
  if (norm(args[usual] ?? '').replace(/^\*\s*/, '') === saved) return true;
  if (args.length < 2) return false;
  const word = new RegExp(`(?:^|[^\\w.>])${saved.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}(?![\\w])`);
  return args.some((a) => word.test(norm(a)));
}

/**
 * For an out-parameter override (`ret = ovl_override_creds(sb, &old_cred)`),
 * the statement guarded by an `if (ret ...)` right after it, or by the `if`
 * the override is the condition of: the error path, where no creds were
 * overridden.
 */
function outParamErrorGuard(text: string, body: N, x: RawCall, blocks: N[]): N | undefined {
  const args = x.site.args;
  if (args.length < 2 || !/^&/.test(args[args.length - 1] ?? '')) return undefined;
  const before = text.slice(Math.max(body.s, x.n.s - 40), x.n.s);
  let open: number;
  const cond = /\bif\s*\((\s*unlikely\s*\()?\s*$/.exec(before);
  if (cond) {
    // `if (ovl_override_creds(sb, &old)) return NULL;`: the if's own parenthesis
    open = x.n.s - before.length + cond.index + cond[0].indexOf('(');
  } else {
    const res = savedName(text, body, x);
    const m = /^\s*;\s*if\s*/.exec(text.slice(x.n.e, Math.min(body.e, x.n.e + 80)));
    if (!res || !m || text[x.n.e + m[0].length] !== '(') return undefined;
    open = x.n.e + m[0].length;
    // the condition must test the result
    if (!new RegExp(`\\b${res}\\b`).test(text.slice(open, matching(text, open)))) return undefined;
  }
  const close = matching(text, open);
  return close < 0 ? undefined : nextStatement(text, close + 1, blocks, body);
}

/** The plain local an override's result is stored in, if any. */
function savedName(text: string, body: N, x: RawCall): string | undefined {
  const before = text.slice(Math.max(body.s, x.n.s - 120), x.n.s);
  return /([A-Za-z_]\w*)\s*=\s*$/.exec(before)?.[1];
}

/** Does this later override store into the same variable? */
function sameSaved(text: string, body: N, x: RawCall, kind: string, saved: string | undefined): boolean {
  if (!saved) return true;
  if (kind === 'paired') return (x.site.args[1] ?? '').replace(/^&\s*/, '') === saved;
  if (x.site.args.length >= 2 && (x.site.args[x.site.args.length - 1] ?? '').replace(/^&\s*/, '') === saved) return true;
  const before = text.slice(Math.max(body.s, x.n.s - 120), x.n.s);
  const m = /([A-Za-z_][\w.>-]*)\s*=\s*$/.exec(before);
  return !!m && m[1]!.replace(/\s+/g, '') === saved;
}

/** The statement right after offset `from`: a block `{...}` or one statement up to its `;`. */
function nextStatement(text: string, from: number, blocks: N[], body: N): N {
  let i = from;
  while (i < body.e && /[\s)]/.test(text[i]!)) i++;
  if (text[i] === '{') {
    const blk = blocks.find((x) => x.s === i);
    if (blk) return blk;
  }
  // a single statement (or an if/for with its own block): the smallest block starting here, else to the `;`
  const blk = blocks.find((x) => x.s === i);
  if (blk) return blk;
  let depth = 0;
  for (let j = i; j < body.e; j++) {
    const c = text[j];
    if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    if (depth <= 0 && (c === ';' || (c === '}' && depth === 0))) return { s: i, e: j + 1 };
    if (depth < 0) return { s: i, e: j };
  }
  return { s: i, e: body.e };
}

/** The innermost `{ }` block around an offset (the body when none). */
function innermost(blocks: N[], off: number, body: N, text: string): N {
  let best = body;
  for (const x of blocks) {
    if (x.s > off) break;
    if (off < x.e && text[x.s] === '{' && x.e - x.s <= best.e - best.s) best = x;
  }
  return best;
}

/** The CRED_FORMS key a call site matches, if any (or a variant that reads like one). */
function formKey(callee: string, a: string[]): string | undefined {
  if (callee === 'scoped_class' && a[0]) {
    const k = `scoped_class(${a[0]})`;
    return CRED_FORMS[k] ? k : credFormFor(k)?.key;
  }
  return credFormFor(callee)?.key;
}

function credText(form: { cred: (typeof CRED_FORMS)[string]['cred'] }, a: string[], key: string): string {
  if (form.cred === 'kernel') return key === 'cachefiles_begin_secure' ? `${a[0] ?? 'cache'}->cache_cred` : 'kernel';
  // scoped_class(override_creds_ovl, old, sb): the class's own arguments follow the class and variable names
  const offset = key.startsWith('scoped_class(') ? 2 : 0;
  if ('ovlSbArg' in form.cred) return `ovl_creds(${a[form.cred.ovlSbArg + offset] ?? ''})`;
  return a[form.cred.arg + offset] ?? '';
}

/** Returns and gotos that leave an override region without passing a revert. */
function leaks(body: N, override: RawCall, reverts: RawCall[], last: RawCall | undefined, b: Bucket, ctx: Ctx, blockPath: (off: number) => string): CredLeak[] {
  const out: CredLeak[] = [];
  const start = override.n.e;
  if (!last) {
    // `return old_cred;` hands the saved creds to the caller, who reverts (fs/open.c access_override_creds())
    const saved = savedName(ctx.text, body, override);
    if (saved && b.rets.some((x) => x.s > start && new RegExp(`^return\\s*\\(?\\s*${saved}\\s*\\)?\\s*;`).test(ctx.T(x)))) return out;
    out.push({ line: ctx.L(body.e - 1), kind: 'end', text: 'no revert before the end of the function' });
    return out;
  }
  const end = last.n.s;
  // `ret = ovl_override_creds(sb, &old); if (ret) return ret;`: nothing was overridden on that path
  const guard = outParamErrorGuard(ctx.text, body, override, [...b.blocks].sort((x, y) => x.s - y.s));
  const unguarded = (off: number): boolean => !guard || off < guard.s || off >= guard.e;
  const revertedBefore = (off: number): boolean => {
    const bp = blockPath(off);
    return reverts.some((r) => r.n.s < off && r.n.s > start && (r.site.block === bp || bp.startsWith(r.site.block + '.')));
  };
  for (const ret of b.rets) {
    if (ret.s <= start || ret.s >= end) continue;
    if (!revertedBefore(ret.s) && unguarded(ret.s)) out.push({ line: ctx.L(ret.s), kind: 'return', text: norm(ctx.T(ret)).slice(0, 80) });
  }
  const labels = new Map(b.labels.map((l) => [l.label, l.l]));
  // Where does code reached at a label go? Walk forward: a revert first is
  // fine, a goto is followed (error paths often `goto out` back to the
  // revert), a return or the end of the function first is a leak.
  const revertsAfterLabel = (at: number, depth: number): boolean => {
    if (depth > 4) return true; // give up quietly: precision over recall
    const nextRevert = reverts.find((r) => r.n.s > at);
    const nextRet = b.rets.find((x) => x.s > at);
    const nextGoto = b.gotos.find((g) => g.g.s > at);
    const first = Math.min(nextRevert?.n.s ?? Infinity, nextRet?.s ?? Infinity, nextGoto?.g.s ?? Infinity);
    if (first === Infinity) return false;
    if (nextRevert && first === nextRevert.n.s) return true;
    if (nextGoto && first === nextGoto.g.s) {
      const t = labels.get(nextGoto.label);
      if (!t) return true;
      if (t.s > start && t.s <= end) return true; // back into the region, before the revert
      if (t.s <= start) return true; // a retry loop through the override again
      return revertsAfterLabel(t.s, depth + 1);
    }
    return false;
  };
  for (const g of b.gotos) {
    if (g.g.s <= start || g.g.s >= end) continue;
    const target = labels.get(g.label);
    // jumping to a label after the last revert skips it unless that code reverts or jumps back
    if (target && target.s > end && !revertedBefore(g.g.s) && unguarded(g.g.s) && !revertsAfterLabel(target.s, 0)) {
      out.push({ line: ctx.L(g.g.s), kind: 'goto', text: norm(ctx.T(g.g)) });
    }
  }
  return out.sort((x, y) => x.line - y.line);
}

// ---------------------------------------------------------------------------
// def-use

function assignments(b: Bucket, ctx: Ctx): Assignment[] {
  const out: Assignment[] = [];
  for (const a of b.assigns) {
    if (a.op !== '=') continue;
    const lhs = norm(ctx.T(a.lhs));
    const rhsText = ctx.T(a.rhs).trim();
    if (/^\(\s*[\w\s]+\*?\s*\)\s*\{/.test(rhsText) || rhsText.startsWith('{')) designated(lhs, rhsText, ctx.L(a.a.s), out);
    else out.push({ lhs, rhs: norm(rhsText), line: ctx.L(a.a.s) });
  }
  for (const i of b.inits) {
    const decl = declarationAround(b.decls, i.i);
    const v = declaredVar(decl ? ctx.text.slice(decl.s, decl.e) : '', ctx.T(i.decl), ctx.L(i.i.s));
    if (!v) continue;
    const val = ctx.T(i.val).trim();
    if (val.startsWith('{')) designated(v.name, val, ctx.L(i.i.s), out);
    else out.push({ lhs: v.name, rhs: norm(val), line: ctx.L(i.i.s), declType: v.type });
  }
  return out.sort((x, y) => x.line - y.line);
}

function declarationAround(decls: N[], n: N): N | undefined {
  let best: N | undefined;
  for (const d of decls) if (d.s <= n.s && n.e <= d.e && (!best || d.s >= best.s)) best = d;
  return best;
}

const DECL_BASE = /^((?:(?:const|volatile|static|unsigned|signed|struct|union|enum|register)\s+)*[A-Za-z_]\w*)/;

/** `const struct cred *old = ...`: the declaration's base type and the declarator's stars. */
function declaredVar(declText: string, declarator: string, line: number): Variable | undefined {
  const base = DECL_BASE.exec(declText.trim())?.[1];
  const m = /^\s*(\**)\s*(?:const\s+)?([A-Za-z_]\w*)/.exec(declarator);
  if (!base || !m) return undefined;
  return { name: m[2]!, type: normType(`${base}${m[1] ? ' ' + m[1] : ''}`), line };
}

/** `x = { .cred = ff->cred, .user_file = file }` -> `x.cred = ff->cred`, `x.user_file = file` */
function designated(base: string, init: string, line: number, out: Assignment[]): void {
  const open = init.indexOf('{');
  const close = init.lastIndexOf('}');
  if (open < 0 || close < open) return;
  for (const item of splitArgs(init.slice(open + 1, close))) {
    const m = /^\.\s*([A-Za-z_]\w*)\s*=\s*([\s\S]+)$/.exec(item);
    if (m) out.push({ lhs: `${base}.${m[1]}`, rhs: norm(m[2]!), line });
  }
}

function locals(b: Bucket, ctx: Ctx): Variable[] {
  const out: Variable[] = [];
  for (const d of b.decls) {
    const t = norm(ctx.T(d)).replace(/;$/, '');
    // `struct file *file = lo->lo_backing_file, *f2;` -> type words, then declarators
    const base = DECL_BASE.exec(t)?.[1];
    if (!base || /^(return|goto|if|else)$/.test(base)) continue;
    for (const part of splitArgs(t.slice(base.length))) {
      const name = /^(\**)\s*(?:const\s+)?([A-Za-z_]\w*)/.exec(part.split('=')[0]!.trim());
      if (name) out.push({ name: name[2]!, type: normType(`${base}${name[1] ? ' ' + name[1] : ''}`), line: ctx.L(d.s) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// ops tables

/** `static const struct file_operations x = { .read_iter = f, ... };` */
function opsTable(decl: string, line: number): OpsTable | undefined {
  const m = /\bstruct\s+(\w+)\s+(?:const\s+)?(?:__\w+\s+)*(\w+)\s*(?:\[[^\]]*\])?\s*=\s*\{/.exec(decl);
  if (!m) return undefined;
  const slots: Record<string, string> = {};
  const re = /\.\s*([A-Za-z_]\w*)\s*=\s*&?\s*([A-Za-z_]\w*)\s*(?=[,}])/g;
  for (let s = re.exec(decl); s; s = re.exec(decl)) if (!/^[A-Z0-9_]+$/.test(s[2]!)) slots[s[1]!] = s[2]!;
  return Object.keys(slots).length ? { struct: m[1]!, name: m[2]!, line, slots } : undefined;
}

// ---------------------------------------------------------------------------

/** Fragment mode: two hunks of one function become one partial function. */
function mergePartials(facts: FileFacts): void {
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
