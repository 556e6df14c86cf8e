// Tests of the evaluation's own machinery, on synthetic input (no kernel
// text): the edit engine the generator applies case edits with, the
// structural shape checks, the split, and the scorer's matching.

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyEdit, applyEdits, EditError, markLines, parseDoc, renderDoc, statementExtent } from './lib/edit.mjs';
import { assignSplits, readCaseFiles, validateCase, isPositive } from './lib/cases.mjs';
import { aggregate, exitAgrees, findingsFromJson, matchCase } from './lib/match.mjs';
import { checkShapes, enclosingFunction, parsePatchText } from './lib/shape-check.mjs';

// A small C file written for this test, in kernel style.
const SRC = [
  '#include "demo.h"',
  '',
  'static int demo_read(struct demo_dev *dev, char *buf,',
  '\t\t     size_t len)',
  '{',
  '\tstruct file *file = dev->backing;',
  '\tloff_t pos = 0;',
  '\tssize_t ret;',
  '',
  '\tret = kernel_read(file, buf, len,',
  '\t\t\t  &pos);',
  '\tif (ret < 0)',
  '\t\treturn ret;',
  '\treturn 0;',
  '}',
  '',
  'static int demo_flush(struct demo_dev *dev)',
  '{',
  '\treturn vfs_fsync(dev->backing, 0);',
  '}',
  '',
].join('\n');

describe('edit engine', () => {
  it('replaces a whole multi-line statement found by a call name, keeping the indentation', () => {
    const doc = applyEdits(SRC, [
      { op: 'replace', fn: 'demo_read', match: 'kernel_read\\(', lines: ['@raw ret = __kernel_read(file, buf, len, &pos);'] },
    ]);
    const text = renderDoc(doc);
    expect(text).toContain('\tret = __kernel_read(file, buf, len, &pos);\n\tif (ret < 0)');
    expect(text).not.toContain('kernel_read(file, buf, len,\n');
    expect(markLines(doc).get('raw')).toEqual([10]);
  });

  it('inserts after an anchor, with relative indentation, column-0 lines and marks that follow later edits', () => {
    const doc = parseDoc(SRC);
    applyEdit(doc, { op: 'insert-after', fn: 'demo_read', match: 'loff_t pos = 0;', lines: ['@x int err;'] });
    applyEdit(doc, { op: 'insert-before', fn: 'demo_read', match: 'return 0;', lines: ['if (!len)', '@g \tgoto out;', '<out:'] });
    applyEdit(doc, { op: 'insert-after', match: '^#include "demo.h"', span: 1, lines: ['#include "../internal.h"'] });
    const lines = renderDoc(doc).split('\n');
    const m = markLines(doc);
    expect(lines[m.get('x')[0] - 1]).toBe('\tint err;');
    expect(lines[m.get('g')[0] - 1]).toBe('\t\tgoto out;');
    expect(lines).toContain('out:');
    expect(lines[1]).toBe('#include "../internal.h"');
  });

  it('moves a span into a new helper placed before the function; the moved lines keep their marks', () => {
    const doc = parseDoc(SRC);
    applyEdit(doc, { op: 'mark', fn: 'demo_read', match: 'kernel_read\\(', mark: 'io' });
    applyEdit(doc, {
      op: 'extract',
      fn: 'demo_read',
      match: 'ret = kernel_read\\(',
      span: 'stmt',
      head: ['static ssize_t demo_do_read(struct file *file, char *buf, size_t len, loff_t pos)', '{', '\tssize_t ret;', ''],
      tail: ['\treturn ret;', '}'],
      call: ['@call ret = demo_do_read(file, buf, len, pos);'],
    });
    const lines = renderDoc(doc).split('\n');
    const io = markLines(doc).get('io');
    expect(io).toHaveLength(1);
    expect(lines[io[0] - 1]).toBe('\tret = kernel_read(file, buf, len,');
    expect(lines[io[0]]).toBe('\t\t\t  &pos);');
    expect(lines.indexOf('static ssize_t demo_do_read(struct file *file, char *buf, size_t len, loff_t pos)')).toBeLessThan(
      lines.findIndex((l) => l.startsWith('static int demo_read(')),
    );
    expect(lines[markLines(doc).get('call')[0] - 1]).toBe('\tret = demo_do_read(file, buf, len, pos);');
  });

  it('resolves a mark on one line of a multi-line statement to the whole statement', () => {
    const doc = parseDoc(SRC);
    applyEdit(doc, { op: 'mark', fn: 'demo_read', match: '&pos\\);', mark: 'tail' });
    expect(markLines(doc).get('tail')).toEqual([11]);
    expect(markLines(doc, { expand: true }).get('tail')).toEqual([10, 11]);
    expect(statementExtent(doc, 5)).toEqual([5, 5]);
  });

  it('fails loudly when an anchor is missing, ambiguous or the function does not exist', () => {
    expect(() => applyEdits(SRC, [{ op: 'delete', fn: 'demo_read', match: 'vfs_iter_read\\(' }])).toThrow(EditError);
    expect(() => applyEdits(SRC, [{ op: 'mark', fn: 'demo_read', match: 'ret', mark: 'm' }])).toThrow(/matches \d+ lines/);
    expect(() => applyEdits(SRC, [{ op: 'mark', fn: 'demo_write', match: 'ret', mark: 'm' }])).toThrow(/definition not found/);
    expect(() => applyEdits(SRC, [{ op: 'sub', fn: 'demo_flush', match: 'vfs_fsync', from: 'nothing', to: 'x' }])).toThrow(/changes nothing/);
    expect(() => applyEdits(SRC, [{ op: 'insert-after', fn: 'demo_flush', match: 'vfs_fsync', lines: ['a\nb'] }])).toThrow(/newline/);
  });
});

describe('shape checks', () => {
  const post = SRC.split('\n');
  it('finds the function a post-image line is in, and a hunk that starts inside a two-line signature', () => {
    expect(enclosingFunction(post, 10)).toMatchObject({ name: 'demo_read', def: 3, open: 5 });
    expect(enclosingFunction(post, 19)).toMatchObject({ name: 'demo_flush' });
    const patch = [
      'diff --git a/demo.c b/demo.c',
      '--- a/demo.c',
      '+++ b/demo.c',
      '@@ -4,3 +4,4 @@ static int demo_read(struct demo_dev *dev, char *buf,',
      ' \t\t     size_t len)',
      ' {',
      '+\tint err;',
      ' \tstruct file *file = dev->backing;',
      '-- ',
    ].join('\n');
    const c = { shapes: ['single', 'sig-multiline-hunk'] };
    expect(checkShapes(c, [patch], () => post)).toEqual([]);
    expect(parsePatchText(patch)[0].hunks[0].heading).toBe('static int demo_read(struct demo_dev *dev, char *buf,');
    expect(checkShapes({ shapes: ['two-hunks-one-function', 'new-file'] }, [patch], () => post)).toHaveLength(2);
  });
});

describe('case files', () => {
  const dir = fileURLToPath(new URL('./cases/', import.meta.url));
  const all = readCaseFiles(dir).flatMap((f) => f.cases);
  it('every label is well formed, has a split, and ids are unique', () => {
    expect(all.length).toBeGreaterThanOrEqual(240);
    expect(all.flatMap(validateCase)).toEqual([]);
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    expect(all.every((c) => c.split === 'tune' || c.split === 'holdout')).toBe(true);
  });

  it('the split is balanced: each half has about half of every class and of the positives', () => {
    const pos = all.filter(isPositive);
    const tune = pos.filter((c) => c.split === 'tune').length;
    expect(Math.abs(2 * tune - pos.length)).toBeLessThanOrEqual(Math.ceil(pos.length * 0.1));
  });

  it('assigns splits deterministically and keeps the ones already recorded', () => {
    const mk = () => [
      { id: 'a-case-one', subsystem: 's', classes: ['RAW_RW_ITER'], shapes: ['single'], expect: [{ required: true }] },
      { id: 'a-case-two', subsystem: 's', classes: ['RAW_RW_ITER'], shapes: ['single'], expect: [{ required: true }] },
      { id: 'a-case-three', subsystem: 's', classes: ['RAW_RW_ITER'], shapes: ['single'], expect: [], split: 'holdout' },
    ];
    const a = mk();
    const b = mk();
    assignSplits(a);
    assignSplits(b);
    expect(a.map((c) => c.split)).toEqual(b.map((c) => c.split));
    expect(a[2].split).toBe('holdout');
    expect(new Set(a.slice(0, 2).map((c) => c.split))).toEqual(new Set(['tune', 'holdout']));
  });
});

describe('scorer matching', () => {
  // A hand-made expected.json and finding list.
  const expected = {
    id: 'demo',
    subsystem: 'demo',
    shapes: ['single', 'raw-call-added'],
    positive: true,
    expectExit: 1,
    findings: [
      { type: 'RAW_RW_ITER', required: true, status: 'moved', alts: [{ patch: 1, places: [{ file: 'demo.c', lines: [10, 11] }] }], why: 'raw read' },
      { type: 'BACKING_FILE_CREDS', required: false, status: null, alts: [{ patch: 1, places: [{ file: 'demo.c', lines: [10] }] }], why: 'arguable' },
      { type: 'CROSS_LAYER_PAGECACHE', required: true, status: null, alts: [{ patch: 2, places: [{ file: 'demo.c', lines: [30] }] }], why: 'page cache' },
    ],
    negatives: [{ alts: [{ patch: 1, places: [{ file: 'demo.c', lines: [19] }] }], why: 'a look-alike' }],
  };
  const f = (o) => ({ patch: 1, file: 'demo.c', status: 'introduced', message: 'm', ...o });

  it('counts true positives, duplicates, optional hits, false positives and misses', () => {
    const m = matchCase(expected, [
      f({ type: 'RAW_RW_ITER', line: 11, status: 'introduced' }),
      f({ type: 'RAW_RW_ITER', line: 10 }),
      f({ type: 'BACKING_FILE_CREDS', line: 10 }),
      f({ type: 'RAW_RW_ITER', line: 19 }),
      f({ type: 'VFS_INTERNAL_HELPER', line: 10 }),
      f({ type: 'CROSS_LAYER_PAGECACHE', line: 30, patch: 1 }),
      f({ type: 'RAW_RW_ITER', line: 40, status: 'preexisting' }),
    ]);
    expect(m.tps).toHaveLength(1);
    expect(m.duplicates).toHaveLength(1);
    expect(m.optional).toHaveLength(1);
    expect(m.fps.map((x) => [x.finding.type, x.finding.line])).toEqual([
      ['RAW_RW_ITER', 19],
      ['VFS_INTERNAL_HELPER', 10],
      ['CROSS_LAYER_PAGECACHE', 30],
    ]);
    expect(m.fps[0].negative).toBe('a look-alike');
    expect(m.fps[1].note).toMatch(/RAW_RW_ITER/);
    expect(m.fps[2].note).toMatch(/under patch 1, not 2/);
    expect(m.fns.map((x) => x.label.type)).toEqual(['CROSS_LAYER_PAGECACHE']);
    expect(m.ignored).toHaveLength(1);
    expect(m.statusMismatch).toHaveLength(1);
  });

  it('reads patch numbers from kreview JSON without counting the cover letter, and adds up per mode', () => {
    const doc = {
      inputs: [
        { patches: [{ coverLetter: true, findings: [] }] },
        { patches: [{ coverLetter: false, findings: [] }] },
        { patches: [{ coverLetter: false, findings: [{ type: 'CROSS_LAYER_PAGECACHE', file: 'demo.c', line: 30, status: 'introduced', message: 'x' }] }] },
      ],
    };
    const found = findingsFromJson(doc);
    expect(found).toEqual([expect.objectContaining({ patch: 2, type: 'CROSS_LAYER_PAGECACHE', line: 30 })]);
    const agg = aggregate([
      { expected, outcome: 'ok', status: 1, match: matchCase(expected, found) },
      { expected: { ...expected, id: 'neg', positive: false, expectExit: 0, findings: [] }, outcome: 'no-output', status: 0, match: matchCase({ findings: [], negatives: [] }, []) },
    ]);
    expect(agg.total).toMatchObject({ tp: 1, fp: 0, fn: 1, precision: 1, recall: 0.5, negCases: 1 });
    expect(agg.outcomes).toEqual({ ok: 1, 'no-output': 1, error: 0 });
    expect(agg.byClass.CROSS_LAYER_PAGECACHE).toMatchObject({ tp: 1, fn: 0 });
    expect(agg.byClass.RAW_RW_ITER).toMatchObject({ tp: 0, fn: 1, recall: 0 });
    expect(agg.exit).toEqual({ agree: 2, of: 2 });
    expect(exitAgrees('either', 0)).toBe(true);
    expect(exitAgrees(1, 0)).toBe(false);
  });
});
