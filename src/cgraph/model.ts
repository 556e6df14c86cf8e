// The embedded model: a compact, versioned summary of the VFS/EROFS
// neighbourhood of a real kernel tree (built from Debian's linux-source-6.12
// and shipped in model/), so that patch-only checks know callers, ops
// tables, kworkers and field assignments without a tree.
//
// Layout: model/manifest.json lists shards (one per subsystem); each shard is
// a JSON array of FileFacts. A check loads only the shards of the files its
// patches touch. Plain JSON, not gzip: loading node:zlib and inflating was
// 3.5 ms of a 50 ms check; the npm tarball is compressed anyway.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import { FACTS_VERSION } from './extract.js';
import type { FileFacts, FunctionFacts } from './types.js';
import { CHECKED_IO, CRED_FORMS, CRED_REVERTS, PAGE_CACHE_APIS, RAW_IO, VFS_INTERNAL_HELPERS } from './kb.js';

/** API names whose arguments the rules read. */
const kbNames = new Set([...Object.keys(CHECKED_IO), ...Object.keys(RAW_IO), ...Object.keys(PAGE_CACHE_APIS), ...Object.keys(CRED_FORMS), ...Object.keys(CRED_REVERTS), ...Object.keys(VFS_INTERNAL_HELPERS), 'init_sync_kiocb', 'kiocb_clone', 'vfs_getattr', 'vfs_fsync', 'vfs_fsync_range', 'get_file', 'fd_file']);

export const MODEL_FORMAT = 1;


export interface ModelShard {
  name: string;
  /** Tree paths (directory prefixes ending in `/`, or files) the shard holds. */
  prefixes: string[];
  file: string;
  files: number;
  functions: number;
}

export interface ModelManifest {
  format: number;
  factsVersion: number;
  /** What it was built from: `Linux 6.12.117 (Debian linux-source-6.12)`. */
  kernel: string;
  built: string;
  shards: ModelShard[];
}

/** The neighbourhood the model covers, by shard (issue: VFS core, the stacks, loop, mm/filemap.c, headers). */
export const MODEL_SCOPE: { name: string; prefixes: string[] }[] = [
  { name: 'vfs', prefixes: ['fs/'] }, // fs/*.c only: see shardFor()
  { name: 'erofs', prefixes: ['fs/erofs/'] },
  { name: 'overlayfs', prefixes: ['fs/overlayfs/'] },
  { name: 'fuse', prefixes: ['fs/fuse/'] },
  { name: 'cachefiles', prefixes: ['fs/cachefiles/'] },
  { name: 'nfs-localio', prefixes: ['fs/nfs/localio.c', 'fs/nfs_common/'] },
  { name: 'loop', prefixes: ['drivers/block/loop.c', 'drivers/block/zloop.c', 'drivers/nvme/target/io-cmd-file.c'] },
  { name: 'mm', prefixes: ['mm/filemap.c', 'mm/readahead.c'] },
  { name: 'include', prefixes: ['include/linux/fs.h', 'include/linux/cred.h', 'include/linux/pagemap.h', 'include/linux/backing-file.h', 'include/linux/fsnotify.h', 'include/linux/security.h', 'include/linux/uio.h', 'include/linux/blkdev.h', 'include/linux/netfs.h', 'include/linux/fscache.h'] },
];

export function shardFor(path: string): string | undefined {
  // most specific first: a file or subsystem shard, then the VFS core (fs/*.c, fs/internal.h)
  for (const s of MODEL_SCOPE) {
    if (s.name === 'vfs') continue;
    if (s.prefixes.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p))) return s.name;
  }
  if (/^fs\/[^/]+\.[ch]$/.test(path)) return 'vfs';
  return undefined;
}

export function modelDir(): string {
  return join(packageRoot, 'model');
}

let manifestCache: ModelManifest | null | undefined;

export function loadManifest(dir = modelDir()): ModelManifest | undefined {
  if (manifestCache !== undefined && dir === modelDir()) return manifestCache ?? undefined;
  const p = join(dir, 'manifest.json');
  let m: ModelManifest | null = null;
  if (existsSync(p)) {
    try {
      const parsed = JSON.parse(readFileSync(p, 'utf8')) as ModelManifest;
      if (parsed.format === MODEL_FORMAT && parsed.factsVersion === FACTS_VERSION) m = parsed;
    } catch {
      m = null;
    }
  }
  if (dir === modelDir()) manifestCache = m;
  return m ?? undefined;
}

const shardCache = new Map<string, FileFacts[]>();
/** Shard texts read by modelFileFacts() (a series touching three erofs files reads erofs.json once). */
const shardText = new Map<string, string>();

/** Names the shards loadModelFacts() reads for these paths: a key for reusing what is built from them. */
export function modelShardKey(touched: string[]): string {
  return [...new Set(touched.map(shardFor).filter((s) => s !== undefined))].sort().join(',');
}

/** Facts of the shards that hold these paths (and the VFS core, which every stack calls into). */
export function loadModelFacts(touched: string[], dir = modelDir()): FileFacts[] {
  const m = loadManifest(dir);
  if (!m) return [];
  const names = new Set<string>();
  for (const p of touched) {
    const s = shardFor(p);
    if (s) names.add(s);
  }
  if (!names.size) return [];
  const out: FileFacts[] = [];
  for (const shard of m.shards) {
    if (!names.has(shard.name)) continue;
    const key = join(dir, shard.file);
    let facts = shardCache.get(key);
    if (!facts) {
      try {
        facts = (JSON.parse(readFileSync(key, 'utf8')) as FileFacts[]).map(inflate);
      } catch {
        facts = []; // a damaged model only costs context, never a crash
      }
      shardCache.set(key, facts);
      shardText.delete(key);
    }
    out.push(...facts);
  }
  return out;
}

/**
 * The model's facts of one file, if the model has it. A shard already loaded
 * is used; otherwise only that file's line of the shard is parsed (the VFS
 * shard is 2.6 MB: parsing all of it costs 15 ms, more than a whole check
 * that the prefilter lets through).
 */
export function modelFileFacts(path: string, dir = modelDir()): FileFacts | undefined {
  const m = loadManifest(dir);
  const shard = m?.shards.find((s) => s.name === shardFor(path));
  if (!shard) return undefined;
  const key = join(dir, shard.file);
  const loaded = shardCache.get(key);
  if (loaded) return loaded.find((f) => f.path === path);
  let text = shardText.get(key);
  if (text === undefined) {
    try {
      text = readFileSync(key, 'utf8');
    } catch {
      return undefined;
    }
    shardText.set(key, text);
  }
  const needle = `"path":${JSON.stringify(path)},`;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
    const start = text.lastIndexOf('\n', at) + 1;
    // the file's own path comes right after its version, at the start of its line
    if (!text.startsWith('{"version":', start) || at - start > 20) continue;
    let end = text.indexOf('\n', at);
    if (end === -1) end = text.length;
    try {
      const f = JSON.parse(text.slice(start, end).replace(/,$/, '')) as FileFacts;
      if (f.path === path) return inflate(f);
    } catch {
      return loadModelFacts([path], dir).find((f) => f.path === path); // not one file a line after all
    }
  }
  // one file a line and not found: not in the model; an older one-line model is read whole
  return text.startsWith('[\n') ? undefined : loadModelFacts([path], dir).find((f) => f.path === path);
}

/**
 * What the model keeps of a file: the facts the rules ask of callers and
 * callees. Argument texts only where the dataflow reads them (calls into the
 * model's own functions and the APIs the knowledge base names); no locals.
 */
export function compact(f: FileFacts, keepArgs: (callee: string) => boolean = () => true): FileFacts {
  return {
    ...f,
    includes: f.includes.filter((i) => !i.system),
    functions: f.functions.map((fn) => ({
      ...fn,
      locals: [],
      assigns: fn.assigns.filter(relevantAssign),
      calls: fn.calls.map((c) => (c.kind === 'direct' && !keepArgs(c.callee) ? { ...c, args: [] } : c)),
    })),
  };
}

/** Assignments the dataflow follows: files, mappings, kiocbs, creds, and anything held in a field. */
function relevantAssign(a: FunctionFacts['assigns'][number]): boolean {
  return /file|filp|mapping|kiocb|iocb|cred|->|\./.test(a.lhs + ' ' + (a.declType ?? '')) || /file|mapping|cred/.test(a.rhs);
}

function inflate(f: FileFacts): FileFacts {
  for (const fn of f.functions) {
    fn.locals ??= [];
    fn.assigns ??= [];
    fn.credScopes ??= [];
  }
  return f;
}

/** Tree paths (for SourceTree.list) the model is built from. */
export function modelPaths(): string[] {
  return [...new Set(MODEL_SCOPE.flatMap((s) => (s.name === 'vfs' ? ['fs'] : s.prefixes)))];
}

/**
 * Group indexed facts into shards (only files inside the model's scope; of fs/
 * only the top-level VFS files) and produce the files to write.
 */
export function buildModel(facts: FileFacts[], kernel: string): { manifest: ModelManifest; shards: { file: string; data: Buffer }[] } {
  const inScope = facts.filter((f) => shardFor(f.path));
  const defined = new Set(inScope.flatMap((f) => f.functions.map((fn) => fn.name)));
  const keepArgs = (callee: string): boolean => defined.has(callee) || kbNames.has(callee);
  const groups = new Map<string, FileFacts[]>();
  for (const f of inScope) {
    const s = shardFor(f.path)!;
    const list = groups.get(s) ?? [];
    list.push(compact(f, keepArgs));
    groups.set(s, list);
  }
  const shards: { file: string; data: Buffer }[] = [];
  const entries: ModelShard[] = [];
  for (const s of MODEL_SCOPE) {
    const list = (groups.get(s.name) ?? []).sort((a, b) => (a.path < b.path ? -1 : 1));
    if (!list.length) continue;
    const file = `${s.name}.json`;
    // one file a line: still one JSON array, and a single file can be found and parsed alone (modelFileFacts)
    shards.push({ file, data: Buffer.from(`[\n${list.map((f) => JSON.stringify(f)).join(',\n')}\n]\n`) });
    entries.push({ name: s.name, prefixes: s.prefixes, file, files: list.length, functions: list.reduce((n, f) => n + f.functions.length, 0) });
  }
  return { manifest: { format: MODEL_FORMAT, factsVersion: FACTS_VERSION, kernel, built: new Date().toISOString().slice(0, 10), shards: entries }, shards };
}
