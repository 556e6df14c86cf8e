// Function bodies: definitions, call sites with their blocks and the
// credentials in force, assignments (designated initialisers included),
// locals, and ops tables.

import type { Assignment, CallSite, FunctionFacts, OpsTable, Variable } from '../types.js';
import { chainPrefix, functionName, matching, memberChain, norm, normExpr, normType, outArg, splitArgs, splitMember } from '../ctext.js';
import { credScopes, type RawCall } from './creds.js';
import type { Bucket, Ctx, N } from './nodes.js';
import type { FragmentSection } from './fragments.js';

export function functionFacts(f: { fn: N; decl: N; body: N }, path: string, ctx: Ctx, _section: FragmentSection | undefined): FunctionFacts | undefined {
  const declText = ctx.T(f.decl);
  const m = /\b([A-Za-z_]\w*)\s*\(/.exec(declText);
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


export function paramsOf(decl: string, line: number): Variable[] {
  const open = decl.indexOf('(');
  if (open < 0) return [];
  const close = matching(decl, open);
  const inside = decl.slice(open + 1, close < 0 ? decl.length : close);
  const parts = splitArgs(inside);
  // no closing parenthesis: the first line of a signature that goes on, or
  // git's hunk heading, which it cuts at 80 columns (`..., const str`): the
  // last piece is not a whole parameter
  if (close < 0) parts.pop();
  return parts
    .filter((p) => p && p !== 'void' && p !== '...')
    .map((p) => {
      // a function pointer, `ssize_t (*call_iter)(struct kiocb *, struct iov_iter *)`: named inside its
      // parentheses (dropping it would shift every later parameter's index)
      const fp = /\(\s*\*\s*([A-Za-z_]\w*)\s*\)\s*\(/.exec(p);
      if (fp) return { name: fp[1]!, type: normType(p.slice(0, fp.index) + '(*)' + p.slice(fp.index + fp[0].length - 1)), line };
      const m = typeAndName(p.replace(/\s+/g, ' ').trim());
      return m && m.type.trim() ? { name: m.name, type: normType(m.type), line } : undefined;
    })
    .filter((v): v is Variable => !!v);
}

/**
 * `const char *name[4]` -> type `const char *`, name `name`: what
 * `/^(.*?)([A-Za-z_]\w*)\s*(\[[^\]]*\])?$/` finds, in one pass (that
 * expression retries the name from every position, quadratic on a long one).
 */
function typeAndName(p: string): { type: string; name: string } | undefined {
  let end = p.length;
  if (p.endsWith(']')) {
    const open = p.lastIndexOf('[');
    if (open >= 0 && p.indexOf(']', open) === p.length - 1) end = open;
  }
  while (end > 0 && p[end - 1] === ' ') end--;
  let start = end;
  while (start > 0 && /\w/.test(p[start - 1]!)) start--;
  // the name starts at the run's first letter or underscore
  while (start < end && /\d/.test(p[start]!)) start++;
  if (start === end) return undefined;
  return { type: p.slice(0, start), name: p.slice(start, end) };
}

/**
 * For blocks sorted by start (the longer first), the index of the innermost
 * block each lies in, or -1. They are syntax nodes, so two either nest or
 * do not meet: one pass with a stack.
 */
function blockParents(blocks: N[]): Int32Array {
  const parent = new Int32Array(blocks.length).fill(-1);
  const open: number[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const x = blocks[i]!;
    while (open.length && blocks[open[open.length - 1]!]!.e <= x.s) open.pop();
    if (open.length) parent[i] = open[open.length - 1]!;
    open.push(i);
  }
  return parent;
}

/** `(struct x) { ...`: a compound literal, as `/^\(\s*[\w\s]+\*?\s*\)\s*\{/` says, without its cubic backtracking. */
function isCompoundLiteral(rhs: string): boolean {
  if (!rhs.startsWith('(')) return false;
  const close = rhs.indexOf(')');
  if (close < 0 || !/^\s*\{/.test(rhs.slice(close + 1))) return false;
  const inside = rhs.slice(1, close);
  if (/^[\w\s]+$/.test(inside)) return true;
  const star = inside.indexOf('*');
  return star > 0 && /^[\w\s]+$/.test(inside.slice(0, star)) && /^\s*$/.test(inside.slice(star + 1));
}

export function fillBody(fn: FunctionFacts, body: N, b: Bucket, ctx: Ctx, rootId: string): void {
  const blocks = b.blocks.filter((x) => x.s > body.s || x.e < body.e).sort((x, y) => x.s - y.s || y.e - x.e);
  const parent = blockParents(blocks);
  // the blocks enclosing `off`, outermost first: up the parents from the last block starting at or before it
  const blockPath = (off: number): string => {
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (blocks[mid]!.s <= off) lo = mid + 1;
      else hi = mid - 1;
    }
    let j = hi;
    while (j >= 0 && !(off < blocks[j]!.e)) j = parent[j]!;
    const chain: string[] = [];
    for (; j >= 0; j = parent[j]!) if (off < blocks[j]!.e) chain.push(String(blocks[j]!.s + 1));
    const ids = [rootId];
    for (let k = chain.length - 1; k >= 0; k--) if (ids[ids.length - 1] !== chain[k]) ids.push(chain[k]!); // an if's consequence and its `{` share an offset
    return ids.join('.');
  };
  const raw: RawCall[] = [];
  for (const c of b.calls.sort((x, y) => x.call.s - y.call.s)) raw.push({ n: c.call, site: callSite(c, ctx, blockPath) });
  fn.calls = raw.map((r) => r.site);
  addGuards(raw, b, ctx);
  const exits: (number | [number, string])[] = [...b.rets.map((r) => ctx.L(r.s)), ...b.gotos.map((g): [number, string] => [ctx.L(g.g.s), g.label])];
  if (exits.length) fn.exits = exits.sort((x, y) => (typeof x === 'number' ? x : x[0]) - (typeof y === 'number' ? y : y[0]));
  if (b.labels.length) fn.labels = b.labels.map((l): [string, number] => [l.label, ctx.L(l.l.s)]);
  const { scopes, ranges } = credScopes(fn, body, raw, b, ctx, blockPath);
  fn.credScopes = scopes;
  for (const r of raw) {
    const inForce: number[] = [];
    for (const [i, rg] of ranges.entries()) {
      if (r.n.s >= rg.from && r.n.s < rg.to && !(r.n.s >= rg.exclude.s && r.n.e <= rg.exclude.e) && !rg.ended?.(r.n.s)) inForce.push(i);
    }
    r.site.creds = inForce;
  }
  fn.assigns = assignments(b, ctx);
  fn.calls = throughPointers(fn.calls, fn.assigns, fn.params);
  const outs = outArguments(fn.calls);
  if (outs.length) fn.assigns = [...fn.assigns, ...outs].sort((x, y) => x.line - y.line);
  fn.locals = locals(b, ctx);
  if (TRACED_RETURNS.test(fn.returns)) {
    const rets = returnedExprs(b, ctx);
    if (rets.length) fn.rets = rets;
  }
}

/** The type of ->read_iter()/->write_iter() as a pointer: `ssize_t (*)(struct kiocb *, struct iov_iter *)`. */
const ITER_METHOD_POINTER = /^ssize_t ?\( ?\* ?\) ?\( ?struct kiocb ?\* ?\w*, ?struct iov_iter ?\* ?\w* ?\)$/;

/**
 * `rw = file->f_op->read_iter; ... rw(&kiocb, &iter)`: a call through a
 * local that was given an ops method is that method's call (one call site
 * per method the local may hold: nvmet's call_iter is ->read_iter or
 * ->write_iter).
 */
function throughPointers(calls: CallSite[], assigns: Assignment[], params: readonly Variable[] = []): CallSite[] {
  const iterParams = new Set(params.filter((p) => ITER_METHOD_POINTER.test(p.type)).map((p) => p.name));
  if (!assigns.length && !iterParams.size) return calls;
  const out: CallSite[] = [];
  for (const c of calls) {
    if (c.kind !== 'direct' || !/^[a-z_]\w*$/.test(c.callee)) {
      out.push(c);
      continue;
    }
    // a parameter of ->read_iter()'s and ->write_iter()'s type, called: one of the two methods,
    // on the file its kiocb names (nvmet's call_iter handed down to a helper that sets iocb->ki_filp)
    if (iterParams.has(c.callee) && c.args[0]) {
      const k = normExpr(c.args[0]);
      const receiver = c.args[0].trim().startsWith('&') ? `${k}.ki_filp` : `${k}->ki_filp`;
      for (const callee of ['f_op->read_iter', 'f_op->write_iter']) out.push({ ...c, callee, kind: 'member', receiver });
      continue;
    }
    const methods = new Map<string, string>();
    for (const a of assigns) {
      if (a.lhs !== c.callee || a.line > c.line) continue;
      const chain = memberChain(normExpr(a.rhs));
      const at = chain ? chain.fields.findIndex((x, i) => i < chain.fields.length - 1 && OPS_MEMBER.test(x)) : -1;
      if (!chain || at < 0 || at !== chain.fields.length - 2) continue;
      methods.set(chain.fields.slice(at).join('->'), chainPrefix(chain, at));
    }
    if (!methods.size) out.push(c);
    for (const [callee, receiver] of methods) out.push({ ...c, callee, kind: 'member', receiver });
  }
  return out;
}

/**
 * `foo(..., &nf->nf_file)`: a file, mapping or credentials the callee may
 * store through a pointer (an out-parameter, `*filp = dentry_open(...)`),
 * recorded as an assignment of `OUT_ARG`'s form so that field and local
 * tracing finds it; by name, like the model's assignments (a lock or a list
 * head passed by address is not one).
 */
function outArguments(calls: CallSite[]): Assignment[] {
  const out: Assignment[] = [];
  for (const c of calls) {
    if (c.kind !== 'direct') continue;
    for (const [i, a] of c.args.entries()) {
      if (!a.startsWith('&')) continue;
      const x = normExpr(a);
      const name = splitMember(x)?.field ?? (/^[A-Za-z_]\w*$/.test(x) ? x : undefined);
      if (name && OUT_ARG_NAME.test(name)) out.push({ lhs: x, rhs: outArg(c.callee, i), line: c.line });
    }
  }
  return out;
}

// a struct path filled in place (ovl_path_real(dentry, &realpath), kern_path(name, 0, &path)) is a file's place too
const OUT_ARG_NAME = /file|filp|mapping|cred|path/i;

/** Return types whose values the dataflow follows out of a helper: files, mappings, credentials. */
export const TRACED_RETURNS = /\bstruct (?:file|address_space|cred)\s*\*$/;

/**
 * The condition each call runs under: the innermost `if` whose branch holds
 * it (`!(cond)` in the else branch), as text, with the line the condition
 * starts on. What a patch that widens the condition sends down an existing
 * path is compared on it.
 */
function addGuards(raw: RawCall[], b: Bucket, ctx: Ctx): void {
  if (!b.ifs.length) return;
  for (const r of raw) {
    const off = r.n.s;
    let best: { s: number; text: string; line: number } | undefined;
    for (const x of b.ifs) {
      const inCons = x.cons && off >= x.cons.s && off < x.cons.e;
      const inAlt = !inCons && x.alt && off >= x.alt.s && off < x.alt.e;
      if (!inCons && !inAlt) continue;
      const br = (inCons ? x.cons : x.alt)!;
      if (best && br.s < best.s) continue;
      const t = norm(ctx.T(x.cond));
      if (t.length > 400) continue;
      best = { s: br.s, text: inCons ? t : `!${t}`, line: ctx.L(x.cond.s) };
    }
    if (best) {
      r.site.guard = best.text;
      r.site.guardLine = best.line;
    }
  }
}

/** `return EXPR;` of a body, but NULL, constants and error pointers. */
function returnedExprs(b: Bucket, ctx: Ctx): { expr: string; line: number }[] {
  const out: { expr: string; line: number }[] = [];
  for (const r of b.rets) {
    let t = ctx.T(r).trimEnd();
    if (!t.startsWith('return')) continue;
    if (t.endsWith(';')) t = t.slice(0, -1);
    const e = norm(t.slice('return'.length)).trim();
    if (!e || /^(?:NULL|0|ERR_PTR\(|ERR_CAST\(|-?E[A-Z]+$)/.test(e)) continue;
    out.push({ expr: e, line: ctx.L(r.s) });
  }
  return out;
}

export const OPS_MEMBER = /^(?:\w*_ops?|f_op|a_ops|fops|ops)$/;

export function callSite(c: { call: N; callee: N; args: N }, ctx: Ctx, blockPath: (off: number) => string): CallSite {
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

export function assignments(b: Bucket, ctx: Ctx): Assignment[] {
  const out: Assignment[] = [];
  for (const a of b.assigns) {
    if (a.op !== '=') continue;
    const lhs = norm(ctx.T(a.lhs));
    const rhsText = ctx.T(a.rhs).trim();
    if (isCompoundLiteral(rhsText) || rhsText.startsWith('{')) designated(lhs, rhsText, ctx.L(a.rhs.s + (ctx.T(a.rhs).length - ctx.T(a.rhs).trimStart().length)), out);
    else out.push({ lhs, rhs: norm(rhsText), line: ctx.L(a.a.s) });
  }
  for (const i of b.inits) {
    const decl = declarationAround(b.decls, i.i);
    const v = declaredVar(decl ? ctx.text.slice(decl.s, decl.e) : '', ctx.T(i.decl), ctx.L(i.i.s));
    if (!v) continue;
    const val = ctx.T(i.val).trim();
    if (val.startsWith('{')) designated(v.name, val, ctx.L(i.val.s + (ctx.T(i.val).length - ctx.T(i.val).trimStart().length)), out);
    else out.push({ lhs: v.name, rhs: norm(val), line: ctx.L(i.i.s), declType: v.type });
  }
  return out.sort((x, y) => x.line - y.line);
}

export function declarationAround(decls: N[], n: N): N | undefined {
  let best: N | undefined;
  for (const d of decls) if (d.s <= n.s && n.e <= d.e && (!best || d.s >= best.s)) best = d;
  return best;
}

export const DECL_BASE = /^((?:(?:const|volatile|static|unsigned|signed|struct|union|enum|register)\s+)*[A-Za-z_]\w*)/;

/** `const struct cred *old = ...`: the declaration's base type and the declarator's stars. */
export function declaredVar(declText: string, declarator: string, line: number): Variable | undefined {
  const base = DECL_BASE.exec(declText.trim())?.[1];
  const m = /^(\**)\s*(?:const\s+)?([A-Za-z_]\w*)/.exec(declarator.trimStart());
  if (!base || !m) return undefined;
  return { name: m[2]!, type: normType(`${base}${m[1] ? ' ' + m[1] : ''}`), line };
}

/** `x = { .cred = ff->cred, .user_file = file }` -> `x.cred = ff->cred`, `x.user_file = file` */
export function designated(base: string, init: string, line: number, out: Assignment[]): void {
  const open = init.indexOf('{');
  const close = init.lastIndexOf('}');
  if (open < 0 || close < open) return;
  // each member at its own line: `.cred = ...` is what a finding about it points at
  let at = open + 1;
  let nl = 0;
  for (const item of splitArgs(init.slice(open + 1, close))) {
    const head = /^\.\s*[A-Za-z_]\w*/.exec(item)?.[0];
    const i = head ? init.indexOf(head, at) : -1;
    if (i >= 0) {
      for (let k = at; k < i; k++) if (init.charCodeAt(k) === 10) nl++;
      at = i;
    }
    const m = /^\.\s*([A-Za-z_]\w*)\s*=\s*([\s\S]+)$/.exec(item);
    if (m) out.push({ lhs: `${base}.${m[1]}`, rhs: norm(m[2]!), line: line + nl });
  }
}

export function locals(b: Bucket, ctx: Ctx): Variable[] {
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


/**
 * `static const struct file_operations x = { .read_iter = f, ... };`, and
 * each element of an array of them (`struct io_issue_def io_issue_defs[] =
 * { [IORING_OP_READV] = { .issue = io_read, ... }, ... }`: one table per
 * element, named `io_issue_defs[IORING_OP_READV]`).
 */
export function opsTable(decl: string, line: number): OpsTable[] {
  const m = opsTableHead(decl);
  if (!m) return [];
  const table = (name: string, text: string): OpsTable | undefined => {
    const slots: Record<string, string> = {};
    // `.slot = fn` up to a `,` or `}`; the white space before it is skipped by
    // hand (a lookahead over it was quadratic in a long run of blanks)
    const re = /\.\s*([A-Za-z_]\w*)\s*=\s*(?:&\s*)?([A-Za-z_]\w*)/g;
    for (let s = re.exec(text); s; s = re.exec(text)) {
      let k = re.lastIndex;
      while (k < text.length && /\s/.test(text[k]!)) k++;
      if ((text[k] === ',' || text[k] === '}') && !/^[A-Z0-9_]+$/.test(s[2]!)) slots[s[1]!] = s[2]!;
    }
    return Object.keys(slots).length ? { struct: m.struct, name, line, slots } : undefined;
  };
  const body = decl.slice(m.body, decl.lastIndexOf('}'));
  if (!m.array) return [table(m.name, body)].filter((t): t is OpsTable => !!t);
  const out: OpsTable[] = [];
  for (const [i, el] of splitArgs(body).entries()) {
    const idx = /^\[([^\]]*)\]\s*=/.exec(el)?.[1]?.trim() ?? String(i);
    const t = table(`${m.name}[${idx}]`, el);
    if (t) out.push(t);
  }
  return out;
}

/**
 * The struct and the name of `static const struct T __ro_after_init name[] = {`:
 * what `/\bstruct\s+(\w+)\s+(?:const\s+)?(?:__\w+\s+)*(\w+)\s*(?:\[[^\]]*\])?\s*=\s*\{/`
 * finds, read word by word (that expression backtracks through every split
 * of the words between `struct` and `=`, from every `struct`).
 */
function opsTableHead(decl: string): { struct: string; name: string; array: boolean; body: number } | undefined {
  const eq = /=\s*\{/.exec(decl);
  if (!eq) return undefined;
  let head = decl.slice(0, eq.index).trimEnd();
  let array = false;
  if (head.endsWith(']')) {
    const open = head.lastIndexOf('[');
    if (open >= 0) {
      head = head.slice(0, open).trimEnd();
      array = true;
    }
  }
  const words = head.split(/\s+/);
  let s = words.length - 1;
  while (s >= 0 && !/(?:^|\W)struct$/.test(words[s]!)) s--;
  const rest = words.slice(s + 1);
  if (s < 0 || rest.length < 2 || !rest.every((w) => /^\w+$/.test(w))) return undefined;
  // struct T [const] [__attr ...] name
  const between = rest.slice(1, -1);
  if (between[0] === 'const') between.shift();
  if (!between.every((w) => w.startsWith('__'))) return undefined;
  return { struct: rest[0]!, name: rest[rest.length - 1]!, array, body: eq.index + eq[0].length };
}

