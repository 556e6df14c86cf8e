// The image of a file the tree does not have (or whose hunks do not apply),
// made from its hunks alone: every line a hunk shows, at the line its header
// declares, and nothing in between. A hunk header is the patch's claim, not
// an allocation size.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sparse } from '../../src/tree/apply.js';
import type { DiffLine, FileDiff, Hunk } from '../../src/patch/types.js';

/** Every shown line at its declared number, the later hunk winning a repeat. */
function reference(hunks: Hunk[]): { pre: Map<number, string>; post: Map<number, string> } {
  const pre = new Map<number, string>();
  const post = new Map<number, string>();
  for (const h of hunks) {
    for (const l of h.lines) {
      if (l.newLine !== undefined) post.set(l.newLine, l.text);
      if (l.oldLine !== undefined) pre.set(l.oldLine, l.text);
    }
  }
  return { pre, post };
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
  it('hold every shown line where it stands, in any order and with repeats', () => {
    fc.assert(
      fc.property(fc.array(hunk, { maxLength: 6 }), (hunks) => {
        const r = sparse(diff(hunks), 'fs/x.c', 'fs/x.c', []);
        const want = reference(hunks);
        expect(r.status).toBe('fallback');
        expect(new Map(r.sparse!.pre!)).toEqual(want.pre);
        expect(new Map(r.sparse!.post!)).toEqual(want.post);
      }),
      { numRuns: 300 },
    );
  });

  it('a hunk at line 500,000,000 costs what its lines cost', () => {
    const at = 500_000_000;
    const r = sparse(diff([{ oldStart: at, oldLines: 1, newStart: at, newLines: 1, section: '', patchLine: 1, lines: [{ kind: 'context', text: 'x', oldLine: at, newLine: at, patchLine: 9 }] }]), 'fs/x.c', 'fs/x.c', []);
    expect([...r.sparse!.post!]).toEqual([[at, 'x']]);
    expect(r.preToPost(at)).toBe(at);
    expect(r.postText).toBeNull();
  });
});
