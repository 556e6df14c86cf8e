// C text helpers for code that reads kernel C as text: matching
// parentheses, splitting argument lists, declarator names and types, member
// chains, whitespace and comment normalisation. The indexer and the
// dataflow both use these (one of each, so they cannot disagree).

export function lineIndex(text: string): (offset: number) => number {
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


/** The declared name: the last identifier before the first top-level `(` of a declarator. */
export function functionName(decl: string): string | undefined {
  // `(*fn(args))(more)`: the name sits inside the first parentheses
  // `\b`: only whole words, so a long word not followed by `(` is scanned once, not from each of its letters
  const m = /\b([A-Za-z_]\w*)\s*\(/.exec(decl);
  if (!m || /^(if|for|while|switch|return|sizeof|defined|typeof|__typeof__)$/.test(m[1]!)) return undefined;
  return m[1];
}

export function matching(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/**
 * Visit the characters of `s[from, to)` outside string and character
 * literals that are not brackets, with the bracket depth they sit at. The
 * visitor returns the index to go on from (to skip characters), `false` to
 * stop, or nothing.
 */
export function walkOutsideQuotes(s: string, from: number, to: number, visit: (i: number, ch: string, depth: number) => number | false | void): void {
  let depth = 0;
  let quote = '';
  for (let i = from; i < to; i++) {
    const ch = s[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else {
      const next = visit(i, ch, depth);
      if (next === false) return;
      if (typeof next === 'number') i = next;
    }
  }
}

/**
 * `c ? a : b` at the top level: the condition and both arms (`a ?: b` gives
 * `c` as its first arm); undefined when the expression is no conditional.
 */
export function splitTernary(s: string): { cond: string; then: string; otherwise: string } | undefined {
  let q = -1;
  let colon = -1;
  let nested = 0;
  walkOutsideQuotes(s, 0, s.length, (i, ch, depth) => {
    if (depth !== 0) return;
    if (ch === '?') {
      if (q < 0) q = i;
      else nested++;
    } else if (ch === ':' && q >= 0) {
      if (nested) nested--;
      else {
        colon = i;
        return false;
      }
    }
  });
  if (q < 0 || colon < 0) return undefined;
  const cond = norm(s.slice(0, q));
  const then = norm(s.slice(q + 1, colon));
  return { cond, then: then || cond, otherwise: norm(s.slice(colon + 1)) };
}

/** Split a comma-separated list at the top level (not inside (), [], {}). */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  let start = 0;
  walkOutsideQuotes(s, 0, s.length, (i, ch, depth) => {
    if (ch === ',' && depth === 0) {
      out.push(norm(s.slice(start, i)));
      start = i + 1;
    }
  });
  const last = norm(s.slice(start));
  if (last || out.length) out.push(last);
  return out;
}

export function normType(t: string): string {
  return t
    .replace(/\b(static|inline|extern|__always_inline|register)\b/g, '')
    .replace(/\s+/g, ' ')
    // white space is single spaces from here on
    .replace(/ ?\* ?/g, ' *')
    .replace(/\* \*/g, '**')
    .replace(/ \*\*/g, '**')
    .trim();
}

export function norm(s: string): string {
  if (!/[\s/]/.test(s)) return s;
  return withoutBlockComments(s).replace(/\/\/[^\n]*/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Each `/* ... *\/` as one space (an unclosed one stays). A loop, not
 * `/\/\*[\s\S]*?\*\//g`: that one rescans to the end of the text from
 * every unclosed `/*`, quadratic on a line of them.
 */
export function withoutBlockComments(s: string): string {
  let open = s.indexOf('/*');
  if (open < 0) return s;
  let out = '';
  let last = 0;
  while (open >= 0) {
    const close = s.indexOf('*/', open + 2);
    if (close < 0) break;
    out += s.slice(last, open) + ' ';
    last = close + 2;
    open = s.indexOf('/*', last);
  }
  return out + s.slice(last);
}

/** `a->b.c->d` -> base `a`, fields [b, c, d] with the operator before each (`->` or `.`). */
export function memberChain(e: string): { base: string; fields: string[]; ops: string[] } | undefined {
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
export function chainPrefix(c: { base: string; fields: string[]; ops: string[] }, k: number): string {
  let s = c.base;
  for (let i = 0; i < k; i++) s += c.ops[i]! + c.fields[i]!;
  return s;
}


/** Whitespace-collapse and strip what does not change which object an expression names. */
export function normExpr(e: string): string {
  let s = e.replace(/\s+/g, ' ').trim();
  for (;;) {
    const before = s;
    s = s.replace(/^&\s*/, '').replace(/^\*\s*/, '');
    // a cast: (struct file *)x, (void *)x
    s = s.replace(/^\((?:const\s+)?(?:struct\s+)?\w+(?:\s+\w+)?\s*\*+\s*\)\s*/, '');
    if (s.startsWith('(') && matching(s, 0) === s.length - 1) s = s.slice(1, -1).trim();
    s = s.replace(/ ?(->|\.) ?/g, '$1'); // white space is single spaces here
    if (s === before) return s;
  }
}

export function sameExpr(a: string, b: string): boolean {
  return normExpr(a) === normExpr(b);
}

/** `a->b.c` -> { base: 'a->b', field: 'c' } */
export function splitMember(e: string): { base: string; field: string } | undefined {
  const m = /^(.*\S)(?:->|\.)([A-Za-z_]\w*)$/.exec(e);
  if (!m) return undefined;
  // do not split inside an unclosed call: f(a->b) is a call, not a member
  const base = m[1]!;
  let depth = 0;
  for (const ch of base) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
  }
  return depth === 0 ? { base, field: m[2]! } : undefined;
}

export function parseCall(e: string): { name: string; args: string[] } | undefined {
  const m = /^([A-Za-z_]\w*)\s*\(/.exec(e);
  if (!m) return undefined;
  const open = m[0].length - 1;
  if (matching(e, open) !== e.length - 1) return undefined;
  return { name: m[1]!, args: splitArgs(e.slice(open + 1, -1)) };
}



/** The right side recorded for an out-argument (extract/body.ts): `<out nfsd_open_verified 3>`, never C. */
export function outArg(callee: string, index: number): string {
  return `<out ${callee} ${index}>`;
}

export const OUT_ARG = /^<out ([A-Za-z_]\w*) (\d+)>$/;

/** `nfs_to->nfsd_file_file(nf)` -> name `nfsd_file_file`: a call through a struct's function pointer. */
export function parseMemberCall(e: string): { name: string; args: string[] } | undefined {
  const open = e.indexOf('(');
  if (open <= 0 || matching(e, open) !== e.length - 1) return undefined;
  const m = /(?:->|\.)([A-Za-z_]\w*)\s*$/.exec(e.slice(0, open));
  if (!m || !/^[A-Za-z_][\w>.-]*$/.test(e.slice(0, open).replace(/\s+/g, ''))) return undefined;
  return { name: m[1]!, args: splitArgs(e.slice(open + 1, -1)) };
}

/** Block path `a` (CallSite.block) is `b` or an enclosing block of `b`. */
export function blockEncloses(a: string, b: string): boolean {
  return a === b || b.startsWith(a + '.');
}
