// Per-file facts cached by content: $XDG_CACHE_HOME/kreview (or
// ~/.cache/kreview)/facts-v<N>-<build>/<xx>/<path hash>-<content hash>.json,
// <build> a digest of the code that makes facts (scripts/bundle.mjs), so an
// upgraded kreview never reads what an older extraction cached.
// Writes are atomic (temp file + rename in the same directory), so two
// concurrent runs never see half an entry; an unreadable or corrupt entry is
// rebuilt silently, and so is one of the wrong shape (facts-shape.ts); an
// unwritable cache only costs speed.

import { randomHex, sha1 } from './hash.js';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { homeDir } from '../runtime.js';
import { join } from 'node:path';
import { extractFileFactsSafe, FACTS_VERSION } from './extract/index.js';
import type { FileFacts } from './types.js';
import { isFileFacts } from './facts-shape.js';
import { onInterruptCleanup } from '../interrupt.js';

declare const __KREVIEW_FACTS_BUILD__: string | undefined;
/** The digest the bundle was built with; `src` when run from the sources (tests). */
const FACTS_BUILD = typeof __KREVIEW_FACTS_BUILD__ === 'string' ? __KREVIEW_FACTS_BUILD__ : 'src';

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

export class FactsCache {
  private writable = true;
  private readonly made = new Set<string>();
  private constructor(readonly dir: string) {}

  static open(env: NodeJS.ProcessEnv = process.env): FactsCache {
    return new FactsCache(join(cacheRoot(env), `facts-v${FACTS_VERSION}-${FACTS_BUILD}`));
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
