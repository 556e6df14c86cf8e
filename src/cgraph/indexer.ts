// Index many files of a tree: cached facts where the content is known,
// tree-sitter in worker threads (both cores) for the rest. Workers exit
// after a batch so the native trees they held are freed (the binding frees
// them only at GC; one long-lived process can grow to GBs).

import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { sha1 } from './hash.js';
import { cacheRoot, contentHash, FactsCache, writeAtomic } from './cache.js';
import { isFileSummary } from './facts-shape.js';
import { extractFileFactsSafe, FACTS_VERSION } from './extract/index.js';
import type { FileFacts, FileSummary } from './types.js';
import { summarize, type LazyFiles } from './graph.js';
import type { SourceTree } from '../tree/types.js';
import { mkdirSync } from 'node:fs';
import { onInterruptStop } from '../interrupt.js';

/** Where stacked and backing-file I/O lives (issue: the default index scope). */
export const DEFAULT_SCOPE = ['fs', 'mm', 'block', 'io_uring', 'drivers/block', 'drivers/nvme/target', 'drivers/target', 'include/linux'];

export interface IndexStats {
  files: number;
  cached: number;
  indexed: number;
  functions: number;
  seconds: number;
  workers: number;
}

export interface IndexOptions {
  progress?: (done: number, total: number) => void;
  /** Use worker threads above this many files to index (default 40). */
  workerThreshold?: number;
  /** Do not keep the facts in memory (for `kreview index`, which only fills the cache). */
  discard?: boolean;
  env?: NodeJS.ProcessEnv;
  /**
   * Load the facts of only the files this accepts (from their summaries, kept
   * in the tree manifest); the others are returned as `deferred`, to be
   * loaded when a graph query needs them. Files without a summary yet are
   * loaded.
   */
  select?: (s: FileSummary) => boolean;
}

/** Stat manifest of a disk tree: lets a warm run skip reading and hashing unchanged files. */
interface TreeManifest {
  version: number;
  files: Record<string, [size: number, mtimeMs: number, hash: string, summary?: FileSummary]>;
}

function manifestPath(root: string, env?: NodeJS.ProcessEnv): string {
  return join(cacheRoot(env), 'trees', `${sha1(root).slice(0, 20)}-v${FACTS_VERSION}.json`);
}

function loadManifest(root: string, env?: NodeJS.ProcessEnv): TreeManifest {
  try {
    const m = JSON.parse(readFileSync(manifestPath(root, env), 'utf8')) as TreeManifest;
    if (m && m.version === FACTS_VERSION && typeof m.files === 'object' && m.files !== null && !Array.isArray(m.files)) {
      // entries of another shape are dropped: the file is read and hashed again
      const files: TreeManifest['files'] = Object.create(null);
      for (const [path, e] of Object.entries(m.files)) {
        if (Array.isArray(e) && typeof e[0] === 'number' && typeof e[1] === 'number' && typeof e[2] === 'string' && (e[3] === undefined || e[3] === null || isFileSummary(e[3]))) {
          files[path] = e[3] ? e : [e[0], e[1], e[2]];
        }
      }
      return { version: FACTS_VERSION, files };
    }
  } catch {
    // none yet, or corrupt: start over
  }
  return { version: FACTS_VERSION, files: {} };
}

export async function indexTree(tree: SourceTree, paths: string[], o: IndexOptions = {}): Promise<{ facts: FileFacts[]; stats: IndexStats; deferred?: LazyFiles }> {
  const t0 = performance.now();
  const cache = FactsCache.open(o.env);
  const files = await tree.list(paths);
  const facts: FileFacts[] = [];
  const todo: { path: string; text: string }[] = [];
  const manifest = tree.kind === 'disk' && tree.root ? loadManifest(tree.root, o.env) : undefined;
  let manifestDirty = false;
  const deferred: { summary: FileSummary; hash: string }[] = [];
  // keep a file's summary in the manifest, for the next selective run
  const remember = (f: FileFacts): void => {
    const e = manifest?.files[f.path];
    if (e && e[2] === f.hash && !e[3]) {
      e[3] = summarize(f);
      manifestDirty = true;
    }
  };
  let cached = 0;
  let functions = 0;
  for (const p of files) {
    // unchanged on disk since the last run: the manifest knows its hash
    if (manifest && tree.root) {
      const known = manifest.files[p];
      let st;
      try {
        st = statSync(join(tree.root, p));
      } catch {
        continue;
      }
      if (known && known[0] === st.size && known[1] === st.mtimeMs) {
        if (o.discard) {
          cached++;
          continue;
        }
        if (o.select && known[3] && !o.select(known[3])) {
          cached++;
          functions += known[3].functions;
          deferred.push({ summary: known[3], hash: known[2] });
          continue;
        }
        const hit = cache.getByHash(p, known[2]);
        if (hit) {
          cached++;
          functions += hit.functions.length;
          facts.push(hit);
          remember(hit);
          continue;
        }
      }
      const text = await tree.read(p);
      if (text === null) continue;
      const hash = contentHash(text);
      manifest.files[p] = [st.size, st.mtimeMs, hash];
      manifestDirty = true;
      const hit = cache.getByHash(p, hash);
      if (hit) {
        cached++;
        functions += hit.functions.length;
        if (!o.discard) facts.push(hit);
        remember(hit);
      } else todo.push({ path: p, text });
      continue;
    }
    const text = await tree.read(p);
    if (text === null) continue;
    const hit = cache.get(p, text);
    if (hit) {
      cached++;
      functions += hit.functions.length;
      if (!o.discard) facts.push(hit);
    } else todo.push({ path: p, text });
  }
  o.progress?.(cached, files.length);
  // next to this module: index-worker.cjs in the bundle, index-worker.js from tsc
  const workerFile = ['./index-worker.cjs', './index-worker.js'].map((f) => fileURLToPath(new URL(f, import.meta.url))).find((f) => existsSync(f));
  const useWorkers = !!workerFile && todo.length >= (o.workerThreshold ?? 40);
  let done = cached;
  const onFacts = (f: FileFacts): void => {
    cache.put(f);
    remember(f);
    functions += f.functions.length;
    if (!o.discard) facts.push(f);
    o.progress?.(++done, files.length);
  };
  let workers = 0;
  if (useWorkers) {
    workers = Math.max(1, Math.min(availableParallelism(), 4));
    await runWorkers(workerFile!, todo, workers, onFacts);
  } else {
    for (const t of todo) onFacts(extractFileFactsSafe(t.path, t.text).facts);
  }
  if (manifest && tree.root && manifestDirty) {
    try {
      const mp = manifestPath(tree.root, o.env);
      mkdirSync(join(mp, '..'), { recursive: true });
      writeAtomic(mp, JSON.stringify(manifest));
    } catch {
      // no cache: the next run hashes again
    }
  }
  facts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const hashes = new Map(deferred.map((d) => [d.summary.path, d.hash]));
  return {
    facts,
    ...(o.select ? { deferred: { summaries: deferred.map((d) => d.summary), load: (path: string) => cache.getByHash(path, hashes.get(path) ?? '') } } : {}),
    stats: { files: files.length, cached, indexed: todo.length, functions, seconds: (performance.now() - t0) / 1000, workers },
  };
}

/** Share the work out in batches; each worker exits after its batch (freeing native trees). */
async function runWorkers(file: string, todo: { path: string; text: string }[], n: number, onFacts: (f: FileFacts) => void): Promise<void> {
  // loaded here: a check of one patch never starts workers
  const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
  const BATCH = 150;
  const stop = new Int32Array(new SharedArrayBuffer(4));
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < todo.length && !Atomics.load(stop, 0)) {
      const batch = todo.slice(next, next + BATCH);
      next += BATCH;
      await new Promise<void>((resolve, reject) => {
        const w = new Worker(file, { workerData: { batch, stop } });
        w.on('message', (m: FileFacts | { error: string; path: string }) => {
          if ('error' in m) onFacts(emptyFacts(m.path));
          else onFacts(m);
        });
        w.on('error', reject);
        w.on('exit', () => resolve());
      });
    }
  };
  const lanes = Promise.all(Array.from({ length: n }, lane));
  // Ctrl-C: workers finish the file they are on and exit; then the CLI exits 130
  const unregister = onInterruptStop(() => {
    Atomics.store(stop, 0, 1);
    return lanes;
  });
  try {
    await lanes;
  } finally {
    unregister();
  }
  // interrupted: the CLI is exiting; write nothing more (no manifest of a partial index)
  if (Atomics.load(stop, 0)) await new Promise<never>(() => {});
}

function emptyFacts(path: string): FileFacts {
  return { version: FACTS_VERSION, path, hash: '', functions: [], includes: [], exports: [], opsTables: [], workFns: [], parseErrors: 1 };
}
