// Paths from patches are untrusted: normalise them to tree-relative paths
// and refuse anything that could escape the tree.

import { realpathSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { InputError } from '../patch/types.js';

/** Normalise a patch or user path to `a/b/c` inside the tree; throws InputError('path') when it escapes. */
export function safeRelPath(p: string, input: string): string {
  if (!p || p.includes('\0')) throw new InputError(input, 'path', `path '${printable(p)}' is not a valid file name`);
  // git quotes such a name ("a/x\ny"); nothing in a kernel tree has one, and every line-based report would be split by it
  if (/[\n\r]/.test(p)) throw new InputError(input, 'path', `path '${printable(p)}' holds a line break`);
  if (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p)) throw new InputError(input, 'path', `path '${printable(p)}' escapes the tree (absolute)`);
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!out.length) throw new InputError(input, 'path', `path '${printable(p)}' escapes the tree (..)`);
      out.pop();
      continue;
    }
    out.push(part);
  }
  if (!out.length) throw new InputError(input, 'path', `path '${printable(p)}' names no file`);
  return out.join('/');
}

/**
 * The absolute path of a tree-relative path, refusing one that resolves
 * (through symlinks) outside `root`. Missing files are fine: the nearest
 * existing parent is checked.
 */
export function resolveInside(root: string, rel: string, input: string): string {
  const abs = join(root, rel);
  const realRoot = realpathSync(root);
  let probe = abs;
  for (;;) {
    try {
      const real = realpathSync(probe);
      const r = relative(realRoot, real);
      if (r === '..' || r.startsWith('..' + sep) || r.startsWith(sep)) {
        throw new InputError(input, 'path', `path '${printable(rel)}' escapes the tree (through a symlink)`);
      }
      return abs;
    } catch (err) {
      if (err instanceof InputError) throw err;
      const parent = dirname(probe);
      if (parent === probe) return abs;
      probe = parent;
    }
  }
}

function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s
    .slice(0, 200)
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/[\u0000-\u001f\u007f]/g, '?');
}
