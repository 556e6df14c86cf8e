// Which series can a rule see at all? Most patches on the lists never touch
// a call, include or credential switch that any rule looks at; for them
// parsing C (loading tree-sitter, building the model's graph, parsing both
// images) is work whose answer is known in advance: nothing. Coccinelle does
// the same with its token prefilter.
//
// The test is the rules' triggers (triggers.ts: the same relevance the
// audit uses to skip files), over a summary that can only say more than the
// real one would: every identifier of the hunks is taken as a callee, an
// export and a definition, every member chain as each of its suffixes, every
// name the knowledge base reads as a credential switch as a scope. What the
// engine could visit beyond the hunks (the functions a changed one reaches)
// is judged from the touched files as they were, the tree's or the model's,
// by the engine's own answer to "which functions are under review?"
// (review.ts) over their skeletons; what the changed lines call is followed
// into the files around them too (the model's shards, which the engine's
// graph holds). Whenever unsure: relevant. It runs inside
// the per-thread loop, on the thread as it was applied (thread.ts).

import type { FileSummary } from '../cgraph/types.js';
import { summarizeSkeleton, type FileSkeleton, type FunctionSkeleton } from '../cgraph/graph.js';
import { credFormFor } from '../kb/index.js';
import { isKernelC, userspaceProject, type FileDiff, type Patch } from '../patch/types.js';
import type { FileApplyResult } from '../tree/types.js';
import type { RuleDefinition } from './rule-api.js';
import type { Base } from './base.js';
import { anyRelevant } from './triggers.js';
import { NEW_CALL_DEPTH, REVIEW_DEPTH, underReview } from './review.js';

const INCLUDE = /#\s*include\s*"([^"\n]*)"/g;
/**
 * Could this changed line join, split or hide functions? A brace, a
 * preprocessor line, a line continuation, an unbalanced quote or an
 * unbalanced block comment could; a whole comment or string could not.
 */
function movesBoundary(text: string): boolean {
  if (/[{}]/.test(text) || /^\s*#/.test(text) || /\\$/.test(text)) return true;
  const unescaped = text.replace(/\\./g, '');
  if ((unescaped.match(/"/g)?.length ?? 0) % 2 || (unescaped.match(/'/g)?.length ?? 0) % 2) return true;
  const code = unescaped.replace(/"[^"]*"|'[^']*'/g, '');
  return (code.match(/\/\*/g)?.length ?? 0) !== (code.match(/\*\//g)?.length ?? 0);
}
// credential forms named by a class: CLASS(override_creds, old)(c), scoped_class(override_creds_ovl, ...), guard(cred)(c)
const CRED_CLASS = /\b(?:CLASS|scoped_class|guard)\s*\(\s*\w*cred/;

/** Every line of a file's hunks, with git's function context, as one text (once per diff). */
const hunkTexts = new WeakMap<FileDiff, string>();
function hunkText(diff: FileDiff): string {
  let t = hunkTexts.get(diff);
  if (t === undefined) hunkTexts.set(diff, (t = diff.hunks.map((h) => `${h.section}\n${h.lines.map((l) => l.text).join('\n')}`).join('\n')));
  return t;
}

/**
 * The longest member chain, in fields, a summary names: `a->b->c->d` gives
 * `c->d`, `b->c->d` and `a->b->c->d` up to this many fields. A chain of n
 * fields has n suffixes of up to n fields each, so naming them all is
 * quadratic in the line (a 200 kB `a->a->...` line took 4 GB); no trigger
 * names more than this many (prefilter.test.ts checks), so the summary still
 * says everything a rule could match.
 */
export const MAX_CHAIN_FIELDS = 8;

/**
 * The identifiers of C text (what `/[A-Za-z_]\w*\/g` finds) and its member
 * chains (`a->b.c`, white space allowed around the operators), each chain
 * as its suffixes of two to MAX_CHAIN_FIELDS fields joined by `->`. One pass
 * over the text: a regular expression for the chains backtracks through
 * every identifier it cannot extend, which is quadratic on one long
 * identifier (a 200 kB added line took 16 s).
 */
export function scanIdentifiers(text: string): { idents: Set<string>; chains: Set<string> } {
  const idents = new Set<string>();
  const chains = new Set<string>();
  const n = text.length;
  const start = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  const word = (c: number): boolean => start(c) || (c >= 48 && c <= 57);
  const identEnd = (i: number): number => {
    while (i < n && word(text.charCodeAt(i))) i++;
    return i;
  };
  const spaces = (i: number): number => {
    while (i < n && WHITE.test(text[i]!)) i++;
    return i;
  };
  let i = 0;
  while (i < n) {
    if (!start(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const fields: string[] = [];
    let end = identEnd(i);
    fields.push(text.slice(i, end));
    // extend the chain while an operator and another identifier follow
    for (;;) {
      let j = spaces(end);
      if (text.startsWith('->', j)) j += 2;
      else if (text[j] === '.') j++;
      else break;
      j = spaces(j);
      if (j >= n || !start(text.charCodeAt(j))) break;
      const e = identEnd(j);
      fields.push(text.slice(j, e));
      end = e;
    }
    for (const f of fields) idents.add(f);
    for (let k = Math.max(0, fields.length - MAX_CHAIN_FIELDS); k < fields.length - 1; k++) chains.add(fields.slice(k).join('->'));
    i = end;
  }
  return { idents, chains };
}
const WHITE = /\s/;
/** `name(`: a call, as the changed lines spell it (the prefilter over-approximates: a declaration counts). */
const CALLED = /\b([A-Za-z_]\w*)[ \t]*\(/g;

/** The names the added and removed lines of these patches call (once per diff). */
const changedCallsOfDiff = new WeakMap<FileDiff, Set<string>>();
function changedCalls(patches: readonly Patch[]): Set<string> {
  const out = new Set<string>();
  for (const p of patches) {
    for (const f of p.files) {
      let c = changedCallsOfDiff.get(f);
      if (!c) {
        c = new Set();
        for (const h of f.hunks) for (const l of h.lines) if (l.kind !== 'context') for (const m of l.text.matchAll(CALLED)) c.add(m[1]!);
        changedCallsOfDiff.set(f, c);
      }
      for (const x of c) out.add(x);
    }
  }
  return out;
}

/** The identifiers and chains of a file's hunks (once per diff: the summary and the reach both ask). */
const hunkScans = new WeakMap<FileDiff, ReturnType<typeof scanIdentifiers>>();
function scanOf(diff: FileDiff): ReturnType<typeof scanIdentifiers> {
  let s = hunkScans.get(diff);
  if (!s) hunkScans.set(diff, (s = scanIdentifiers(hunkText(diff))));
  return s;
}
function identsOf(diff: FileDiff): Set<string> {
  return scanOf(diff).idents;
}

/** A summary of what the hunks of one file could hold, over-approximated (see above). */
export function hunkSummary(path: string, diff: FileDiff): FileSummary {
  return summaryOf(path, hunkText(diff), scanOf(diff));
}

/** A summary of what C text could hold, over-approximated: no parse, and comments count. */
export function textSummary(path: string, text: string): FileSummary {
  return summaryOf(path, text, scanIdentifiers(text));
}

function summaryOf(path: string, text: string, { idents, chains }: ReturnType<typeof scanIdentifiers>): FileSummary {
  const callees = new Set([...idents, ...chains]);
  const names = [...idents];
  // a scope is made only by a call the knowledge base takes for a credential form
  let credScopes = CRED_CLASS.test(text);
  for (const c of callees) {
    if (credScopes) break;
    credScopes = !!credFormFor(c);
  }
  return {
    path,
    defs: names,
    callees: [...callees],
    fields: names,
    slots: names,
    work: names,
    localIncludes: [...text.matchAll(INCLUDE)].map((m) => m[1]!),
    exports: names,
    credScopes,
    lines: 0,
    functions: 0,
  };
}

/**
 * Could any of these rules report anything for this thread? `applied` is
 * how its patches applied (one list of files per patch). The touched files
 * are looked up only when no hunk is relevant by itself.
 */
export async function threadMayMatter(patches: readonly Patch[], applied: readonly (readonly FileApplyResult[] | undefined)[], rules: readonly RuleDefinition[], base: Base): Promise<boolean> {
  if (!rules.length) return false;
  const relevant = (s: FileSummary): boolean => anyRelevant(rules, s);
  const paths = new Set<string>();
  const shown = patches.filter((p) => !p.isCoverLetter && !userspaceProject(p));
  for (const p of shown) {
    for (const f of p.files) {
      for (const path of new Set([f.oldPath, f.newPath])) {
        if (!path || !isKernelC(path)) continue;
        if (relevant(hunkSummary(path, f))) return true;
        paths.add(path);
      }
    }
  }
  if (!paths.size) return false;
  const skeletonsOf = async (): Promise<(FileSkeleton | undefined)[]> => Promise.all([...paths].map((p) => base.skeleton(p)));
  const known = (fs: (FileSkeleton | undefined)[]): FileSkeleton[] => fs.filter((f): f is FileSkeleton => !!f);
  // the files around the touched ones that the engine's graph holds (the model's shards for them): a
  // changed function's callee there, and what it reaches, is visited too (a new call of a helper in
  // another file whose access is further down, with nothing a rule looks at in the hunk)
  // (only when the changed lines call anything: the files around are followed from those calls alone)
  const context = changedCalls(shown).size ? (await base.context([...paths])).filter((f) => !paths.has(f.path)) : [];
  // Without a tree the engine sees the hunks' fragments over the model's
  // functions (none for a file the model lacks): only the model functions it can visit count.
  if (!base.complete) return reachableFromHunks(shown, known(await skeletonsOf()), { context }).some(relevant);
  // With a tree: a file whose text names nothing a rule looks at is out, unless what its changed
  // functions call does (the model's functions stand for the tree's around it here)
  const texts = new Map<string, string | null>();
  let open = false;
  for (const path of paths) {
    const t = await base.text(path);
    texts.set(path, t);
    if (t === null || relevant(textSummary(path, t))) open = true;
  }
  if (!open) return context.length > 0 && reachableFromHunks(shown, known(await skeletonsOf()), { context }).some((s) => !paths.has(s.path) && relevant(s));
  // One patch that applies to the tree (at an offset or with fuzz too): the
  // applier says which lines of the tree it changes, so only the functions
  // there and what they reach count. Otherwise, every function of the files.
  const one = shown.length === 1 ? applied[patches.indexOf(shown[0]!)] : undefined;
  if (one && one.every((r) => r.status !== 'fallback')) {
    const fs = await skeletonsOf();
    // facts missing for a file whose text was not ruled out: unsure
    if ([...paths].some((p, i) => !fs[i] && texts.get(p) !== null && relevant(textSummary(p, texts.get(p)!)))) return true;
    return reachableFromHunks(shown, known(fs), { changed: changedPreLines(one), context }).some(relevant);
  }
  if (context.length && reachableFromHunks(shown, known(await skeletonsOf()), { context }).some((s) => !paths.has(s.path) && relevant(s))) return true;
  for (const path of paths) {
    const t = texts.get(path) ?? null;
    if (t !== null && !relevant(textSummary(path, t))) continue;
    const f = await base.skeleton(path);
    // no facts: a file the tree lacks is seen only through its hunks (judged above)
    if (f ? relevant(summarizeSkeleton(f)) : t !== null) return true;
  }
  return false;
}

/**
 * Where an applied patch changes each file, in the file's own (pre-image)
 * lines: every line it removes, and the two kept lines around every line it
 * adds.
 */
export function changedPreLines(applied: readonly FileApplyResult[]): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const r of applied) {
    if (!r.oldPath || r.preText === null) continue;
    const ranges: [number, number][] = [];
    // lines, not the empty piece after a final newline
    const n = r.preText.split('\n').length - (r.preText.endsWith('\n') ? 1 : 0);
    // post-image line -> the kept pre-image line on it
    const preOf = new Map<number, number>();
    for (let l = 1; l <= n; l++) {
      const p = r.preToPost(l);
      if (p === undefined) ranges.push([l, l]);
      else preOf.set(p, l);
    }
    let lastKept = 0;
    const post = r.postText?.split('\n').length ?? 0;
    for (let p = 1; p <= post; p++) {
      const kept = preOf.get(p);
      if (kept !== undefined) lastKept = kept;
      else if (r.postLines.get(p)?.kind === 'add') ranges.push([lastKept, lastKept + 1]);
    }
    out.set(r.oldPath, ranges);
  }
  return out;
}

/**
 * Summaries of the functions of the touched files the engine could visit:
 * those under review (review.ts) when the changed functions are, over-
 * approximated, every function a hunk names, every one whose lines a change
 * meets (with a tree, also the one just before and after when a changed line
 * holds a brace, a comment delimiter, a quote or a preprocessor line: those
 * can join or split functions), and a callee is every definition of its name.
 *
 * With a tree, `changed` gives the lines the applier says the patch changes
 * (changedPreLines()). Without one, the engine replaces the functions the
 * hunks show by their fragments (judged by the hunk text) and keeps the
 * model's others, whose lines come from another kernel version and so can
 * meet a hunk header's range by chance; it keeps the model's includes when a
 * fragment has none, and uses only a fragment's own exports.
 */
export function reachableFromHunks(patches: readonly Patch[], touched: readonly FileSkeleton[], o: { changed?: Map<string, [number, number][]>; context?: readonly FileSkeleton[] } = {}): FileSummary[] {
  const fragments = !o.changed;
  if (!touched.length) return [];
  const context = new Set(o.context ?? []);
  const known = [...touched, ...context];
  const idents = new Set<string>();
  // the names the changed lines call: a function of the files around is seeded only by these (a call
  // the patch adds is in no skeleton of the touched file's old text)
  const calledOnChanged = context.size ? changedCalls(patches) : new Set<string>();
  const ranges = new Map<string, [number, number][]>();
  // files where a changed line could move a function's boundary (only asked with a tree)
  const boundaryRisk = new Set<string>();
  for (const p of patches) {
    for (const f of p.files) {
      for (const id of identsOf(f)) idents.add(id);
      if (!fragments && f.hunks.some((h) => h.lines.some((l) => l.kind !== 'context' && movesBoundary(l.text)))) {
        for (const path of [f.oldPath, f.newPath]) if (path) boundaryRisk.add(path);
      }
      if (!fragments) continue;
      for (const path of [f.oldPath, f.newPath]) {
        if (!path) continue;
        const r = ranges.get(path) ?? [];
        for (const h of f.hunks) r.push([h.oldStart, h.oldStart + h.oldLines], [h.newStart, h.newStart + h.newLines]);
        ranges.set(path, r);
      }
    }
  }
  for (const [path, r] of o.changed ?? []) ranges.set(path, r);
  const seeds = new Set<FunctionSkeleton>();
  for (const ff of touched) {
    const r = ranges.get(ff.path) ?? [];
    const byLine = [...ff.functions].sort((a, b) => a.line - b.line);
    for (const fn of byLine) {
      if (idents.has(fn.name) || r.some(([a, b]) => a <= fn.endLine + 1 && b >= fn.line - 1)) seeds.add(fn);
    }
    if (!fragments && boundaryRisk.has(ff.path)) {
      for (const [a, b] of r) {
        const before = byLine.filter((fn) => fn.endLine < a).pop();
        const after = byLine.find((fn) => fn.line > b);
        if (before) seeds.add(before);
        if (after) seeds.add(after);
      }
    }
  }
  // the engine's own question, over every definition a callee's name could resolve to, in the touched files
  const inTouched = byName(touched);
  const { seeds: s0, reached } = underReview(touched.flatMap((ff) => ff.functions), (fn) => seeds.has(fn), (c) => inTouched.get(c), PREFILTER_DEPTH);
  const seen = new Set([...s0, ...reached]);
  // and a new path the patch makes: what the changed lines call, followed into the files around too
  // (what their old calls reach there can only hold hazards that were there before)
  if (context.size) {
    const all = byName(known);
    const { seeds: s1, reached: r1 } = underReview(known.flatMap((ff) => ff.functions), (fn) => calledOnChanged.has(fn.name), (c) => all.get(c), PREFILTER_DEPTH);
    for (const fn of [...s1, ...r1]) seen.add(fn);
  }
  return known.flatMap((ff) => {
    if (!context.has(ff)) return [summarizeSkeleton(ff, (fn) => seen.has(fn), { noExports: fragments })];
    // a file around the touched ones: only the functions a changed one reaches (not its tables, includes or exports)
    if (!ff.functions.some((fn) => seen.has(fn))) return [];
    return [{ ...summarizeSkeleton(ff, (fn) => seen.has(fn), { noExports: true }), slots: [], work: [], localIncludes: [] }];
  });
}

/** Every definition of each name in these files. */
function byName(files: readonly FileSkeleton[]): Map<string, FunctionSkeleton[]> {
  const out = new Map<string, FunctionSkeleton[]>();
  for (const ff of files) {
    for (const fn of ff.functions) {
      const l = out.get(fn.name);
      if (l) l.push(fn);
      else out.set(fn.name, [fn]);
    }
  }
  return out;
}

/**
 * How far the prefilter follows calls from a changed function, into the
 * files around the touched ones too: the deepest any rule looks (a call the
 * patch adds, NEW_CALL_DEPTH; the engine's own review, REVIEW_DEPTH).
 */
export const PREFILTER_DEPTH = Math.max(REVIEW_DEPTH, NEW_CALL_DEPTH);
