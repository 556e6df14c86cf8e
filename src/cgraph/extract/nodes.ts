// The tree-sitter side of the indexer: every node kind extraction looks
// at, collected in one native pass and reduced to offsets, then sorted into
// per-function buckets.

import type ParserT from 'tree-sitter';
import { cLanguage, Query } from '../parse.js';
import { walkOutsideQuotes } from '../ctext.js';

// The node kinds extraction looks at, collected in one native pass, in
// document order. A check of a few files uses descendantsOfType(): building
// a tree-sitter Query analyses the whole C grammar (1.5-2.5 ms, whatever the
// patterns), too much for a 40 ms check; see kindNodes() for long runs.
// Callees, arguments, assignment sides and labels are cut from the text;
// fields (an if's consequence, a loop's body) are read from the node.
export const KIND: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
  function_definition: 'fn',
  call_expression: 'call',
  compound_statement: 'block',
  if_statement: 'if',
  else_clause: 'block',
  case_statement: 'block',
  for_statement: 'loop',
  while_statement: 'loop',
  do_statement: 'loop',
  switch_statement: 'switch',
  break_statement: 'break',
  continue_statement: 'continue',
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

export const KINDS = Object.keys(KIND);

// For long runs (an index, a sweep, a big mbox) a Query is faster: its
// captures filter `&&`/`||` natively and skip the other binary expressions.
// Its one-time cost (4.5 ms) is only worth paying after a dozen files' worth
// of C: counted in bytes, so the many small hunk fragments of a one-patch
// check (a dozen units, 30 kB) never pay it.
export const QUERY_SRC = Object.entries(KIND)
  .map(([type, kind]) => (type === 'binary_expression' ? '(binary_expression operator: ["&&" "||"]) @logic' : `(${type}) @${kind}`))
  .join('\n');

export let queryAfterBytes = 256 * 1024;

export let captured = 0;

export let query: ParserT.Query | undefined;

/** Count the next files as the first of a run again, switching to a Query after `afterBytes` (the tests compare both passes). */
export function restartNodeCollection(afterBytes = 256 * 1024): void {
  captured = 0;
  queryAfterBytes = afterBytes;
}

/** The nodes of the kinds above, in document order. */
export function kindNodes(root: ParserT.SyntaxNode): { nodes: ParserT.SyntaxNode[]; logicChecked: boolean } {
  captured += root.endIndex;
  if (captured <= queryAfterBytes || !queryBounded(root)) return { nodes: root.descendantsOfType(KINDS), logicChecked: false };
  query ??= new Query(cLanguage(), QUERY_SRC);
  return { nodes: query.captures(root).map((c) => c.node), logicChecked: true };
}

/**
 * A Query's captures come back in document order, so the cursor holds every
 * node it has entered and not left; past 65,536 of them (a nesting that deep:
 * 80,000 `{`, a chain of 70,000 `a+`) it drops captures and slows to
 * minutes. Each level of nesting spans at least one byte, so a unit whose
 * top-level pieces are all shorter than this cannot reach that depth; any
 * other unit is walked by descendantsOfType(), which takes linear time at
 * any depth.
 */
const QUERY_SAFE_BYTES = 32 * 1024;

function queryBounded(root: ParserT.SyntaxNode): boolean {
  if (root.endIndex - root.startIndex <= QUERY_SAFE_BYTES) return true;
  return root.children.every((c) => c.endIndex - c.startIndex <= QUERY_SAFE_BYTES);
}

/** A captured node, reduced to plain numbers and strings once. */
export interface N {
  s: number;
  e: number;
}

export interface Captures {
  fns: { fn: N; decl: N; body: N }[];
  calls: { call: N; callee: N; args: N }[];
  blocks: N[];
  rets: N[];
  gotos: { g: N; label: string }[];
  labels: { l: N; label: string }[];
  assigns: { a: N; lhs: N; rhs: N; op: string }[];
  inits: { i: N; decl: N; val: N }[];
  decls: N[];
  /** if statements: the condition, and the branches a call in them runs under. */
  ifs: IfNode[];
  /** for, while, do and switch statements: what a break leaves (a continue: the loops) */
  loops: { n: N; kind: 'loop' | 'switch' }[];
  jumps: { j: N; kind: 'break' | 'continue' }[];
  errors: number;
}

export interface IfNode {
  cond: N;
  cons?: N;
  alt?: N;
}

export function capture(root: ParserT.SyntaxNode, text: string): Captures {
  const c: Captures = { fns: [], calls: [], blocks: [], rets: [], gotos: [], labels: [], assigns: [], inits: [], decls: [], ifs: [], loops: [], jumps: [], errors: 0 };
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
      case 'if': {
        pushField(c.blocks, n, 'consequence');
        const cond = n.childForFieldName('condition');
        if (cond) {
          const cons = n.childForFieldName('consequence');
          const alt = n.childForFieldName('alternative');
          c.ifs.push({ cond: { s: cond.startIndex, e: cond.endIndex }, ...(cons ? { cons: { s: cons.startIndex, e: cons.endIndex } } : {}), ...(alt ? { alt: { s: alt.startIndex, e: alt.endIndex } } : {}) });
        }
        break;
      }
      case 'loop':
        pushField(c.blocks, n, 'body');
        c.loops.push({ n: x, kind: 'loop' });
        break;
      case 'switch':
        c.loops.push({ n: x, kind: 'switch' });
        break;
      case 'break':
      case 'continue':
        c.jumps.push({ j: x, kind });
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

export function pushField(out: N[], n: ParserT.SyntaxNode, field: string): void {
  const f = n.childForFieldName(field);
  if (f) out.push({ s: f.startIndex, e: f.endIndex });
}

/** `f(a, b)` -> callee `f`, arguments `(a, b)`: the last top-level parenthesised group. */
export function splitCall(text: string, x: N): { callee: N; args: N } | undefined {
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
export function topLevelAssign(text: string, x: N): N | undefined {
  let found: N | undefined;
  walkOutsideQuotes(text, x.s, x.e, (i, ch, depth) => {
    if (ch !== '=' || depth !== 0) return;
    // `==`: past both
    if (text[i + 1] === '=') return i + 1;
    const prev = text[i - 1]!;
    if (prev === '=' || prev === '!' || ((prev === '<' || prev === '>') && text[i - 2] !== prev)) return;
    // compound assignments (+=, |=, <<=) keep their operator
    let s = i;
    while (s > x.s && /[+\-*/%&|^<>]/.test(text[s - 1]!)) s--;
    found = { s, e: i + 1 };
    return false;
  });
  return found;
}

export interface Bucket {
  calls: Captures['calls'];
  blocks: N[];
  rets: N[];
  gotos: Captures['gotos'];
  labels: Captures['labels'];
  assigns: Captures['assigns'];
  inits: Captures['inits'];
  decls: N[];
  ifs: IfNode[];
  loops: Captures['loops'];
  jumps: Captures['jumps'];
}

export function emptyBucket(): Bucket {
  return { calls: [], blocks: [], rets: [], gotos: [], labels: [], assigns: [], inits: [], decls: [], ifs: [], loops: [], jumps: [] };
}

export function filterBucket(b: Bucket, from: number, to: number): Bucket {
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
    ifs: b.ifs.filter((x) => inside(x.cond)),
    loops: b.loops.filter((x) => inside(x.n)),
    jumps: b.jumps.filter((x) => inside(x.j)),
  };
}

export interface Ctx {
  text: string;
  L: (off: number) => number;
  T: (n: N) => string;
}
