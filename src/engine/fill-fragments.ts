// Patch-only mode: a function the hunks show only in part, completed from
// what the base knows of it (the embedded model's facts of the same file).
//
// A hunk shows a few lines of a function; the lines between two hunks, or
// before and after them, are the base's. When the model's function lines up
// with what the hunks show (the calls on their context and removed lines
// sit at the model's lines, give or take one offset for the whole file), the
// model's calls and assignments on the lines the patch does not show are
// taken into the fragment, at the lines they have in each image. A raw call
// between two hunks is then seen, and a renamed function keeps its body.
//
// What is taken is marked hidden, and findings there stay one step less
// sure (the function stays partial). The model's credential scopes are
// placed in each image when their override and revert both survive the
// patch (mergeScopes): the calls between are under them, and a return the
// patch adds between the two is a leak. When one cannot be placed (the
// patch removes or rewrites it), the lines the hunks do not show keep an
// unknown credential state.

import type { Assignment, CallSite, CredScope, FileFacts, FunctionFacts } from '../cgraph/types.js';
import type { CredForm } from '../kb/creds.js';
import type { Hunk } from '../patch/types.js';
import { credForm, isCredRevert, revertsForm } from '../kb/index.js';

export interface FileAlignment {
  /** pre-image line = model line + delta. */
  delta: number;
  /** The patch's pre-image blob is the model's file: every function lines up. */
  exact?: boolean;
  /**
   * Offsets of single functions that their own calls agree on (a base a few
   * releases from the model's, with code added between functions).
   * `file: false`: no offset for the whole file, only these.
   */
  byFunction?: ReadonlyMap<string, number>;
  file?: false;
}

/**
 * The patch's `index <pre>..` blob id names the model's own file (git's
 * abbreviation, at least 7 digits): the pre-image is the file the model
 * was built from, line for line.
 */
export function sameBlob(oldBlob: string | undefined, known: FileFacts): boolean {
  return !!oldBlob && !!known.blob && oldBlob.length >= 7 && /^[0-9a-f]+$/.test(oldBlob) && known.blob.startsWith(oldBlob);
}

/**
 * How the model's file lines up with the hunks' pre-image: the offset most
 * calls on the hunks' context and removed lines (and the function heads
 * they show) agree on, within functions of the same name; undefined when
 * too few agree (another version, or nothing to compare).
 */
export function alignToModel(preFragment: FileFacts, known: FileFacts): FileAlignment | undefined {
  const byName = new Map(known.functions.map((f) => [f.name, f]));
  const votes = new Map<number, number>();
  let evidence = 0;
  const byFunction = new Map<string, number>();
  for (const f of preFragment.functions) {
    const m = byName.get(f.name);
    if (!m) continue;
    const own = new Map<number, number>();
    let ownEvidence = 0;
    const vote = (d: number): void => {
      votes.set(d, (votes.get(d) ?? 0) + 1);
      own.set(d, (own.get(d) ?? 0) + 1);
    };
    // a head the hunks show is evidence too
    if (f.headSeen && !f.name.startsWith('<')) {
      evidence++;
      ownEvidence++;
      vote(f.line - m.line);
    }
    for (const c of f.calls) {
      const cands = m.calls.filter((x) => x.callee === c.callee);
      if (!cands.length) continue;
      evidence++;
      ownEvidence++;
      for (const x of new Set(cands.map((x) => c.line - x.line))) vote(x);
    }
    const d = agreed(own, ownEvidence);
    if (d !== undefined) byFunction.set(f.name, d);
  }
  // at least two calls, and most of those that could, agree on one offset
  const d = agreed(votes, evidence);
  if (d !== undefined) return { delta: d, byFunction };
  return byFunction.size ? { delta: 0, file: false, byFunction } : undefined;
}

/** The offset at least two votes and most of the evidence agree on (the smaller one on a tie). */
function agreed(votes: ReadonlyMap<number, number>, evidence: number): number | undefined {
  let best: [number, number] | undefined;
  for (const [d, n] of votes) if (!best || n > best[1] || (n === best[1] && Math.abs(d) < Math.abs(best[0]))) best = [d, n];
  return best && best[1] >= 2 && best[1] * 2 >= evidence ? best[0] : undefined;
}

/** Are the names of `a` those of `b`, in order, perhaps with some of `b`'s left out? */
function isSubsequence(a: readonly string[], b: readonly string[]): boolean {
  let j = 0;
  for (const x of a) {
    while (j < b.length && b[j] !== x) j++;
    if (j++ >= b.length) return false;
  }
  return true;
}

/** A function's facts with every line number mapped (calls, scopes and their leaks, assignments, returns). */
function relined(f: FunctionFacts, map: (line: number) => number): FunctionFacts {
  return {
    ...f,
    line: map(f.line),
    endLine: map(f.endLine),
    params: f.params.map((p) => ({ ...p, line: map(p.line) })),
    locals: f.locals.map((v) => ({ ...v, line: map(v.line) })),
    calls: f.calls.map((c) => ({ ...c, line: map(c.line) })),
    assigns: f.assigns.map((a) => ({ ...a, line: map(a.line) })),
    credScopes: f.credScopes.map((s) => ({
      ...s,
      startLine: map(s.startLine),
      endLine: map(s.endLine),
      ...(s.revertLine !== undefined ? { revertLine: map(s.revertLine) } : {}),
      leaks: s.leaks.map((l) => ({ ...l, line: map(l.line) })),
    })),
    ...(f.rets ? { rets: f.rets.map((r) => ({ ...r, line: map(r.line) })) } : {}),
    ...(f.exits ? { exits: f.exits.map((e): number | [number, string] => (typeof e === 'number' ? map(e) : [map(e[0]), e[1]])) } : {}),
    ...(f.labels ? { labels: f.labels.map(([n, l]): [string, number] => [n, map(l)]) } : {}),
    ...(f.hidden ? { hidden: f.hidden.map((h) => ({ from: map(h.from), to: map(h.to) })) } : {}),
  };
}

/** The lines of one image the hunks show. */
function shownRanges(hunks: readonly Hunk[], side: 'pre' | 'post'): [number, number][] {
  return hunks.map((h) => (side === 'pre' ? [h.oldStart, h.oldStart + Math.max(h.oldLines, 1) - 1] : [h.newStart, h.newStart + Math.max(h.newLines, 1) - 1]));
}

/** A pre-image line the hunks do not show, in the given image. */
function toSide(preLine: number, hunks: readonly Hunk[], side: 'pre' | 'post'): number {
  if (side === 'pre') return preLine;
  let shift = 0;
  for (const h of hunks) if (h.oldStart + h.oldLines - 1 < preLine) shift += h.newLines - h.oldLines;
  return preLine + shift;
}

/** Does `text` have `name` followed by `(` (a signature's, or a call's)? */
function namesCall(text: string, name: string): boolean {
  for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) {
    const before = i > 0 ? text[i - 1]! : ' ';
    if (/\w/.test(before)) continue;
    let j = i + name.length;
    while (text[j] === ' ' || text[j] === '\t') j++;
    if (text[j] === '(') return true;
  }
  return false;
}

/**
 * May this switch fail, switching nothing (an out-parameter form, access_override_creds(),
 * a form that returns non-zero on failure)? Its error test's way out then leaks nothing.
 * A switch whose call the facts do not show is given the benefit of the doubt.
 */
function switchMayFail(s: CredScope, form: CredForm, calls: readonly CallSite[]): boolean {
  const sw = calls.find((c) => c.line === s.startLine && c.callee === s.api);
  return !sw || sw.args.some((a) => a.trim().startsWith('&')) || !!form.failsNull || !!form.failsNonZero;
}

/** Does a hunk show this pre-image line removed? */
function removedShown(preLine: number, hunks: readonly Hunk[]): boolean {
  return hunks.some((h) => h.lines.some((l) => l.kind === 'del' && l.oldLine === preLine));
}

/** A pre-image line a hunk shows as context, as the post-image line it becomes. */
function postOfPre(preLine: number, hunks: readonly Hunk[]): number | undefined {
  for (const h of hunks) for (const l of h.lines) if (l.oldLine === preLine && l.newLine !== undefined) return l.newLine;
  return undefined;
}

/** A post-image line of a hunk, as the pre-image line it was (context lines only). */
/**
 * The pre-image line of the call an added call rewrites in place: in its
 * hunk, the removed lines of the same run (between the same context lines)
 * that call the same function, when exactly one does.
 */
function rewrittenFrom(c: CallSite, hunks: readonly Hunk[]): number | undefined {
  for (const h of hunks) {
    const i = h.lines.findIndex((l) => l.kind === 'add' && l.newLine === c.line);
    if (i < 0) continue;
    let a = i;
    while (a > 0 && h.lines[a - 1]!.kind !== 'context') a--;
    let b = i;
    while (b + 1 < h.lines.length && h.lines[b + 1]!.kind !== 'context') b++;
    const calls = (t: string): boolean => {
      const k = t.indexOf(c.callee);
      return k >= 0 && !/\w/.test(t[k - 1] ?? '') && /^\s*\(/.test(t.slice(k + c.callee.length));
    };
    const del = h.lines.slice(a, b + 1).filter((l) => l.kind === 'del' && l.oldLine !== undefined && calls(l.text));
    return del.length === 1 ? del[0]!.oldLine : undefined;
  }
  return undefined;
}

function preOfPost(postLine: number, hunks: readonly Hunk[]): number | undefined {
  for (const h of hunks) for (const l of h.lines) if (l.newLine === postLine && l.oldLine !== undefined) return l.oldLine;
  return undefined;
}

/**
 * The model's functions the pre-image's fragments were completed from, by
 * the fragment's name, and the offset each was placed with: the post-image
 * follows what the pre-image decided (so both images judge the same code).
 */
export type Counterparts = Map<string, { fn: FunctionFacts; delta: number }>;

/**
 * The fragment's functions completed from the model's, and the model's
 * other functions as context (those a fragment function replaces are left
 * out). The pre-image decides which model function completes which
 * fragment (same name, and its shown calls sit at the model's lines);
 * the post-image uses the same, for a function the patch renamed too.
 */
export function fillFragments(fragment: FileFacts, known: FileFacts, align: FileAlignment | undefined, hunks: readonly Hunk[], side: 'pre' | 'post', counterparts: Counterparts, preFunctions: readonly FunctionFacts[] = []): FileFacts {
  const names = new Set(fragment.functions.map((f) => f.name));
  const replaced = new Set<FunctionFacts>(known.functions.filter((f) => names.has(f.name)));
  // A model function on lines a hunk shows, which no fragment function names:
  // the patch's base has something else there (ovl_copy_up_data() where 6.12
  // has ovl_copy_up_file()), and the model's version is left out rather than
  // reviewed at lines the patch does not have it on.
  const delta = align && align.file !== false ? align.delta : 0;
  const shown = shownRanges(hunks, side);
  const place = (modelLine: number): number => (side === 'pre' ? modelLine + delta : toSide(modelLine + delta, hunks, 'post'));
  // ... but not one the hunks only touch at an edge with context lines that are its own: a
  // hunk ending on its signature (`ssize_t fuse_passthrough_read_iter(...)`) or starting on
  // its closing brace, as three lines of context so often do (the function was left out of
  // the image, and of every later patch of the series with it)
  const byLine = new Map<number, { kind: string; text: string }>();
  for (const h of hunks) for (const l of h.lines) {
    const n = side === 'pre' ? l.oldLine : l.newLine;
    if (n !== undefined) byLine.set(n, { kind: l.kind, text: l.text });
  }
  const edgeOnly = (f: FunctionFacts, a: number, b: number, s: number, e: number): boolean => {
    const from = Math.max(s, a);
    const to = Math.min(e, b);
    if (to - from > 2) return false;
    for (let l = from; l <= to; l++) if (byLine.get(l)?.kind !== 'context') return false;
    if (from === a) return to < b && namesCall(byLine.get(a)!.text, f.name);
    return to === b && byLine.get(b)!.text.trim() === '}';
  };
  // (a line a hunk shows as context is where the hunk has it)
  // (memoized: every line of every model function of the file is placed, and postOfPre() scans the hunks)
  const placed = new Map<number, number>();
  const placeShown = (modelLine: number): number => {
    let n = placed.get(modelLine);
    if (n === undefined) placed.set(modelLine, (n = side === 'pre' ? place(modelLine) : (postOfPre(modelLine + delta, hunks) ?? place(modelLine))));
    return n;
  };
  for (const f of known.functions) {
    if (replaced.has(f)) continue;
    const [a, b] = [placeShown(f.line), placeShown(f.endLine)];
    const hit = shown.filter(([s, e]) => s <= b && a <= e);
    if (hit.length && !hit.every(([s, e]) => edgeOnly(f, a, b, s, e))) replaced.add(f);
  }
  // the functions the hunks rename, read once when a fragment function has no counterpart by its name
  let renames: Map<string, string> | undefined;
  const functions = fragment.functions.map((f) => {
    if (!align || !f.partial) return f;
    let c: { fn: FunctionFacts; delta: number } | undefined;
    if (side === 'pre') {
      const m = known.functions.find((k) => k.name === f.name);
      const d = align.exact ? align.delta : (align.byFunction?.get(f.name) ?? (align.file === false ? undefined : align.delta));
      if (!m || d === undefined || (!align.exact && !linesUp(f, m, d, hunks))) return f;
      counterparts.set(f.name, (c = { fn: m, delta: d }));
    } else {
      c = counterparts.get(f.name) ?? counterparts.get((renames ??= renamedInHunks(hunks)).get(f.name) ?? '');
      if (!c) {
        // renamed by the patch: the pre-image's function at the place the fragment shows
        const pre = f.calls.map((x) => preOfPost(x.line, hunks)).find((l) => l !== undefined) ?? preOfPost(f.line, hunks);
        const was = pre === undefined ? undefined : preFunctions.find((p) => p.line <= pre && pre <= p.endLine && !names.has(p.name));
        c = was && counterparts.get(was.name);
      }
      if (!c) return f;
    }
    replaced.add(c.fn);
    return completed(f, c.fn, c.delta, hunks, side);
  });
  const added = addedIncludes(hunks);
  // the model's other functions at this image's lines: the file's offset, and in the
  // post-image the lines the hunks add or remove above them (a helper a changed
  // function now reaches is reported where the patched file has it)
  const shift = (f: FunctionFacts): FunctionFacts => {
    const moved = placeShown(f.line) - f.line;
    if (moved === 0 && placeShown(f.endLine) - f.endLine === 0) return { ...f, file: fragment.path };
    return { ...relined(f, placeShown), file: fragment.path };
  };
  return {
    ...fragment,
    functions: [...known.functions.filter((f) => !replaced.has(f)).map(shift), ...functions],
    opsTables: [...known.opsTables, ...fragment.opsTables],
    workFns: [...known.workFns, ...fragment.workFns],
    // the model's includes, and those the hunks show (an include the patch adds or keeps, at
    // its line); not the model's copy of one the patch adds, which is from after the patch
    includes: [...fragment.includes, ...known.includes.filter((k) => !fragment.includes.some((i) => i.path === k.path && i.system === k.system) && !added.has(k.path))],
  };
}

/**
 * Is the model's function the one the fragment shows? On the lines the
 * hunks show, the two must agree: every call the fragment makes that the
 * model's function makes too sits at the model's line (with the file's
 * offset), and most of the model's calls there are in the fragment. A
 * model of another version (one where this very patch is already in, say)
 * disagrees somewhere; then nothing is taken from it. With no call to
 * compare, the heads must line up.
 */
function linesUp(f: FunctionFacts, m: FunctionFacts, delta: number, hunks: readonly Hunk[]): boolean {
  const shown = shownRanges(hunks, 'pre');
  const inShown = (preLine: number): boolean => shown.some(([a, b]) => a <= preLine && preLine <= b);
  const mine = new Set(f.calls.map((c) => `${c.line}|${c.callee}`));
  let comparable = 0;
  for (const c of f.calls) {
    const cands = m.calls.filter((x) => x.callee === c.callee);
    if (!cands.length) continue;
    comparable++;
    if (!cands.some((x) => x.line + delta === c.line)) return false;
  }
  const theirs = m.calls.filter((x) => inShown(x.line + delta));
  const missing = theirs.filter((x) => !mine.has(`${x.line + delta}|${x.callee}`)).length;
  if (missing * 2 > theirs.length) return false;
  if (comparable) return true;
  return !!f.headSeen && f.line === m.line + delta;
}

function completed(f: FunctionFacts, m: FunctionFacts, delta: number, hunks: readonly Hunk[], side: 'pre' | 'post'): FunctionFacts {
  const shownPre = shownRanges(hunks, 'pre');
  const unseen = (preLine: number): boolean => !shownPre.some(([a, b]) => a <= preLine && preLine <= b);
  const shownSide = shownRanges(hunks, side);
  const at = (modelLine: number): number | undefined => {
    const pre = modelLine + delta;
    if (!unseen(pre)) return undefined;
    const line = toSide(pre, hunks, side);
    // a line the hunks do not show cannot land on one they do: hunks whose
    // counts disagree with their lines (a hand-edited patch) say no more here
    return shownSide.some(([a, b]) => a <= line && line <= b) ? undefined : line;
  };
  const calls: CallSite[] = f.calls.map((c) => ({ ...c, block: reroot(c.block, 'h') }));
  const assigns: Assignment[] = [...f.assigns];
  const hidden: { from: number; to: number }[] = [];
  for (const c of m.calls) {
    const line = at(c.line);
    if (line !== undefined) calls.push({ ...c, line, block: reroot(c.block, 'm'), creds: c.creds.map((i) => -1 - i) });
  }
  for (const a of m.assigns) {
    const line = at(a.line);
    if (line !== undefined) assigns.push({ ...a, line });
  }
  const rets = [...(f.rets ?? []), ...(m.rets ?? []).flatMap((r) => {
    const line = at(r.line);
    return line === undefined ? [] : [{ ...r, line }];
  })];
  // the ways out: the hunks' own, and the model's on the lines they do not show
  const exits: Exit[] = [
    ...(f.exits ?? []).map((e) => ({ line: typeof e === 'number' ? e : e[0], ...(typeof e === 'number' ? {} : { label: e[1] }), shown: true })),
    ...(m.exits ?? []).flatMap((e) => {
      const line = at(typeof e === 'number' ? e : e[0]);
      return line === undefined ? [] : [{ line, ...(typeof e === 'number' ? {} : { label: e[1] }), shown: false }];
    }),
  ];
  const labels = new Map<string, number>(f.labels ?? []);
  for (const [n, l] of m.labels ?? []) {
    const line = at(l);
    if (line !== undefined && !labels.has(n)) labels.set(n, line);
  }
  // the model's lines taken in: unseen for the credential analysis
  let run: { from: number; to: number } | undefined;
  for (let l = m.line; l <= m.endLine; l++) {
    const line = at(l);
    if (line === undefined) {
      run = undefined;
      continue;
    }
    if (run && run.to === line - 1) run.to = line;
    else hidden.push((run = { from: line, to: line }));
  }
  const start = at(m.line) ?? f.line;
  const end = at(m.endLine) ?? f.endLine;
  return {
    ...f,
    line: Math.min(f.line, start),
    endLine: Math.max(f.endLine, end),
    // git's heading is the signature's first line: the model's has the rest (and the lines between
    // the heading and a hunk that starts further down the signature: the fragment's are then a
    // subsequence of the model's, `(pipe, flags, ctx)` of `(pipe, out, ppos, len, flags, ctx)`)
    params: m.params.length > f.params.length && isSubsequence(f.params.map((p) => p.name), m.params.map((p) => p.name)) ? m.params : f.params,
    returns: f.returns || m.returns,
    static: f.static || m.static,
    calls: calls.sort((a, b) => a.line - b.line),
    assigns: assigns.sort((a, b) => a.line - b.line),
    ...(rets.length ? { rets } : {}),
    ...(exits.length ? { exits: exits.map((e): number | [number, string] => (e.label === undefined ? e.line : [e.line, e.label])).sort((x, y) => (typeof x === 'number' ? x : x[0]) - (typeof y === 'number' ? y : y[0])) } : {}),
    ...(labels.size ? { labels: [...labels] } : {}),
    ...mergeScopes(f, m, delta, hunks, calls, side, exits, labels),
    hidden: mergeRanges([...(f.hidden ?? []), ...hidden]),
    partial: true,
    headSeen: true,
    filled: true,
  };
}

/**
 * The model's credential scopes, at this image's lines, merged with the
 * fragment's own. A model scope whose override and revert (or whose ends,
 * for a scoped form) both survive in this image covers the lines between
 * in it too: the calls taken from the model keep their scopes, and a call
 * a hunk shows at the function's own level between the two is under it.
 * When every model scope could be placed so, the function's credential
 * state is known on the lines the hunks do not show (`credsKnown`).
 *
 * In the post-image, a `return` the patch adds between an override and
 * its revert, with no revert of that form between them (shown or from the
 * model), leaves with the override in force (cachefiles_begin_secure() ...
 * `out:` cachefiles_end_secure()): it is that scope's leak.
 */
interface Exit {
  line: number;
  /** A goto's label; none for a return. */
  label?: string;
  /** On a line a hunk shows (the fragment's extraction saw it). */
  shown: boolean;
}

function mergeScopes(f: FunctionFacts, m: FunctionFacts, delta: number, hunks: readonly Hunk[], calls: CallSite[], side: 'pre' | 'post', exits: readonly Exit[] = [], labels: ReadonlyMap<string, number> = new Map()): { credScopes: CredScope[]; credsKnown?: true } {
  const shownPre = shownRanges(hunks, 'pre');
  const place = (modelLine: number): number | undefined => {
    const pre = modelLine + delta;
    if (!shownPre.some(([a, b]) => a <= pre && pre <= b)) return toSide(pre, hunks, side);
    if (side === 'pre') return pre;
    for (const h of hunks) for (const l of h.lines) if (l.oldLine === pre) return l.newLine;
    return undefined;
  };
  const scopes: CredScope[] = f.credScopes.map((s) => ({ ...s, block: reroot(s.block, 'h') }));
  if (!scopesAgree(f, m, delta, hunks, side)) {
    // the model's scopes are not taken: its calls keep none of theirs (a dangling index was a crash)
    for (const c of calls) if (c.creds.some((x) => x < 0)) c.creds = c.creds.filter((x) => x >= 0);
    return { credScopes: scopes };
  }
  const own = scopes.length;
  const index = new Map<number, number>();
  let known = true;
  // scopes whose extent the model gave: the fragment's own, completed with their revert, and the model's
  const placed = new Set<number>();
  // scopes that now end at a revert the patch moved up: the model's calls past it are no longer under them
  const movedEnd = new Map<number, number>();
  // the post-image lines the patch writes
  const addedPost = addedPostLines(hunks);
  for (const [j, s] of m.credScopes.entries()) {
    // an override the patch respells on its own line (ovl_override_creds() -> ovl_override_creds_light()): the added line that switches
    const placedStart = place(s.startLine);
    const form = credForm(s.api);
    // (or one that switches the same saved creds to others, `old = ovl_override_creds(sb)` -> `old = override_creds(c)`:
    // the model's revert still ends it, and the rule judges the new credentials)
    const resaved = (c: string, text: string): boolean =>
      form?.kind === 'override' && credForm(c)?.kind === 'override' && s.saved !== undefined && savesInto(text, c, s.saved);
    const start =
      placedStart ??
      (side === 'post' && form && form.kind !== 'scoped'
        ? respelt(s.startLine + delta, hunks, (c, text) => (c !== s.api && credForm(c)?.kind === form.kind && sameCred(credForm(c)!, form)) || resaved(c, text))
        : undefined);
    // a revert the patch respells on its own line (revert_creds() -> ovl_revert_creds()): the added line that reverts
    const placedEnd = place(s.revertLine ?? s.endLine) ?? (side === 'post' && s.revertLine !== undefined ? respelt(s.revertLine + delta, hunks, (c) => revertsScope(s, c)) : undefined);
    const moved = placedEnd === undefined && side === 'post' ? movedRevert(s, start, delta, hunks, calls, addedPost) : undefined;
    const end = placedEnd ?? moved;
    if (side === 'post' && start !== undefined && end === undefined && droppedRevert(s, start, delta, hunks, calls)) {
      // the one revert the patch deleted, the override kept: every way out after it leaves switched
      const at = toSide(s.revertLine! + delta, hunks, 'post');
      // (one leak, where the revert was: the ways out after it are all the same mistake)
      const leaks: CredScope['leaks'] = [{ line: at, kind: 'end', text: DROPPED_REVERT }];
      const { revertLine: _gone, ...rest } = s;
      index.set(j, scopes.length);
      placed.add(scopes.length);
      scopes.push({ ...rest, startLine: start, endLine: Math.max(place(s.endLine) ?? at, at), block: reroot(s.block, 'm'), leaks });
      continue;
    }
    if (start === undefined || end === undefined) {
      // a switch whose override and revert the hunks show removed, with no switch of the
      // function's own in what they show, is known to be gone (ovl_xattr_set()'s override
      // around vfs_getxattr() replaced by ovl_do_getxattr()); a respelt or rescoped one is not
      if (side === 'post' && own === 0 && removedShown(s.startLine + delta, hunks) && s.revertLine !== undefined && removedShown(s.revertLine + delta, hunks)) continue;
      known = false;
      continue;
    }
    // (not one the patch mends with a revert it writes right before the way out, no label between:
    // `revert_creds(saved_cred); goto out_finish;` in an error branch an earlier patch left leaking)
    const addedLines = side === 'post' ? addedPost : undefined;
    const mended = (line: number): boolean =>
      !!addedLines && calls.some((r) => addedLines.has(r.line) && r.line < line && r.line >= line - 2 && revertsScope(s, r.callee) && ![...labels.values()].some((x) => x > r.line && x <= line));
    const leaks = s.leaks.flatMap((l) => {
      const line = place(l.line);
      return line === undefined || mended(line) ? [] : [{ ...l, line }];
    });
    // the override on a line a hunk shows: the fragment has it, perhaps without the revert the hunks do not show
    const i = scopes.findIndex((o, k) => k < own && o.startLine === start && (o.api === s.api || placedStart === undefined));
    if (i >= 0) {
      const o = scopes[i]!;
      if (o.revertLine === undefined && s.revertLine !== undefined) {
        scopes[i] = { ...o, endLine: Math.max(o.endLine, end), revertLine: end, leaks: o.leaks.filter((x) => x.kind !== 'end'), ...(s.exitLabels ? { exitLabels: s.exitLabels } : {}) };
        placed.add(i);
      }
      if (moved !== undefined) movedEnd.set(i, moved);
      index.set(j, i);
      continue;
    }
    index.set(j, scopes.length);
    if (moved !== undefined) movedEnd.set(scopes.length, moved);
    placed.add(scopes.length);
    scopes.push({ ...s, startLine: start, endLine: s.revertLine !== undefined ? Math.max(place(s.endLine) ?? end, end) : end, ...(s.revertLine !== undefined ? { revertLine: end } : {}), block: reroot(s.block, 'm'), leaks });
  }
  // the model's calls: their scopes, renumbered; a shown call at the function's level inside a model scope is under it
  for (const c of calls) {
    // not after a revert of it at the function's level with no label between (the success path's
    // revert when an error path's closes the region: cachefiles_lookup_cookie(); for the model's
    // calls, a revert the patch added above them)
    const ended = (k: number): boolean => calls.some((r) => r.block === 'f' && r.line > scopes[k]!.startLine && r.line < c.line && revertsScope(scopes[k]!, r.callee) && ![...labels.values()].some((l) => l > r.line && l <= c.line));
    if (c.creds.some((x) => x < 0)) {
      c.creds = c.creds.flatMap((x) => (x >= 0 ? [x] : index.has(-1 - x) ? [index.get(-1 - x)!] : [])).filter((k) => !(c.line > (movedEnd.get(k) ?? Infinity)) && !(scopes[k] && ended(k)));
      continue;
    }
    const over = [...placed].filter((k) => !c.creds.includes(k) && scopes[k]!.block === 'f' && scopes[k]!.startLine < c.line && c.line < (scopes[k]!.revertLine ?? scopes[k]!.endLine + 1) && !ended(k));
    // a shown call on an unchanged line inside a nested block: the model's same call says which of
    // its switches it is under (ovl_fileattr_set()'s override inside `if (!err) { ... }`)
    // (a call the patch rewrote in place, `f(a, b)` -> `f(a, b, c)`: the removed line it replaces)
    // (a call nested in the arguments of one rewritten so, `f(a, b, current_cred())`, has no removed
    // twin: it is in the same statement, under what the outer call is under)
    const modelTwin = (x: CallSite): CallSite | undefined => {
      const preLine = side === 'pre' ? x.line : (preOfPost(x.line, hunks) ?? rewrittenFrom(x, hunks));
      return preLine === undefined ? undefined : m.calls.find((y) => y.line + delta === preLine && y.callee === x.callee);
    };
    const mc = modelTwin(c) ?? calls.filter((x) => x !== c && x.line === c.line && !x.creds.some((k) => k < 0)).map(modelTwin).find((x) => x !== undefined);
    for (const j of mc?.creds ?? []) {
      const k = index.get(j);
      if (k === undefined || !placed.has(k) || c.creds.includes(k) || over.includes(k) || c.line > (movedEnd.get(k) ?? Infinity) || c.line <= scopes[k]!.startLine || ended(k)) continue;
      over.push(k);
    }
    if (over.length) c.creds = [...over, ...c.creds].sort((x, y) => scopes[x]!.startLine - scopes[y]!.startLine);
  }
  // A goto the hunks show inside a switch they show, to a label they do not (each hunk is
  // parsed alone): where the model (or an earlier patch of the series) puts the label says
  // whether it leaves past the revert. Both images, so a later patch that moves the revert
  // above it is seen to fix it.
  const ownLabels = new Set((f.labels ?? []).map(([n]) => n));
  // a label the patch writes (perhaps moving the model's): the model's gotos to it go where it now is
  const addedLabel = (name: string): number | undefined => hunkLabelLine(hunks, name, true);
  for (const [k, s] of scopes.entries()) {
    const form = credForm(s.api);
    if (!form || s.kind === 'scoped' || s.nested || s.revertLine === undefined) continue;
    // not the error path of a switch that may fail (`if (ksmbd_override_fsids(work)) { ... goto err; }`): nothing was switched there
    const mayFail = switchMayFail(s, form, calls);
    const more: CredScope['leaks'] = [];
    for (const e of exits) {
      if (e.label === undefined) continue;
      const moved = side === 'post' && !e.shown ? addedLabel(e.label) : undefined;
      if ((!e.shown && moved === undefined) || (e.shown && ownLabels.has(e.label))) continue;
      if (mayFail && e.line <= s.startLine + 3) continue;
      if (e.line <= s.startLine || e.line >= s.revertLine || s.leaks.some((x) => x.line === e.line)) continue;
      const to = moved ?? labels.get(e.label);
      if (to === undefined || (to >= s.startLine && to <= s.revertLine)) continue;
      // reverted on the way, or (it may be) where the label leads
      if (calls.some((c) => revertsForm(form, c.callee) && ((c.line > s.startLine && c.line < e.line) || c.line >= to))) continue;
      // or the label's code jumps back before the revert (cachefiles_create_tmpfile()'s
      // `err: file = ERR_PTR(ret); goto out;`, out: ahead of cachefiles_end_secure())
      const next = exits.filter((x) => x.line >= to).sort((x, y) => x.line - y.line)[0];
      const back = next?.label === undefined ? undefined : labels.get(next.label);
      if (back !== undefined && back > s.startLine && back <= s.revertLine) continue;
      // (the same, read off the lines the hunks show after a label they place: the patch's own
      // error tail `out_unlock: ...; goto out_revert_creds;` back above the revert)
      if (moved !== undefined && shownTailReverts(hunks, moved, s)) continue;
      more.push({ line: e.line, kind: 'goto', text: `goto ${e.label};` });
    }
    if (more.length) scopes[k] = { ...s, leaks: [...s.leaks, ...more].sort((x, y) => x.line - y.line) };
  }
  if (side === 'post') {
    // an added return, or an added goto to a label the model says leaves past the revert without reverting
    const added = hunks.flatMap((h) => h.lines.filter((l) => l.kind === 'add' && l.newLine !== undefined && /^\s*(return\b|goto\s+\w+\s*;)/.test(l.text)));
    for (const [k, s] of scopes.entries()) {
      // a scope the fragment has whole (override and revert shown) has its leaks from the
      // extraction, which knows an out-parameter override's error return
      if (!placed.has(k)) continue;
      const form = credForm(s.api);
      if (!form || s.kind === 'scoped' || s.nested || s.revertLine === undefined) continue;
      // (or to a label the patch adds past the revert; a label of the model's leaves only where its
      // scope says so: cachefiles_create_tmpfile()'s err: goes back to out:, which reverts)
      const modelLabels = new Set((m.labels ?? []).map(([n]) => n));
      const leaves = (text: string): boolean => {
        const g = /^\s*goto\s+(\w+)/.exec(text);
        if (!g || s.exitLabels?.includes(g[1]!)) return true;
        if (modelLabels.has(g[1]!)) return false;
        const at = addedLabel(g[1]!);
        return at !== undefined && at > s.revertLine!;
      };
      const ret = added.find((l) => l.newLine! > s.startLine && l.newLine! < s.revertLine! && l.newLine! >= f.line && l.newLine! <= Math.max(f.endLine, s.revertLine!) && leaves(l.text) && !calls.some((c) => c.line > s.startLine && c.line < l.newLine! && revertsForm(form, c.callee)));
      if (!ret || s.leaks.some((x) => x.line === ret.newLine)) continue;
      const kind = /^\s*goto\b/.test(ret.text) ? ('goto' as const) : ('return' as const);
      scopes[k] = { ...s, leaks: [...s.leaks, { line: ret.newLine!, kind, text: ret.text.trim().replace(/\s+/g, ' ').slice(0, 80) }].sort((x, y) => x.line - y.line) };
    }
    // A switch the patch adds, with its revert shown, or with the revert a model override the
    // patch removed leaves behind (the override moved up): the ways out between the two on the
    // lines the hunks do not show (nvmet's -ENOSPC return under an override added above it), and,
    // for a moved override, the shown ones the fragment could not judge (ovl_xattr_set()'s `goto out`)
    const addedLines = addedPost;
    for (let k = 0; k < own; k++) {
      const s = scopes[k]!;
      const form = credForm(s.api);
      if (!form || s.kind === 'scoped' || s.nested || !addedLines.has(s.startLine)) continue;
      let sc = s;
      // its revert in another hunk (each hunk is parsed alone): the one revert of its saved creds after it
      const reverts = sc.revertLine === undefined && s.saved ? calls.filter((c) => c.line > s.startLine && revertsForm(form, c.callee) && c.args.some((a) => a.trim() === s.saved)) : [];
      if (reverts.length === 1) sc = { ...s, endLine: Math.max(s.endLine, reverts[0]!.line), revertLine: reverts[0]!.line, leaks: s.leaks.filter((x) => x.kind !== 'end' && x.line < reverts[0]!.line) };
      if (sc.revertLine === undefined) {
        const left = m.credScopes.find((ms) => ms.api === s.api && ms.saved === s.saved && ms.revertLine !== undefined && place(ms.startLine) === undefined && (place(ms.revertLine) ?? 0) > s.startLine);
        if (!left || m.credScopes.some((ms) => ms !== left && ms.api === s.api)) continue;
        const end = place(left.revertLine!)!;
        sc = { ...s, endLine: Math.max(s.endLine, end), revertLine: end, leaks: s.leaks.filter((x) => x.kind !== 'end' && x.line < end) };
      }
      const leavesPast = (label: string | undefined): boolean => {
        const to = label === undefined ? undefined : labels.get(label);
        return to !== undefined && (to < sc.startLine || to > sc.revertLine!);
      };
      // paired here: the fragment's own ways out before that revert (its extraction knows an
      // out-parameter form's error return), a goto only to a label past it
      if (sc !== s) sc = { ...sc, leaks: sc.leaks.filter((x) => x.kind === 'return' || (x.kind === 'goto' && leavesPast(/^goto\s+(\w+)/.exec(x.text)?.[1]))) };
      const mayFail = switchMayFail(s, form, calls);
      // the model's own switch, respelt on this added line (renamed, another spelling of the same
      // form): the model's reading of the lines the hunks do not show stands (its failed-switch test)
      const was = [...index].find(([, v]) => v === k)?.[0];
      const modelLeaks = was === undefined ? undefined : new Set(m.credScopes[was]!.leaks.map((l) => place(l.line)));
      const more: CredScope['leaks'] = [];
      for (const e of exits) {
        if (e.line <= sc.startLine || e.line >= sc.revertLine! || sc.leaks.some((x) => x.line === e.line)) continue;
        if (!e.shown && modelLeaks && !modelLeaks.has(e.line)) continue;
        // a shown way out is the fragment's to judge, unless the revert was paired here; not the
        // error test of a form that may fail (`if (err) return err;` after `err = ovl_override_creds(sb, &old)`)
        if (e.shown && (sc === s || (mayFail && e.line <= sc.startLine + 2))) continue;
        // (nor the model's error test right after a switch that may fail, where the hunk shows only the switch)
        if (!e.shown && mayFail && e.line <= sc.startLine + 3) continue;
        if (calls.some((c) => c.line > sc.startLine && c.line < e.line && revertsForm(form, c.callee))) continue;
        if (e.label !== undefined && !leavesPast(e.label)) continue;
        // (or the label's code reverts, or jumps back above the revert before leaving: id_to_sid()'s
        // `invalidate_key: key_invalidate(sidkey); goto out_key_put;`, as the loop above reads it)
        if (e.label !== undefined) {
          const to = labels.get(e.label)!;
          const next = exits.filter((x) => x.line >= to).sort((x, y) => x.line - y.line)[0];
          if (calls.some((c) => revertsForm(form, c.callee) && c.line >= to && (next === undefined || c.line < next.line))) continue;
          const back = next?.label === undefined ? undefined : labels.get(next.label);
          if (back !== undefined && back > sc.startLine && back <= sc.revertLine!) continue;
        }
        more.push({ line: e.line, kind: e.label !== undefined ? 'goto' : 'return', text: e.label !== undefined ? `goto ${e.label};` : 'return' });
      }
      // (the pairing is kept only for the leak it shows: the scopes the hunks give are left as they are otherwise)
      if (more.length || (sc !== s && sc.leaks.length)) scopes[k] = { ...sc, leaks: [...sc.leaks, ...more].sort((x, y) => x.line - y.line) };
    }
  }
  return { credScopes: scopes, ...(known ? { credsKnown: true as const } : {}) };
}

/**
 * Do the model's credential scopes and the ones the hunks show describe the
 * same code? The calls may line up while the credential handling differs
 * (the model's `old_cred = ovl_override_creds(sb)` ... `revert_creds()`
 * where the patch's base has `scoped_class(override_creds_ovl, ...)`): a
 * scope on a line both images share must be the model's at that line, and
 * a model scope's override or revert on a line a hunk shows must be there.
 */
function scopesAgree(f: FunctionFacts, m: FunctionFacts, delta: number, hunks: readonly Hunk[], side: 'pre' | 'post'): boolean {
  for (const o of f.credScopes) {
    const pre = side === 'pre' ? o.startLine : preOfPost(o.startLine, hunks);
    if (pre === undefined) continue; // added by the patch
    if (!m.credScopes.some((s) => s.startLine + delta === pre && s.api === o.api)) return false;
  }
  const shownText = new Map<number, string>();
  for (const h of hunks) for (const l of h.lines) if (l.oldLine !== undefined) shownText.set(l.oldLine, l.text);
  for (const s of m.credScopes) {
    const start = shownText.get(s.startLine + delta);
    if (start !== undefined && !start.includes(s.api.split('(')[0]!)) return false;
    if (s.revertLine === undefined) continue;
    const revert = shownText.get(s.revertLine + delta);
    if (revert !== undefined && !callees(revert).some((c) => revertsScope(s, c))) return false;
  }
  return true;
}

/**
 * Block paths of two parses in one function: the body's own level is shared
 * (a call at the top of the function dominates what follows, whichever
 * parse it came from); nested blocks keep their parse's name, so ids of the
 * two cannot collide. `2.318` of hunk 2 -> `f.h2_318`; `0.77` of the model -> `f.m0_77`.
 */
function reroot(block: string, tag: string): string {
  const [root, ...rest] = block.split('.');
  return ['f', ...rest.map((x) => `${tag}${root}_${x}`)].join('.');
}

function mergeRanges(rs: { from: number; to: number }[]): { from: number; to: number }[] {
  const sorted = [...rs].sort((a, b) => a.from - b.from);
  const out: { from: number; to: number }[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else out.push({ ...r });
  }
  return out;
}

/** Does `callee` end this scope: its form's revert, or (a form the knowledge base does not name) any revert_creds() kind? */
/**
 * Do the post-image lines the hunks show from a label on revert the switch,
 * or jump back to a label at or above its revert, before they leave?
 */
function shownTailReverts(hunks: readonly Hunk[], from: number, s: CredScope): boolean {
  const shown = hunks.flatMap((h) => h.lines).filter((l) => l.kind !== 'del' && l.newLine !== undefined && l.newLine > from).sort((a, b) => a.newLine! - b.newLine!);
  let prev = from;
  for (const l of shown) {
    if (l.newLine! !== prev + 1) return false; // a line the hunks do not show: unknown
    prev = l.newLine!;
    if (callees(l.text).some((c) => revertsScope(s, c))) return true;
    const g = GOTO.exec(l.text);
    if (g) {
      const at = hunkLabelLine(hunks, g[1]!, false);
      return at !== undefined && at > s.startLine && at <= s.revertLine!;
    }
    if (RETURN.test(l.text) || l.text.trim() === '}') return false;
  }
  return false;
}

const GOTO = /^\s*goto\s+(\w+)\s*;/;
const RETURN = /^\s*return\b/;

/** The post-image line where the hunks show label `name` (only the lines they add, if `added`). */
function hunkLabelLine(hunks: readonly Hunk[], name: string, added: boolean): number | undefined {
  for (const h of hunks)
    for (const l of h.lines) if ((added ? l.kind === 'add' : l.kind !== 'del') && l.newLine !== undefined && l.text.startsWith(name) && LABEL_TAIL.test(l.text.slice(name.length))) return l.newLine;
  return undefined;
}

/** The post-image lines the hunks add. */
function addedPostLines(hunks: readonly Hunk[]): Set<number> {
  return new Set(hunks.flatMap((h) => h.lines.filter((l) => l.kind === 'add' && l.newLine !== undefined).map((l) => l.newLine!)));
}

/** What follows a label's name on its line: `out:`, not `std::`. */
const LABEL_TAIL = /^\s*:(?!:)/;

/**
 * The revert the patch moved: the model's revert is a line the hunks remove,
 * and an added line after the override reverts the same saved credentials
 * (ovl_open_realfile()'s revert_creds() moved up above inode_permission()).
 * The switch now ends there.
 */
function movedRevert(s: CredScope, start: number | undefined, delta: number, hunks: readonly Hunk[], calls: readonly CallSite[], added: ReadonlySet<number>): number | undefined {
  if (start === undefined || s.revertLine === undefined || !s.saved || !removedShown(s.revertLine + delta, hunks)) return undefined;
  const r = calls.filter((c) => c.line > start && added.has(c.line) && revertsScope(s, c.callee) && c.args.some((a) => a.replace(/^[&*]\s*/, '').trim() === s.saved)).sort((x, y) => x.line - y.line);
  return r.length === 1 ? r[0]!.line : undefined;
}

/**
 * Functions the hunks rename on their definition line (`-static int __io_read(...`,
 * `+static int __io_read_new(...`, the rest the same): new name -> old name.
 */
export function renamedInHunks(hunks: readonly Hunk[]): Map<string, string> {
  const out = new Map<string, string>();
  const def = (text: string): [string, string, string] | undefined => {
    const open = text.indexOf('(');
    if (open < 0 || text.length > 300 || /^\s/.test(text)) return undefined;
    const head = text.slice(0, open).trimEnd();
    let k = head.length;
    while (k > 0 && /\w/.test(head[k - 1]!)) k--;
    const name = head.slice(k);
    return name && !/^\d/.test(name) ? [head.slice(0, k), name, text.slice(open)] : undefined;
  };
  for (const h of hunks) {
    for (let i = 0; i + 1 < h.lines.length; i++) {
      const a = h.lines[i]!;
      const b = h.lines[i + 1]!;
      if (a.kind !== 'del' || b.kind !== 'add') continue;
      const x = def(a.text);
      const y = def(b.text);
      if (x && y && x[1] !== y[1] && x[0] === y[0] && x[2] === y[2]) out.set(y[1], x[1]);
    }
  }
  return out;
}

/** The text of the leak a deleted revert leaves (the rule reports it where the revert was). */
export const DROPPED_REVERT = 'the revert this patch deletes';

/**
 * Did the patch delete the scope's one revert and put none in its place? The
 * hunks show its line removed, no added line reverts (or calls anything that
 * looks like it might), and no other revert of the form is left after the
 * override in this image.
 */
function droppedRevert(s: CredScope, start: number, delta: number, hunks: readonly Hunk[], calls: readonly CallSite[]): boolean {
  const form = credForm(s.api);
  if (!form || form.kind === 'scoped' || s.nested || s.revertLine === undefined || !removedShown(s.revertLine + delta, hunks)) return false;
  const added = hunks.flatMap((h) => h.lines.filter((l) => l.kind === 'add').flatMap((l) => callees(l.text)));
  if (added.some((c) => revertsScope(s, c) || /revert|end_secure|restore|put_cred/.test(c))) return false;
  return !calls.some((c) => c.line > start && revertsScope(s, c.callee));
}

function revertsScope(s: CredScope, callee: string): boolean {
  const form = credForm(s.api);
  return form ? revertsForm(form, callee) : isCredRevert(callee);
}

/**
 * The post-image line that replaces a removed pre-image line, when the hunk
 * swaps that one line for one that still does its job (`test` on its calls):
 * the first added line after the removed run that holds it.
 */
function respelt(preLine: number, hunks: readonly Hunk[], test: (callee: string, text: string) => boolean): number | undefined {
  for (const h of hunks) {
    const i = h.lines.findIndex((l) => l.kind === 'del' && l.oldLine === preLine);
    if (i < 0) continue;
    for (let k = i + 1; k < h.lines.length && h.lines[k]!.kind !== 'context'; k++) {
      const l = h.lines[k]!;
      if (l.kind === 'add' && l.newLine !== undefined && callees(l.text).some((c) => test(c, l.text))) return l.newLine;
    }
    return undefined;
  }
  return undefined;
}

/** Does this line keep what `callee` returns in `saved` (`saved = callee(`, white space aside)? */
function savesInto(text: string, callee: string, saved: string): boolean {
  const i = text.indexOf(`${callee}(`);
  if (i < 0) return false;
  return text.slice(0, i).replace(/\s+/g, '').endsWith(`${saved}=`);
}

/** Do two forms read their credentials the same way (an argument, a superblock's, a field)? */
function sameCred(a: CredForm, b: CredForm): boolean {
  return JSON.stringify(a.cred) === JSON.stringify(b.cred);
}

/** The names a line of C calls. */
function callees(line: string): string[] {
  return [...line.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]!);
}

/** The paths of the `#include` lines the hunks add. */
function addedIncludes(hunks: readonly Hunk[]): Set<string> {
  const out = new Set<string>();
  for (const h of hunks) {
    for (const l of h.lines) {
      if (l.kind !== 'add') continue;
      const m = /^[ \t]*#[ \t]*include[ \t]*[<"]([^>"\n]+)[>"]/.exec(l.text);
      if (m) out.add(m[1]!.trim());
    }
  }
  return out;
}
