// One check run over many inputs: read them, pick the tree and the base
// graph, check each series. Used by `kreview check`, `reply` and `review`.

import { readInputs } from '../patch/index.js';
import { InputError, isKernelC, userspaceProject, type Patch } from '../patch/types.js';
import { threadGroups } from '../patch/input.js';
import type { SourceTree } from '../tree/types.js';
import { EmptyTree, openTree, OverlayTree, safeRelPath, type OverlayOptions } from '../tree/index.js';
import { chooseBase } from '../tree/base.js';
import { closeGitObjects } from '../tree/trees.js';
import type { CodeGraph } from '../cgraph/types.js';
import { FactsCache } from '../cgraph/cache.js';
import { loadRules } from './registry.js';
import { checkThread } from './check.js';
import type { CheckResult, InputReport, PatchReport } from './result.js';
import type { RuleSettings } from './rule-api.js';
import { baseGraphFor } from './base-graph.js';
import type { TriageStore } from './triage.js';
import { MemoryCodeGraph, skeletonOf } from '../cgraph/graph.js';
import { modelSkeleton } from '../cgraph/model/read.js';
import { seriesMayMatter, type FileLookup } from './prefilter.js';

export interface RunOptions {
  inputs: string[];
  cwd: string;
  /** Treat inputs as git revisions/ranges in the repo at cwd (or --tree). */
  git: boolean;
  tree?: string;
  base?: string;
  /** Never use a tree, even at the top of one. */
  noTree: boolean;
  stdin?: NodeJS.ReadableStream;
  /** Only these rule TYPEs run (empty: all). The engine runs only what an enabled rule needs. */
  types: Set<string>;
  ignore: Set<string>;
  /** TYPE -> allow patterns. */
  allow: Map<string, string[]>;
  /** Progress for long work (indexing a tree); optional. */
  progress?: (msg: string) => void;
  /** Leave out findings marked as false positives in `kreview review`. */
  triage?: TriageStore;
  /** Parse every series, even one no rule can see (for measuring the prefilter); default false. */
  noPrefilter?: boolean;
}

/**
 * How the prefilter reads the touched files of a tree: their text (each read
 * once), their facts' skeletons through the cache (the model's for a file the tree
 * lacks), and the patch applied in memory as checkSeries() will apply it.
 */
function treeFiles(tree: SourceTree, overlay: OverlayOptions): FileLookup {
  const texts = new Map<string, Promise<string | null>>();
  const text = (path: string): Promise<string | null> => {
    let t = texts.get(path);
    if (!t) texts.set(path, (t = tree.read(path).catch(() => null)));
    return t;
  };
  return {
    text,
    skeleton: async (path) => {
      const t = await text(path);
      if (t === null) return modelSkeleton(path);
      return skeletonOf(FactsCache.open().factsFor(path, t));
    },
    // through the same reads (a file that cannot be read is missing here: its hunks fall back, and the whole file counts)
    apply: async (patch) => (await new OverlayTree({ kind: tree.kind, root: tree.root, rev: tree.rev, read: text, exists: async (p) => (await text(p)) !== null, list: (d, e) => tree.list(d, e), describe: () => tree.describe() }, overlay).applyPatch(patch)).files,
  };
}

const modelFiles: FileLookup = { skeleton: (path) => modelSkeleton(path) };

/**
 * Consecutive inputs of one patch each that number one series (`[PATCH 1/3]`
 * .. `[PATCH 3/3]`, a `0/3` cover letter too, from one sender, one version)
 * are one group; every other input is a group of its own.
 */
export function seriesOfFiles<T extends { series: { patches: Patch[] } }>(loaded: T[]): T[][] {
  const out: T[][] = [];
  const one = (x: T): Patch | undefined => (x.series.patches.length === 1 ? x.series.patches[0] : undefined);
  for (const x of loaded) {
    const p = one(x);
    const g = out[out.length - 1];
    const last = g && one(g[g.length - 1]!);
    if (p && last && g!.every((y) => one(y)) && p.position.total > 1 && p.position.total === last.position.total && p.position.version === last.position.version && p.from === last.from && p.position.index > last.position.index) g!.push(x);
    else out.push([x]);
  }
  return out;
}

function isSafePath(p: string): boolean {
  try {
    return safeRelPath(p, '') === p;
  } catch {
    return false;
  }
}

export async function runCheck(o: RunOptions): Promise<CheckResult> {
  try {
    return await runCheckInner(o);
  } finally {
    // the git object readers of this run: nothing is left waiting on them
    closeGitObjects();
  }
}

async function runCheckInner(o: RunOptions): Promise<CheckResult> {
  const allRules = await loadRules();
  const rules = allRules.filter((r) => (!o.types.size || o.types.has(r.meta.type)) && !o.ignore.has(r.meta.type));
  const settings = (id: string): RuleSettings => {
    const r = allRules.find((x) => x.id === id);
    return { allow: (r && o.allow.get(r.meta.type)) ?? [] };
  };
  const loaded = await readInputs(o.inputs, { git: o.git, cwd: o.git && o.tree ? o.tree : o.cwd, ...(o.stdin ? { stdin: o.stdin } : {}) });

  let tree: SourceTree = new EmptyTree();
  const inputs: InputReport[] = [];
  try {
    if (!o.noTree) tree = await openTree({ tree: o.tree, base: o.base, cwd: o.cwd });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    // a bad --tree is a usage problem for every input
    return { mode: 'patch-only', inputs: loaded.map(({ input, series }) => ({ input, patches: [], errors: [err, ...series.errors] })) };
  }
  const mode = tree.kind === 'empty' ? 'patch-only' : 'tree';
  const touched = [
    ...new Set(
      loaded
        .flatMap(({ series }) => series.patches.filter((p) => !userspaceProject(p)).flatMap((p) => p.files.flatMap((f) => [f.oldPath, f.newPath])))
        // a path the tree refuses (absolute, ..) is reported by its own patch, and is no one's context
        .filter((p): p is string => !!p && isKernelC(p) && isSafePath(p)),
    ),
  ];
  const graphs = new Map<string, CodeGraph>();
  const graphFor = async (t: SourceTree): Promise<CodeGraph> => {
    const k = t.describe();
    let g = graphs.get(k);
    if (!g) graphs.set(k, (g = await baseGraphFor(t, mode, touched, o.progress)));
    return g;
  };
  // Inputs given one patch a file (`kreview check 00*.patch`) that number one
  // series are checked as that series, each still reported under its name.
  for (const group of seriesOfFiles(loaded)) {
    const reports = new Map<Patch, PatchReport>();
    const errorsOf = new Map(group.map(({ input, series }) => [input, [...series.errors]]));
    const inputOf = new Map(group.flatMap(({ input, series }) => series.patches.map((p) => [p, input] as const)));
    // each thread (and version) of an mbox is checked on its own base
    for (const thread of threadGroups(group.flatMap(({ series }) => series.patches))) {
      try {
        for (const r of await checkOneThread(thread)) reports.set(r.patch, r);
      } catch (err) {
        // one input (or thread) that trips a bug must not take the others down
        const input = inputOf.get(thread[0]!)!;
        const e = err instanceof InputError ? new InputError(input, err.kind, err.message, err.line) : new InputError(input, 'internal', `internal error while checking "${thread[0]!.subject}": ${(err as Error)?.message ?? String(err)}`);
        errorsOf.get(input)!.push(e);
      }
    }
    for (const { input, series } of group) {
      inputs.push({ input, patches: series.patches.map((p) => reports.get(p)).filter((r): r is PatchReport => !!r), errors: errorsOf.get(input)! });
    }
  }
  return { mode, ...(tree.kind !== 'empty' ? { tree: tree.describe() } : {}), inputs };

  async function checkOneThread(thread: Patch[]): Promise<PatchReport[]> {
    const base = await chooseBase(thread, { tree, explicit: !!o.base });
    const overlay = { ...(base.preImage ? { preImage: base.preImage } : {}), exact: base.exact };
    // a thread no rule can see is applied but not parsed, and no graph is built for it
    const nothingToSee = !o.noPrefilter && !(await seriesMayMatter(thread, rules, mode === 'tree' ? treeFiles(base.tree, overlay) : modelFiles));
    const patches = await checkThread(thread, {
      rules,
      tree: base.tree,
      overlay,
      base: base.info,
      baseGraph: touched.length && !nothingToSee ? await graphFor(base.tree) : MemoryCodeGraph.fromFiles([]),
      mode,
      settings,
      treeNotes: [base.info.why],
      ...(nothingToSee ? { nothingToSee } : {}),
    });
    if (o.triage) {
      for (const r of patches) {
        if (!r.findings.length) continue; // nothing to suppress: no need to hash and look up
        const fp = o.triage.falsePositives(r.patch);
        const before = r.findings.length;
        r.findings = r.findings.filter((f) => !fp.has(f.key));
        if (r.findings.length < before) r.notes.push(`${before - r.findings.length} finding(s) marked as false positives in kreview review are not shown`);
      }
    }
    return patches;
  }
}
