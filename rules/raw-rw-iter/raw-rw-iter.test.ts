import { describe, expect, it } from 'vitest';
import { brief, fixtureName, ruleTester, runCase, type InvalidCase, type ValidCase } from '../../test/support/rule-tester.js';

const RULE = ['raw-rw-iter'];

/** Each case: the edits, then the findings it must produce (brief form). */
const invalid: InvalidCase[] = [
  {
    name: 'loop: vfs_iter_read() replaced by a raw ->read_iter() on the backing file',
    patches: [{ subject: 'loop: call ->read_iter directly', edit: { 'drivers/block/loop.c': (t) => t.replace(
      '\t\tlen = vfs_iter_read(lo->lo_backing_file, &i, &pos, 0);',
      '\t\tinit_sync_kiocb(&kiocb, lo->lo_backing_file);\n\t\tkiocb.ki_pos = pos;\n\t\tlen = lo->lo_backing_file->f_op->read_iter(&kiocb, &i);',
    ).replace('\tssize_t len;\n', '\tstruct kiocb kiocb;\n\tssize_t len;\n') } }],
    expect: ['introduced drivers/block/loop.c:17 rerouted (high)'],
  },
  {
    name: 'loop: buffered I/O re-routed to the existing raw call in lo_rw_aio()',
    patches: [{ subject: 'loop: stop using vfs_iter_read for buffered I/O', edit: { 'drivers/block/loop.c': (t) => t.replace(
      '\tif (cmd->use_aio)\n\t\treturn lo_rw_aio(lo, cmd, pos, ITER_DEST);\n\treturn lo_read_simple(lo, rq, pos);',
      '\treturn lo_rw_aio(lo, cmd, pos, ITER_DEST);',
    ).replace(/static int lo_read_simple[\s\S]*?\n}\n\n/, '') } }],
    // only the read path lost its check: the write path was raw before the patch too
    expect: ['preexisting drivers/block/loop.c:15 raw (high)', 'introduced drivers/block/loop.c:17 rerouted (high)'],
  },
  {
    name: 'overlayfs-like: the old call_read_iter() on the real file',
    patches: [{ subject: 'ovl: read the real file directly', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      '\treturn backing_file_read_iter(realfile, iter, iocb, iocb->ki_flags, &ctx);',
      '\treturn call_read_iter(realfile, iocb, iter);',
    ) } }],
    expect: ['introduced fs/overlayfs/file.c:18 rerouted (high)'],
  },
  {
    name: 'nfs-localio-like: ->write_iter() on a file taken from a kiocb built elsewhere',
    tree: { 'fs/nfs/localio.c': '// synthetic\n#include "internal.h"\n\nstatic void nfs_local_call_write(struct work_struct *work)\n{\n\tstruct nfs_local_kiocb *iocb = container_of(work, struct nfs_local_kiocb, work);\n\tstruct file *filp = iocb->kiocb.ki_filp;\n\tssize_t status = 0;\n\n\tnfs_local_write_done(iocb, status);\n}\n' },
    patches: [{ subject: 'nfs/localio: write through ->write_iter', edit: { 'fs/nfs/localio.c': (t) => t.replace(
      '\tssize_t status = 0;\n',
      '\tstruct iov_iter iter;\n\tssize_t status;\n\n\tstatus = filp->f_op->write_iter(&iocb->kiocb, &iter);\n',
    ) } }],
    expect: ['introduced fs/nfs/localio.c:11 raw (high)'],
  },
  {
    name: 'erofs: __kernel_read() on the backing file',
    patches: [{ subject: 'erofs: read the superblock with __kernel_read', edit: { 'fs/erofs/data.c': (t) => t.replace(
      'static int erofs_fill_super(',
      'static int erofs_read_raw(struct erofs_sb_info *sbi, void *buf, size_t len, loff_t *pos)\n{\n\treturn __kernel_read(sbi->dif0.file, buf, len, pos);\n}\n\nstatic int erofs_fill_super(',
    ) } }],
    expect: ['introduced fs/erofs/data.c:51 raw (high)'],
  },
  {
    name: "erofs: a hand ->read_folio() on the backing file's mapping",
    patches: [{ subject: 'erofs: fill a folio from the backing file', edit: { 'fs/erofs/data.c': (t) => t.replace(
      'static int erofs_fill_super(',
      'static int erofs_fill_folio(struct erofs_sb_info *sbi, struct folio *folio)\n{\n\tstruct file *file = sbi->dif0.file;\n\n\treturn file->f_mapping->a_ops->read_folio(file, folio);\n}\n\nstatic int erofs_fill_super(',
    ) } }],
    expect: ['introduced fs/erofs/data.c:53 raw (high)'],
  },
  {
    name: 'loop: the raw call moved into a new helper is still reported, as moved',
    patches: [{ subject: 'loop: factor out lo_submit_iter', edit: { 'drivers/block/loop.c': (t) => t.replace(
      '\tif (rw == ITER_SOURCE)\n\t\tret = file->f_op->write_iter(&cmd->iocb, &iter);\n\telse\n\t\tret = file->f_op->read_iter(&cmd->iocb, &iter);\n\treturn ret;',
      '\tret = lo_submit_iter(file, &cmd->iocb, &iter, rw);\n\treturn ret;',
    ).replace(
      'static int lo_rw_aio(',
      'static int lo_submit_iter(struct file *file, struct kiocb *iocb, struct iov_iter *iter, int rw)\n{\n\tif (rw == ITER_SOURCE)\n\t\treturn file->f_op->write_iter(iocb, iter);\n\treturn file->f_op->read_iter(iocb, iter);\n}\n\nstatic int lo_rw_aio(',
    ) } }],
    expect: ['moved drivers/block/loop.c:24 raw (high)', 'moved drivers/block/loop.c:25 raw (high)'],
  },
  {
    name: 'fuse-like: ->splice_write() on the backing file',
    patches: [{ subject: 'fuse: splice to the backing file', edit: { 'fs/fuse/passthrough.c': (t) => t + '\nssize_t fuse_passthrough_splice_write(struct pipe_inode_info *pipe, struct file *out,\n\t\t\t\t      loff_t *ppos, size_t len, unsigned int flags)\n{\n\tstruct fuse_file *ff = out->private_data;\n\tstruct file *backing_file = fuse_file_passthrough(ff);\n\n\treturn backing_file->f_op->splice_write(pipe, backing_file, ppos, len, flags);\n}\n' } }],
    expect: ['introduced fs/fuse/passthrough.c:24 raw (high)'],
  },
  {
    name: 'patch-only mode: the same loop change with no tree, judged from the patch and the model',
    mode: 'patch-only',
    patches: [{ subject: 'loop: call ->read_iter directly', edit: { 'drivers/block/loop.c': (t) => t.replace(
      '\t\tlen = vfs_iter_read(lo->lo_backing_file, &i, &pos, 0);',
      '\t\tlen = lo->lo_backing_file->f_op->read_iter(&kiocb, &i);',
    ) } }],
    expect: ['introduced drivers/block/loop.c:14 rerouted (medium)'],
  },
  {
    name: 'io_uring: a new raw call in a submitter function that has no rw_verify_area()',
    patches: [{ subject: 'io_uring/rw: add a fast read path', edit: { 'io_uring/rw.c': (t) => t + '\nstatic int io_read_fast(struct io_kiocb *req)\n{\n\tstruct io_rw *rw = io_kiocb_to_cmd(req, struct io_rw);\n\n\treturn req->file->f_op->read_iter(&rw->kiocb, &rw->iter);\n}\n' } }],
    expect: ['introduced io_uring/rw.c:29 raw (medium)'],
  },
];

const valid: ValidCase[] = [
  {
    name: 'the VFS core itself calls the method after rw_verify_area()',
    patches: [{ subject: 'fs: add vfs_iocb_iter_read_nowait', edit: { 'fs/read_write.c': (t) => t + '\nssize_t vfs_read_nocheck_fast(struct file *file, struct kiocb *iocb, struct iov_iter *iter)\n{\n\treturn file->f_op->read_iter(iocb, iter);\n}\n' } }],
    expect: [],
  },
  {
    name: 'a raw call dominated by rw_verify_area() on the same file',
    patches: [{ subject: 'erofs: checked raw read', edit: { 'fs/erofs/data.c': (t) => t.replace(
      'static int erofs_fill_super(',
      'static ssize_t erofs_read_checked(struct file *file, struct kiocb *kiocb, struct iov_iter *iter)\n{\n\tint ret = rw_verify_area(READ, file, &kiocb->ki_pos, iov_iter_count(iter));\n\n\tif (ret)\n\t\treturn ret;\n\treturn file->f_op->read_iter(kiocb, iter);\n}\n\nstatic int erofs_fill_super(',
    ) } }],
    expect: [],
  },
  {
    name: 'a helper whose only caller runs rw_verify_area() first',
    patches: [{ subject: 'loop: split the raw submit', edit: { 'drivers/block/loop.c': (t) => t.replace(
      'static int do_req_filebacked(',
      'static ssize_t lo_raw_read(struct file *file, struct kiocb *iocb, struct iov_iter *iter)\n{\n\treturn file->f_op->read_iter(iocb, iter);\n}\n\nstatic ssize_t lo_checked_read(struct file *file, struct kiocb *iocb, struct iov_iter *iter)\n{\n\tint ret = rw_verify_area(READ, file, &iocb->ki_pos, iov_iter_count(iter));\n\n\tif (ret)\n\t\treturn ret;\n\treturn lo_raw_read(file, iocb, iter);\n}\n\nstatic int do_req_filebacked(',
    ) } }],
    expect: [],
  },
  {
    name: 'io_uring: the raw call after __io_read() checked the request',
    patches: [{ subject: 'io_uring/rw: comment the dispatch', edit: { 'io_uring/rw.c': (t) => t.replace('\tif (likely(file->f_op->read_iter))\n', '\t/* the caller ran rw_verify_area() */\n\tif (likely(file->f_op->read_iter))\n') } }],
    expect: [],
  },
  {
    name: "a ->read method implemented with the file's own ->read_iter",
    patches: [{ subject: 'erofs: add a read method', edit: { 'fs/erofs/data.c': (t) => t.replace(
      'static int erofs_fill_super(',
      'static ssize_t erofs_dir_read(struct file *file, char __user *buf, size_t len, loff_t *ppos)\n{\n\tstruct kiocb kiocb;\n\tstruct iov_iter iter;\n\n\tinit_sync_kiocb(&kiocb, file);\n\treturn file->f_op->read_iter(&kiocb, &iter);\n}\n\nconst struct file_operations erofs_dir_fops = {\n\t.read = erofs_dir_read,\n};\n\nstatic int erofs_fill_super(',
    ) } }],
    expect: [],
  },
  {
    name: 'testing whether a method exists is not a call',
    patches: [{ subject: 'loop: refuse files without ->read_iter', edit: { 'drivers/block/loop.c': (t) => t.replace(
      '\tcmd->iocb.ki_pos = pos;\n',
      '\tif (!file->f_op->read_iter || !file->f_op->write_iter)\n\t\treturn -EINVAL;\n\tcmd->iocb.ki_pos = pos;\n',
    ) } }],
    expect: ['preexisting drivers/block/loop.c:33 raw (high)', 'preexisting drivers/block/loop.c:35 raw (high)'],
  },
  {
    name: 'fs/backing-file.c is the checked helper itself',
    patches: [{ subject: 'backing-file: add splice_write', edit: { 'fs/backing-file.c': (t) => t + '\nssize_t backing_file_splice_write(struct pipe_inode_info *pipe, struct file *out, loff_t *ppos,\n\t\t\t\t  size_t len, unsigned int flags, struct backing_file_ctx *ctx)\n{\n\treturn out->f_op->splice_write(pipe, out, ppos, len, flags);\n}\n' } }],
    expect: [],
  },
  {
    name: 'the stacked filesystem uses the checked backing_file_read_iter()',
    patches: [{ subject: 'fuse: passthrough reads', edit: { 'fs/fuse/passthrough.c': (t) => t.replace('\t\t.user_file = file,\n\t};', '\t\t.user_file = file,\n\t};\n\n\tif (!backing_file)\n\t\treturn -EIO;') } }],
    expect: [],
  },
  {
    name: 'a checked call whose arguments change is not dropped (the raw call elsewhere stays pre-existing)',
    patches: [{ subject: 'loop: read without flags', edit: { 'drivers/block/loop.c': (t) => t.replace('\t\tlen = vfs_iter_read(lo->lo_backing_file, &i, &pos, 0);', '\t\tlen = vfs_iter_read(lo->lo_backing_file, &i, &pos, RWF_NOWAIT);') } }],
    expect: [],
  },
  {
    name: 'a function renamed with its checked call is not a dropped check',
    patches: [{ subject: 'loop: rename lo_read_simple', edit: { 'drivers/block/loop.c': (t) => t.replaceAll('lo_read_simple', 'lo_read_plain') } }],
    // lo_rw_aio()'s raw calls were there before, and no I/O moved to them
    expect: ['preexisting drivers/block/loop.c:31 raw (high)', 'preexisting drivers/block/loop.c:33 raw (high)'],
  },
  {
    name: 'removing a path that used the checked call does not re-route I/O to the raw call',
    patches: [{ subject: 'loop: drop the simple read path', edit: { 'drivers/block/loop.c': (t) => t.replace(/static int lo_read_simple[\s\S]*?\n}\n\n/, '').replace('\tif (cmd->use_aio)\n\t\treturn lo_rw_aio(lo, cmd, pos, ITER_DEST);\n\treturn lo_read_simple(lo, rq, pos);', '\tif (!cmd->use_aio)\n\t\treturn -EOPNOTSUPP;\n\treturn 0;') } }],
    expect: ['preexisting drivers/block/loop.c:15 raw (high)', 'preexisting drivers/block/loop.c:17 raw (high)'],
  },
  {
    name: "a raw call on a file this code made for itself (shmem_file_setup())",
    patches: [{ subject: 'erofs: write a scratch file', edit: { 'fs/erofs/data.c': (t) => t.replace('static int erofs_fill_super(', 'static ssize_t erofs_scratch_write(struct kiocb *kiocb, struct iov_iter *iter)\n{\n\tstruct file *file = shmem_file_setup("erofs-scratch", SZ_1M, 0);\n\n\treturn file->f_op->write_iter(kiocb, iter);\n}\n\nstatic int erofs_fill_super(') } }],
    expect: [],
  },
  {
    name: 'a raw call on a file whose owner cannot be traced is a CHECK (shown with --strict), not counted',
    patches: [{ subject: 'erofs: write through a private file', edit: { 'fs/erofs/data.c': (t) => t.replace('static int erofs_fill_super(', 'static ssize_t erofs_priv_write(struct erofs_priv *priv, struct kiocb *kiocb, struct iov_iter *iter)\n{\n\treturn priv->store->f_op->write_iter(kiocb, iter);\n}\n\nstatic int erofs_fill_super(') } }],
    expect: ['introduced fs/erofs/data.c:51 rawUnknown (low)'],
  },
  {
    name: 'old fs/io_uring.c: the raw call in a hunk of a function whose rw_verify_area() the patch does not show',
    tree: { 'fs/io_uring.c': '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: io_uring before it moved to io_uring/. */\n#include <linux/fs.h>\n\nstatic int io_read(struct io_kiocb *req, bool force_nonblock)\n{\n\tstruct kiocb *kiocb = &req->rw;\n\tstruct file *file = kiocb->ki_filp;\n\tssize_t ret;\n\n\tret = rw_verify_area(READ, file, &kiocb->ki_pos, req->len);\n\tif (ret)\n\t\treturn ret;\n\n\n\n\n\n\n\n\n\n\tret = call_read_iter(file, kiocb, &req->iter);\n\treturn ret;\n}\n' },
    mode: 'patch-only',
    patches: [{ subject: 'io_uring: read through ->read_iter', edit: { 'fs/io_uring.c': (t) => t.replace('\tret = call_read_iter(file, kiocb, &req->iter);', '\tret = file->f_op->read_iter(kiocb, &req->iter);') } }],
    expect: [],
  },
];

describe('RAW_RW_ITER', () => {
  ruleTester.run('raw-rw-iter', { valid, invalid });

  it('a series that adds a raw call and replaces it later reports it as fixed later', async () => {
    const r = await runCase(RULE, {
      name: 'fixed later',
      patches: [
        { subject: 'erofs: read the backing file directly', edit: { 'fs/erofs/fileio.c': (t) => t.replace(
          '\tret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);',
          '\tret = rq->iocb.ki_filp->f_op->read_iter(&rq->iocb, &iter);',
        ) } },
        { subject: 'erofs: tidy the request set-up', edit: { 'fs/erofs/fileio.c': (t) => t.replace('\trq->iocb.ki_filp = mdev->m_dif->file;\n', '\trq->iocb.ki_filp = mdev->m_dif->file;\n\trq->iocb.ki_flags = 0;\n') } },
        { subject: 'erofs: go back to vfs_iocb_iter_read', edit: { 'fs/erofs/fileio.c': (t) => t.replace(
          '\tret = rq->iocb.ki_filp->f_op->read_iter(&rq->iocb, &iter);',
          '\tret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);',
        ) } },
      ],
    });
    await expect(r.patches.join('')).toMatchFileSnapshot(fixtureName(90, 'series fixed later'));
    expect(r.reports.map((p) => p.findings.map(brief))).toEqual([['fixed-later fs/erofs/fileio.c:19 reroutedKeep (high)'], [], []]);
    expect(r.reports[0]!.findings[0]!.fixedBy).toEqual({ index: 3, subject: 'erofs: go back to vfs_iocb_iter_read' });
  });

  it('renders a finding with its evidence', async () => {
    const r = await runCase(RULE, invalid[1]!);
    await expect(r.text).toMatchFileSnapshot('./fixtures/rendered.txt');
  });
});
