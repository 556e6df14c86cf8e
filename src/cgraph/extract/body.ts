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


export function paramsOf(decl: string, line: number): Variable[] {
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

export function fillBody(fn: FunctionFacts, body: N, b: Bucket, ctx: Ctx, rootId: string): void {
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
  fn.calls = throughPointers(fn.calls, fn.assigns);
  const outs = outArguments(fn.calls);
  if (outs.length) fn.assigns = [...fn.assigns, ...outs].sort((x, y) => x.line - y.line);
  fn.locals = locals(b, ctx);
  if (TRACED_RETURNS.test(fn.returns)) {
    const rets = returnedExprs(b, ctx);
    if (rets.length) fn.rets = rets;
  }
}

/**
 * `rw = file->f_op->read_iter; ... rw(&kiocb, &iter)`: a call through a
 * local that was given an ops method is that method's call (one call site
 * per method the local may hold: nvmet's call_iter is ->read_iter or
 * ->write_iter).
 */
function throughPointers(calls: CallSite[], assigns: Assignment[]): CallSite[] {
  if (!assigns.length) return calls;
  const out: CallSite[] = [];
  for (const c of calls) {
    if (c.kind !== 'direct' || !/^[a-z_]\w*$/.test(c.callee)) {
      out.push(c);
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

const OUT_ARG_NAME = /file|filp|mapping|cred/i;

/** Return types whose values the dataflow follows out of a helper: files, mappings, credentials. */
export const TRACED_RETURNS = /\bstruct (?:file|address_space|cred)\s*\*$/;

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

export function declarationAround(decls: N[], n: N): N | undefined {
  let best: N | undefined;
  for (const d of decls) if (d.s <= n.s && n.e <= d.e && (!best || d.s >= best.s)) best = d;
  return best;
}

export const DECL_BASE = /^((?:(?:const|volatile|static|unsigned|signed|struct|union|enum|register)\s+)*[A-Za-z_]\w*)/;

/** `const struct cred *old = ...`: the declaration's base type and the declarator's stars. */
export function declaredVar(declText: string, declarator: string, line: number): Variable | undefined {
  const base = DECL_BASE.exec(declText.trim())?.[1];
  const m = /^\s*(\**)\s*(?:const\s+)?([A-Za-z_]\w*)/.exec(declarator);
  if (!base || !m) return undefined;
  return { name: m[2]!, type: normType(`${base}${m[1] ? ' ' + m[1] : ''}`), line };
}

/** `x = { .cred = ff->cred, .user_file = file }` -> `x.cred = ff->cred`, `x.user_file = file` */
export function designated(base: string, init: string, line: number, out: Assignment[]): void {
  const open = init.indexOf('{');
  const close = init.lastIndexOf('}');
  if (open < 0 || close < open) return;
  for (const item of splitArgs(init.slice(open + 1, close))) {
    const m = /^\.\s*([A-Za-z_]\w*)\s*=\s*([\s\S]+)$/.exec(item);
    if (m) out.push({ lhs: `${base}.${m[1]}`, rhs: norm(m[2]!), line });
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
  const m = /\bstruct\s+(\w+)\s+(?:const\s+)?(?:__\w+\s+)*(\w+)\s*(\[[^\]]*\])?\s*=\s*\{/.exec(decl);
  if (!m) return [];
  const table = (name: string, text: string): OpsTable | undefined => {
    const slots: Record<string, string> = {};
    const re = /\.\s*([A-Za-z_]\w*)\s*=\s*&?\s*([A-Za-z_]\w*)\s*(?=[,}])/g;
    for (let s = re.exec(text); s; s = re.exec(text)) if (!/^[A-Z0-9_]+$/.test(s[2]!)) slots[s[1]!] = s[2]!;
    return Object.keys(slots).length ? { struct: m[1]!, name, line, slots } : undefined;
  };
  const body = decl.slice(m.index + m[0].length, decl.lastIndexOf('}'));
  if (!m[3]) return [table(m[2]!, body)].filter((t): t is OpsTable => !!t);
  const out: OpsTable[] = [];
  for (const [i, el] of splitArgs(body).entries()) {
    const idx = /^\[\s*([^\]]*?)\s*\]\s*=/.exec(el)?.[1] ?? String(i);
    const t = table(`${m[2]}[${idx}]`, el);
    if (t) out.push(t);
  }
  return out;
}

