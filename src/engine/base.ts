// The code a thread of patches is checked against, behind one interface: a
// kernel tree (a work tree, a git revision, blob ids: src/tree/base.ts
// chooses which) or the embedded model of Linux 6.12. The engine asks the
// Base, never which one it has.

import { FactsCache } from '../cgraph/cache.js';
import { extractFileFactsSafe, type ExtractOptions } from '../cgraph/extract/index.js';
import { MemoryCodeGraph, skeletonOf, type FileSkeleton } from '../cgraph/graph.js';
import { modelSkeleton, modelSkeletons } from '../cgraph/model/read.js';
import type { CodeGraph, FileFacts } from '../cgraph/types.js';
import { isKernelC } from '../patch/types.js';
import { derivedCredNames } from '../kb/index.js';
import type { BaseInfo, ThreadBase } from '../tree/base.js';
import type { OverlayOptions } from '../tree/overlay.js';
import { EmptyTree } from '../tree/trees.js';
import type { SourceTree } from '../tree/types.js';
import { graphOverModel, graphOverTree, modelGraph } from './base-graph.js';

export interface Base {
  /** What the reports say about it: kind, revision, why. */
  readonly info: BaseInfo;
  /** What the patches apply to (an empty tree for the model: the patch text alone). */
  readonly tree: SourceTree;
  /** How the overlay finds pre-images (blob ids) and whether the tree is exact. */
  readonly overlay: OverlayOptions;
  /**
   * The code around the patch is the base's own: functions the patch does
   * not show are those of the tree it applies to. False for the model, whose
   * functions come from another kernel version: findings there say nothing
   * about the patch, and findings judged from it are one step less sure.
   */
  readonly complete: boolean;
  /** Facts of a text of a file: the base's own texts cached by content (errors are returned, never thrown). */
  facts(path: string, text: string, opts?: ExtractOptions): { facts: FileFacts; error?: string; skipped?: string[] };
  /** A touched file's text before the thread, or null (the model has none: null always). */
  text(path: string): Promise<string | null>;
  /** The skeleton of a touched file before the thread: its text's facts', or the model's. */
  skeleton(path: string): Promise<FileSkeleton | undefined>;
  /** The code around the touched files: their directories and the model's shards for them. */
  graph(touched: string[]): Promise<CodeGraph>;
  /** Skeletons of the files around the touched ones, for the prefilter: the model's shards for them (standing for the tree's, with a tree). */
  context(touched: string[]): Promise<FileSkeleton[]>;
}

/** Graphs of one run, by tree and touched directories: an mbox of many threads mostly touches the same few. */
export class GraphCache {
  private readonly graphs = new Map<string, Promise<CodeGraph>>();
  /**
   * `keep`: the graphs kept, the most recently used: the threads of a series
   * and its neighbours share them, while a 10,000-message mbox touching
   * thousands of directories does not keep a graph for each.
   */
  constructor(
    private readonly progress?: (msg: string) => void,
    private readonly keep = 4,
  ) {}
  get(key: string, make: (progress?: (msg: string) => void) => Promise<CodeGraph>): Promise<CodeGraph> {
    let g = this.graphs.get(key);
    if (g) this.graphs.delete(key);
    else g = make(this.progress);
    this.graphs.set(key, g);
    while (this.graphs.size > this.keep) this.graphs.delete(this.graphs.keys().next().value!);
    return g;
  }
}

/** A kernel tree: work tree, revision or blobs. */
export class TreeBase implements Base {
  readonly complete = true;
  readonly tree: SourceTree;
  readonly info: BaseInfo;
  readonly overlay: OverlayOptions;
  private readonly texts = new Map<string, Promise<string | null>>();
  private readonly cache = FactsCache.open();

  constructor(
    chosen: ThreadBase,
    private readonly graphs: GraphCache,
  ) {
    this.tree = chosen.tree;
    this.info = chosen.info;
    this.overlay = { ...(chosen.preImage ? { preImage: chosen.preImage.bind(chosen) } : {}), exact: chosen.exact };
  }

  facts(path: string, text: string, opts?: ExtractOptions): { facts: FileFacts; error?: string; skipped?: string[] } {
    if (opts?.fragment) return extractFileFactsSafe(path, text, opts);
    // a text that calls a credential wrapper the patches define reads otherwise with it: never cached
    if (derivedCredNames().some((n) => text.includes(n))) return extractFileFactsSafe(path, text);
    const hit = this.cache.get(path, text);
    if (hit) return { facts: hit };
    const r = extractFileFactsSafe(path, text);
    // facts of a unit that was not parsed are not the file's: extract (and say so) again next time
    if (!r.error && !r.skipped) this.cache.put(r.facts);
    return r;
  }

  text(path: string): Promise<string | null> {
    let t = this.texts.get(path);
    // a file the tree refuses to read (through a symlink) is missing here: its patch says why when it applies
    if (!t) this.texts.set(path, (t = this.tree.read(path).catch(() => null)));
    return t;
  }

  async skeleton(path: string): Promise<FileSkeleton | undefined> {
    const t = await this.text(path);
    if (t === null) return modelSkeleton(path);
    return skeletonOf(this.facts(path, t).facts);
  }

  /**
   * The tree's own files in the touched directories, by the facts the cache
   * already holds for their text (`kreview index` fills it; nothing is
   * parsed here), and the model's skeletons for the rest of the shards and
   * for a file the cache has no facts of.
   */
  async context(touched: string[]): Promise<FileSkeleton[]> {
    const dirs = [...new Set(touched.filter(isKernelC).map((p) => p.slice(0, p.lastIndexOf('/'))))];
    const dirSet = new Set(dirs);
    let listed: string[] = [];
    try {
      listed = (await this.tree.list(dirs)).filter((p) => isKernelC(p) && dirSet.has(p.slice(0, p.lastIndexOf('/'))));
    } catch {
      listed = [];
    }
    const out: FileSkeleton[] = [];
    const fromTree = new Set<string>();
    for (const p of listed) {
      const t = await this.text(p);
      const hit = t === null ? undefined : this.cache.get(p, t);
      if (!hit) continue;
      out.push(skeletonOf(hit));
      fromTree.add(p);
    }
    for (const s of modelSkeletons(touched)) if (!fromTree.has(s.path)) out.push(s);
    return out;
  }

  graph(touched: string[]): Promise<CodeGraph> {
    const dirs = [...new Set(touched.filter(isKernelC).map((p) => p.slice(0, p.lastIndexOf('/'))))].sort();
    return this.graphs.get(`${this.tree.describe()}\0${dirs.join('\0')}\0${touched.join('\0')}`, (progress) => graphOverTree(this.tree, touched, progress));
  }
}

/** The embedded model of Linux 6.12 (or, for the rule tests, facts given in its place). */
export class ModelBase implements Base {
  readonly complete = false;
  readonly tree: SourceTree = new EmptyTree();
  readonly overlay: OverlayOptions = { exact: false };
  readonly info: BaseInfo = { kind: 'model', why: 'no kernel tree here: checked against the patch text and the embedded model of Linux 6.12' };

  /** `model`: facts that stand in for the embedded model (the rule tests' synthetic tree). */
  constructor(private readonly model?: FileFacts[]) {}

  facts(path: string, text: string, opts?: ExtractOptions): { facts: FileFacts; error?: string; skipped?: string[] } {
    return extractFileFactsSafe(path, text, opts);
  }

  async text(): Promise<string | null> {
    return null;
  }

  async skeleton(path: string): Promise<FileSkeleton | undefined> {
    if (this.model) {
      const f = this.model.find((x) => x.path === path);
      return f && skeletonOf(f);
    }
    return modelSkeleton(path);
  }

  async context(touched: string[]): Promise<FileSkeleton[]> {
    if (this.model) return this.model.map(skeletonOf);
    return modelSkeletons(touched);
  }

  async graph(touched: string[]): Promise<CodeGraph> {
    if (this.model) return (this.given ??= MemoryCodeGraph.fromFiles(this.model));
    return modelGraph(touched);
  }
  private given: CodeGraph | undefined;
}

export { graphOverModel };
