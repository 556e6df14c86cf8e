// Per-file facts cached by content: $XDG_CACHE_HOME/kreview (or
// ~/.cache/kreview)/facts-v<N>-<build>/<xx>/<path hash>-<content hash>.json,
// <build> a digest of the code that makes facts (scripts/bundle.mjs), so an
// upgraded kreview never reads what an older extraction cached.
// Writes are atomic (temp file + rename in the same directory), so two
// concurrent runs never see half an entry; an unreadable or corrupt entry is
// rebuilt silently, and so is one of the wrong shape (facts-shape.ts); an
// unwritable cache only costs speed.
// Every run stamps its own directory (`.used`); a facts-v* directory of
// another build whose stamp is older than PRUNE_AFTER_DAYS is removed, so
// upgrades do not pile up old caches. An older kreview still in use keeps its
// directory fresh by stamping it, and at worst re-indexes once.

import { randomHex, sha1 } from './hash.js';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { homeDir } from '../runtime.js';
import { join } from 'node:path';
import { extractFileFactsSafe, FACTS_VERSION } from './extract/index.js';
import type { FileFacts } from './types.js';
import { isFileFacts } from './facts-shape.js';
import { onInterruptCleanup } from '../interrupt.js';

declare const __KREVIEW_FACTS_BUILD__: string | undefined;
/** The digest the bundle was built with; `src` when run from the sources (tests). */
const FACTS_BUILD = typeof __KREVIEW_FACTS_BUILD__ === 'string' ? __KREVIEW_FACTS_BUILD__ : 'src';

/** Days after which another build's unused facts directory is removed. */
export const PRUNE_AFTER_DAYS = 30;
const STAMP = '.used';
const FACTS_DIR = /^facts-v\d+-[0-9A-Za-z_-]+$/;

/** Stamp this build's directory as used and remove other builds' directories unused for PRUNE_AFTER_DAYS. */
export function stampAndPrune(root: string, current: string, now = Date.now()): void {
  try {
    mkdirSync(join(root, current), { recursive: true });
    const stamp = join(root, current, STAMP);
    try {
      const t = new Date(now);
      utimesSync(stamp, t, t);
    } catch {
      writeFileSync(stamp, '');
    }
  } catch {
    return; // unwritable cache: nothing to stamp or prune
  }
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  const limit = now - PRUNE_AFTER_DAYS * 86_400_000;
  for (const name of names) {
    if (name === current || !FACTS_DIR.test(name)) continue;
    const dir = join(root, name);
    try {
      if (!lstatSync(dir).isDirectory()) continue; // never follow a link out of the cache
      let used: number;
      try {
        used = lstatSync(join(dir, STAMP)).mtimeMs;
      } catch {
        used = lstatSync(dir).mtimeMs; // written by a build from before stamps
      }
      if (used < limit) rmSync(dir, { recursive: true, force: true });
    } catch {
      // another run removed it, or no permission: leave it
    }
  }
}

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KREVIEW_CACHE_DIR) return env.KREVIEW_CACHE_DIR;
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homeDir(), '.cache');
  return join(base, 'kreview');
}

export function contentHash(text: string): string {
  return sha1(text);
}

/** Temp files this process is writing: removed on Ctrl-C so no partial file is left behind. */
const inFlight = new Set<string>();
onInterruptCleanup(() => removeInFlight());

export function removeInFlight(): void {
  for (const p of inFlight) {
    try {
      unlinkSync(p);
    } catch {
      // already renamed or gone
    }
  }
  inFlight.clear();
}

/** Write a file atomically: a temp file next to it, then rename. */
export function writeAtomic(path: string, data: string): void {
  const tmp = `${path}.tmp-${process.pid}-${randomHex(4)}`;
  inFlight.add(tmp);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } finally {
    inFlight.delete(tmp);
    try {
      unlinkSync(tmp);
    } catch {
      // renamed: nothing to clean
    }
  }
}

/** Cache directories stamped (and their roots pruned) by this process: once per run. */
const pruned = new Set<string>();

export class FactsCache {
  private writable = true;
  private readonly made = new Set<string>();
  readonly dir: string;
  private constructor(
    private readonly root: string,
    private readonly name: string,
  ) {
    this.dir = join(root, name);
  }

  static open(env: NodeJS.ProcessEnv = process.env): FactsCache {
    return new FactsCache(cacheRoot(env), `facts-v${FACTS_VERSION}-${FACTS_BUILD}`);
  }

  /** On the first read or write of a run: stamp this directory and prune stale ones. */
  private use(): void {
    if (pruned.has(this.dir)) return;
    pruned.add(this.dir);
    stampAndPrune(this.root, this.name);
  }

  private entry(path: string, hash: string): { dir: string; file: string } {
    const ph = sha1(path).slice(0, 16);
    const dir = join(this.dir, hash.slice(0, 2));
    return { dir, file: join(dir, `${ph}-${hash}.json`) };
  }

  /** Cached facts for this path and text, or undefined. */
  get(path: string, text: string): FileFacts | undefined {
    return this.getByHash(path, contentHash(text));
  }

  /** Facts for this path and text: cached, or extracted now and cached. */
  factsFor(path: string, text: string): FileFacts {
    return this.get(path, text) ?? this.put(extractFileFactsSafe(path, text).facts);
  }

  getByHash(path: string, hash: string): FileFacts | undefined {
    this.use();
    const { file } = this.entry(path, hash);
    let data: string;
    try {
      data = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const f: unknown = JSON.parse(data);
      // an entry of another shape (another version, a damaged or planted file) is a miss, never a crash
      if (isFileFacts(f) && f.version === FACTS_VERSION && f.path === path && f.hash === hash) return f;
    } catch {
      // corrupt or partly written by a crashed older version: rebuild
    }
    return undefined;
  }

  put(facts: FileFacts): FileFacts {
    if (!this.writable) return facts;
    this.use();
    const { dir, file } = this.entry(facts.path, facts.hash);
    try {
      if (!this.made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        this.made.add(dir);
      }
      writeAtomic(file, JSON.stringify(facts));
    } catch {
      this.writable = false; // read-only home, full disk: keep working without a cache
    }
    return facts;
  }

  flush(): void {
    // entries are written as they are made; nothing is buffered
  }
}
