// One check run over many inputs: read them, open the tree, and check each
// thread of patches against its own Base (thread.ts). Used by `kreview
// check`, `reply` and `review`.

import { collectIfLarge } from '../runtime.js';
import { readInputs, threadsOf } from '../patch/input.js';
import { InputError, type Patch } from '../patch/types.js';
import type { SourceTree } from '../tree/types.js';
import { EmptyTree, openTree } from '../tree/index.js';
import { chooseBase } from '../tree/base.js';
import { closeGitObjects } from '../tree/trees.js';
import { loadRules } from './registry.js';
import type { CheckResult, InputReport, PatchReport } from './result.js';
import type { TriageStore } from './triage.js';
import { GraphCache, ModelBase, TreeBase, type Base } from './base.js';
import { checkThread } from './thread.js';
import { modelDir, modelProblem } from '../cgraph/model/read.js';

export interface RunOptions {
  inputs: string[];
  cwd: string;
  /** Treat inputs as git revisions/ranges in the repo at cwd (or --tree). */
  git: boolean;
  tree?: string;
  base?: string;
  /** Never use a tree, even inside one. */
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

export async function runCheck(o: RunOptions): Promise<CheckResult> {
  try {
    return await runCheckInner(o);
  } finally {
    // the git object readers of this run: nothing is left waiting on them
    closeGitObjects();
  }
}

async function runCheckInner(o: RunOptions): Promise<CheckResult> {
  const rules = (await loadRules()).filter((r) => (!o.types.size || o.types.has(r.meta.type)) && !o.ignore.has(r.meta.type));
  const loaded = await readInputs(o.inputs, { git: o.git, cwd: o.git && o.tree ? o.tree : o.cwd, ...(o.stdin ? { stdin: o.stdin } : {}) });

  let tree: SourceTree = new EmptyTree();
  try {
    if (!o.noTree) tree = await openTree({ tree: o.tree, base: o.base, cwd: o.cwd });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    // a bad --tree is a usage problem for every input
    return { mode: 'patch-only', inputs: loaded.map(({ input, series }) => ({ input, patches: [], errors: [err, ...series.errors] })) };
  }
  // without a tree the embedded model is the only view of the code around a hunk: an install
  // that lost it (or a KREVIEW_MODEL/--model that is not one) must not check and say all clear
  const missingModel = tree.kind === 'empty' ? modelProblem() : undefined;
  if (missingModel) {
    const err = new InputError(modelDir(), 'unreadable', `the embedded model of Linux 6.12 is unreadable (${missingModel}): nothing was checked; reinstall kreview, or check against a kernel tree (--tree DIR)`);
    return { mode: 'patch-only', inputs: loaded.map(({ input, series }) => ({ input, patches: [], errors: [err, ...series.errors] })) };
  }
  const graphs = new GraphCache(o.progress);
  const model = new ModelBase();
  const baseFor = async (thread: Patch[]): Promise<Base> => (tree.kind === 'empty' ? model : new TreeBase(await chooseBase(thread, { tree, explicit: !!o.base }), graphs));

  const reports = new Map<Patch, PatchReport>();
  const errorsOf = loaded.map(({ series }) => [...series.errors]);
  for (const { patches, input, inputIndex } of threadsOf(loaded)) {
    try {
      for (const r of await checkThread(patches, await baseFor(patches), { rules, allow: o.allow, ...(o.triage ? { triage: o.triage } : {}), ...(o.noPrefilter ? { noPrefilter: true } : {}) })) reports.set(r.patch, r);
    } catch (err) {
      // one input (or thread) that trips a bug must not take the others down
      const e = err instanceof InputError ? new InputError(input, err.kind, err.message, err.line) : new InputError(input, 'internal', `internal error while checking "${patches[0]!.subject}": ${(err as Error)?.message ?? String(err)}`);
      errorsOf[inputIndex]!.push(e);
    }
    // against a tree, what a thread's images and graphs leave behind (whole files, their facts),
    // collected before the next one grows the heap further: 1,600 list messages peaked at
    // 1.4 GB, 0.75 GB with this, in the same time (without a tree V8 keeps up on its own)
    if (tree.kind !== 'empty') collectIfLarge();
  }
  const inputs: InputReport[] = loaded.map(({ input, series }, i) => ({ input, patches: series.patches.map((p) => reports.get(p)).filter((r): r is PatchReport => !!r), errors: errorsOf[i]! }));
  return { mode: tree.kind === 'empty' ? 'patch-only' : 'tree', ...(tree.kind !== 'empty' ? { tree: tree.describe() } : {}), inputs };
}
