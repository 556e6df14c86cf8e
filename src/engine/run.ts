// One check run over many inputs: read them, pick the tree and the base
// graph, check each series. Used by `kreview check`, `reply` and `review`.

import { readInputs } from '../patch/index.js';
import { InputError, isKernelC, userspaceProject } from '../patch/types.js';
import type { SourceTree } from '../tree/types.js';
import { baseForSeries, EmptyTree, openTree, OverlayTree } from '../tree/index.js';
import type { CodeGraph } from '../cgraph/types.js';
import { FactsCache } from '../cgraph/cache.js';
import { loadRules } from './registry.js';
import { checkSeries } from './check.js';
import type { CheckResult, InputReport } from './result.js';
import type { RuleSettings } from './rule-api.js';
import { baseGraphFor } from './base-graph.js';
import type { TriageStore } from './triage.js';
import { MemoryCodeGraph, skeletonOf } from '../cgraph/graph.js';
import { modelSkeleton } from '../cgraph/model.js';
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
function treeFiles(tree: SourceTree): FileLookup {
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
    apply: async (patch) => (await new OverlayTree({ kind: tree.kind, root: tree.root, rev: tree.rev, read: text, exists: async (p) => (await text(p)) !== null, list: (d, e) => tree.list(d, e), describe: () => tree.describe() }).applyPatch(patch)).files,
  };
}

const modelFiles: FileLookup = { skeleton: (path) => modelSkeleton(path) };

export async function runCheck(o: RunOptions): Promise<CheckResult> {
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
        .filter((p): p is string => !!p && isKernelC(p)),
    ),
  ];
  const graphs = new Map<string, CodeGraph>();
  const graphFor = async (t: SourceTree): Promise<CodeGraph> => {
    const k = t.describe();
    let g = graphs.get(k);
    if (!g) graphs.set(k, (g = await baseGraphFor(t, mode, touched, o.progress)));
    return g;
  };
  for (const { input, series } of loaded) {
    if (!series.patches.length) {
      inputs.push({ input, patches: [], errors: series.errors });
      continue;
    }
    const { tree: seriesTree, notes } = await baseForSeries(tree, series.patches.find((p) => p.baseCommit)?.baseCommit);
    // a series no rule can see is applied but not parsed, and no graph is built for it
    const nothingToSee = !o.noPrefilter && !(await seriesMayMatter(series.patches, rules, mode === 'tree' ? treeFiles(seriesTree) : modelFiles));
    const patches = await checkSeries(series, {
      rules,
      tree: seriesTree,
      baseGraph: touched.length && !nothingToSee ? await graphFor(seriesTree) : MemoryCodeGraph.fromFiles([]),
      mode,
      settings,
      treeNotes: notes,
      ...(nothingToSee ? { nothingToSee } : {}),
    });
    if (o.triage) {
      for (const r of patches) {
        if (!r.findings.length) continue; // nothing to suppress: no need to hash and look up
        const marks = o.triage.falsePositives(r.patch);
        const hidden = r.findings.filter((f) => marks.has(f.key));
        if (!hidden.length) continue;
        r.findings = r.findings.filter((f) => !marks.has(f.key));
        const reasons = Object.fromEntries(hidden.flatMap((f) => (marks.get(f.key) ? [[f.key, marks.get(f.key)!]] : [])));
        r.hidden = [{ by: 'triage', count: hidden.length, findings: hidden, ...(Object.keys(reasons).length ? { reasons } : {}) }];
      }
    }
    inputs.push({ input, patches, errors: series.errors });
  }
  return { mode, ...(tree.kind !== 'empty' ? { tree: tree.describe() } : {}), inputs };
}
