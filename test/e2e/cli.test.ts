// The built CLI, run the way people, CI jobs and b4 run it: argv in,
// stdout/stderr/exit status out. `npm test` builds dist/ first.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE } from '../support/node.js';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/bin/kreview.cjs');
const FIX = 'test/fixtures/patch';
const CACHE = mkdtempSync(join(tmpdir(), 'kreview-e2e-cache-'));

function kreview(args: string[], opts: { input?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv } = {}): { stdout: string; stderr: string; status: number } {
  const r = spawnSync(NODE, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, KREVIEW_CACHE_DIR: CACHE, NO_COLOR: '', HOME: CACHE, ...opts.env },
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
}

describe('kreview (built CLI)', () => {
  it('--version and --help', () => {
    expect(kreview(['--version']).stdout).toMatch(/^kreview \d+\.\d+\.\d+\n$/);
    const h = kreview(['--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('check [options] INPUT...');
    expect(kreview(['check', '--help']).stdout).toContain('--terse');
  });

  it('the demo patch: one RAW_RW_ITER error, checkpatch-shaped, exit 1', () => {
    const r = kreview(['check', 'examples/0001-loop-raw-read-iter.patch']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^ERROR: this patch drops vfs_iter_read\(\) on lo->lo_backing_file/m);
    expect(r.stdout).toContain('#36: FILE: drivers/block/loop.c:275:\n+\t\tlen = lo->lo_backing_file->f_op->read_iter(&kiocb, &i);\n');
    expect(r.stdout).toContain('total: 1 errors, 0 warnings, 21 lines checked');
    expect(r.stdout).toContain('examples/0001-loop-raw-read-iter.patch has style problems, please review.');
    expect(r.stderr).toBe('');
  });

  it('a clean patch: exit 0 and the closing sentence', () => {
    const r = kreview(['check', `${FIX}/format-patch.patch`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      `total: 0 errors, 0 warnings, 7 lines checked\n\nNOTE: no kernel tree here: checked against the patch text and the embedded model of Linux 6.12\n\n${FIX}/format-patch.patch has no obvious style problems and is ready for submission.\n`,
    );
  });

  it('--terse, --show-types, --showfile, -q, --no-summary', () => {
    const demo = 'examples/0001-loop-raw-read-iter.patch';
    expect(kreview(['check', '--terse', demo]).stdout).toBe(
      `${demo}:36: ERROR: this patch drops vfs_iter_read() on lo->lo_backing_file and does the I/O with the raw ->read_iter() here, which skips rw_verify_area() (LSM and fanotify hooks); keep vfs_iter_read() or use vfs_iocb_iter_read()\ntotal: 1 errors, 0 warnings, 21 lines checked\n`,
    );
    const sf = kreview(['check', '--showfile', '--no-witness', '--no-summary', '-q', demo]).stdout;
    expect(sf).toBe('drivers/block/loop.c:275: ERROR: this patch drops vfs_iter_read() on lo->lo_backing_file and does the I/O with the raw ->read_iter() here, which skips rw_verify_area() (LSM and fanotify hooks); keep vfs_iter_read() or use vfs_iocb_iter_read()\n+\t\tlen = lo->lo_backing_file->f_op->read_iter(&kiocb, &i);\n\n');
    expect(kreview(['check', '-q', `${FIX}/format-patch.patch`]).stdout).toBe('');
  });

  it('--types and --ignore pick the TYPEs, --mailback is silent when clean', () => {
    const demo = 'examples/0001-loop-raw-read-iter.patch';
    expect(kreview(['check', '--ignore', 'RAW_RW_ITER', demo]).status).toBe(0);
    expect(kreview(['check', '--types', 'raw_rw_iter', demo]).status).toBe(1);
    const mb = kreview(['check', '--mailback', `${FIX}/format-patch.patch`]);
    expect(mb).toMatchObject({ status: 0, stdout: '' });
  });

  it('--color=always colours the level like checkpatch; never by default on a pipe', () => {
    expect(kreview(['check', '--color=always', '--terse', 'examples/0001-loop-raw-read-iter.patch']).stdout).toContain('\x1b[31m');
    expect(kreview(['check', 'examples/0001-loop-raw-read-iter.patch']).stdout).not.toContain('\x1b[');
  });

  it('--format json: one document with schemaVersion, tool, patches and findings', () => {
    const r = kreview(['check', '--format', 'json', 'examples/0001-loop-raw-read-iter.patch', `${FIX}/format-patch.patch`]);
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.tool.name).toBe('kreview');
    expect(doc.inputs).toHaveLength(2);
    expect(doc.inputs[0].patches[0].findings[0]).toMatchObject({ type: 'RAW_RW_ITER', level: 'ERROR', file: 'drivers/block/loop.c', line: 275, patchLine: 36, status: 'introduced', confidence: 'medium' });
    expect(doc.inputs[1].patches[0]).toMatchObject({ subject: 'loop: read through a helper', messageId: '20261103090000.1-ada@example.org', findings: [] });
  });

  it('bad input: one line on stderr naming it, exit 2, the other inputs still checked', () => {
    const r = kreview(['check', 'no-such.patch', `${FIX}/bad-counts.patch`, 'examples/0001-loop-raw-read-iter.patch']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'kreview: no-such.patch: no such file or directory\n' +
        `kreview: ${FIX}/bad-counts.patch:21: fs/erofs/data.c: hunk at line 21 says 5 old and 6 new lines, found 2 and 3\n`,
    );
    expect(r.stdout).toContain('ERROR: this patch drops vfs_iter_read()');
    expect(r.stdout).not.toContain('    at '); // no stack trace
    // a corrupt patch is never "ready for submission"
    expect(r.stdout).toContain(`${FIX}/bad-counts.patch is malformed (see the errors on stderr) and was not fully checked, please review.`);
    expect(r.stdout).not.toContain(`${FIX}/bad-counts.patch has no obvious style problems`);
  });

  it('usage errors exit 2', () => {
    expect(kreview(['check']).status).toBe(2);
    expect(kreview(['check', '--bogus', 'x']).status).toBe(2);
    expect(kreview(['frobnicate']).status).toBe(2);
  });

  it('stdin as "-", named by its subject', () => {
    const r = kreview(['check', '-'], { input: readFileSync(join(ROOT, 'examples/0001-loop-raw-read-iter.patch')) });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('"loop: call ->read_iter directly for buffered reads" has style problems, please review.');
  });

  it('patches that touch no kernel C are read and reported as having nothing to check', () => {
    const r = kreview(['check', `${FIX}/userspace.patch`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('NOTE: an erofs-utils patch (userspace): nothing to check');
  });

  it('patch text never reaches the terminal raw, and paths that escape the tree are refused', () => {
    const r = kreview(['check', '--tree', 'test/fixtures/ktree', `${FIX}/evil.patch`]);
    expect(r.stdout + r.stderr).not.toContain('\x1b');
    expect(r.stderr).toContain("escapes the tree");
    expect(r.status).toBe(2);
  });

  it('a series that introduces a raw call and fixes it in patch 3 exits 0 and says so on patch 1; --all shows it as fixed later', () => {
    const args = ['check', '--tree', 'test/fixtures/ktree', 'test/fixtures/series/fixed-later.mbox'];
    const r = kreview(args);
    expect(r.status).toBe(0);
    // a reviewer of patch 1 alone (a bisection stop, a backport) learns what it carries
    expect(r.stdout.match(/^NOTE: .*fixed later.*$/gm)).toEqual(['NOTE: 1 finding of this patch is fixed later in the series by patch 3 (RAW_RW_ITER fs/erofs/fileio.c:19); --all shows it']);
    expect(kreview([...args, '--mailback']).stdout).toBe('');
    const all = kreview([...args, '--all', '--terse', '--show-types']);
    expect(all.stdout).toContain('ERROR:RAW_RW_ITER: this patch drops vfs_iocb_iter_read() on rq->iocb.ki_filp and does the I/O with the raw ->read_iter() here, which skips rw_verify_area() (LSM and fanotify hooks); keep vfs_iocb_iter_read() [fixed later in the series by patch 3]');
  });

  // patch 2 fixes patch 1's hazard somewhere else: in the helper the flagged line calls
  // (helper-fixed-later), or by moving the revert above a goto whose label patch 2's hunk
  // does not show (goto-fixed-later); alone, patch 1 still fails the gate
  for (const [name, line, text] of [
    ['helper-fixed-later', 32, 'backing_file ctx.cred is fuse_passthrough_cred(file) = file->f_cred here'],
    ['goto-fixed-later', 20, 'ovl_override_creds(ovl_creds(file_inode(file)->i_sb)) on line 30 is not reverted when this goto leaves ovl_fsync()'],
  ] as const) {
    for (const mode of [['--tree', 'test/fixtures/ktree'], ['--no-tree']]) {
      it(`${name} ${mode[0]}: a hazard a later patch fixes outside its line exits 0, and patch 1 alone exits 1`, () => {
        const file = `test/fixtures/series/${name}.mbox`;
        const r = kreview(['check', ...mode, '--terse', file]);
        expect(r.stdout).not.toContain('WARNING');
        expect(r.status).toBe(0);
        expect(kreview(['check', ...mode, '--terse', '--all', file]).stdout).toContain(`${file}:${line}: WARNING: ${text}`);
        const first = readFileSync(join(ROOT, file), 'utf8').split(/\n(?=From [0-9a-f]{40} )/)[0]!;
        const alone = kreview(['check', ...mode, '--terse', '-'], { input: first });
        expect(alone.stdout).toContain(`:${line}: WARNING: ${text}`);
        expect(alone.status).toBe(1);
      });
    }
  }

  // a file the model does not have, shown by patch 1 in two hunks (the override in one, its
  // revert in the other): patch 2 adds a line above the override and changes nothing about it,
  // and must not read as moving the access out of it; moving the revert above it still is
  it('a scope neither image shows whole is the same on both sides of a patch that does not touch it', () => {
    const quiet = kreview(['check', '--no-tree', '--terse', 'test/fixtures/series/unmodelled-scope.mbox']);
    expect(quiet.stdout).not.toContain('WARNING');
    expect(quiet.status).toBe(0);
    const narrowed = kreview(['check', '--no-tree', '--terse', 'test/fixtures/series/unmodelled-scope-narrowed.mbox']);
    expect(narrowed.stdout).toContain('test/fixtures/series/unmodelled-scope-narrowed.mbox:63: WARNING: this patch moves notify_change() (attribute change) on the cache out of cachefiles_begin_secure(cache->cache_cred)');
    expect(narrowed.status).toBe(1);
  });

  it('an mbox of two threads (a list archive): each series applies to the base on its own, in its own order', () => {
    const one = readFileSync(join(ROOT, 'test/fixtures/series/fixed-later.mbox'), 'utf8');
    const dir = mkdtempSync(join(tmpdir(), 'kreview-threads-'));
    const two = join(dir, 'two.mbox');
    writeFileSync(two, [one, one.replace(/erofs@example\.org/g, 'erofs2@example.org')].join('\n'));
    const r = kreview(['check', '--tree', 'test/fixtures/ktree', '--all', '--format', 'json', two]);
    expect(r.status).toBe(0);
    const patches = JSON.parse(r.stdout).inputs[0].patches as { messageId: string; notes: string[]; findings: { type: string; status: string }[] }[];
    expect(patches.map((p) => p.messageId)).toEqual(['p1.erofs', 'p2.erofs', 'p3.erofs', 'p1.erofs2', 'p2.erofs2', 'p3.erofs2'].map((m) => `${m}@example.org`));
    // each thread says once what it was applied to, and nothing did not apply
    expect(patches.map((p) => p.notes)).toEqual([0, 1, 2, 3, 4, 5].map((i) => (i % 3 ? [] : [`applied to the files of ${join(ROOT, 'test/fixtures/ktree')}`])));
    for (const i of [0, 3]) expect(patches[i]!.findings.find((f) => f.type === 'RAW_RW_ITER')?.status).toBe('fixed-later');
  });

  it('reads options from .kreview.conf, as checkpatch reads .checkpatch.conf', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kreview-conf-'));
    writeFileSync(join(dir, '.kreview.conf'), '# house style\n--terse --show-types\n');
    writeFileSync(join(dir, 'p.patch'), readFileSync(join(ROOT, 'examples/0001-loop-raw-read-iter.patch')));
    const r = kreview(['check', 'p.patch'], { cwd: dir });
    expect(r.stdout.split('\n')[0]).toMatch(/^p\.patch:36: ERROR:RAW_RW_ITER: /); // --show-types from the file
  });
});

describe('as b4 runs it: one message on stdin, from the top of the tree', () => {
  const msg = (): Buffer => readFileSync(join(ROOT, 'examples/0001-loop-raw-read-iter.patch'));
  it('b4.prep-perpatch-check-cmd / am-perpatch-check-cmd: terse lines b4 reads line by line', () => {
    const r = kreview(['check', '-q', '--terse', '--no-summary', '--mailback', '--showfile', '-'], { input: msg(), cwd: join(ROOT, 'test/fixtures/ktree') });
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^drivers\/block\/loop\.c:275: ERROR: /);
    const clean = kreview(['check', '-q', '--terse', '--no-summary', '--mailback', '--showfile', '-'], { input: readFileSync(join(ROOT, FIX, 'format-patch.patch')) });
    expect(clean).toMatchObject({ status: 0, stdout: '' });
  });
  it('b4.review-perpatch-check-cmd with --format b4: the JSON array b4 stores', () => {
    const r = kreview(['check', '--format', 'b4', '-'], { input: msg() });
    const arr = JSON.parse(r.stdout);
    expect(arr).toEqual([expect.objectContaining({ tool: 'kreview', status: 'fail', url: '' })]);
    expect(typeof arr[0].details).toBe('string');
  });

  it('--format b4 on a corrupt message: a warning that it was not fully checked, not a pass', () => {
    const r = kreview(['check', '--format', 'b4', '-'], { input: readFileSync(join(ROOT, FIX, 'bad-counts.patch')) });
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual([
      { tool: 'kreview', status: 'warn', summary: 'not fully checked: fs/erofs/data.c: hunk at line 21 says 5 old and 6 new lines, found 2 and 3', url: '', details: '-:21: fs/erofs/data.c: hunk at line 21 says 5 old and 6 new lines, found 2 and 3' },
    ]);
  });
});

describe('kreview graph and index', () => {
  it('answers callers, paths and show on a tree', () => {
    const t = ['--tree', 'test/fixtures/ktree'];
    expect(kreview(['graph', 'callers', 'erofs_bread', ...t]).stdout).toBe('erofs_read_metabuf  fs/erofs/data.c:34\n');
    expect(kreview(['graph', 'callers', 'loop_workfn', ...t]).stdout).toContain('(INIT_WORK in loop_queue_work(): a kworker)');
    expect(kreview(['graph', 'path', 'loop_workfn', 'lo_rw_aio', ...t]).stdout).toBe(
      'loop_workfn (drivers/block/loop.c:59) -> loop_handle_cmd (drivers/block/loop.c:52) -> do_req_filebacked (drivers/block/loop.c:43) -> lo_rw_aio\n',
    );
    const show = kreview(['graph', 'show', 'ovl_fsync', ...t]).stdout;
    expect(show).toContain('cred scope ovl_override_creds(ovl_creds(file_inode(file)->i_sb)) lines 30-32');
    expect(show).toContain('creds: ovl_creds(file_inode(file)->i_sb)');
    expect(kreview(['graph', 'show', 'no_such_fn', ...t]).status).toBe(1);
  });
  it('index fills the cache; the second run is warm', () => {
    const a = kreview(['index', '--tree', 'test/fixtures/ktree', 'fs', 'drivers']);
    expect(a.status).toBe(0);
    const b = kreview(['index', '--tree', 'test/fixtures/ktree', 'fs', 'drivers']);
    expect(b.stdout).toMatch(/: 10 files \(10 cached, 0 indexed\)/);
  });
  it('audit: the warm run, which loads only the files the rules and the graph need, reports exactly what the cold run does', () => {
    const env = { KREVIEW_CACHE_DIR: mkdtempSync(join(tmpdir(), 'kreview-audit-')) };
    const tree = mkdtempSync(join(tmpdir(), 'kreview-audit-tree-'));
    cpSync(join(ROOT, 'test/fixtures/ktree'), tree, { recursive: true });
    // a backing-file read whose only caller is in a file no rule looks at: the warm run must load it to judge the read
    writeFileSync(join(tree, 'fs/erofs/x.c'), '#include "internal.h"\n\nssize_t erofs_x_read(struct erofs_sb_info *sbi, struct kiocb *kiocb, struct iov_iter *iter)\n{\n\treturn vfs_iocb_iter_read(sbi->dif0.file, kiocb, iter);\n}\n');
    writeFileSync(join(tree, 'fs/erofs/y.c'), '#include "internal.h"\n\nstatic ssize_t erofs_y_read_iter(struct kiocb *iocb, struct iov_iter *to)\n{\n\treturn erofs_x_read(EROFS_I_SB(file_inode(iocb->ki_filp)), iocb, to);\n}\n\nconst struct file_operations erofs_y_fops = {\n\t.read_iter = erofs_y_read_iter,\n};\n');
    const args = ['audit', '--tree', tree, '--format', 'json', 'fs', 'drivers', 'io_uring'];
    const cold = kreview(args, { env });
    const warm = kreview(args, { env });
    expect(cold.status).toBe(1);
    const strip = (out: string): unknown => ({ ...JSON.parse(out), tool: undefined });
    expect(strip(warm.stdout)).toEqual(strip(cold.stdout));
    const types = (JSON.parse(warm.stdout).inputs[0].patches[0].findings as { type: string; file: string }[]).map((f) => `${f.type} ${f.file}`);
    expect(types).toContain('RAW_RW_ITER drivers/block/loop.c');
    expect(types).not.toContain('RAW_RW_ITER io_uring/rw.c');
    expect(warm.stdout).toContain('erofs_y_read_iter() (file_operations.read_iter, runs as the calling task)');
  });
  it("without a tree, a hunk whose index line names the embedded model's own blob is completed from it, line for line", () => {
    // one call in three lines of context: too little to line up by, but the
    // blob id says the pre-image is the model's fs/erofs/fileio.c
    const patch = (blob: string): string => `From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: Dev <dev@example.org>
Date: Mon, 2 Nov 2026 10:00:00 +0100
Subject: [PATCH] erofs: verify the range before a file-backed read

Signed-off-by: Dev <dev@example.org>
---
diff --git a/fs/erofs/fileio.c b/fs/erofs/fileio.c
index ${blob}..78934faf4c47 100644
--- a/fs/erofs/fileio.c
+++ b/fs/erofs/fileio.c
@@ -58,3 +58,6 @@ static void erofs_fileio_rq_submit(struct erofs_fileio_rq *rq)
 \t\t      rq->bio.bi_iter.bi_size);
-\tret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);
+\tret = rw_verify_area(READ, rq->iocb.ki_filp, &rq->iocb.ki_pos,
+\t\t\t     rq->bio.bi_iter.bi_size);
+\tif (!ret)
+\t\tret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);
 \tif (ret != -EIOCBQUEUED)
-- 
2.47.0
`;
    const dir = mkdtempSync(join(tmpdir(), 'kreview-blob-'));
    writeFileSync(join(dir, 'same.patch'), patch('2c46c69f4329'));
    writeFileSync(join(dir, 'other.patch'), patch('1234567abcde'));
    const same = kreview(['check', '--no-tree', 'same.patch'], { cwd: dir });
    expect(same.status).toBe(1);
    expect(same.stdout).toMatch(/WARNING: rw_verify_area\(\) \(permission check\) on rq->iocb.ki_filp, erofs's backing file, runs with the calling task's credentials \(reached from [^\n]*read_folio\)[^\n]*\n#\d+: FILE: fs\/erofs\/fileio.c:59:/);
    // another blob: the hunk alone does not line up with the model, and nothing is claimed about its callers
    const other = kreview(['check', '--no-tree', 'other.patch'], { cwd: dir });
    expect(other.stdout).toContain('rw_verify_area() is a VFS-internal helper');
    expect(other.stdout).not.toContain('runs with the calling task');
  });
  it("without a tree, a submitter's new helper whose callers the hunks show only in part is not called unchecked", () => {
    // old fs/io_uring.c: io_read()/io_write() run rw_verify_area() above the hunks, then call loop_rw_iter()
    const r = kreview(['check', '--no-tree', `${FIX}/io-uring-loop-rw-iter.patch`]);
    expect(r.stdout).not.toContain('RAW_RW_ITER');
    expect(r.stdout).not.toMatch(/^ERROR/m);
    expect(r.status).toBe(0);
  });
});
