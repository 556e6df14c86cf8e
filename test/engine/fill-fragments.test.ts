// Completing a fragment from the model: only when the model's file lines up
// with what the hunks show.

import { describe, expect, it } from 'vitest';
import { extractFileFacts } from '../../src/cgraph/extract/index.js';
import { alignToModel, DROPPED_REVERT, fillFragments, renamedInHunks } from '../../src/engine/fill-fragments.js';
import type { Hunk } from '../../src/patch/types.js';

const model = extractFileFacts('drivers/x/x.c', 'int x_read(struct x *x)\n{\n\tx_lock(x);\n\tx_prepare(x);\n\tx_submit(x);\n\tx_unlock(x);\n\treturn 0;\n}\n');
const fragment = (start: number, lines: string[]) => extractFileFacts('drivers/x/x.c', '', { fragment: { sections: [{ startLine: start, endLine: start + lines.length - 1, fn: 'int x_read(struct x *x)', lines }] } });

describe('alignToModel', () => {
  it('finds the offset the shown calls agree on', () => {
    expect(alignToModel(fragment(13, ['\tx_lock(x);', '\tx_prepare(x);', '\tx_submit(x);']), model)?.delta).toBe(10);
  });
  it('lines up each function on its own when the file as a whole does not (code added between them)', () => {
    const two = extractFileFacts('drivers/x/x.c', 'int x_read(struct x *x)\n{\n\tx_lock(x);\n\tx_prepare(x);\n\tx_submit(x);\n\treturn 0;\n}\n\nint x_write(struct x *x)\n{\n\tx_lock(x);\n\tx_fill(x);\n\tx_flush(x);\n\treturn 0;\n}\n');
    const frag = extractFileFacts('drivers/x/x.c', '', { fragment: { sections: [
      { startLine: 13, endLine: 15, fn: 'int x_read(struct x *x)', lines: ['\tx_lock(x);', '\tx_prepare(x);', '\tx_submit(x);'] },
      { startLine: 60, endLine: 62, fn: 'int x_write(struct x *x)', lines: ['\tx_lock(x);', '\tx_fill(x);', '\tx_flush(x);'] },
    ] } });
    const a = alignToModel(frag, two);
    // each function's own offset, whatever the file's (half the votes each: the file's is the nearer one)
    expect([...(a?.byFunction ?? [])]).toEqual([['x_read', 10], ['x_write', 49]]);
  });
  it('declines when too few calls agree (another version of the function)', () => {
    expect(alignToModel(fragment(13, ['\tx_lock(x);', '\tx_other(x);', '\tx_more(x);', '\tx_submit(x);']), model)).toBeUndefined();
  });
});

describe('fillFragments: includes', () => {
  // the model (a later kernel) already has the include this patch adds
  const known = extractFileFacts('fs/x/namei.c', '#include "x.h"\n#include "../internal.h"\n\nint x_read(struct x *x)\n{\n\tx_lock(x);\n\treturn 0;\n}\n');
  const hunk: Hunk = {
    oldStart: 1, oldLines: 1, newStart: 1, newLines: 2, section: '', patchLine: 10,
    lines: [
      { kind: 'context', text: '#include "x.h"', oldLine: 1, newLine: 1, patchLine: 11 },
      { kind: 'add', text: '#include "../internal.h"', newLine: 2, patchLine: 12 },
    ],
  };
  const side = (s: 'pre' | 'post', lines: string[]) => extractFileFacts('fs/x/namei.c', '', { fragment: { sections: [{ startLine: 1, endLine: lines.length, fn: undefined, lines }] } });
  it("keeps the model's includes, but not its copy of one the patch adds", () => {
    const pre = fillFragments(side('pre', ['#include "x.h"']), known, undefined, [hunk], 'pre', new Map());
    expect(pre.includes.map((i) => i.path)).toEqual(['x.h']);
    const post = fillFragments(side('post', ['#include "x.h"', '#include "../internal.h"']), known, undefined, [hunk], 'post', new Map());
    expect(post.includes.map((i) => `${i.path}:${i.line}`)).toEqual(['x.h:1', '../internal.h:2']);
  });
});

describe('fillFragments: the functions no hunk touches', () => {
  const known = extractFileFacts('drivers/x/x.c', 'int x_read(struct x *x)\n{\n\tx_lock(x);\n\treturn 0;\n}\n\nint x_helper(struct x *x)\n{\n\treturn x_raw(x);\n}\n');
  // two lines added in x_read, above x_helper
  const hunk: Hunk = {
    oldStart: 3, oldLines: 1, newStart: 3, newLines: 3, section: 'int x_read(struct x *x)', patchLine: 10,
    lines: [
      { kind: 'context', text: '\tx_lock(x);', oldLine: 3, newLine: 3, patchLine: 11 },
      { kind: 'add', text: '\tx_more(x);', newLine: 4, patchLine: 12 },
      { kind: 'add', text: '\tx_helper(x);', newLine: 5, patchLine: 13 },
    ],
  };
  const frag = (s: 'pre' | 'post') => extractFileFacts('drivers/x/x.c', '', { fragment: { sections: [{ startLine: 3, endLine: s === 'pre' ? 3 : 5, fn: 'int x_read(struct x *x)', lines: s === 'pre' ? ['\tx_lock(x);'] : ['\tx_lock(x);', '\tx_more(x);', '\tx_helper(x);'] }] } });
  it('are at the post-image lines in the post-image, the model lines in the pre-image', () => {
    const at = (f: ReturnType<typeof extractFileFacts>) => f.functions.filter((x) => x.name === 'x_helper').map((x) => `${x.line}-${x.endLine} ${x.calls.map((c) => `${c.callee}@${c.line}`).join(' ')}`);
    expect(at(fillFragments(frag('pre'), known, undefined, [hunk], 'pre', new Map()))).toEqual(['7-10 x_raw@9']);
    expect(at(fillFragments(frag('post'), known, undefined, [hunk], 'post', new Map()))).toEqual(['9-12 x_raw@11']);
  });
});

describe('fillFragments: credential scopes the hunks change', () => {
  // x_read(): override, a raw call, revert; the raw call is on a line no hunk shows
  const known = extractFileFacts('fs/overlayfs/x.c', 'int x_read(struct file *file)\n{\n\tconst struct cred *old_cred;\n\n\told_cred = ovl_override_creds(file->f_inode->i_sb);\n\tx_one(file);\n\tx_two(file);\n\tx_three(file);\n\tx_raw(file);\n\tx_four(file);\n\trevert_creds(old_cred);\n\treturn 0;\n}\n');
  const hunk = (del: string, add: string): Hunk => ({
    oldStart: 10, oldLines: 3, newStart: 10, newLines: 3, section: 'int x_read(struct file *file)', patchLine: 10,
    lines: [
      { kind: 'context', text: '\tx_four(file);', oldLine: 10, newLine: 10, patchLine: 11 },
      { kind: 'del', text: del, oldLine: 11, patchLine: 12 },
      { kind: 'add', text: add, newLine: 11, patchLine: 13 },
      { kind: 'context', text: '\treturn 0;', oldLine: 12, newLine: 12, patchLine: 14 },
    ],
  });
  const frag = (lines: string[]) => extractFileFacts('fs/overlayfs/x.c', '', { fragment: { sections: [{ startLine: 10, endLine: 12, fn: 'int x_read(struct file *file)', lines }] } });
  const exact = { delta: 0, exact: true as const };
  const rawCreds = (h: Hunk, post: string[]) => {
    const counterparts = new Map();
    fillFragments(frag(['\tx_four(file);', h.lines[1]!.text, '\treturn 0;']), known, exact, [h], 'pre', counterparts);
    const f = fillFragments(frag(post), known, exact, [h], 'post', counterparts).functions.find((x) => x.name === 'x_read')!;
    return f.calls.find((c) => c.callee === 'x_raw')!.creds.map((i) => f.credScopes[i]?.api ?? 'dangling');
  };
  it('a revert respelt on its line (revert_creds() -> ovl_revert_creds()) still ends the model scope', () => {
    expect(rawCreds(hunk('\trevert_creds(old_cred);', '\tovl_revert_creds(old_cred);'), ['\tx_four(file);', '\tovl_revert_creds(old_cred);', '\treturn 0;'])).toEqual(['ovl_override_creds']);
  });
  it("a revert deleted for something else leaves the model's override in force, as a leak where the revert was, with no dangling index", () => {
    expect(rawCreds(hunk('\trevert_creds(old_cred);', '\tx_five(file);'), ['\tx_four(file);', '\tx_five(file);', '\treturn 0;'])).toEqual(['ovl_override_creds']);
    const counterparts = new Map();
    const h = hunk('\trevert_creds(old_cred);', '\tx_five(file);');
    fillFragments(frag(['\tx_four(file);', '\trevert_creds(old_cred);', '\treturn 0;']), known, exact, [h], 'pre', counterparts);
    const f = fillFragments(frag(['\tx_four(file);', '\tx_five(file);', '\treturn 0;']), known, exact, [h], 'post', counterparts).functions.find((x) => x.name === 'x_read')!;
    expect(f.credScopes.map((sc) => [sc.api, sc.startLine, sc.revertLine, sc.leaks.map((l) => `${l.kind}@${l.line}: ${l.text}`)])).toEqual([['ovl_override_creds', 5, undefined, [`end@11: ${DROPPED_REVERT}`]]]);
  });
  it("a revert replaced by a call that may revert (a helper) takes the model's scope away", () => {
    expect(rawCreds(hunk('\trevert_creds(old_cred);', '\tx_restore(file);'), ['\tx_four(file);', '\tx_restore(file);', '\treturn 0;'])).toEqual([]);
  });
});

describe('fillFragments: a function the hunk renames', () => {
  // the model's x_read() checks and then submits; the hunk shows only its renamed signature
  const known = extractFileFacts('io_uring/x.c', 'static int x_read(struct x *x)\n{\n\tint ret;\n\n\tret = x_verify(x);\n\tif (ret)\n\t\treturn ret;\n\treturn x_submit(x);\n}\n');
  const hunk: Hunk = {
    oldStart: 1, oldLines: 3, newStart: 1, newLines: 3, section: '', patchLine: 10,
    lines: [
      { kind: 'del', text: 'static int x_read(struct x *x)', oldLine: 1, patchLine: 11 },
      { kind: 'add', text: 'static int x_read_iter(struct x *x)', newLine: 1, patchLine: 12 },
      { kind: 'context', text: '{', oldLine: 2, newLine: 2, patchLine: 13 },
      { kind: 'context', text: '\tint ret;', oldLine: 3, newLine: 3, patchLine: 14 },
    ],
  };
  const frag = (name: string) => extractFileFacts('io_uring/x.c', '', { fragment: { sections: [{ startLine: 1, endLine: 3, fn: undefined, lines: [`static int ${name}(struct x *x)`, '{', '\tint ret;'] }] } });
  it('is completed from the model under its new name, as the old one is in the pre-image', () => {
    const counterparts = new Map();
    const exact = { delta: 0, exact: true as const };
    const pre = fillFragments(frag('x_read'), known, exact, [hunk], 'pre', counterparts).functions.find((f) => f.name === 'x_read')!;
    const post = fillFragments(frag('x_read_iter'), known, exact, [hunk], 'post', counterparts, [pre]).functions.find((f) => f.name === 'x_read_iter')!;
    expect(pre.calls.map((c) => c.callee)).toEqual(['x_verify', 'x_submit']);
    expect(post.calls.map((c) => c.callee)).toEqual(['x_verify', 'x_submit']);
  });
  it('renamedInHunks pairs a definition line removed and re-added under another name, the rest the same', () => {
    expect([...renamedInHunks([hunk])]).toEqual([['x_read_iter', 'x_read']]);
    const retyped: Hunk = { ...hunk, lines: [hunk.lines[0]!, { ...hunk.lines[1]!, text: 'static long x_read_iter(struct x *x)' }] };
    expect([...renamedInHunks([retyped])]).toEqual([]);
  });
});
