// The check pipeline for one series: apply each patch in memory, index the
// touched files before and after, run every rule on both images, classify
// (introduced / moved / preexisting), then mark what later patches fix.

import type { CallSite, CodeGraph, FileFacts, FunctionFacts } from '../cgraph/types.js';
import { extractFileFactsSafe, type ExtractOptions } from '../cgraph/extract/index.js';
import type { Finding } from './finding.js';
import { compareFindings } from './finding.js';
import { classify, dedupe, moveKey, runImage, toFinding, type PostLineInfo, type RawDetection } from './engine.js';
import type { RuleDefinition, RuleSettings } from './rule-api.js';
import type { PatchReport } from './result.js';
import { InputError, isKernelC, userspaceProject, type FileDiff, type Patch, type PatchSeries } from '../patch/types.js';
import { threadGroups } from '../patch/input.js';
import type { FileApplyResult, SourceTree } from '../tree/types.js';
import { OverlayTree, type OverlayOptions } from '../tree/overlay.js';
import type { BaseInfo } from '../tree/base.js';
import { GitTree } from '../tree/trees.js';

export interface SeriesCheckOptions {
  rules: RuleDefinition[];
  /** The tree patches apply to (an EmptyTree in patch-only mode). */
  tree: SourceTree;
  /** Facts of the code around the patch: the indexed tree, or the embedded model. */
  baseGraph: CodeGraph;
  mode: 'tree' | 'patch-only';
  settings: (ruleId: string) => RuleSettings;
  /** How the overlay finds pre-images (blob ids) and whether the tree is the exact base. */
  overlay?: OverlayOptions;
  /** The base the thread is checked against, for the reports. */
  base?: BaseInfo;
  /** Notes about how the tree was chosen (base-commit found or not). */
  treeNotes?: string[];
  /**
   * No enabled rule can see anything in this series (src/engine/prefilter.ts):
   * apply it and report how it applied, but parse no C.
   */
  nothingToSee?: boolean;
}

interface PatchRun {
  report: PatchReport;
  /** Site keys of the detections before and after this patch (what fixed-later needs, not the detections). */
  preSites: Set<string>;
  postSites: Set<string>;
  postMoves: Set<string>;
  /** Live findings this patch introduced, with the raw detection. */
  introduced: { finding: Finding; site: string; move: string }[];
}

/** Every thread of a series on the same tree (the rule tests' path; `kreview check` chooses a base per thread). */
export async function checkSeries(series: PatchSeries, o: SeriesCheckOptions): Promise<PatchReport[]> {
  const reports = new Map<Patch, PatchReport>();
  // each thread (and version) of an mbox applies to the base on its own
  for (const group of threadGroups(series.patches)) {
    for (const r of await checkThread(group, { ...o, treeNotes: reports.size === 0 ? o.treeNotes : [] })) reports.set(r.patch, r);
  }
  return series.patches.map((p) => reports.get(p)!);
}

/** One thread of patches, in order, each applied over the ones before it. */
export async function checkThread(patches: Patch[], o: SeriesCheckOptions): Promise<PatchReport[]> {
  let overlay = new OverlayTree(o.tree, o.overlay);
  let prevCommit: string | undefined;
  let graph = o.baseGraph;
  const runs: PatchRun[] = [];
  for (const [i, patch] of patches.entries()) {
    // let the event loop turn: tree-sitter frees a tree's native memory in a
    // callback that runs there (a long mbox grew by 700 MB without it), and
    // Ctrl-C is handled there
    await new Promise((resolve) => setImmediate(resolve));
    const report: PatchReport = { patch, findings: [], errors: [...patch.errors], notes: i === 0 ? [...(o.treeNotes ?? [])] : [], kernelFiles: 0, ...(o.base ? { base: o.base } : {}) };
    const run: PatchRun = { report, preSites: new Set(), postSites: new Set(), postMoves: new Set(), introduced: [] };
    runs.push(run);
    if (patch.isCoverLetter) continue;
    const project = userspaceProject(patch);
    const kernelFiles = project ? [] : patch.files.filter((f) => isKernelC(f.newPath ?? f.oldPath ?? ''));
    report.kernelFiles = kernelFiles.length;
    // --git: a commit that does not follow the one before it is checked against its own parent
    if (patch.commit && prevCommit !== undefined && patch.parent !== undefined && patch.parent !== prevCommit && o.tree.root && o.base?.kind === 'parent') {
      const parent = patch.parent ? await GitTree.open(o.tree.root, patch.parent) : GitTree.emptyTree(o.tree.root);
      overlay = new OverlayTree(parent, o.overlay);
      report.notes.push(`checked against its own parent ${parent.rev!.slice(0, 12)} (it does not follow the commit before it)`);
    }
    prevCommit = patch.commit;
    let applied: { files: FileApplyResult[]; errors: InputError[]; notes: string[]; doubts: string[] };
    try {
      applied = await overlay.applyPatch(patch);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      report.errors.push(err);
      continue;
    }
    report.errors.push(...applied.errors);
    report.notes.push(...applied.notes);
    if (applied.doubts.length) (report.doubts ??= []).push(...applied.doubts);
    if (!kernelFiles.length) {
      // a diff that could not be read is reported as an error, not as "no diff"
      if (project || patch.files.length || !report.errors.length) {
        report.notes.push(project ? `an ${project} patch (userspace): nothing to check` : patch.files.length ? 'touches no kernel C: nothing to check' : 'no diff: nothing to check');
      }
      continue;
    }
    for (const f of applied.files) {
      if (f.status === 'fallback' && f.path && isKernelC(f.path) && o.tree.kind !== 'empty') {
        (report.doubts ??= []).push(`${f.path}: checked from the patch text (${f.hunks.some((h) => h.reason === 'the file is not in the tree') ? 'not in the tree' : 'a hunk did not apply'})`);
      }
    }
    if (o.nothingToSee) {
      report.unparsed = true;
      continue;
    }
    const step = buildImages(patch, applied.files, graph, o, report.errors);
    graph = step.post.graph;
    const pre = runImage(o.rules, step.pre, o);
    const post = runImage(o.rules, step.post, o);
    for (const d of pre) run.preSites.add(siteKey(d));
    for (const d of post) {
      run.postSites.add(siteKey(d));
      run.postMoves.add(moveKey(d));
    }
    const classified = classify(pre, post, step.lines);
    const findings = classified.map(({ d, status }) => {
      const f = toFinding(d, status, step.lines, o.mode === 'patch-only');
      if (status === 'introduced' || status === 'moved') run.introduced.push({ finding: f, site: siteKey(d), move: moveKey(d) });
      return f;
    });
    // Without a tree, functions the patch does not show come from the model of
    // another kernel version: their pre-existing findings say nothing about this patch.
    const shown = o.mode === 'patch-only' ? findings.filter((f) => f.status !== 'preexisting' || f.patchLine !== undefined) : findings;
    report.findings = dedupe(shown).sort(compareFindings);
  }
  markFixedLater(runs);
  return runs.map((r) => r.report);
}

/** The hazard's identity across patches: the site, whatever story a rule told about it. */
function siteKey(d: RawDetection): string {
  return `${d.rule.id}|${d.fn ?? ''}|${d.siteKey ?? d.key}`;
}

/** A finding introduced by patch k is fixed later when a later patch changes its function and it is gone afterwards. */
function markFixedLater(runs: PatchRun[]): void {
  for (const [k, run] of runs.entries()) {
    for (const { finding, site, move } of run.introduced) {
      for (let j = k + 1; j < runs.length; j++) {
        const later = runs[j]!;
        if (!later.preSites.has(site)) continue;
        if (!later.postSites.has(site) && !later.postMoves.has(move)) {
          finding.status = 'fixed-later';
          finding.fixedBy = { index: later.report.patch.position.index, subject: later.report.patch.subject };
          break;
        }
      }
    }
  }
}

interface Images {
  pre: Parameters<typeof runImage>[1];
  post: Parameters<typeof runImage>[1];
  lines: PostLineInfo;
}

function buildImages(patch: Patch, files: FileApplyResult[], graph: CodeGraph, o: SeriesCheckOptions, errors: InputError[]): Images {
  const extract = (path: string, text: string, opts?: ExtractOptions): FileFacts => {
    const r = extractFileFactsSafe(path, text, opts);
    if (r.error) errors.push(new InputError(patch.source, 'internal', r.error));
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
  for (const r of files) {
    const path = r.path ?? r.oldPath;
    if (!path || !isKernelC(path)) continue;
    const diff = patch.files.find((f) => (f.newPath ?? f.oldPath) === path || f.oldPath === r.oldPath);
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
      if (pre && r.oldPath) {
        const pf = extract(r.oldPath, '', { fragment: { sections: hunks.map((h) => section(pre, h.oldStart, h.oldLines, h.section)) } });
        preFacts.push(overModel(pf, graph.file(r.oldPath)));
        removedPreLines.set(r.oldPath, new Set(hunks.flatMap((h) => h.lines.filter((l) => l.kind === 'del' && l.oldLine !== undefined).map((l) => l.oldLine!))));
      }
      if (post && r.path) {
        const pf = extract(r.path, '', { fragment: { sections: hunks.map((h) => section(post, h.newStart, h.newLines, h.section)) } });
        postFacts.push(overModel(pf, graph.file(r.oldPath ?? r.path)));
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
  for (const [path, r] of byPost) removals.set(path, removalPoints(r, patch.files.find((f) => f.newPath === path)));
  const postChanged = changedFunctions(postFacts, (f) => addedPostLines.get(f.file), (f) =>
    // a function that only lost lines: a removal sits inside its span
    (removals.get(f.file) ?? []).some((p) => p >= f.line && p < f.endLine),
  );
  const preChanged = changedFunctions(preFacts, (f) => removedPreLines.get(f.file), () => false);
  // Also judge what the changed functions call in the same file: a patch
  // that re-routes I/O to an existing raw call changes the caller, not the
  // function that holds the raw call.
  // A new caller can also change the credentials an unchanged callee runs
  // under, so follow the calls a few levels down (within the touched files).
  const neighbours = (fns: FunctionFacts[], g: CodeGraph): FunctionFacts[] => {
    const seen = new Set(fns);
    let frontier = fns;
    for (let depth = 0; depth < 3 && frontier.length; depth++) {
      const next: FunctionFacts[] = [];
      for (const f of frontier) {
        for (const c of f.calls) {
          if (c.kind !== 'direct') continue;
          const t = g.resolve(c.callee, f.file);
          if (t && touchedPaths.has(t.file) && !seen.has(t)) {
            seen.add(t);
            next.push(t);
          }
        }
      }
      frontier = next;
    }
    return [...seen].filter((f) => !fns.includes(f));
  };
  const touchedPaths = new Set([...preFacts, ...postFacts].map((f) => f.path));
  // the same functions on the other side, so both images judge the same code
  const names = new Set([...postChanged, ...preChanged, ...neighbours(postChanged, postGraph), ...neighbours(preChanged, preGraph)].map((f) => f.name));
  const postFns = uniq([...postChanged, ...postFacts.flatMap((ff) => ff.functions.filter((f) => names.has(f.name)))]);
  const preFns = uniq([...preChanged, ...preFacts.flatMap((ff) => ff.functions.filter((f) => names.has(f.name)))]);

  const removedCalls: { fn: FunctionFacts; site: CallSite }[] = [];
  for (const pf of preFns) {
    const after = postFns.find((f) => f.name === pf.name);
    const keep = new Map<string, number>();
    for (const c of after?.calls ?? []) keep.set(callKey(c), (keep.get(callKey(c)) ?? 0) + 1);
    for (const c of pf.calls) {
      const k = callKey(c);
      const n = keep.get(k) ?? 0;
      if (n) keep.set(k, n - 1);
      else removedCalls.push({ fn: pf, site: c });
    }
  }

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
    pre: { image: 'pre', mode: o.mode, graph: preGraph, functions: preFns, files: fileEntries(preFacts, removedPreLines), removedCalls: [] },
    post: { image: 'post', mode: o.mode, graph: postGraph, functions: postFns, files: fileEntries(postFacts, addedPostLines), removedCalls },
    lines,
  };
}

/**
 * A fragment parsed from the patch text, over what the model (or the tree
 * before the patch) knows of the same file: the hunks' functions replace
 * theirs, the file's other functions, ops tables and kworkers stay as
 * context for callers and field assignments.
 */
function overModel(fragment: FileFacts, known: FileFacts | undefined): FileFacts {
  if (!known) return fragment;
  const names = new Set(fragment.functions.map((f) => f.name));
  return {
    ...fragment,
    functions: [...known.functions.filter((f) => !names.has(f.name)).map((f) => ({ ...f, file: fragment.path })), ...fragment.functions],
    opsTables: [...known.opsTables, ...fragment.opsTables],
    workFns: [...known.workFns, ...fragment.workFns],
    includes: fragment.includes.length ? fragment.includes : known.includes,
  };
}

function callKey(c: CallSite): string {
  return `${c.callee}(${c.args.join(',')})`;
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
