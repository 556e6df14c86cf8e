// `--allow TYPE:PATH[:FUNCTION]` accepts known callers for every TYPE, in the
// engine (no rule implements it): the finding is gone, and only where the
// pattern says. Then the same through the CLI, .kreview.conf and the audit.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { brief, runCase, type RuleCase } from '../support/rule-tester.js';
import { NODE } from '../support/node.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One case per rule: the edit, the finding it makes, and patterns that accept it (and one that must not). */
const CASES: { rule: string; type: string; c: RuleCase; finding: string; accept: string[]; reject: string[] }[] = [
  {
    rule: 'raw-rw-iter',
    type: 'RAW_RW_ITER',
    c: {
      name: 'loop: a raw ->read_iter() on the backing file',
      patches: [{ subject: 'loop: call ->read_iter directly', edit: { 'drivers/block/loop.c': (t) => t.replace('\t\tlen = vfs_iter_read(lo->lo_backing_file, &i, &pos, 0);', '\t\tlen = lo->lo_backing_file->f_op->read_iter(&kiocb, &i);') } }],
    },
    finding: 'introduced drivers/block/loop.c:14 rerouted (high)',
    accept: ['drivers/block/loop.c', 'drivers/block/*', 'drivers/block/loop.c:lo_read_simple', '*:lo_*'],
    reject: ['drivers/block/loop.c:lo_rw_aio', 'fs/*'],
  },
  {
    rule: 'backing-file-creds',
    type: 'BACKING_FILE_CREDS',
    c: {
      name: 'fuse: ctx.cred set to the current task',
      patches: [{ subject: 'fuse: use the caller creds for passthrough', edit: { 'fs/fuse/passthrough.c': (t) => t.replace('\t\t.cred = ff->cred,', '\t\t.cred = current_cred(),') } }],
    },
    finding: 'introduced fs/fuse/passthrough.c:11 ctxCred (high)',
    accept: ['fs/fuse/passthrough.c', 'fs/fuse/*:fuse_passthrough_*'],
    reject: ['fs/fuse/passthrough.c:other_fn', 'fs/erofs/*'],
  },
  {
    rule: 'cross-layer-pagecache',
    type: 'CROSS_LAYER_PAGECACHE',
    c: {
      name: "erofs: the backing file's i_mapping",
      patches: [{ subject: 'erofs: peek at the backing page cache', edit: { 'fs/erofs/data.c': (t) => t.replace('static int erofs_fill_super(', 'static struct folio *erofs_peek(struct erofs_sb_info *sbi, pgoff_t index)\n{\n\treturn filemap_get_folio(file_inode(sbi->dif0.file)->i_mapping, index);\n}\n\nstatic int erofs_fill_super(') } }],
    },
    finding: 'introduced fs/erofs/data.c:51 foreignMapping (high)',
    accept: ['fs/erofs/data.c:erofs_peek', 'fs/erofs/*'],
    reject: ['fs/erofs/data.c:erofs_bread', 'fs/erofs/fileio.c'],
  },
  {
    rule: 'vfs-internal-helper',
    type: 'VFS_INTERNAL_HELPER',
    c: {
      name: 'erofs: #include "../internal.h"',
      patches: [{ subject: 'erofs: use VFS internals', edit: { 'fs/erofs/fileio.c': (t) => t.replace('#include "internal.h"\n', '#include "internal.h"\n#include "../internal.h"\n') } }],
    },
    finding: 'introduced fs/erofs/fileio.c:4 include (high)',
    // an include is in no function: only a pattern without one accepts it
    accept: ['fs/erofs/fileio.c', 'fs/erofs/*'],
    reject: ['fs/erofs/fileio.c:*', 'fs/fuse/*'],
  },
];

describe('--allow, for every TYPE', () => {
  for (const k of CASES) {
    it(`${k.type}: accepted where the pattern says, and only there`, async () => {
      const plain = await runCase([k.rule], k.c);
      expect(plain.findings.map(brief)).toEqual([k.finding]);
      for (const pat of k.accept) {
        const r = await runCase([k.rule], { ...k.c, allow: new Map([[k.type, [pat]]]) });
        expect(r.findings.map(brief), pat).toEqual([]);
      }
      for (const pat of k.reject) {
        const r = await runCase([k.rule], { ...k.c, allow: new Map([[k.type, [pat]]]) });
        expect(r.findings.map(brief), pat).toEqual([k.finding]);
      }
      // another TYPE's allow accepts nothing here
      const other = CASES.find((x) => x.type !== k.type)!;
      const r = await runCase([k.rule], { ...k.c, allow: new Map([[other.type, ['*']]]) });
      expect(r.findings.map(brief)).toEqual([k.finding]);
    });
  }

  it('through the CLI, .kreview.conf and the audit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kreview-allow-'));
    const env = { ...process.env, KREVIEW_CACHE_DIR: join(dir, 'cache'), HOME: dir, NO_COLOR: '1' };
    const run = (args: string[], cwd = ROOT) => spawnSync(NODE, [join(ROOT, 'dist/bin/kreview.cjs'), ...args], { cwd, env, encoding: 'utf8' });
    const demo = join(ROOT, 'examples/0001-loop-raw-read-iter.patch');
    expect(run(['check', '--no-tree', demo]).status).toBe(1);
    expect(run(['check', '--no-tree', '--allow', 'RAW_RW_ITER:drivers/block/loop.c', demo]).status).toBe(0);
    expect(run(['check', '--no-tree', '--allow', 'raw_rw_iter:drivers/block/loop.c:lo_rw_aio', demo]).status).toBe(1);
    const proj = mkdtempSync(join(dir, 'proj-'));
    writeFileSync(join(proj, '.kreview.conf'), '--allow RAW_RW_ITER:drivers/block/*\n');
    expect(run(['check', '--no-tree', demo], proj).status).toBe(0);
    const tree = join(ROOT, 'test/fixtures/ktree');
    const audit = run(['audit', '--tree', tree, '--terse', 'drivers/block']);
    expect(audit.stdout).toContain('drivers/block/loop.c');
    const allowed = run(['audit', '--tree', tree, '--terse', '--allow', 'RAW_RW_ITER:drivers/block/loop.c:lo_rw_aio', 'drivers/block']);
    expect(allowed.stdout).not.toMatch(/RAW_RW_ITER|->read_iter|->write_iter/);
    expect(allowed.status).toBe(0);
  });
});
