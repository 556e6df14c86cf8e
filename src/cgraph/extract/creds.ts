// Credential scopes of a function body: every override, scoped guard and
// paired begin/end the knowledge base names (src/kb/creds.ts), the calls in
// force under each, and the returns and gotos that leave an override
// without its revert.

import type { CallSite, CredLeak, CredScope, FunctionFacts } from '../types.js';
import { CRED_FORMS, credForm, credFormFor, revertsForm } from '../../kb/index.js';
import { blockEncloses, matching, norm } from '../ctext.js';
import { STMT_KEYWORD } from '../parse.js';
import type { Bucket, Ctx, N } from './nodes.js';

export interface RawCall {
  n: N;
  site: CallSite;
}

export interface ScopeRange {
  /** Offsets of the source the scope covers; `exclude`: the scope's own call. */
  from: number;
  to: number;
  exclude: N;
  /** Offsets inside the range that a revert of the scope already ended on the way there. */
  ended?: (off: number) => boolean;
}

export function credScopes(fn: FunctionFacts, body: N, raw: RawCall[], b: Bucket, ctx: Ctx, blockPath: (off: number) => string): { scopes: CredScope[]; ranges: ScopeRange[] } {
  const scopes: CredScope[] = [];
  const ranges: ScopeRange[] = [];
  const add = (s: CredScope, from: number, to: number, exclude: N, ended?: (off: number) => boolean): void => {
    scopes.push(s);
    ranges.push({ from, to, exclude, ...(ended ? { ended } : {}) });
  };
  const stmts = [...b.blocks].sort((x, y) => x.s - y.s);
  for (const r of raw) {
    const key = formKey(r.site.callee, r.site.args);
    const form = key ? credFormFor(key)?.form : undefined;
    if (!form || !key) continue;
    const cred = credText(form, r.site.args, key);
    if (form.kind === 'scoped') {
      if (form.block || key.startsWith('scoped_class(')) {
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
      const a1 = r.site.args[form.savedArg ?? 1] ?? '';
      local = a1.startsWith('&') || !!form.keptInObject;
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
    const isRevert = (callee: string): boolean => revertsForm(form, callee);
    const revertArg = form.kind === 'paired' ? (form.revertArg ?? 1) : 0;
    // the region ends before the same variable is overridden again
    // (not for a form that keeps them in an object: that holds one switch at a time, and a second
    // call is another path's, as smb2_open()'s durable-reconnect branch and its main path are)
    // (by another override form too: `old = ovl_override_creds(sb); ... revert_creds(old); old = override_creds(c);`)
    const overridesAgain = (x: RawCall): boolean => {
      const k = formKey(x.site.callee, x.site.args);
      if (k === key) return true;
      return !!k && saved !== undefined && form.kind === 'override' && credFormFor(k)?.form.kind === 'override';
    };
    const reOverride = form.keptInObject ? undefined : raw.find((x) => x.n.s > r.n.e && x !== r && overridesAgain(x) && sameSaved(ctx.text, body, x, form.kind, saved));
    const revertsOfSaved = raw.filter((x) => x.n.s > r.n.e && isRevert(x.site.callee) && (saved === undefined || revertsSaved(x.site.args, revertArg, saved)));
    const reverts0 = reOverride ? revertsOfSaved.filter((x) => x.n.s < reOverride.n.s) : revertsOfSaved;
    // a goto's walk from its label goes by the text, not by the region: the switch again on
    // another path (an error label that re-enters the secure section before falling through
    // to the common revert, cachefiles_add_cache()) is not on the walk from a later label
    const walk: LabelWalk = reOverride
      ? { reverts: revertsOfSaved, stops: raw.filter((x) => x.n.s > r.n.e && x !== r && overridesAgain(x) && sameSaved(ctx.text, body, x, form.kind, saved)) }
      : { reverts: reverts0, stops: [] };
    // a hunk of a function that shows only an error branch's revert (`if (err) { revert_creds(old);
    // return err; }`): the switch goes on past it, to a revert the hunk does not show
    const errorExit = (x: RawCall): boolean => {
      if (x.site.block === r.site.block || !x.site.block.startsWith(`${r.site.block}.`)) return false;
      // the statement after the revert's: `; return err;`, `; goto out;`
      let t = ctx.text.slice(x.n.e, x.n.e + 80);
      let i = 0;
      while (i < t.length && (t[i] === ')' || t[i] === ';' || t[i] === ' ' || t[i] === '\t' || t[i] === '\n')) i++;
      t = t.slice(i);
      return (t.startsWith('return') && !/\w/.test(t[6] ?? '')) || (t.startsWith('goto') && (t[4] === ' ' || t[4] === '\t'));
    };
    const reverts = fn.partial && reverts0.length && reverts0.every(errorExit) ? [] : reverts0;
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
    if (saved && local && !credFormFor(key)?.generic) {
      scope.leaks = leaks(body, r, reverts0, last, b, ctx, blockPath, walk);
      const exits = last ? exitLabels(r, last, reverts === reverts0 ? walk : { reverts, stops: walk.stops }, b) : [];
      if (exits.length) scope.exitLabels = exits;
    }
    // a call after a revert in its own or an enclosing block, with no label between, runs with
    // the old creds back even though a later revert (an error path's) closes the region:
    // `cachefiles_end_secure(); cachefiles_register_object(); return true; fail: cachefiles_end_secure();`
    const ended =
      reverts.length > 1
        ? (off: number): boolean => {
            const bp = blockPath(off);
            return reverts.some((x) => x.n.e <= off && blockEncloses(x.site.block, bp) && !b.labels.some((l) => l.l.s > x.n.e && l.l.s < off));
          }
        : undefined;
    add(scope, r.n.e, last ? last.n.s : body.e, r.n, ended);
  }
  return { scopes, ranges };
}

/**
 * Does a revert call undo the creds saved in `saved`? The usual argument
 * (`revert_creds(old_cred)`), or, for wrappers that take more, any argument
 * that is or names it: `ovl_revert_creds(sb, old_cred)`,
 * `ovl_revert_creds(sb, old_cred ?: hold_cred)`.
 */
export function revertsSaved(args: string[], usual: number, saved: string): boolean {
  if (norm(args[usual] ?? '').replace(/^[*&]\s*/, '') === saved) return true;
  if (args.length < 2) return false;
  const word = new RegExp(`(?:^|[^\\w.>])${saved.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}(?:$|[^\\w])`);
  return args.some((a) => word.test(norm(a)));
}

/**
 * For an out-parameter override (`ret = ovl_override_creds(sb, &old_cred)`),
 * the statement guarded by an `if (ret ...)` right after it, or by the `if`
 * the override is the condition of; for a form that returns the saved creds,
 * by an `if (!old)` right after it: the error path, where no creds were
 * overridden.
 */
export function outParamErrorGuard(text: string, body: N, x: RawCall, blocks: N[]): N | undefined {
  const args = x.site.args;
  // an out-parameter form, or (`old = access_override_creds(); if (!old) return -ENOMEM;`) one
  // that returns NULL or an error pointer when it could not switch: nothing switched there
  const form = credForm(formKey(x.site.callee, args) ?? '');
  const savedArg = form?.savedArg;
  const outParam = form?.failsNonZero || (savedArg !== undefined ? /^&/.test(args[savedArg] ?? '') : args.length >= 2 && /^&/.test(args[args.length - 1] ?? ''));
  const before = text.slice(Math.max(body.s, x.n.s - 40), x.n.s);
  let open: number;
  const cond = outParam ? /\bif\s*\((\s*unlikely\s*\()?\s*$/.exec(before) : null;
  if (cond) {
    // `if (ovl_override_creds(sb, &old)) return NULL;`: the if's own parenthesis
    open = x.n.s - before.length + cond.index + cond[0].indexOf('(');
  } else {
    const res = savedName(text, body, x);
    if (!res) return undefined;
    const at = testAfter(text, x.n.e, body.e, res);
    if (at === undefined) return undefined;
    open = at;
    const test = text.slice(open, matching(text, open));
    // the condition must test the result: for an out-parameter form its error code; otherwise
    // that the saved creds are missing
    if (outParam ? !new RegExp(`\\b${res}\\b`).test(test) : !failedSwitch(test.slice(1).replace(/\s+/g, ''), res)) return undefined;
  }
  const close = matching(text, open);
  return close < 0 ? undefined : nextStatement(text, close + 1, blocks, body);
}

/**
 * Where the `if (` that tests a switch's result opens: the next statement, or one after a
 * few simple ones that leave the result alone (`old = access_override_creds(); trace_x();
 * if (!old) return -ENOMEM;`), comments aside.
 */
function testAfter(text: string, from: number, end: number, res: string): number | undefined {
  const skip = /^(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)*/;
  let pos = from;
  if (text[pos] !== ';') {
    const m = /^\s*;/.exec(text.slice(pos, Math.min(end, pos + 40)));
    if (!m) return undefined;
    pos += m[0].length - 1;
  }
  pos++;
  // `res = ...`, `res++`, `&res`: the statement may change the result
  const assigns = (stmt: string): boolean => {
    for (const m of stmt.matchAll(/[A-Za-z_]\w*/g)) {
      if (m[0] !== res) continue;
      const before = stmt.slice(0, m.index).trimEnd();
      const after = stmt.slice(m.index + res.length).trimStart();
      if (before.endsWith('&') && !before.endsWith('&&')) return true;
      if (/^(?:=(?!=)|\+\+|--|[-+*/|&^]=)/.test(after)) return true;
    }
    return false;
  };
  for (let n = 0; n < 4 && pos < end; n++) {
    pos += skip.exec(text.slice(pos, Math.min(end, pos + 400)))![0].length;
    const m = /^if\s*\(/.exec(text.slice(pos, pos + 40));
    if (m) return pos + m[0].length - 1;
    // a simple statement: no block, no control flow, the result untouched
    const semi = text.indexOf(';', pos);
    if (semi < 0 || semi > end || semi - pos > 240) return undefined;
    const stmt = text.slice(pos, semi);
    if (/[{}]/.test(stmt) || /^(?:return|goto|break|continue|for|while|do|switch|else|case)\b/.test(stmt) || assigns(stmt)) return undefined;
    pos = semi + 1;
  }
  return undefined;
}

/** `!old`, `old == NULL`, `IS_ERR(old)`: the test that a form returning the saved creds could not switch. */
function failedSwitch(test: string, res: string): boolean {
  return [`!${res}`, `${res}==NULL`, `unlikely(!${res})`, `IS_ERR(${res})`, `IS_ERR_OR_NULL(${res})`].includes(test);
}

/** The plain local an override's result is stored in, if any. */
export function savedName(text: string, body: N, x: RawCall): string | undefined {
  const before = text.slice(Math.max(body.s, x.n.s - 120), x.n.s);
  return /([A-Za-z_]\w*)\s*=\s*$/.exec(before)?.[1];
}

/** Does this later override store into the same variable? */
export function sameSaved(text: string, body: N, x: RawCall, kind: string, saved: string | undefined): boolean {
  if (!saved) return true;
  if (kind === 'paired') return (x.site.args[credForm(formKey(x.site.callee, x.site.args) ?? '')?.savedArg ?? 1] ?? '').replace(/^&\s*/, '') === saved;
  if (x.site.args.length >= 2 && (x.site.args[x.site.args.length - 1] ?? '').replace(/^&\s*/, '') === saved) return true;
  const before = text.slice(Math.max(body.s, x.n.s - 120), x.n.s);
  const m = /([A-Za-z_][\w.>-]*)\s*=\s*$/.exec(before);
  return !!m && m[1]!.replace(/\s+/g, '') === saved;
}

/** The statement right after offset `from`: a block `{...}` or one statement up to its `;`. */
export function nextStatement(text: string, from: number, blocks: N[], body: N): N {
  let i = from;
  while (i < body.e && /[\s)]/.test(text[i]!)) i++;
  // `with_ovl_creds(sb) return ...;`, which preprocess() gave a `;` so that the call parses
  if (text[i] === ';' && STMT_KEYWORD.test(text.slice(i + 1, i + 40))) {
    i++;
    while (i < body.e && /\s/.test(text[i]!)) i++;
  }
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
export function innermost(blocks: N[], off: number, body: N, text: string): N {
  let best = body;
  for (const x of blocks) {
    if (x.s > off) break;
    if (off < x.e && text[x.s] === '{' && x.e - x.s <= best.e - best.s) best = x;
  }
  return best;
}

/** The CRED_FORMS key a call site matches, if any (or a variant that reads like one). */
export function formKey(callee: string, a: string[]): string | undefined {
  if (callee === 'scoped_class' && a[0]) {
    const k = `scoped_class(${a[0]})`;
    return CRED_FORMS[k] ? k : credFormFor(k)?.key;
  }
  return credFormFor(callee)?.key;
}

export function credText(form: { cred: (typeof CRED_FORMS)[string]['cred'] }, a: string[], key: string): string {
  if (form.cred === 'kernel') return 'kernel';
  if ('fixed' in form.cred) return form.cred.fixed;
  if ('template' in form.cred) return fillTemplate(form.cred.template, form.cred.params, a);
  if ('argField' in form.cred) return `${a[form.cred.argField] ?? form.cred.otherwise}->${form.cred.field}`;
  // scoped_class(override_creds_ovl, old, sb): the class's own arguments follow the class and variable names
  const offset = key.startsWith('scoped_class(') ? 2 : 0;
  if ('ovlSbArg' in form.cred) return `ovl_creds(${a[form.cred.ovlSbArg + offset] ?? ''})`;
  return a[form.cred.arg + offset] ?? '';
}

/**
 * A wrapper's credentials at a call site: each parameter's name in the
 * template replaced by the argument given for it (`ctx->cred` with `&c` for
 * ctx reads `c.cred`; an argument that is more than a name or a field chain
 * is parenthesized).
 */
export function fillTemplate(template: string, params: readonly string[], args: readonly string[]): string {
  const names = params.filter((p) => /^[A-Za-z_]\w*$/.test(p));
  if (!names.length) return template;
  // one pass: an argument's own text is never read again for another parameter's name
  // a macro's `(c)->cred`: the parentheses around a parameter are the macro's, not the expression's
  const bare = template.replace(new RegExp(`(?<![\\w)\\]])\\(\\s*(${names.join('|')})\\s*\\)`, 'g'), '$1');
  return bare.replace(new RegExp(`(?<![\\w.>])(${names.join('|')})\\b(\\s*->)?`, 'g'), (m, p: string, arrow: string | undefined) => {
    const arg = norm(args[params.indexOf(p)] ?? '');
    if (!arg) return m;
    const addr = /^&\s*([A-Za-z_][\w.>-]*)$/.exec(arg);
    if (arrow && addr) return `${addr[1]}.`;
    const plain = /^[A-Za-z_][\w.>-]*$/.test(arg) ? arg : `(${arg})`;
    return arrow ? `${plain}->` : plain;
  });
}

/** What a walk from a label looks for: the reverts of the saved variable, and its switches again (where the walk stops without a claim). */
interface LabelWalk {
  reverts: RawCall[];
  stops: RawCall[];
}

/** The labels after the last revert from which the code leaves without reverting (see CredScope.exitLabels). */
function exitLabels(override: RawCall, last: RawCall, walk: LabelWalk, b: Bucket): string[] {
  const reach = revertsAfter(override.n.e, last.n.s, walk, b);
  return b.labels.filter((l) => l.l.s > last.n.s && !reach(l.l.s, 0)).map((l) => l.label);
}

/**
 * Where does code reached at a label go? Walk forward: a revert first is
 * fine, a goto is followed (error paths often `goto out` back to the
 * revert), a return or the end of the function first is a leak.
 */
function revertsAfter(start: number, end: number, { reverts, stops }: LabelWalk, b: Bucket): (at: number, depth: number) => boolean {
  const labels = new Map(b.labels.map((l) => [l.label, l.l]));
  const walk = (at: number, depth: number): boolean => {
    if (depth > 4) return true; // give up quietly: precision over recall
    const nextRevert = reverts.find((r) => r.n.s > at);
    const nextRet = b.rets.find((x) => x.s > at);
    const nextGoto = b.gotos.find((g) => g.g.s > at);
    const nextStop = stops.find((x) => x.n.s > at);
    const first = Math.min(nextRevert?.n.s ?? Infinity, nextRet?.s ?? Infinity, nextGoto?.g.s ?? Infinity, nextStop?.n.s ?? Infinity);
    if (first === Infinity) return false;
    if (nextRevert && first === nextRevert.n.s) return true;
    // the same saved variable switched again first: another question than this switch's (no claim)
    if (nextStop && first === nextStop.n.s) return true;
    if (nextGoto && first === nextGoto.g.s) {
      const t = labels.get(nextGoto.label);
      if (!t) return true;
      if (t.s > start && t.s <= end) return true; // back into the region, before the revert
      if (t.s <= start) return true; // a retry loop through the override again
      return walk(t.s, depth + 1);
    }
    return false;
  };
  return walk;
}

/** Returns and gotos that leave an override region without passing a revert. */
export function leaks(body: N, override: RawCall, reverts: RawCall[], last: RawCall | undefined, b: Bucket, ctx: Ctx, blockPath: (off: number) => string, walk: LabelWalk = { reverts, stops: [] }): CredLeak[] {
  const out: CredLeak[] = [];
  const start = override.n.e;
  // `ret = ovl_override_creds(sb, &old); if (ret) return ret;`: nothing was overridden on that path
  const guard = outParamErrorGuard(ctx.text, body, override, [...b.blocks].sort((x, y) => x.s - y.s));
  const unguarded = (off: number): boolean => !guard || off < guard.s || off >= guard.e;
  // `if (creds) revert_creds(creds);`: NULL saved creds mean nothing was switched (io_uring's
  // `creds = NULL; if (...) creds = override_creds(...)`), so the revert is as good as unconditional
  const savedVar = savedName(ctx.text, body, override);
  const effectiveBlock = (r: RawCall): string => {
    if (!savedVar) return r.site.block;
    const dot = r.site.block.lastIndexOf('.');
    if (dot < 0) return r.site.block;
    const consStart = Number(r.site.block.slice(dot + 1)) - 1;
    const guard = b.ifs.find((x) => x.cons && x.cons.s === consStart && !x.alt);
    if (!guard) return r.site.block;
    const cond = ctx.T(guard.cond).replace(/\s+/g, '');
    return cond === `(${savedVar})` || cond === `(${savedVar}!=NULL)` ? r.site.block.slice(0, dot) : r.site.block;
  };
  const revertedBefore = (off: number): boolean => {
    const bp = blockPath(off);
    return reverts.some((r) => r.n.s < off && r.n.s > start && blockEncloses(effectiveBlock(r), bp));
  };
  if (!last) {
    // `return old_cred;` hands the saved creds to the caller, who reverts (fs/open.c access_override_creds())
    const saved = savedName(ctx.text, body, override);
    if (saved && b.rets.some((x) => x.s > start && new RegExp(`^return\\s*(?:\\(\\s*)?${saved}\\s*(?:\\)\\s*)?;`).test(ctx.T(x)))) return out;
    // with no revert at all, every return after the override leaves with it in
    // force: in a hunk fragment, whose end may lie beyond the hunk, those are
    // the leaks that can be seen (a whole function's reader takes the end)
    // (a return an error branch's own revert precedes left nothing: the fragment's only reverts are such)
    for (const ret of b.rets) if (ret.s > start && unguarded(ret.s) && !revertedBefore(ret.s)) out.push({ line: ctx.L(ret.s), kind: 'return', text: norm(ctx.T(ret)).slice(0, 80) });
    out.push({ line: ctx.L(body.e - 1), kind: 'end', text: 'no revert before the end of the function' });
    return out.sort((x, y) => x.line - y.line);
  }
  const end = last.n.s;
  for (const ret of b.rets) {
    if (ret.s <= start || ret.s >= end) continue;
    if (!revertedBefore(ret.s) && unguarded(ret.s)) out.push({ line: ctx.L(ret.s), kind: 'return', text: norm(ctx.T(ret)).slice(0, 80) });
  }
  const labels = new Map(b.labels.map((l) => [l.label, l.l]));
  const revertsAfterLabel = revertsAfter(start, end, walk, b);
  for (const g of b.gotos) {
    if (g.g.s <= start || g.g.s >= end) continue;
    const target = labels.get(g.label);
    // jumping to a label after the last revert skips it unless that code reverts or jumps back
    if (target && target.s > end && !revertedBefore(g.g.s) && unguarded(g.g.s) && !revertsAfterLabel(target.s, 0)) {
      out.push({ line: ctx.L(g.g.s), kind: 'goto', text: norm(ctx.T(g.g)) });
    }
  }
  // `break` and `continue` inside the region, before its revert
  for (const j of b.jumps) {
    if (j.j.s <= start || j.j.s >= end || revertedBefore(j.j.s) || !unguarded(j.j.s)) continue;
    // the statement it leaves: the innermost loop (or, for a break, switch) around it
    const inner = b.loops.filter((l) => l.n.s < j.j.s && j.j.s < l.n.e && (j.kind === 'break' || l.kind === 'loop')).sort((x, y) => y.n.s - x.n.s)[0];
    if (!inner) {
      // no loop around it in sight: a hunk that starts inside the loop's body, so the loop
      // holds the whole region, the switch and its revert, as in the case below
      if (j.kind === 'continue') out.push({ line: ctx.L(j.j.s), kind: 'continue', text: norm(ctx.T(j.j)) });
      continue;
    }
    if (j.kind === 'break') {
      // out of the statement: a revert before the next way out is fine (the walk a label gets)
      if (inner.n.e > end && !revertsAfterLabel(inner.n.e, 0)) out.push({ line: ctx.L(j.j.s), kind: 'break', text: norm(ctx.T(j.j)) });
    } else if (inner.n.s < start && inner.n.e > end) {
      // a loop that switches on every pass, and reverts after this continue: the next pass
      // switches again over the switched credentials, and the first saved ones are lost
      out.push({ line: ctx.L(j.j.s), kind: 'continue', text: norm(ctx.T(j.j)) });
    }
  }
  return out.sort((x, y) => x.line - y.line);
}

