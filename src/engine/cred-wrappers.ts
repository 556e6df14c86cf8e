// Credential wrappers a patch defines: a function or macro that does nothing
// but switch credentials (`return override_creds(ctx->cred);`,
// `*old = override_creds(...)`) or nothing but revert them. Their callers
// switch and revert through them; the knowledge base learns them for the
// thread under review (src/kb/creds.ts: useDerivedCredForms()).

import { CRED_FORMS, credFormFor, isCredRevert, PAIRED_REVERTS, type CredForm, type DerivedCredForms } from '../kb/index.js';
import { renamedInHunks } from './fill-fragments.js';
import { credText } from '../cgraph/extract/creds.js';
import { isKernelC, type Patch } from '../patch/types.js';
import { matching, parseCall, withoutBlockComments } from '../cgraph/ctext.js';

/** The wrappers the post-image side of the patches' hunks (context and added lines) define. */
export function deriveCredWrappers(patches: readonly Patch[]): DerivedCredForms {
  const forms = new Map<string, CredForm>();
  const reverts = new Set<string>();
  // known switches and reverts the patches rename on their definition lines: new name -> old
  const renamed = new Map<string, string>();
  for (const patch of patches) {
    for (const f of patch.files) {
      const path = f.newPath ?? f.oldPath ?? '';
      if (!isKernelC(path)) continue;
      for (const [now, was] of renamedInHunks(f.hunks)) if (credFormFor(was) || isCredRevert(was) || PAIRED_REVERTS.has(was)) renamed.set(now, was);
      for (const h of f.hunks) {
        const text = h.lines
          .filter((l) => l.kind !== 'del')
          .map((l) => l.text)
          .join('\n');
        // a cheap way out: every wrapper names a switch or a revert
        if (/cred/.test(text)) scanWrappers(text, forms, reverts);
      }
    }
  }
  // A renamed switch keeps its form, and a paired one its revert under whichever name the
  // series gives it (nfsd's nfs4_save_creds()/nfs4_reset_creds() renamed together: the new
  // switch ended by the old revert's new name); a renamed revert stays a revert.
  const renamedTo = new Map([...renamed].map(([now, was]) => [was, now]));
  for (const [now, was] of renamed) {
    const known = credFormFor(was);
    if (known && !known.generic && !forms.has(now)) {
      const ends = known.form.reverts?.flatMap((r) => (renamedTo.has(r) ? [r, renamedTo.get(r)!] : [r]));
      forms.set(now, ends ? { ...known.form, reverts: ends } : known.form);
    }
    if (isCredRevert(was) && !PAIRED_REVERTS.has(was)) reverts.add(now);
    // a paired revert renamed: the switch, by its old name too (ksmbd_revert_fsids() renamed under
    // ksmbd_override_fsids(); the model's scopes of a pair renamed together), is ended by the new name
    if (PAIRED_REVERTS.has(was)) {
      for (const [name, form] of Object.entries(CRED_FORMS)) {
        if (!form.reverts?.includes(was)) continue;
        const had = forms.get(name) ?? form;
        forms.set(name, { ...had, reverts: [...new Set([...(had.reverts ?? []), now])] });
      }
    }
  }
  return { forms, reverts };
}


/** Wrapper definitions in a text: functions with a brace-free body, and one-line macros. */
export function scanWrappers(text: string, forms: Map<string, CredForm>, reverts: Set<string>): void {
  const clean = withoutBlockComments(text).replace(/\/\/[^\n]*/g, ' ');
  // `static inline const struct cred *name(params)\n{ body }` (the body holds no braces;
  // one of more than 600 characters is not a wrapper's, and statements are read only in it)
  const fnDef = /(?:^|\n)[ \t]*(?:static\s+)?(?:inline\s+|__always_inline\s+)?(?:const\s+)?(struct\s+cred\s*\*|void|int)\s*(\w+)\s*\(([^()]{0,300})\)\s*\{([^{}]{0,600})\}/g;
  for (const m of clean.matchAll(fnDef)) {
    const [, ret, name, paramText, body] = m as unknown as [string, string, string, string, string];
    if (credFormFor(name) || isCredRevert(name)) continue;
    const params = paramNames(paramText);
    if (!params) continue;
    const stmts = body
      .split(';')
      .map((x) => x.replace(/\s+/g, ' ').trim())
      .filter(Boolean);
    const wrapper = readBody(stmts, params, /cred/.test(ret) ? 'returns' : 'void');
    if (wrapper === 'revert') reverts.add(name);
    else if (wrapper) forms.set(name, wrapper);
  }
  // `#define name(params) override_creds(expr)`, `#define name(old) revert_creds(old)`
  const macro = /(?:^|\n)[ \t]*#[ \t]*define[ \t]+(\w+)\(([^()]{0,200})\)[ \t]+([^\n]{1,300})/g;
  for (const m of clean.matchAll(macro)) {
    const [, name, paramText, expansion] = m as unknown as [string, string, string, string];
    if (credFormFor(name) || isCredRevert(name)) continue;
    const params = paramNames(paramText, true);
    if (!params) continue;
    const call = callOf(expansion.trim().replace(/;$/, ''));
    if (!call) continue;
    const w = wrapperOf(call, params, new Map());
    if (w === 'revert') reverts.add(name);
    else if (w) forms.set(name, w);
  }
}

/** `struct backing_file_ctx *ctx, const struct cred **old` -> [ctx, old]; undefined when one has no name. */
function paramNames(text: string, macro = false): string[] | undefined {
  const t = text.trim();
  if (!t || t === 'void') return [];
  const out: string[] = [];
  for (const p of t.split(',')) {
    const name = macro ? (/^\s*([A-Za-z_]\w*)\s*$/.exec(p)?.[1]) : lastWord(withoutArraySuffix(p));
    if (!name) return undefined;
    out.push(name);
  }
  return out;
}

/** `char name[16]` -> `char name`. */
function withoutArraySuffix(p: string): string {
  const t = p.trimEnd();
  return t.endsWith(']') && t.includes('[') ? t.slice(0, t.lastIndexOf('[')) : t;
}

/** The identifier a declaration ends with (`const struct cred **old` -> old), read from the end. */
function lastWord(p: string): string | undefined {
  const t = p.trimEnd();
  let i = t.length;
  while (i > 0 && /\w/.test(t[i - 1]!)) i--;
  const w = t.slice(i);
  return /^[A-Za-z_]/.test(w) ? w : undefined;
}

/**
 * A wrapper's body: local aliases (`struct ovl_fs *ofs = OVL_FS(sb);`), then
 * one switch (`return form(...)`, `*p = form(...)` for a pointer parameter p)
 * or one revert of a parameter, and nothing else but a bare `return`.
 */
function readBody(stmts: string[], params: string[], kind: 'returns' | 'void'): CredForm | 'revert' | undefined {
  const aliases = new Map<string, string>();
  const rest: string[] = [];
  for (const s of stmts) {
    // `struct ovl_fs *ofs = OVL_FS(sb)`, `const struct cred *c = ctx->cred`
    const decl = /^(?:const\s+)?(?:struct\s+)?\w+(?:\s+\w+)*?\s*\*?\s*\b([A-Za-z_]\w*)\s*=\s*(.+)$/.exec(s);
    if (decl && !rest.length && /^(?:const\s+)?(?:struct\s+)?\w+\s/.test(s) && !/^return\b/.test(s)) {
      aliases.set(decl[1]!, decl[2]!);
      continue;
    }
    rest.push(s);
  }
  if (!rest.length || rest.length > 2) return undefined;
  if (rest.length === 2 && !/^return(?: 0)?$/.test(rest[1]!)) return undefined;
  const s = rest[0]!;
  if (kind === 'returns') {
    const m = /^return\s+(.+)$/.exec(s);
    const call = m ? callOf(m[1]!) : undefined;
    if (!call) return undefined;
    const w = wrapperOf(call, params, aliases);
    return w === 'revert' ? undefined : w;
  }
  // `*old = override_creds(c)`: the last parameter, a pointer the caller passes as `&old`
  const store = /^\*\s*([A-Za-z_]\w*)\s*=\s*(.+)$/.exec(s);
  if (store) {
    if (store[1] !== params[params.length - 1]) return undefined;
    const call = callOf(store[2]!);
    const w = call ? wrapperOf(call, params, aliases) : undefined;
    return w === 'revert' ? undefined : w;
  }
  const call = callOf(s);
  if (!call) return undefined;
  return wrapperOf(call, params, aliases) === 'revert' ? 'revert' : undefined;
}

/** `name(args)` as the whole expression (once parenthesised, as a macro writes it), with its top-level arguments. */
function callOf(expr: string): { callee: string; args: string[] } | undefined {
  let e = expr.trim();
  if (e.startsWith('(') && matching(e, 0) === e.length - 1) e = e.slice(1, -1).trim();
  const c = parseCall(e);
  return c && { callee: c.name, args: c.args };
}

/** The form a call to a known switch gives, in the wrapper's parameters; 'revert' for a revert of a parameter. */
function wrapperOf(call: { callee: string; args: string[] }, params: string[], aliases: Map<string, string>): CredForm | 'revert' | undefined {
  if (isCredRevert(call.callee)) {
    const a = (call.args[0] ?? '').replace(/[()]/g, '').trim();
    return params.includes(a) || aliases.has(a) ? 'revert' : undefined;
  }
  const found = credFormFor(call.callee);
  if (!found || found.form.kind !== 'override') return undefined;
  // the credentials in the inner form's terms, each local alias spelt out
  let cred = credText(found.form, call.args, found.key);
  for (const [name, value] of aliases) cred = cred.replace(new RegExp(`(?<![\\w.>])${name}\\b`, 'g'), value.replace(/\$/g, '$$$$'));
  if (!cred) return undefined;
  return { kind: 'override', cred: { template: cred, params }, source: `a wrapper of ${found.key}() the patch defines` };
}
