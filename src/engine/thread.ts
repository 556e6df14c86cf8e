// One thread of patches (a series, or one version of it), in one pass:
// apply each patch once, in memory, over the Base; ask the prefilter, on
// what was applied, whether any rule can see anything; if so build both
// images of each patch once, run every rule on them, classify each finding
// (introduced / moved / preexisting), mark what later patches fix, and leave
// out what the user accepted (--allow, triage marks) for every rule alike.

import type { CodeGraph } from '../cgraph/types.js';
import { MemoryCodeGraph, summarize } from '../cgraph/graph.js';
import { InputError, isKernelC, userspaceProject, type Patch } from '../patch/types.js';
import { OverlayTree } from '../tree/overlay.js';
import { safeRelPath } from '../tree/paths.js';
import { GitTree } from '../tree/trees.js';
import type { FileApplyResult } from '../tree/types.js';
import type { Base } from './base.js';
import { classify, dedupe, moveKey, renamedFunctions, runImage, toFinding, type RawDetection } from './engine.js';
import { compareFindings, type Finding } from './finding.js';
import { buildImages, type SeenFacts } from './images.js';
import { deriveCredWrappers } from './cred-wrappers.js';
import { useDerivedCredForms } from '../kb/index.js';
import { threadMayMatter } from './prefilter.js';
import type { PatchReport } from './result.js';
import type { RuleDefinition } from './rule-api.js';
import type { TriageStore } from './triage.js';
import { relevantTo } from './triggers.js';

export interface ThreadOptions {
  rules: RuleDefinition[];
  /** `--allow` patterns per TYPE. */
  allow: ReadonlyMap<string, readonly string[]>;
  /** Leave out findings marked as false positives in `kreview review`. */
  triage?: TriageStore;
  /** Parse every thread, even one no rule can see (for measuring the prefilter). */
  noPrefilter?: boolean;
  /**
   * Throw when a rule reports in a file its triggers do not call relevant
   * (the rule tests set it): such a finding is one the prefilter and the
   * audit would silently skip.
   */
  verifyTriggers?: boolean;
}

interface PatchRun {
  report: PatchReport;
  /** How the patch applied; undefined when there was nothing to apply or check. */
  files?: FileApplyResult[];
  /** Site keys of the detections before and after this patch (what fixed-later needs, not the detections). */
  preSites: Set<string>;
  postSites: Set<string>;
  postMoves: Set<string>;
  /** Live findings this patch introduced, with the raw detection. */
  introduced: { finding: Finding; site: string; move: string }[];
}

/** The kernel C paths a thread touches that a tree can be asked about. */
export function touchedPaths(patches: readonly Patch[]): string[] {
  const out = new Set<string>();
  for (const p of patches) {
    if (userspaceProject(p)) continue;
    for (const f of p.files) {
      for (const path of [f.oldPath, f.newPath]) {
        // a path the tree refuses (absolute, ..) is reported by its patch, and is no one's context
        if (path && isKernelC(path) && isSafePath(path)) out.add(path);
      }
    }
  }
  return [...out];
}

function isSafePath(p: string): boolean {
  try {
    return safeRelPath(p, '') === p;
  } catch {
    return false;
  }
}

export async function checkThread(patches: Patch[], base: Base, o: ThreadOptions): Promise<PatchReport[]> {
  // 1. each patch applied once, over the ones before it
  let overlay = new OverlayTree(base.tree, base.overlay);
  let prevCommit: string | undefined;
  const runs: PatchRun[] = [];
  for (const [i, patch] of patches.entries()) {
    // let the event loop turn: tree-sitter frees a tree's native memory in a
    // callback that runs there (a long mbox grew by 700 MB without it), and
    // Ctrl-C is handled there
    await new Promise((resolve) => setImmediate(resolve));
    const report: PatchReport = { patch, findings: [], errors: [...patch.errors], notes: i === 0 ? [base.info.why] : [], kernelFiles: 0, base: base.info };
    const run: PatchRun = { report, preSites: new Set(), postSites: new Set(), postMoves: new Set(), introduced: [] };
    runs.push(run);
    if (patch.isCoverLetter) continue;
    const project = userspaceProject(patch);
    const kernelFiles = project ? [] : patch.files.filter((f) => isKernelC(f.newPath ?? f.oldPath ?? ''));
    report.kernelFiles = kernelFiles.length;
    // --git: a commit that does not follow the one before it is checked against its own parent
    if (patch.commit && prevCommit !== undefined && patch.parent !== undefined && patch.parent !== prevCommit && base.tree.root && base.info.kind === 'parent') {
      const parent = patch.parent ? await GitTree.open(base.tree.root, patch.parent) : GitTree.emptyTree(base.tree.root);
      overlay = new OverlayTree(parent, base.overlay);
      report.notes.push(`checked against its own parent ${parent.rev!.slice(0, 12)} (it does not follow the commit before it)`);
    }
    prevCommit = patch.commit;
    let applied;
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
      if (f.status === 'fallback' && f.path && isKernelC(f.path) && base.complete) {
        (report.doubts ??= []).push(`${f.path}: checked from the patch text (${f.hunks.some((h) => h.reason === 'the file is not in the tree') ? 'not in the tree' : 'a hunk did not apply'})`);
      }
    }
    run.files = applied.files;
  }

  // 2. can any rule see anything in what was applied?
  const checked = runs.filter((r) => r.files);
  if (!checked.length) return runs.map((r) => r.report);
  // the credential wrappers the series defines, known while its patches are read (and only then)
  const restore = useDerivedCredForms(deriveCredWrappers(patches));
  try {
    return await readImages(patches, runs, checked, base, o);
  } finally {
    restore();
  }
}

/** Steps 2 and 3 of checkThread: the prefilter, then both images of each patch and the rules on them. */
async function readImages(patches: Patch[], runs: PatchRun[], checked: PatchRun[], base: Base, o: ThreadOptions): Promise<PatchReport[]> {
  if (!o.noPrefilter && !(await threadMayMatter(patches, runs.map((r) => r.files), o.rules, base))) {
    for (const r of checked) r.report.unparsed = true;
    return runs.map((r) => r.report);
  }

  // 3. both images of each patch, the rules on each, the findings classified
  const touched = touchedPaths(patches);
  let graph: CodeGraph = touched.length ? await base.graph(touched) : MemoryCodeGraph.fromFiles([]);
  const seen: SeenFacts = new Map();
  const engine = { allow: o.allow };
  // hazards an earlier patch of the series introduced: a later patch that only moves one
  // carries it, the series reports it once, where it came in
  const seriesSites = new Set<string>();
  const seriesMoves = new Set<string>();
  for (const run of checked) {
    const { report } = run;
    const step = buildImages(report.patch, run.files!, graph, base, seen, report.errors, (d) => (report.doubts ??= []).includes(d) || report.doubts!.push(d));
    graph = step.post.graph;
    const pre = runImage(o.rules, step.pre, engine);
    const post = runImage(o.rules, { ...step.post, before: step.pre.functions, beforeGraph: step.pre.graph }, engine);
    if (o.verifyTriggers) for (const [img, ds] of [[step.pre, pre], [step.post, post]] as const) verifyTriggers(img.graph, ds);
    for (const d of pre) run.preSites.add(siteKey(d));
    for (const d of post) {
      run.postSites.add(siteKey(d));
      run.postMoves.add(moveKey(d));
    }
    const renamed = renamedFunctions(step.pre.functions, step.post.functions, step.pre.graph, step.post.graph);
    const findings = classify(pre, post, step.lines, renamed).map(({ d, status: s0 }) => {
      const status = s0 === 'moved' && (seriesSites.has(siteKey(d)) || seriesMoves.has(moveKey(d))) ? 'preexisting' : s0;
      const f = toFinding(d, status, step.lines, !base.complete);
      if (status === 'introduced' || status === 'moved') run.introduced.push({ finding: f, site: siteKey(d), move: moveKey(d) });
      return f;
    });
    recheckEarlier(runs, run, step, o.rules, engine);
    for (const x of run.introduced) {
      seriesSites.add(x.site);
      seriesMoves.add(x.move);
    }
    // Without a tree, functions the patch does not show come from the model of
    // another kernel version: their pre-existing findings say nothing about this patch.
    const shown = base.complete ? findings : findings.filter((f) => f.status !== 'preexisting' || f.patchLine !== undefined);
    report.findings = dedupe(shown).sort(compareFindings);
  }
  markFixedLater(runs);
  if (o.triage) for (const r of runs) leaveOutTriaged(r.report, o.triage);
  return runs.map((r) => r.report);
}

/**
 * A hazard an earlier patch introduced in a function this patch does not
 * show may still be fixed by it, through one it does: the helper whose
 * value the earlier call hands on (`.cred = fuse_passthrough_cred(file)`,
 * the helper made to return `ff->cred`), a callee's switch. Those functions
 * are judged again on both sides of this patch, so fixed-later sees them.
 */
function recheckEarlier(runs: PatchRun[], run: PatchRun, step: ReturnType<typeof buildImages>, rules: RuleDefinition[], engine: { allow: ThreadOptions['allow'] }): void {
  const shown = new Set([...step.pre.functions, ...step.post.functions].map((f) => `${f.file}|${f.name}`));
  const wanted = new Map<string, { name: string; file: string }>();
  for (const r of runs) {
    if (r === run) break;
    for (const x of r.introduced) {
      const name = x.finding.function;
      if (!name) continue;
      const key = `${x.finding.file}|${name}`;
      if (!shown.has(key) || !run.preSites.has(x.site)) wanted.set(key, { name, file: x.finding.file });
    }
  }
  if (!wanted.size) return;
  const pick = (graph: CodeGraph) => [...wanted.values()].flatMap((w) => {
    const f = graph.resolve(w.name, w.file);
    return f ? [f] : [];
  });
  const preFns = pick(step.pre.graph);
  const postFns = pick(step.post.graph);
  if (!preFns.length) return;
  const none = { files: [], removedCalls: [], addedCalls: [] };
  for (const d of runImage(rules, { image: 'pre', graph: step.pre.graph, functions: preFns, ...none }, engine)) run.preSites.add(siteKey(d));
  for (const d of runImage(rules, { image: 'post', graph: step.post.graph, functions: postFns, ...none, before: preFns, beforeGraph: step.pre.graph }, engine)) {
    run.postSites.add(siteKey(d));
    run.postMoves.add(moveKey(d));
  }
}

function verifyTriggers(graph: CodeGraph, detections: RawDetection[]): void {
  for (const d of detections) {
    if (d.internal) continue;
    const facts = graph.file(d.at.file);
    if (!facts || !relevantTo(d.rule, summarize(facts))) {
      throw new Error(`rule ${d.rule.id} reported at ${d.at.file}:${d.at.line} (${d.messageId}), in a file its triggers do not call relevant: the prefilter and the audit would skip it`);
    }
  }
}

/** Findings marked as false positives in `kreview review` are left out, and the report records them (every format says so). */
function leaveOutTriaged(r: PatchReport, triage: TriageStore): void {
  if (!r.findings.length) return; // nothing to suppress: no need to hash and look up
  const marks = triage.falsePositives(r.patch);
  const hidden = r.findings.filter((f) => marks.has(f.key));
  if (!hidden.length) return;
  r.findings = r.findings.filter((f) => !marks.has(f.key));
  const reasons = Object.fromEntries(hidden.flatMap((f) => (marks.get(f.key) ? [[f.key, marks.get(f.key)!]] : [])));
  r.hidden = [{ by: 'triage', count: hidden.length, findings: hidden, ...(Object.keys(reasons).length ? { reasons } : {}) }];
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
