// Property-based tests: whatever bytes arrive, ingestion and application
// raise nothing but InputError, and finish (bounded input, no catastrophic
// regular expressions).
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractFileFactsSafe } from '../../src/cgraph/extract/index.js';
import { parseInputText } from '../../src/patch/input.js';
import { InputError } from '../../src/patch/types.js';
import { applyFileDiff } from '../../src/tree/apply.js';
import { safeRelPath } from '../../src/tree/paths.js';
import { sanitize } from '../../src/report/sanitize.js';

const FIX = fileURLToPath(new URL('../fixtures/patch/', import.meta.url));
const fixtures = readdirSync(FIX).filter((f) => /\.(patch|eml|mbox|diff)$/.test(f)).map((f) => readFileSync(join(FIX, f)));

/** Ingest, and apply every file of every patch to an empty base and to its own post-image. */
function pipeline(data: Buffer | string): void {
  const s = parseInputText(data, 'fuzz');
  for (const p of s.patches) {
    for (const f of p.files) {
      try {
        const r = applyFileDiff(null, f, 'fuzz');
        if (r.postText !== null) applyFileDiff(r.postText, f, 'fuzz');
        if (f.newPath) safeRelPath(f.newPath, 'fuzz');
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
      }
    }
    expect(sanitize(p.subject)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  }
}

const mutate = fc.tuple(fc.integer({ min: 0, max: fixtures.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'cut', 'dup')), { maxLength: 12 }));

describe('ingestion and application never throw anything but InputError', () => {
  it('on mutated fixtures (bytes flipped, truncated, lines duplicated)', () => {
    fc.assert(
      fc.property(mutate, ([i, edits]) => {
        let b = Buffer.from(fixtures[i]!);
        for (const [pos, byte, how] of edits) {
          const at = b.length ? pos % b.length : 0;
          if (how === 'set' && b.length) b[at] = byte;
          else if (how === 'cut') b = b.subarray(0, at);
          else {
            const nl = b.indexOf(10, at);
            if (nl > 0) b = Buffer.concat([b.subarray(0, nl + 1), b.subarray(at, nl + 1), b.subarray(nl + 1)]);
          }
        }
        pipeline(b);
      }),
      { numRuns: 400 },
    );
  });
  it('on random bytes and random text', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4000 }), (a) => pipeline(Buffer.from(a))), { numRuns: 300 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), (s) => pipeline(s)), { numRuns: 300 });
  });
  it('on mail-shaped noise: random headers, encodings and hunks', () => {
    const header = fc.constantFrom('Content-Transfer-Encoding: quoted-printable', 'Content-Transfer-Encoding: base64', 'Content-Type: multipart/mixed; boundary="b"', 'Content-Type: text/plain; charset=iso-8859-2; format=flowed; delsp=yes', 'Subject: =?UTF-8?B?W1BBVENIXQ==?= x', 'Subject: [PATCH v2 3/9] x');
    const line = fc.oneof(fc.constantFrom('--b', '---', '-- ', 'diff --git a/fs/a.c b/fs/a.c', '--- a/fs/a.c', '+++ b/fs/a.c', '@@ -1,3 +1,4 @@ f(void)', '@@ -0,0 +1 @@', '\\ No newline at end of file', 'From x Mon Jan  1 00:00:00 2001', '>From y'), fc.string({ maxLength: 40 }).map((s) => fc.sample(fc.constantFrom(' ', '+', '-', ''), 1)[0] + s));
    fc.assert(
      fc.property(fc.array(header, { maxLength: 4 }), fc.array(line, { maxLength: 60 }), (hs, ls) => pipeline(`From: a@b\n${hs.join('\n')}\n\n${ls.join('\n')}\n`)),
      { numRuns: 500 },
    );
  });
  it('finishes quickly on a 200 kB line and on long runs of what regular expressions backtrack on', () => {
    const t0 = Date.now();
    pipeline(`Subject: [PATCH] x\n\n---\ndiff --git a/fs/a.c b/fs/a.c\n--- a/fs/a.c\n+++ b/fs/a.c\n@@ -1,1 +1,1 @@\n-${'a'.repeat(200_000)}\n+${'=?'.repeat(100_000)}\n`);
    pipeline(`Subject: ${'[PATCH '.repeat(20_000)}\n\n${'=?UTF-8?Q?'.repeat(20_000)}\n`);
    expect(Date.now() - t0).toBeLessThan(20_000); // a hang, not a speed target
  });
});

describe('the indexer never throws', () => {
  it('on C-shaped noise', () => {
    const tok = fc.constantFrom('static', 'int', 'f', '(', ')', '{', '}', ';', 'struct file *', 'override_creds(x)', 'revert_creds(old)', 'goto out;', 'out:', 'return', '->', 'f_op->read_iter(a, b)', 'scoped_with_creds(c)', 'CLASS(override_creds, o)(c)', '#include "../internal.h"', '\n', '"', "'", '/*', '*/', 'container_of(p, struct T, m)', 'SYSCALL_DEFINE2(x, int, a, int, b)');
    fc.assert(
      fc.property(fc.array(tok, { maxLength: 200 }), (ts) => {
        const r = extractFileFactsSafe('fs/x/a.c', ts.join(' '));
        expect(r.error).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
