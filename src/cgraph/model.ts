// The embedded model: a compact, versioned summary of the VFS/EROFS
// neighbourhood of a real kernel tree (built from Debian's linux-source-6.12
// and shipped in model/), so that patch-only checks know callers, ops
// tables, kworkers and field assignments without a tree.
//
// Layout: model/manifest.json lists shards (one per subsystem); each shard is
// a gzipped JSON array of FileFacts. A check loads only the shards of the
// files its patches touch.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { packageRoot } from '../engine/registry.js';
import { FACTS_VERSION } from './extract.js';
import type { FileFacts, FunctionFacts } from './types.js';

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
        facts = (JSON.parse(gunzipSync(readFileSync(key)).toString('utf8')) as FileFacts[]).map(inflate);
      } catch {
        facts = []; // a damaged model only costs context, never a crash
      }
      shardCache.set(key, facts);
    }
    out.push(...facts);
  }
  return out;
}

/** What the model keeps of a file: everything the rules ask of callers and callees, not the locals. */
export function compact(f: FileFacts): FileFacts {
  return {
    ...f,
    includes: f.includes.filter((i) => !i.system),
    functions: f.functions.map((fn) => ({ ...fn, locals: [], assigns: fn.assigns.filter(relevantAssign) })),
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
