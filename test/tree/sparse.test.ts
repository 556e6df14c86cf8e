// The image of a file the tree does not have, made from its hunks alone:
// every line a hunk shows where it stands, every other line empty.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sparse } from '../../src/tree/apply.js';
import type { DiffLine, FileDiff, Hunk } from '../../src/patch/types.js';

/** What sparse() made before it stopped filling arrays slot by slot. */
function reference(hunks: Hunk[]): { pre: string; post: string } {
  const pre: string[] = [];
  const post: string[] = [];
  for (const h of hunks) {
    for (const l of h.lines) {
      if (l.newLine !== undefined) {
        while (post.length < l.newLine) post.push('');
        post[l.newLine - 1] = l.text;
      }
      if (l.oldLine !== undefined) {
        while (pre.length < l.oldLine) pre.push('');
        pre[l.oldLine - 1] = l.text;
      }
    }
  }
  return { pre: pre.join('\n') + '\n', post: post.join('\n') + '\n' };
}

const line: fc.Arbitrary<DiffLine> = fc.oneof(
  fc.record({ kind: fc.constant('context' as const), text: fc.string(), oldLine: fc.integer({ min: 0, max: 3000 }), newLine: fc.integer({ min: 0, max: 3000 }), patchLine: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), text: fc.string(), newLine: fc.integer({ min: 0, max: 3000 }), patchLine: fc.nat() }),
  fc.record({ kind: fc.constant('del' as const), text: fc.string(), oldLine: fc.integer({ min: 0, max: 3000 }), patchLine: fc.nat() }),
);
const hunk: fc.Arbitrary<Hunk> = fc.record({
  oldStart: fc.integer({ min: 0, max: 3000 }),
  oldLines: fc.nat(40),
  newStart: fc.integer({ min: 0, max: 3000 }),
  newLines: fc.nat(40),
  section: fc.constant(''),
  patchLine: fc.nat(),
  lines: fc.array(line, { maxLength: 30 }),
});
const diff = (hunks: Hunk[]): FileDiff => ({ oldPath: 'fs/x.c', newPath: 'fs/x.c', status: 'modified', hunks, patchLine: 1, binary: false }) as unknown as FileDiff;

describe('sparse images', () => {
  it('put every shown line where it stands, with empty lines between, in any order and with repeats', () => {
    fc.assert(
      fc.property(fc.array(hunk, { maxLength: 6 }), (hunks) => {
        const r = sparse(diff(hunks), 'fs/x.c', 'fs/x.c', []);
        const want = reference(hunks);
        expect(r.preText).toBe(want.pre);
        expect(r.postText).toBe(want.post);
      }),
      { numRuns: 300 },
    );
  });

  it('keep a hunk at line 100,000 of a file at line 100,000', () => {
    const r = sparse(diff([{ oldStart: 100000, oldLines: 1, newStart: 100000, newLines: 1, section: '', patchLine: 1, lines: [{ kind: 'context', text: 'x', oldLine: 100000, newLine: 100000, patchLine: 9 }] }]), 'fs/x.c', 'fs/x.c', []);
    expect(r.postText!.split('\n')[99999]).toBe('x');
    expect(r.postText!.length).toBe(100001);
  });
});
