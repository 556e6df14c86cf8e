// The code around a patch: the indexed neighbourhood of the files a series
// touches (their directories, read from the tree) over the embedded model
// (the rest of the VFS/EROFS world, built from a real tree and shipped).

import { posix } from 'node:path';
import { MemoryCodeGraph, summarizeSkeleton, type LazyFiles } from '../cgraph/graph.js';
import { modelFileFacts, modelShardKey, modelSkeletons } from '../cgraph/model/read.js';
import type { CodeGraph, FileFacts, FileSummary } from '../cgraph/types.js';
import type { SourceTree } from '../tree/types.js';
import { InputError, isKernelC } from '../patch/types.js';
import { FactsCache } from '../cgraph/cache.js';

/**
 * Graphs over model shards alone (patch-only mode), by shard set, the most
 * recently used kept: a sweep or a long mbox mostly touches the same few sets.
 */
const modelGraphs = new Map<string, MemoryCodeGraph>();
const MODEL_GRAPHS_KEPT = 4;

/**
 * A graph over tree files and the model's files of the shards the touched
 * paths name: `loaded` up front; the tree's `deferred` files (an audit's, by
 * their manifest summaries) and the model's (by their skeletons) when a query
 * names something they define, call, assign or register. A check asks about
 * a few dozen names, and parsing a whole shard (2.6 MB for the VFS core) cost
 * more than the rest of a check. Answers are the same as with every file
 * loaded up front, in the order fromFiles() was given them: the model's
 * files the tree does not have, then the tree's in `order` (default: as
 * loaded).
 */
export function graphOverModel(touched: string[], loaded: FileFacts[], tree: { deferred?: LazyFiles; order?: string[] } = {}): MemoryCodeGraph {
  const order = tree.order ?? loaded.map((f) => f.path);
  const inTree = new Set(order);
  const model = modelSkeletons(touched).filter((s) => !inTree.has(s.path));
  const rank = new Map<string, number>();
  for (const s of model) rank.set(s.path, rank.size);
  for (const p of order) rank.set(p, rank.size);
  const fromTree = new Set<string>();
  const summaries: FileSummary[] = model.map((s) => summarizeSkeleton(s));
  for (const s of tree.deferred?.summaries ?? []) {
    fromTree.add(s.path);
    summaries.push(s);
  }
  const load = (p: string): FileFacts | undefined => (fromTree.has(p) ? tree.deferred!.load(p) : modelFileFacts(p));
  return MemoryCodeGraph.lazy(loaded, { summaries, load }, (p) => rank.get(p) ?? rank.size);
}

/** The code around touched files without a tree: the model's shards for them (the graphs of the last few shard sets are kept). */
export function modelGraph(touched: string[]): CodeGraph {
  // graphs are never changed in place (withFiles() layers a new one; a lazy one only loads what it would have had), so one can be shared
  const key = modelShardKey(touched);
  const g = modelGraphs.get(key) ?? graphOverModel(touched, []);
  modelGraphs.delete(key);
  modelGraphs.set(key, g);
  if (modelGraphs.size > MODEL_GRAPHS_KEPT) modelGraphs.delete(modelGraphs.keys().next().value!);
  return g;
}

/** The code around touched files of a tree: their directories, read from the tree (through the facts cache), over the model. */
export async function graphOverTree(tree: SourceTree, touched: string[], progress?: (msg: string) => void): Promise<CodeGraph> {
  // the directories of the touched files, from the tree: callers and field assignments live there
  const dirs = [...new Set(touched.filter(isKernelC).map((p) => posix.dirname(p)))];
  // the directory itself, not its subdirectories (fs/ would be all of fs/)
  const dirSet = new Set(dirs);
  const paths = (await tree.list(dirs)).filter((p) => dirSet.has(posix.dirname(p)));
  const cache = FactsCache.open();
  const local: FileFacts[] = [];
  let n = 0;
  for (const p of paths) {
    let text: string | null;
    try {
      text = await tree.read(p);
    } catch (err) {
      // a file the tree refuses (through a symlink, unreadable) is not context; a patch that touches it is told so when it applies
      if (err instanceof InputError) continue;
      throw err;
    }
    if (text === null) continue;
    local.push(cache.factsFor(p, text));
    if (progress && ++n % 20 === 0) progress(`indexing ${dirs.join(', ')}: ${n}/${paths.length}`);
  }
  cache.flush();
  if (progress && n) progress('');
  return graphOverModel(touched, local);
}
