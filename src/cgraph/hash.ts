// Content hashes (sha1, as git uses), with node:crypto loaded on first use:
// a check of one small patch without a tree never needs it, and loading it
// is a measurable part of start-up (docs/benchmarks.md).
import { nodeRequire } from '../runtime.js';

let crypto: typeof import('node:crypto') | undefined;

export function sha1(data: string): string {
  crypto ??= nodeRequire()('node:crypto') as typeof import('node:crypto');
  return crypto.createHash('sha1').update(data).digest('hex');
}

/** The git blob id of a text (what `git hash-object` prints). */
export function blobId(text: string): string {
  crypto ??= nodeRequire()('node:crypto') as typeof import('node:crypto');
  const b = Buffer.from(text, 'utf8');
  return crypto.createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
}

export function randomHex(bytes: number): string {
  crypto ??= nodeRequire()('node:crypto') as typeof import('node:crypto');
  return crypto.randomBytes(bytes).toString('hex');
}
