// What the running code needs from Node on demand: a `require` for built-ins
// and native dependencies loaded only when used (node:crypto, node:tty,
// tree-sitter), Node's Module class, and the home directory.
//
// This is the ES-module version (the tests, tsc's output). kreview's
// CommonJS bundles use src/runtime.cjs instead (scripts/bundle.mjs swaps it
// in): there the bundle's own `require` is the same as createRequire() of
// the bundle's URL, and asking for it does not load node:module, build a URL
// or load node:os at start-up (about 1 ms of a 27 ms check, docs/benchmarks.md).

import { createRequire } from 'node:module';

let req: NodeRequire | undefined;

/** A require for Node's built-ins and kreview's dependencies. */
export function nodeRequire(): NodeRequire {
  return (req ??= createRequire(import.meta.url));
}

/** Node's CommonJS Module class (the compile cache hooks it). */
export function moduleClass(): unknown {
  return nodeRequire()('node:module');
}

/** The user's home directory: $HOME, as os.homedir() would answer first. */
export function homeDir(): string {
  return process.env.HOME || (nodeRequire()('node:os') as typeof import('node:os')).homedir();
}
