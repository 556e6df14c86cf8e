// The embedded model: a compact, versioned summary of the VFS/EROFS
// neighbourhood of a real kernel tree (built from Debian's linux-source-6.12
// and shipped in model/), so that patch-only checks know callers, ops
// tables, kworkers and field assignments without a tree.
//
// Layout: model/manifest.json lists shards (one per subsystem); each shard is
// a JSON array of FileFacts, one file a line, and has an index: one line per
// file with its skeleton (what summaries are made of) and the byte range of
// its line in the shard. The prefilter reads skeletons only; a check's graph
// knows the touched shards by their skeletons and reads the facts of a file
// when a query needs it. Plain JSON, not gzip: loading node:zlib and
// inflating was 3.5 ms of a 50 ms check; the npm tarball is compressed anyway.
//
// This module reads a model (build.ts writes one).

import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../package-root.js';
import { FACTS_VERSION } from '../extract/index.js';
import { CALLED_FROM } from '../../kb/stacks.js';
import type { FileFacts } from '../types.js';
import { skeletonOf, type FileSkeleton } from '../graph.js';

/** 2: shards leave out what inflate() restores. */
export const MODEL_FORMAT = 2;

export interface ModelShard {
  name: string;
  /** Tree paths (directory prefixes ending in `/`, or files) the shard holds. */
  prefixes: string[];
  file: string;
  /**
   * The shard's index: one line per file, in the shard's order, with the
   * file's skeleton (see FileSkeleton) and where its line of the shard is.
   * Models built before it have none (then the shard itself is read).
   */
  index?: string;
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

/**
 * The neighbourhood the model covers, by shard: the VFS core, mm/filemap.c,
 * the headers, and, whole, each subsystem the knowledge base describes as a
 * stack, a server or a backend doing I/O on a file it holds (src/kb/stacks.ts,
 * FOREIGN_FILE_FIELDS): without a tree, their callers, entry points and
 * helpers in the files a patch does not touch are what a path is made of
 * (with the stacks' shards left out, the tune half of the evaluation found
 * 0.75 of its findings instead of 0.97, credentials 0.48). A prefix ending in
 * `/` or `_` matches every path it starts; any other names one file.
 */
export const MODEL_SCOPE: { name: string; prefixes: string[] }[] = [
  { name: 'vfs', prefixes: ['fs/'] }, // fs/*.c only: see shardFor()
  { name: 'erofs', prefixes: ['fs/erofs/'] },
  { name: 'overlayfs', prefixes: ['fs/overlayfs/'] },
  { name: 'fuse', prefixes: ['fs/fuse/'] },
  // fscache, in fs/netfs/ since 6.1, is the only caller of cachefiles' ops
  { name: 'cachefiles', prefixes: ['fs/cachefiles/', 'fs/netfs/'] },
  // localio's client (fs/nfs/localio.c) opens its file through nfsd (fs/nfsd/localio.c, filecache.c)
  { name: 'nfs', prefixes: ['fs/nfs/', 'fs/nfs_common/', 'fs/nfsd/'] },
  { name: 'loop', prefixes: ['drivers/block/loop.c', 'drivers/block/zloop.c', 'drivers/block/zram/'] },
  { name: 'nvmet', prefixes: ['drivers/nvme/target/'] },
  // the core and backends, not the fabrics in subdirectories
  { name: 'target', prefixes: ['drivers/target/target_core_'] },
  { name: 'ksmbd', prefixes: ['fs/smb/server/'] },
  { name: 'ecryptfs', prefixes: ['fs/ecryptfs/'] },
  { name: 'coda', prefixes: ['fs/coda/'] },
  { name: 'mm', prefixes: ['mm/filemap.c', 'mm/readahead.c'] },
  { name: 'include', prefixes: ['include/linux/fs.h', 'include/linux/cred.h', 'include/linux/pagemap.h', 'include/linux/backing-file.h', 'include/linux/fsnotify.h', 'include/linux/security.h', 'include/linux/uio.h', 'include/linux/blkdev.h', 'include/linux/netfs.h', 'include/linux/fscache.h'] },
];

/** Whether a MODEL_SCOPE prefix holds a path. */
export function scopeHolds(prefix: string, path: string): boolean {
  return prefix.endsWith('/') || prefix.endsWith('_') ? path.startsWith(prefix) : path === prefix;
}

/**
 * The model's shard of the files outside that neighbourhood which open a
 * file or do I/O on one (a server, a target, a gadget, swap, the binfmt
 * loaders): the build finds them in the tree it reads (ioUserPattern() in
 * build.ts) and the manifest lists them.
 */
export const IO_USERS_SHARD = 'io-users';

export function shardFor(path: string, ioUsers: ReadonlySet<string> | undefined = ioUserFiles()): string | undefined {
  // most specific first: a file or subsystem shard, then the VFS core (fs/*.c, fs/internal.h)
  for (const s of MODEL_SCOPE) {
    if (s.name === 'vfs') continue;
    if (s.prefixes.some((p) => scopeHolds(p, path))) return s.name;
  }
  if (/^fs\/[^/]+\.[ch]$/.test(path)) return 'vfs';
  if (ioUsers?.has(path)) return IO_USERS_SHARD;
  return undefined;
}

let ioUsersOf: { dir: string; files: ReadonlySet<string> | undefined } | undefined;

/** The files of the model's I/O-users shard (none when the model has no such shard). */
function ioUserFiles(dir = modelDir()): ReadonlySet<string> | undefined {
  if (ioUsersOf?.dir !== dir) {
    const shard = loadManifest(dir)?.shards.find((s) => s.name === IO_USERS_SHARD);
    ioUsersOf = { dir, files: shard ? new Set(shard.prefixes) : undefined };
  }
  return ioUsersOf.files;
}

/**
 * The model in use: the one shipped in model/, or one `kreview model build`
 * wrote (KREVIEW_MODEL=DIR; the CLI's --model DIR sets it, so worker
 * threads see the same one).
 */
export function modelDir(): string {
  return process.env.KREVIEW_MODEL || join(packageRoot, 'model');
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

/**
 * Why the model in use cannot be read, or undefined when it can: a
 * patch-only check without it would see nothing around a hunk and say so
 * nowhere, so the caller refuses to run instead.
 */
export function modelProblem(dir = modelDir()): string | undefined {
  // the check's own read of the manifest (cached): the reason is looked for only when it fails
  if (loadManifest(dir)) return undefined;
  const p = join(dir, 'manifest.json');
  if (!existsSync(p)) return 'no manifest.json';
  let parsed: Partial<ModelManifest>;
  try {
    parsed = JSON.parse(readFileSync(p, 'utf8')) as Partial<ModelManifest>;
  } catch (err) {
    return `manifest.json is not JSON: ${(err as Error).message}`;
  }
  return `format ${String(parsed.format)}, facts version ${String(parsed.factsVersion)}, where this kreview reads ${MODEL_FORMAT} and ${FACTS_VERSION}`;
}

const shardCache = new Map<string, FileFacts[]>();

/** The shards that hold these paths, and those of the code the knowledge base says calls them. */
function shardsFor(touched: string[], dir: string): Set<string> {
  const names = new Set<string>();
  for (const p of touched) {
    const s = shardFor(p, ioUserFiles(dir));
    if (s) names.add(s);
    // the code that calls it, elsewhere (src/kb: CALLED_FROM)
    for (const c of CALLED_FROM[p] ?? []) {
      const d = shardFor(c, ioUserFiles(dir));
      if (d) names.add(d);
    }
  }
  return names;
}

/** Names the shards loadModelFacts() reads for these paths: a key for reusing what is built from them. */
export function modelShardKey(touched: string[], dir = modelDir()): string {
  return [...shardsFor(touched, dir)].sort().join(',');
}

/** Facts of the shards that hold these paths, in the manifest's order. */
export function loadModelFacts(touched: string[], dir = modelDir()): FileFacts[] {
  const m = loadManifest(dir);
  if (!m) return [];
  const names = shardsFor(touched, dir);
  if (!names.size) return [];
  const out: FileFacts[] = [];
  for (const shard of m.shards) if (names.has(shard.name)) out.push(...shardFacts(shard, dir));
  return out;
}

/** All facts of one shard, parsed once per process. */
function shardFacts(shard: ModelShard, dir: string): FileFacts[] {
  const key = join(dir, shard.file);
  let facts = shardCache.get(key);
  if (!facts) {
    try {
      facts = (JSON.parse(readFileSync(key, 'utf8')) as FileFacts[]).map(inflate);
    } catch {
      facts = []; // a damaged model only costs context, never a crash
    }
    shardCache.set(key, facts);
  }
  return facts;
}

/** One line of a shard's index (see ModelShard.index), as written. */
export interface IndexLine {
  path: string;
  /** Byte offset and length of the file's line in the shard. */
  at: [number, number];
  /** name, line, endLine, callees, fields, 1 when it switches credentials */
  fns: [string, number, number, string[], string[], 0 | 1][];
  slots?: string[];
  work?: string[];
  inc?: string[];
  exp?: string[];
}

function fromIndexLine(l: IndexLine): FileSkeleton {
  return {
    path: l.path,
    functions: l.fns.map(([name, line, endLine, callees, fields, cred]) => ({ name, line, endLine, callees, fields, credScopes: cred === 1 })),
    slots: l.slots ?? [],
    work: l.work ?? [],
    localIncludes: l.inc ?? [],
    exports: l.exp ?? [],
  };
}

/** Index texts read so far, by index file path (null: the shard has none, or it cannot be read). */
const indexText = new Map<string, string | null>();

/** Facts of single files read through the index, by shard file path and tree path. */
const fileCache = new Map<string, FileFacts>();

function shardOf(path: string, dir: string): ModelShard | undefined {
  const name = shardFor(path, ioUserFiles(dir));
  return name === undefined ? undefined : loadManifest(dir)?.shards.find((s) => s.name === name);
}

function readIndex(shard: ModelShard, dir: string): string | null {
  if (!shard.index) return null;
  const key = join(dir, shard.index);
  let t = indexText.get(key);
  if (t === undefined) {
    try {
      t = readFileSync(key, 'utf8');
    } catch {
      t = null;
    }
    indexText.set(key, t);
  }
  return t;
}

/** The index line of one file: found by its path at the start of a line, and parsed alone. */
function findIndexLine(text: string, path: string): IndexLine | undefined {
  const needle = `{"path":${JSON.stringify(path)},`;
  const at = text.startsWith(needle) ? 0 : text.indexOf('\n' + needle);
  if (at === -1) return undefined;
  const start = at === 0 ? 0 : at + 1;
  let end = text.indexOf('\n', start);
  if (end === -1) end = text.length;
  try {
    return JSON.parse(text.slice(start, end)) as IndexLine;
  } catch {
    return undefined;
  }
}

/**
 * The model's facts of one file, if the model has it. A shard already loaded
 * is used; otherwise the index says where the file's line of the shard is,
 * and only those bytes are read and parsed (the VFS shard is 2.6 MB: parsing
 * all of it costs 15 ms, more than a whole check that the prefilter lets
 * through).
 */
export function modelFileFacts(path: string, dir = modelDir()): FileFacts | undefined {
  const shard = shardOf(path, dir);
  if (!shard) return undefined;
  const key = join(dir, shard.file);
  const loaded = shardCache.get(key);
  if (loaded) return loaded.find((f) => f.path === path);
  const cached = fileCache.get(`${key}\0${path}`);
  if (cached) return cached;
  const index = readIndex(shard, dir);
  if (index === null) return shardFacts(shard, dir).find((f) => f.path === path);
  const line = findIndexLine(index, path);
  if (!line) return undefined;
  let f: FileFacts | undefined;
  try {
    const [offset, length] = line.at;
    const buf = Buffer.alloc(length);
    const fd = openSync(key, 'r');
    try {
      readSync(fd, buf, 0, length, offset);
    } finally {
      closeSync(fd);
    }
    f = JSON.parse(buf.toString('utf8')) as FileFacts;
  } catch {
    f = undefined;
  }
  // an index out of step with its shard: read the shard itself
  if (!f || f.path !== path) return shardFacts(shard, dir).find((x) => x.path === path);
  f = inflate(f);
  fileCache.set(`${key}\0${path}`, f);
  return f;
}

/** The skeleton of one model file (what summaries are made of), from the shard's index alone. */
export function modelSkeleton(path: string, dir = modelDir()): FileSkeleton | undefined {
  const shard = shardOf(path, dir);
  if (!shard) return undefined;
  const index = readIndex(shard, dir);
  if (index === null) {
    const f = modelFileFacts(path, dir);
    return f && skeletonOf(f);
  }
  const line = findIndexLine(index, path);
  return line && fromIndexLine(line);
}

/**
 * The skeletons of every file of the shards that hold these paths, in the
 * order loadModelFacts() gives their facts: what a lazy graph over the model
 * needs to know which file to load for a query.
 */
export function modelSkeletons(touched: string[], dir = modelDir()): FileSkeleton[] {
  const m = loadManifest(dir);
  if (!m) return [];
  const names = shardsFor(touched, dir);
  const out: FileSkeleton[] = [];
  for (const shard of m.shards) if (names.has(shard.name)) out.push(...shardSkeletons(shard, dir));
  return out;
}

/** Skeletons of whole shards, parsed once per process (the prefilter asks for them on every patch). */
const skeletonCache = new Map<string, readonly FileSkeleton[]>();

function shardSkeletons(shard: ModelShard, dir: string): readonly FileSkeleton[] {
  const key = join(dir, shard.file);
  const hit = skeletonCache.get(key);
  if (hit) return hit;
  const index = readIndex(shard, dir);
  let out: FileSkeleton[] = [];
  if (index === null) out = shardFacts(shard, dir).map(skeletonOf);
  else {
    for (const l of index.split('\n')) {
      if (!l) continue;
      try {
        out.push(fromIndexLine(JSON.parse(l) as IndexLine));
      } catch {
        // a damaged line: that file is only missing from the graph's context
      }
    }
  }
  skeletonCache.set(key, out);
  return out;
}

export function inflate(f: FileFacts): FileFacts {
  // what build.ts serialize() leaves out
  for (const fn of f.functions) {
    fn.file ??= f.path;
    for (const v of fn.params) v.line ??= fn.line;
    fn.locals ??= [];
    fn.assigns ??= [];
    fn.credScopes ??= [];
    for (const c of fn.calls) {
      c.kind ??= 'direct';
      c.args ??= [];
      c.block ??= '0';
      c.creds ??= [];
    }
  }
  return f;
}
