// The code around a patch: the indexed neighbourhood of the files a series
// touches (their directories, read from the tree) over the embedded model
// (the rest of the VFS/EROFS world, built from a real tree and shipped).

import { posix } from 'node:path';
import { extractFileFactsSafe } from '../cgraph/extract.js';
import { MemoryCodeGraph } from '../cgraph/graph.js';
import { loadModelFacts } from '../cgraph/model.js';
import type { CodeGraph, FileFacts } from '../cgraph/types.js';
import type { SourceTree } from '../tree/types.js';
import { isKernelC } from '../patch/types.js';
import { FactsCache } from '../cgraph/cache.js';

export async function baseGraphFor(tree: SourceTree, mode: 'tree' | 'patch-only', touched: string[], progress?: (msg: string) => void): Promise<CodeGraph> {
  const model = loadModelFacts(touched);
  if (mode !== 'tree') return MemoryCodeGraph.fromFiles(model);
  // the directories of the touched files, from the tree: callers and field assignments live there
  const dirs = [...new Set(touched.filter(isKernelC).map((p) => posix.dirname(p)))];
  // the directory itself, not its subdirectories (fs/ would be all of fs/)
  const dirSet = new Set(dirs);
  const paths = (await tree.list(dirs)).filter((p) => dirSet.has(posix.dirname(p)));
  const cache = FactsCache.open();
  const local: FileFacts[] = [];
  let n = 0;
  for (const p of paths) {
    const text = await tree.read(p);
    if (text === null) continue;
    local.push(cache.get(p, text) ?? cache.put(extractFileFactsSafe(p, text).facts));
    if (progress && ++n % 20 === 0) progress(`indexing ${dirs.join(', ')}: ${n}/${paths.length}`);
  }
  cache.flush();
  if (progress && n) progress('');
  const localPaths = new Set(local.map((f) => f.path));
  return MemoryCodeGraph.fromFiles([...model.filter((f) => !localPaths.has(f.path)), ...local]);
}
