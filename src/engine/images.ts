// Both images of an applied patch, as the rules see them: the facts of the
// touched files before and after, the graphs they sit in, the functions
// under review on each side (review.ts decides which), the calls the patch
// removed, and what each post-image line is (added, context, untouched).

import type { CallSite, CodeGraph, FileFacts, FunctionFacts } from '../cgraph/types.js';
import { normExpr } from '../cgraph/ctext.js';
import type { ExtractOptions } from '../cgraph/extract/index.js';
import { InputError, isKernelC, type FileDiff, type Hunk, type Patch } from '../patch/types.js';
import { sectionFunctionName, type FragmentSection } from '../cgraph/extract/index.js';
import type { FileApplyResult } from '../tree/types.js';
import type { Base } from './base.js';
import type { PostLineInfo, runImage } from './engine.js';
import { underReview } from './review.js';
import { alignToModel, fillFragments, sameBlob, type Counterparts, type FileAlignment } from './fill-fragments.js';

export interface Images {
  pre: Parameters<typeof runImage>[1];
  post: Parameters<typeof runImage>[1];
  lines: PostLineInfo;
}

/**
 * The latest facts of each file a thread has seen, with the text they are
 * of (none for a file rebuilt from the patch text): patch k's post-image is
 * patch k+1's pre-image, extracted once.
 */
export type SeenFacts = Map<string, { text: string | undefined; facts: FileFacts }>;

/**
 * Both images of one applied patch: the facts of every kernel C file before
 * and after it (each text extracted once: the base's texts through its
 * cache, the thread's own images through `seen`), the graphs with them, and
 * the functions under review in each.
 */
export function buildImages(patch: Patch, files: FileApplyResult[], graph: CodeGraph, base: Base, seen: SeenFacts, errors: InputError[], doubt: (d: string) => void = () => {}): Images {
  // the files the thread's earlier patches left (this patch's pre-image has them as they left them)
  const earlier = new Set(seen.keys());
  const extract = (path: string, text: string, opts?: ExtractOptions): FileFacts => {
    if (!opts) {
      const s = seen.get(path);
      if (s && s.text === text) return s.facts;
    }
    const r = base.facts(path, text, opts);
    if (r.error) errors.push(new InputError(patch.source, 'internal', r.error));
    for (const d of r.skipped ?? []) doubt(d);
    if (!opts && !r.error && !r.skipped) seen.set(path, { text, facts: r.facts });
    return r.facts;
  };
  const preFacts: FileFacts[] = [];
  const postFacts: FileFacts[] = [];
  const removedPaths: string[] = [];
  const byPost = new Map<string, FileApplyResult>();
  const removedPreLines = new Map<string, Set<number>>();
  const addedPostLines = new Map<string, Set<number>>();
  const postTexts = new Map<string, (line: number) => string | undefined>();
  const fallback = new Set<string>();
  // files this patch creates: not in its pre-image, whatever the base has under that name
  // the patch's file diffs by path, once: a patch of thousands of files looked each up in all of them
  const byNewPath = new Map<string, FileDiff>();
  const byAnyPath = new Map<string, FileDiff>();
  const byOldPath = new Map<string, FileDiff>();
  const order = new Map<FileDiff, number>();
  for (const [i, f] of patch.files.entries()) {
    order.set(f, i);
    if (f.newPath && !byNewPath.has(f.newPath)) byNewPath.set(f.newPath, f);
    const any = f.newPath ?? f.oldPath;
    if (any && !byAnyPath.has(any)) byAnyPath.set(any, f);
    if (f.oldPath && !byOldPath.has(f.oldPath)) byOldPath.set(f.oldPath, f);
  }
  // the first diff whose path (new, else old) is this one, else whose old path is the result's
  const diffOf = (path: string, oldPath: string | null | undefined): FileDiff | undefined => {
    const a = byAnyPath.get(path);
    const b = oldPath ? byOldPath.get(oldPath) : undefined;
    if (a && b && a !== b) return order.get(a)! <= order.get(b)! ? a : b;
    return a ?? b;
  };
  const created = new Set(files.filter((r) => !r.oldPath && r.path).map((r) => r.path!));
  for (const r of files) {
    const path = r.path ?? r.oldPath;
    if (!path || !isKernelC(path)) continue;
    const diff = diffOf(path, r.oldPath);
    const hunks = diff?.hunks ?? [];
    if (r.sparse) {
      // a sparse image (the patch text alone): its hunks, each parsed as a section at its declared lines
      fallback.add(path);
      const section = (lines: ReadonlyMap<number, string>, start: number, count: number, fn: string) => {
        const endLine = start + Math.max(count, 1) - 1;
        const text: string[] = [];
        for (let l = start; l <= endLine; l++) text.push(lines.get(l) ?? '');
        return { startLine: start, endLine, fn: fn || undefined, lines: text };
      };
      const { pre, post } = r.sparse;
      // the base's facts of the file (the model's, or an earlier patch's image), and how they line up with the hunks
      const known = graph.file(r.oldPath ?? r.path!);
      let align: FileAlignment | undefined;
      const counterparts: Counterparts = new Map();
      let preFragment: FileFacts | undefined;
      // git's heading is the last line above the hunk that looks like a definition: a label
      // (`retry:`), a struct, nothing. Where it names no function, the model's file, lined up
      // with the hunks, says whose body the hunk starts in.
      // (by blob id the model is the pre-image line for line, and the headings are fixed before
      // the hunks are parsed; otherwise the hunks' calls line it up, and they are parsed again
      // only if a heading changes)
      const exact = !!known && sameBlob(diff?.oldBlob, known);
      let headings = (exact && modelHeadings(hunks, known!, 0)) || hunks.map((h) => h.section);
      if (pre && r.oldPath) {
        const preSections = (): FragmentSection[] => hunks.map((h, i) => section(pre, h.oldStart, h.oldLines, headings[i]!));
        let pf = (preFragment = extract(r.oldPath, '', { fragment: { sections: preSections() } }));
        // the model's own file by blob id, or by where the calls the hunks show sit in it
        align = known && (exact ? { delta: 0, exact: true } : alignToModel(pf, known));
        const named = !exact && known && align && align.file !== false ? modelHeadings(hunks, known, align.delta) : undefined;
        if (named) {
          headings = named;
          pf = preFragment = extract(r.oldPath, '', { fragment: { sections: preSections() } });
        }
        preFacts.push(known ? fillFragments(pf, known, align, hunks, 'pre', counterparts) : pf);
        removedPreLines.set(r.oldPath, new Set(hunks.flatMap((h) => h.lines.filter((l) => l.kind === 'del' && l.oldLine !== undefined).map((l) => l.oldLine!))));
      }
      if (post && r.path) {
        const postHeads = postHeadings(hunks, headings);
        const pf = extract(r.path, '', { fragment: { sections: hunks.map((h, i) => section(post, h.newStart, h.newLines, postHeads[i]!)) } });
        if (preFragment) keepEmptied(pf, preFragment, hunks, postHeads);
        const filled = known ? fillFragments(pf, known, align, hunks, 'post', counterparts, preFragment?.functions) : pf;
        // where the base lined up with the whole file, this image is that file after the patch, line for
        // line: a later patch of the series names it by the blob id this patch's index line gives
        const image = known && align && align.file !== false && diff?.newBlob ? { ...filled, blob: diff.newBlob } : filled;
        postFacts.push(image);
        // a file seen only through its hunks is still one the thread has touched: a helper this
        // patch adds there is where a later patch's call may lead (no text: never reused as facts)
        seen.set(r.path, { text: undefined, facts: image });
        postTexts.set(r.path, (l) => post.get(l));
        byPost.set(r.path, r);
        addedPostLines.set(r.path, new Set([...r.postLines].filter(([, o]) => o.kind === 'add').map(([l]) => l)));
      } else if (r.oldPath) removedPaths.push(r.oldPath);
      continue;
    }
    if (r.preText !== null && r.oldPath) {
      preFacts.push(extract(r.oldPath, r.preText));
      // lines of the pre-image the patch removed
      const removed = new Set<number>();
      const n = r.preText.split('\n').length;
      for (let l = 1; l <= n; l++) if (r.preToPost(l) === undefined) removed.add(l);
      removedPreLines.set(r.oldPath, removed);
    }
    if (r.postText !== null && r.path) {
      postFacts.push(extract(r.path, r.postText));
      const lines = r.postText.split('\n');
      postTexts.set(r.path, (l) => lines[l - 1]);
      byPost.set(r.path, r);
      const added = new Set<number>();
      for (const [l, origin] of r.postLines) if (origin.kind === 'add') added.add(l);
      addedPostLines.set(r.path, added);
    } else if (r.oldPath) removedPaths.push(r.oldPath);
    if (r.path && r.oldPath && r.path !== r.oldPath && r.status === 'renamed') removedPaths.push(r.oldPath);
  }
  const preGraph = graph.withFiles(preFacts);
  const postGraph = preGraph.withFiles(postFacts, removedPaths);

  // functions the patch changed, in each image
  const removals = new Map<string, number[]>();
  for (const [path, r] of byPost) removals.set(path, removalPoints(r, byNewPath.get(path)));
  const postChanged = changedFunctions(postFacts, (f) => addedPostLines.get(f.file), (f) =>
    // a function that only lost lines: a removal sits inside its span
    (removals.get(f.file) ?? []).some((p) => p >= f.line && p < f.endLine),
  );
  const preChanged = changedFunctions(preFacts, (f) => removedPreLines.get(f.file), () => false);
  // what the changed functions call in the files the thread has touched so far, three calls deep
  // (review.ts): a helper an earlier patch added is where a later one's call may lead
  const prePaths = new Set([...preFacts.map((f) => f.path), ...[...earlier].filter((p) => !created.has(p))]);
  const postPaths = new Set([...postFacts.map((f) => f.path), ...[...earlier].filter((p) => !removedPaths.includes(p))]);
  const touchedPaths = new Set([...prePaths, ...postPaths]);
  const reached = (changed: FunctionFacts[], g: CodeGraph): FunctionFacts[] => {
    const isChanged = new Set(changed);
    const view = new Map<FunctionFacts, { f: FunctionFacts; name: string; callees: string[] }>();
    const viewOf = (f: FunctionFacts) => {
      let v = view.get(f);
      if (!v) view.set(f, (v = { f, name: f.name, callees: f.calls.filter((c) => c.kind === 'direct').map((c) => c.callee) }));
      return v;
    };
    const r = underReview(changed.map(viewOf), (v) => isChanged.has(v.f), (callee, from) => {
      const t = g.resolve(callee, from.f.file);
      return t && touchedPaths.has(t.file) ? viewOf(t) : undefined;
    });
    return r.reached.map((v) => v.f);
  };
  const preReached = reached(preChanged, preGraph);
  const postReached = reached(postChanged, postGraph);
  // the same functions on the other side, so both images judge the same code
  const names = new Set([...postChanged, ...preChanged, ...postReached, ...preReached].map((f) => f.name));
  // (in every file the thread has touched: a helper an earlier patch added is judged on both sides of this one)
  const named = (g: CodeGraph, paths: Set<string>): FunctionFacts[] => [...paths].flatMap((p) => g.file(p)?.functions.filter((f) => names.has(f.name)) ?? []);
  const postFns = uniq([...postChanged, ...named(postGraph, postPaths)]);
  const preFns = uniq([...preChanged, ...named(preGraph, prePaths)]);

  // A call the patch took away from what the changed code does: before, the
  // changed functions and what they reach made it; after, fewer of them do,
  // whichever function it sat in (a call whose arguments changed, or whose
  // function was renamed, is not gone; one the changed code no longer
  // reaches is).
  // Which of several calls to one callee went is told by the arguments: each post-image call
  // first keeps a pre-image call with the same arguments, and only what is left pairs by callee
  // (do_sendfile() losing rw_verify_area(READ, in, ...) but keeping rw_verify_area(WRITE, out, ...)).
  const removedCalls: { fn: FunctionFacts; site: CallSite }[] = [];
  const callKey = (c: CallSite): string => `${c.callee}\0${c.args.map(normExpr).join(', ')}`;
  const postCalls = uniq([...postChanged, ...postReached]).flatMap((f) => f.calls);
  const exact = new Map<string, number>();
  for (const c of postCalls) exact.set(callKey(c), (exact.get(callKey(c)) ?? 0) + 1);
  const unmatched: { fn: FunctionFacts; site: CallSite }[] = [];
  for (const pf of uniq([...preChanged, ...preReached])) {
    for (const c of pf.calls) {
      const n = exact.get(callKey(c)) ?? 0;
      if (n) exact.set(callKey(c), n - 1);
      else unmatched.push({ fn: pf, site: c });
    }
  }
  // the post-image calls no pre-image call with their arguments kept: a changed argument is not a removal
  const left = new Map<string, number>();
  for (const c of postCalls) {
    const n = exact.get(callKey(c)) ?? 0;
    if (!n) continue;
    exact.set(callKey(c), n - 1);
    left.set(c.callee, (left.get(c.callee) ?? 0) + 1);
  }
  for (const u of unmatched) {
    const n = left.get(u.site.callee) ?? 0;
    if (n) left.set(u.site.callee, n - 1);
    else removedCalls.push(u);
  }
  // the calls on lines the patch added, in the functions under review
  const addedCalls: { fn: FunctionFacts; site: CallSite }[] = [];
  for (const f of postFns) for (const c of f.calls) if (addedPostLines.get(f.file)?.has(c.line)) addedCalls.push({ fn: f, site: c });

  const removedTexts = new Set<string>();
  for (const f of patch.files) for (const h of f.hunks) for (const l of h.lines) if (l.kind === 'del') removedTexts.add(l.text.replace(/\s+/g, ' ').trim());
  const lines: PostLineInfo = {
    lineKind(file, line) {
      const r = byPost.get(file);
      const origin = r?.postLines.get(line);
      if (!origin) return { kind: 'untouched' };
      const text = postTexts.get(file)?.(line);
      return { kind: origin.kind, patchLine: origin.patchLine, ...(text !== undefined ? { text } : {}) };
    },
    preLineRemoved(file, line) {
      return removedPreLines.get(file)?.has(line) ?? false;
    },
    removedSameText(text) {
      return removedTexts.has(text.replace(/\s+/g, ' ').trim());
    },
    fromPatchText(file) {
      return fallback.has(file);
    },
    sourceLine(file, line) {
      return postTexts.get(file)?.(line);
    },
  };
  const fileEntries = (facts: FileFacts[], changed: Map<string, Set<number>>) => facts.map((f) => ({ facts: f, changedLines: changed.get(f.path) }));
  return {
    pre: { image: 'pre', graph: preGraph, functions: preFns, files: fileEntries(preFacts, removedPreLines), removedCalls: [], addedCalls: [] },
    post: { image: 'post', graph: postGraph, functions: postFns, files: fileEntries(postFacts, addedPostLines), removedCalls, addedCalls },
    lines,
  };
}

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function changedFunctions(facts: FileFacts[], changed: (f: FunctionFacts) => Set<number> | undefined, other: (f: FunctionFacts) => boolean): FunctionFacts[] {
  const out: FunctionFacts[] = [];
  for (const ff of facts) {
    for (const fn of ff.functions) {
      const set = changed(fn);
      let hit = false;
      if (set) for (const l of set) if (l >= fn.line && l <= fn.endLine) { hit = true; break; }
      if (hit || other(fn)) out.push(fn);
    }
  }
  return out;
}

/** Post-image lines after which the patch removed pre-image lines. */
function removalPoints(r: FileApplyResult, diff: FileDiff | undefined): number[] {
  const out: number[] = [];
  if (r.sparse) {
    // from the hunks themselves: the post line before each run of removed lines
    for (const h of diff?.hunks ?? []) {
      let lastPost = h.newStart - 1;
      let inRemoval = false;
      for (const l of h.lines) {
        if (l.kind === 'del') {
          if (!inRemoval) out.push(lastPost);
          inRemoval = true;
        } else {
          if (l.newLine !== undefined) lastPost = l.newLine;
          inRemoval = false;
        }
      }
    }
    return out;
  }
  if (r.preText === null) return [];
  const n = r.preText.split('\n').length;
  let lastPost = 0;
  let inRemoval = false;
  for (let l = 1; l <= n; l++) {
    const p = r.preToPost(l);
    if (p !== undefined) {
      lastPost = p;
      inRemoval = false;
    } else if (!inRemoval) {
      out.push(lastPost);
      inRemoval = true;
    }
  }
  return out;
}

/**
 * A function whose hunks left no code in the post-image (the override and the
 * revert they removed were all they showed of it, between blank lines): it is
 * still there, named by the hunks' heading, and the model fills it in. Left
 * out, its image was the model's unchanged and the removal went unjudged.
 */
function keepEmptied(post: FileFacts, pre: FileFacts, hunks: readonly Hunk[], headings: readonly (string | undefined)[]): void {
  for (const f of pre.functions) {
    if (!f.partial || post.functions.some((g) => g.name === f.name)) continue;
    const own = hunks.filter((h, i) => sectionFunctionName(headings[i]) === f.name && h.newLines > 0);
    if (!own.length) continue;
    const line = Math.min(...own.map((h) => h.newStart));
    const endLine = Math.max(...own.map((h) => h.newStart + h.newLines - 1));
    // what the pre-image's lines said of it (its ways out, labels, returns) is not this image's
    const { exits: _e, labels: _l, rets: _r, hidden: _h, ...head } = f;
    post.functions.push({ ...head, line, endLine, calls: [], credScopes: [], assigns: [], locals: [], partial: true });
  }
  post.functions.sort((a, b) => a.line - b.line);
}

/**
 * The hunks' headings with each one that names no function (sectionFunctionName())
 * replaced by the model function whose body holds the hunk's first line
 * (pre-image line = model line + delta); undefined when none changes.
 */
function modelHeadings(hunks: readonly Hunk[], known: FileFacts, delta: number): string[] | undefined {
  let changed = false;
  const out = hunks.map((h) => {
    if (sectionFunctionName(h.section)) return h.section;
    const at = h.oldStart - delta;
    const m = known.functions.find((f) => f.line < at && at <= f.endLine && !f.name.startsWith('<'));
    if (!m) return h.section;
    changed = true;
    return `${m.static ? 'static ' : ''}${m.returns ? `${m.returns} ` : ''}${m.name}(${m.params.map((p) => `${p.type} ${p.name}`.replace(/\*\s+/g, '*')).join(', ')})`;
  });
  return changed ? out : undefined;
}

/** Does the line start a function definition at column 0 (`ssize_t foo(struct x *a,`), not a prototype? */
function defLine(text: string): boolean {
  const paren = text.indexOf('(');
  if (paren <= 0 || text.includes(';')) return false;
  const head = text.slice(0, paren).trimEnd();
  return /^[A-Za-z_][\w \t*]*$/.test(head) && /\w/.test(head[head.length - 1] ?? '');
}

/**
 * Git's hunk heading is read from the pre-image. When an earlier hunk
 * deletes that heading's definition line and adds another definition that
 * stays open to the end of what is shown (a helper split out above its old
 * caller, the old body kept as the helper's; a function renamed), the
 * post-image lines of this hunk start in the added function, not in the
 * heading's. One pass over the hunks' lines.
 */
export function postHeadings(hunks: readonly Hunk[], headings: readonly string[]): string[] {
  // definitions the hunks so far deleted (and did not show again), and the added one still open
  const deleted = new Set<string>();
  let open: string | undefined;
  return headings.map((heading, i) => {
    // (git's text, `__be32 nfsd_read(struct svc_rqst *rqstp, ...`, or the model's signature)
    const name = sectionFunctionName(heading);
    const out = i > 0 && name && deleted.has(name) && open ? open : heading;
    for (const l of hunks[i]!.lines) {
      if (!defLine(l.text)) {
        if (open && l.kind !== 'del' && /^\}/.test(l.text)) open = undefined;
        continue;
      }
      const n = sectionFunctionName(l.text);
      if (l.kind === 'del') {
        if (n) deleted.add(n);
      } else {
        if (n) deleted.delete(n);
        open = l.kind === 'add' && n ? l.text.trimEnd() : undefined;
      }
    }
    return out;
  });
}
