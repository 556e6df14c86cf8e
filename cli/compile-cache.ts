// V8 code cache for kreview's own CommonJS bundles and the native parser's
// JS glue. Node >= 22.1 has module.enableCompileCache(); on Node 20 this does
// the same for CommonJS: compile through vm.Script with the bytes V8 produced
// last time, and after a run without them, save what V8 compiled (including
// the functions compiled lazily while it ran). It takes ~10 ms off a 50 ms
// `kreview check` (docs/benchmarks.md).
//
// Entries live in the user's cache directory (never in a kernel tree), keyed
// by file, size, mtime and V8 version; V8 itself rejects data that does not
// fit, and the file is then compiled as usual and the entry rewritten.
// KREVIEW_NO_COMPILE_CACHE=1 or NODE_DISABLE_COMPILE_CACHE=1 turns it off.

import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import vm from 'node:vm';
import { homeDir, moduleClass, nodeRequire } from '../src/runtime.js';

type ModuleInternals = {
  prototype: { _compile(content: string, filename: string): unknown; require(id: string): unknown };
  wrap(s: string): string;
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  _cache: unknown;
  _extensions: unknown;
};

function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env.KREVIEW_CACHE_DIR) return join(env.KREVIEW_CACHE_DIR, 'v8');
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homeDir(), '.cache');
  return join(base, 'kreview', 'v8');
}

/** 32-bit FNV-1a of a string, hex: names a cache entry without loading node:crypto. */
function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Cache compiled code for every CommonJS file under `root` (the package directory). */
export function installCompileCache(root: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.KREVIEW_NO_COMPILE_CACHE === '1' || env.NODE_DISABLE_COMPILE_CACHE === '1') return;
  const dir = cacheDir(env);
  // Node's own, from 22.1 (on 20, loading node:module only to learn it is not there would cost 0.2 ms)
  const major = Number(process.versions.node.split('.')[0]);
  const native = major >= 22 ? (nodeRequire()('node:module') as { enableCompileCache?: (d: string) => unknown }).enableCompileCache : undefined;
  if (native) {
    native(dir);
    return;
  }
  const Module = moduleClass() as ModuleInternals;
  const original = Module.prototype._compile;
  const prefix = root.endsWith(sep) ? root : root + sep;
  const toSave: { file: string; script: vm.Script }[] = [];
  Module.prototype._compile = function (this: { exports: unknown; require(id: string): unknown }, content: string, filename: string) {
    // import() in a script compiled by vm.Script needs a callback Node 20 only has as an experimental flag:
    // such a file is compiled as Node would, without the cache (no bundle of ours has one today)
    if (!filename.startsWith(prefix) || !filename.endsWith('js') || /\bimport\s*\(/.test(content)) return original.call(this, content, filename);
    let file: string;
    try {
      const st = statSync(filename);
      file = join(dir, `${fnv(filename)}-${st.size}-${Math.floor(st.mtimeMs)}-${process.versions.v8}.bin`);
    } catch {
      return original.call(this, content, filename);
    }
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(file);
    } catch {
      cachedData = undefined;
    }
    // a `#!` line is only legal at the very start of a script, not inside the wrapper
    const source = Module.wrap(content.startsWith('#!') ? '//' + content : content);
    // no import() works in code compiled here (Node 20 has no stable loader for
    // vm.Script, and its experimental one fails with cached data): the bundles require()
    const script = new vm.Script(source, { filename, ...(cachedData ? { cachedData } : {}) });
    if (!cachedData || script.cachedDataRejected) toSave.push({ file, script });
    const fn = script.runInThisContext({ displayErrors: true }) as (...a: unknown[]) => unknown;
    const self = this;
    const req = Object.assign((id: string) => self.require(id), {
      resolve: (request: string, options?: unknown) => Module._resolveFilename(request, self, false, options),
      main: (process as { mainModule?: unknown }).mainModule,
      cache: Module._cache,
      extensions: Module._extensions,
    });
    return fn.call(this.exports, this.exports, req, this, filename, dirname(filename));
  };
  process.once('exit', () => {
    if (!toSave.length) return;
    try {
      mkdirSync(dir, { recursive: true });
    } catch {
      return;
    }
    for (const { file, script } of toSave) {
      const tmp = `${file}.tmp-${process.pid}`;
      try {
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, file);
      } catch {
        try {
          unlinkSync(tmp);
        } catch {
          // nothing written
        }
      }
    }
  });
}
