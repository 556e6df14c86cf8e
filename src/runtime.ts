// What the running code needs from Node on demand: a `require` for built-ins
// and native dependencies loaded only when used (node:crypto, node:tty,
// tree-sitter), Node's Module class, and the home directory. One source for
// both ways kreview runs: in a CommonJS bundle (dist/bin/*.cjs) `require` is
// the bundle's own, which resolves as createRequire() of the bundle's URL
// would and costs nothing at start-up; in an ES module (the tests, tsc's
// output, the Ink bundles' banner aside) one is made for this file.

let req: NodeRequire | undefined;

/** A require for Node's built-ins and kreview's dependencies. */
export function nodeRequire(): NodeRequire {
  if (req) return req;
  if (typeof require === 'function') return (req = require);
  return (req = process.getBuiltinModule('node:module').createRequire(import.meta.url));
}

/** Node's CommonJS Module class (the compile cache hooks it). */
export function moduleClass(): unknown {
  // the main module of a CommonJS run is a Module: no need to load node:module for its class
  const main = typeof require === 'function' ? require.main : undefined;
  return main ? main.constructor : nodeRequire()('node:module');
}

/** The user's home directory: $HOME, as os.homedir() would answer first. */
export function homeDir(): string {
  return process.env.HOME || (nodeRequire()('node:os') as typeof import('node:os')).homedir();
}

let collect: (() => void) | null | undefined;
/**
 * A full garbage collection when the heap holds more than `limit` bytes: a
 * long run (an mbox of a list archive against a tree) makes garbage faster
 * than V8 collects it unasked, and the heap, the process's memory with it,
 * grew by 0.3 MB a message. Made available through V8's flag at first use;
 * if that is refused, nothing happens.
 */
export function collectIfLarge(limit = 512 * 1024 * 1024): void {
  if (process.memoryUsage().heapUsed < limit) return;
  if (collect === undefined) {
    try {
      (nodeRequire()('node:v8') as typeof import('node:v8')).setFlagsFromString('--expose-gc');
      collect = (nodeRequire()('node:vm') as typeof import('node:vm')).runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
}
