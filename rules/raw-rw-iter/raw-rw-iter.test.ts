import { describe, expect, it } from 'vitest';
import { brief, fixtureName, loadKtree, ruleTester, runCase, type InvalidCase, type ValidCase } from '../../test/support/rule-tester.js';

const RULE = ['raw-rw-iter'];

/** Each case: the edits, then the findings it must produce (brief form). */
/** A swap-like reader: the kiocb lives in the driver's own struct, set up in one function and used in another. */
const SWAP_IO = '// synthetic\n#include <linux/swap.h>\n\nstruct swap_iocb {\n\tstruct kiocb\t\tiocb;\n\tint\t\t\tlen;\n};\n\nstatic void swap_read_start(struct swap_info_struct *sis, struct swap_iocb *sio, loff_t pos)\n{\n\tstruct file *swap_file = sis->swap_file;\n\n\tinit_sync_kiocb(&sio->iocb, swap_file);\n\tsio->iocb.ki_pos = pos;\n}\n\nstatic void swap_read_unplug(struct swap_iocb *sio)\n{\n\tstruct iov_iter from;\n\tint ret = 0;\n\n\tiov_iter_bvec(&from, ITER_DEST, NULL, 0, sio->len);\n\tif (ret)\n\t\treturn;\n}\n';

/** An nfsd-like server: a splice read checked first, a copy through vfs_copy_file_range(). */
const NFSD_VFS = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: nfsd reading an exported file by splice. */\n#include "vfs.h"\n\n__be32 nfsd_splice_read(struct svc_rqst *rqstp, struct file *file, loff_t offset, unsigned long *count)\n{\n\tstruct splice_desc sd = { .total_len = *count, .pos = offset };\n\tssize_t host_err;\n\n\thost_err = rw_verify_area(READ, file, &offset, *count);\n\tif (!host_err)\n\t\thost_err = splice_direct_to_actor(file, &sd, nfsd_direct_splice_actor);\n\treturn host_err;\n}\n\n__be32 nfsd_read(struct svc_rqst *rqstp, struct nfsd_file *nf, loff_t offset, unsigned long *count)\n{\n\treturn nfsd_splice_read(rqstp, nf->nf_file, offset, count);\n}\n\nssize_t nfsd_copy_file_range(struct file *src, u64 src_pos, struct file *dst, u64 dst_pos, u64 count)\n{\n\tssize_t ret;\n\n\tret = vfs_copy_file_range(src, src_pos, dst, dst_pos, count, 0);\n\tif (ret == -EOPNOTSUPP || ret == -EXDEV)\n\t\tret = vfs_copy_file_range(src, src_pos, dst, dst_pos, count, COPY_FILE_SPLICE);\n\treturn ret;\n}\n\nssize_t nfsd_copy(struct nfsd_file *nf_src, struct nfsd_file *nf_dst, u64 count)\n{\n\treturn nfsd_copy_file_range(nf_src->nf_file, 0, nf_dst->nf_file, 0, count);\n}\n';

/** loop's dispatch with the aio path taken only for non-FUA requests. */
const LOOP_GUARDED = '// synthetic\n#include <linux/fs.h>\n\nstatic int lo_rw_aio(struct loop_device *lo, struct loop_cmd *cmd, loff_t pos, int rw)\n{\n\tstruct iov_iter iter;\n\tstruct file *file = lo->lo_backing_file;\n\n\tcmd->iocb.ki_pos = pos;\n\tcmd->iocb.ki_filp = file;\n\treturn file->f_op->read_iter(&cmd->iocb, &iter);\n}\n\nstatic int do_req_filebacked(struct loop_device *lo, struct request *rq)\n{\n\tstruct loop_cmd *cmd = blk_mq_rq_to_pdu(rq);\n\tloff_t pos = blk_rq_pos(rq) << 9;\n\tstruct bio_vec bvec;\n\tstruct iov_iter i;\n\tint ret;\n\n\tiov_iter_bvec(&i, ITER_DEST, &bvec, 1, bvec.bv_len);\n\tret = 0;\n\tif (cmd->use_aio && !(rq->cmd_flags & REQ_FUA))\n\t\treturn lo_rw_aio(lo, cmd, pos, ITER_DEST);\n\treturn vfs_iter_read(lo->lo_backing_file, &i, &pos, 0);\n}\n';

/** nvmet-like: a request's read or write picked from the namespace file's f_op into a local, then called on a kiocb. */
const NVMET_SUBMIT = '// synthetic\n#include "nvmet.h"\n\nstatic ssize_t nvmet_file_submit_bvec(struct nvmet_req *req, loff_t pos, unsigned long nr_segs, size_t count, int ki_flags)\n{\n\tstruct kiocb *iocb = &req->f.iocb;\n\tssize_t (*call_iter)(struct kiocb *iocb, struct iov_iter *iter);\n\tstruct iov_iter iter;\n\tint rw;\n\n\tif (req->cmd->rw.opcode == nvme_cmd_write) {\n\t\tcall_iter = req->ns->file->f_op->write_iter;\n\t\trw = ITER_SOURCE;\n\t} else {\n\t\tcall_iter = req->ns->file->f_op->read_iter;\n\t\trw = ITER_DEST;\n\t}\n\n\tiov_iter_bvec(&iter, rw, req->f.bvec, nr_segs, count);\n\tiocb->ki_pos = pos;\n\tiocb->ki_filp = req->ns->file;\n\tiocb->ki_flags = ki_flags;\n\treturn call_iter(iocb, &iter);\n}\n\nconst struct nvmet_file_ops nvmet_file_ops = {\n\t.submit = nvmet_file_submit_bvec,\n};\n';

/** lib/buildid.c-like: a reader of a vma's file, whose origin is out of view. */
const BUILDID = '// synthetic\n#include <linux/buildid.h>\n\nstruct freader {\n\tstruct file *file;\n\tstruct folio *folio;\n};\n\nstatic int freader_get_folio(struct freader *r, loff_t file_off)\n{\n\tr->folio = filemap_get_folio(r->file->f_mapping, file_off >> PAGE_SHIFT);\n\treturn 0;\n}\n';
/** mm/readahead.c-like: the page cache's own read path calls ->read_folio() through the a_ops. */
const MM_READ = '// synthetic\n#include <linux/pagemap.h>\n\nstatic void read_pages_one(struct readahead_control *rac, struct folio *folio)\n{\n\tconst struct address_space_operations *aops = rac->mapping->a_ops;\n\n\tfolio_unlock(folio);\n}\n';

/** security/keys/big_key.c-like: a private shmem file written at preparse, its path pinned, reopened by path to read back. */
const BIG_KEY = '// synthetic\n#include <linux/shmem_fs.h>\n\nstruct big_key_payload {\n\tstruct path path;\n};\n\nint big_key_preparse(struct big_key_payload *payload, void *buf, size_t enclen)\n{\n\tstruct file *file;\n\tloff_t pos = 0;\n\tssize_t written;\n\n\tfile = shmem_kernel_file_setup("", enclen, 0);\n\tif (IS_ERR(file))\n\t\treturn PTR_ERR(file);\n\twritten = kernel_write(file, buf, enclen, &pos);\n\tpayload->path = file->f_path;\n\tpath_get(&payload->path);\n\tfput(file);\n\treturn written == enclen ? 0 : -EIO;\n}\n\nlong big_key_read(struct big_key_payload *payload, void *buf, size_t enclen)\n{\n\tstruct file *file;\n\tloff_t pos = 0;\n\tlong ret;\n\n\tfile = dentry_open(&payload->path, O_RDONLY, current_cred());\n\tif (IS_ERR(file))\n\t\treturn PTR_ERR(file);\n\tret = kernel_read(file, buf, enclen, &pos);\n\tfput(file);\n\tpath_put(&payload->path);\n\treturn ret;\n}\n';

const SENDFILE = '// synthetic\n#include <linux/fs.h>\n\nstatic ssize_t do_sendfile(struct file *in, struct file *out, loff_t *ppos, size_t count)\n{\n\tloff_t pos = *ppos, out_pos = 0;\n\tssize_t retval;\n\n\tretval = rw_verify_area(READ, in, &pos, count);\n\tif (retval < 0)\n\t\treturn retval;\n\tretval = rw_verify_area(WRITE, out, &out_pos, count);\n\tif (retval < 0)\n\t\treturn retval;\n\tretval = do_splice_direct(in, &pos, out, &out_pos, count, 0);\n\treturn retval;\n}\n';

/** A server's spliced read: the range checked, then spliced (splice_direct_to_actor() leaves the check to its callers). */
const YSPLICE =
  '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: a server\'s spliced read. */\n#include <linux/splice.h>\n#include "vfs.h"\n\nssize_t ysplice_read(struct svc_rqst *rqstp, struct file *file, loff_t offset, unsigned long count)\n{\n\tstruct splice_desc sd = {\n\t\t.total_len\t= count,\n\t\t.pos\t\t= offset,\n\t\t.u.data\t\t= rqstp,\n\t};\n\tssize_t err;\n\n\terr = rw_verify_area(READ, file, &offset, count);\n\tif (err)\n\t\treturn err;\n\treturn splice_direct_to_actor(file, &sd, ysplice_actor);\n}\n';
const YSPLICE_PAGES =
  '/* the caller checks the range */\nssize_t ysplice_pages(struct svc_rqst *rqstp, struct file *file, loff_t offset, unsigned long count)\n{\n\tstruct splice_desc sd = {\n\t\t.total_len\t= count,\n\t\t.pos\t\t= offset,\n\t\t.u.data\t\t= rqstp,\n\t};\n\n\treturn splice_direct_to_actor(file, &sd, ysplice_actor);\n}\n\n';
/** Its caller in another file, on the file an nfsd_file holds. */
const YXDR =
  '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: a server\'s reply encoder. */\n#include "vfs.h"\n\n__be32 yencode_read(struct svc_rqst *rqstp, struct yread *read)\n{\n\tstruct file *file = read->rd_nf->nf_file;\n\tssize_t n;\n\n\tn = ysplice_read(rqstp, file, read->rd_offset, read->rd_length);\n\tif (n < 0)\n\t\treturn nfserrno(n);\n\tread->rd_length = n;\n\treturn nfs_ok;\n}\n';

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
    expect: ['introduced io_uring/rw.c:29 raw (high)'],
  },
  {
    name: 'a target-like backstore: __kernel_write() on the file it opened by path',
    tree: { 'drivers/target/target_core_file.c': '// synthetic\n#include <linux/fs.h>\n\nstatic int fd_configure_device(struct se_device *dev)\n{\n\tstruct fd_dev *fd_dev = FD_DEV(dev);\n\tstruct file *file;\n\n\tfile = filp_open(fd_dev->fd_dev_name, O_RDWR | O_LARGEFILE, 0600);\n\tif (IS_ERR(file))\n\t\treturn PTR_ERR(file);\n\tfd_dev->fd_file = file;\n\treturn 0;\n}\n\nstatic int fd_do_prot_fill(struct se_device *se_dev, void *buf, size_t len, loff_t pos)\n{\n\tstruct fd_dev *fd_dev = FD_DEV(se_dev);\n\tssize_t ret;\n\n\tret = kernel_write(fd_dev->fd_file, buf, len, &pos);\n\treturn ret < 0 ? ret : 0;\n}\n' },
    patches: [{ subject: 'target/file: fill the protection file with __kernel_write', edit: { 'drivers/target/target_core_file.c': (t) => t.replace('ret = kernel_write(', 'ret = __kernel_write(') } }],
    expect: ['introduced drivers/target/target_core_file.c:21 reroutedKeep (high)'],
  },
  {
    name: "a file a helper returns (dentry_open() in the helper): __kernel_read() on it",
    tree: { 'drivers/misc/xstore.c': '// synthetic\n#include <linux/fs.h>\n\nstatic struct file *xstore_open(const struct path *path)\n{\n\treturn dentry_open(path, O_RDONLY | O_LARGEFILE, current_cred());\n}\n\nint xstore_read_header(const struct path *path, void *buf, size_t len)\n{\n\tstruct file *file = xstore_open(path);\n\tloff_t pos = 0;\n\tssize_t ret;\n\n\tif (IS_ERR(file))\n\t\treturn PTR_ERR(file);\n\tret = kernel_read(file, buf, len, &pos);\n\tfput(file);\n\treturn ret;\n}\n' },
    patches: [{ subject: 'xstore: read the header with __kernel_read', edit: { 'drivers/misc/xstore.c': (t) => t.replace('ret = kernel_read(', 'ret = __kernel_read(') } }],
    expect: ['introduced drivers/misc/xstore.c:17 reroutedKeep (high)'],
  },
  {
    name: 'a file stored through an out-parameter (*filp = dentry_open()), then a raw ->write_iter()',
    tree: { 'drivers/misc/xstore.c': '// synthetic\n#include <linux/fs.h>\n\nstatic int xstore_open(const struct path *path, struct file **filp)\n{\n\tstruct file *f = dentry_open(path, O_RDWR, current_cred());\n\n\tif (IS_ERR(f))\n\t\treturn PTR_ERR(f);\n\t*filp = f;\n\treturn 0;\n}\n\nint xstore_attach(struct xstore *st, const struct path *path)\n{\n\treturn xstore_open(path, &st->st_file);\n}\n\nssize_t xstore_write(struct xstore *st, struct kiocb *kiocb, struct iov_iter *iter)\n{\n\treturn vfs_iocb_iter_write(st->st_file, kiocb, iter);\n}\n' },
    patches: [{ subject: 'xstore: write through ->write_iter', edit: { 'drivers/misc/xstore.c': (t) => t.replace('\treturn vfs_iocb_iter_write(st->st_file, kiocb, iter);', '\treturn st->st_file->f_op->write_iter(kiocb, iter);') } }],
    expect: ['introduced drivers/misc/xstore.c:21 reroutedKeep (high)'],
  },
  {
    name: "a raw ->read_iter() through a function pointer taken from the backing file's f_op",
    patches: [{ subject: 'erofs: read through the method pointer', edit: { 'fs/erofs/data.c': (t) => t.replace(
      'static int erofs_fill_super(',
      'static ssize_t erofs_read_ptr(struct erofs_sb_info *sbi, struct kiocb *kiocb, struct iov_iter *iter)\n{\n\tssize_t (*rd)(struct kiocb *, struct iov_iter *);\n\n\trd = sbi->dif0.file->f_op->read_iter;\n\treturn rd(kiocb, iter);\n}\n\nstatic int erofs_fill_super(',
    ) } }],
    expect: ['introduced fs/erofs/data.c:54 raw (high)'],
  },
  {
    name: "io_uring: the check moved into a branch the request's path can skip",
    tree: { 'io_uring/rw.c': "// synthetic\n#include <linux/fs.h>\n\nstatic ssize_t io_iter_do_read(struct io_rw *rw, struct iov_iter *iter)\n{\n\tstruct file *file = rw->kiocb.ki_filp;\n\n\tif (likely(file->f_op->read_iter))\n\t\treturn file->f_op->read_iter(&rw->kiocb, iter);\n\treturn -EINVAL;\n}\n\nstatic int __io_read(struct io_kiocb *req, unsigned int issue_flags)\n{\n\tstruct io_rw *rw = io_kiocb_to_cmd(req, struct io_rw);\n\tint ret;\n\n\tret = rw_verify_area(READ, req->file, &rw->kiocb.ki_pos, req->cqe.res);\n\tif (unlikely(ret))\n\t\treturn ret;\n\treturn io_iter_do_read(rw, &rw->iter);\n}\n\nint io_read(struct io_kiocb *req, unsigned int issue_flags)\n{\n\treturn __io_read(req, issue_flags);\n}\n\nconst struct io_issue_def io_issue_defs[] = {\n\t[IORING_OP_NOP] = {\n\t\t.audit_skip = 1,\n\t},\n\t[IORING_OP_READ] = {\n\t\t.needs_file = 1,\n\t\t.issue = io_read,\n\t},\n};\n" },
    patches: [{ subject: 'io_uring/rw: skip the range check for multishot reads', edit: { 'io_uring/rw.c': (t) => t.replace(
      '\tret = rw_verify_area(READ, req->file, &rw->kiocb.ki_pos, req->cqe.res);\n\tif (unlikely(ret))\n\t\treturn ret;\n',
      '\tif (!(issue_flags & IO_URING_F_MULTISHOT)) {\n\t\tret = rw_verify_area(READ, req->file, &rw->kiocb.ki_pos, req->cqe.res);\n\t\tif (unlikely(ret))\n\t\t\treturn ret;\n\t}\n',
    ) } }],
    expect: ['introduced io_uring/rw.c:9 raw (medium)'],
  },
  {
    name: "fs/backing-file.c: a raw ->read_iter() in backing_file_read_iter() on the stacked filesystem's backing file",
    patches: [{ subject: 'backing-file: read synchronously through ->read_iter', edit: { 'fs/backing-file.c': (t) => t.replace('\tret = vfs_iter_read(file, iter, &iocb->ki_pos, flags);', '\tret = file->f_op->read_iter(iocb, iter);') } }],
    expect: ['introduced fs/backing-file.c:14 rerouted (high)'],
  },
  {
    name: "overlayfs-like: a hand ->read_folio() on the real file's mapping, with the overlay file as its cookie",
    patches: [{ subject: 'ovl: fill a folio from the real file', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      'static int ovl_fsync(',
      'static int ovl_fill_folio(struct file *file, struct folio *folio)\n{\n\tstruct file *realfile = ovl_real_file(file);\n\tstruct address_space *mapping = realfile->f_mapping;\n\n\treturn mapping->a_ops->read_folio(file, folio);\n}\n\nstatic int ovl_fsync(',
    ) } }],
    expect: ['introduced fs/overlayfs/file.c:26 raw (high)'],
  },
  {
    name: 'patch-only mode: the check removed in one hunk, the raw call on lines between two hunks that the patch does not show',
    mode: 'patch-only',
    tree: { 'drivers/misc/xstore.c': '// synthetic\n#include <linux/fs.h>\n\nssize_t xstore_read(struct xstore *st, struct kiocb *kiocb, struct iov_iter *iter)\n{\n\tstruct file *file = st->lower_file;\n\tsize_t count = iov_iter_count(iter);\n\tssize_t ret;\n\n\tret = rw_verify_area(READ, file, &kiocb->ki_pos, count);\n\tif (ret)\n\t\treturn ret;\n\txstore_stat_begin(st);\n\txstore_stat_add(st, count);\n\txstore_trace_read(st, count);\n\txstore_lock(st);\n\tret = file->f_op->read_iter(kiocb, iter);\n\txstore_unlock(st);\n\txstore_trace_done(st, ret);\n\txstore_stat_end(st);\n\txstore_wake(st);\n\txstore_flush(st);\n\tif (ret > 0)\n\t\txstore_account(st, ret);\n\treturn ret;\n}\n' },
    patches: [{ subject: 'xstore: no range check, count the calls', edit: { 'drivers/misc/xstore.c': (t) => t.replace('\tret = rw_verify_area(READ, file, &kiocb->ki_pos, count);\n\tif (ret)\n\t\treturn ret;\n', '').replace('\t\txstore_account(st, ret);\n', '\t\txstore_account(st, ret);\n\telse\n\t\txstore_account_error(st, ret);\n') } }],
    expect: ['introduced drivers/misc/xstore.c:14 raw (low)'],
  },
  {
    name: "overlayfs-like: a raw ->copy_file_range() on the real files skips vfs_copy_file_range()'s checks",
    patches: [{ subject: 'ovl: copy ranges directly', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      'static int ovl_fsync(',
      'static ssize_t ovl_copy_direct(struct file *file_in, loff_t pos_in, struct file *file_out, loff_t pos_out, size_t len)\n{\n\tstruct file *real_in = ovl_real_file(file_in);\n\tstruct file *real_out = ovl_real_file(file_out);\n\n\treturn real_in->f_op->copy_file_range(real_in, pos_in, real_out, pos_out, len, 0);\n}\n\nstatic int ovl_fsync(',
    ) } }],
    expect: ['introduced fs/overlayfs/file.c:26 raw (high)'],
  },
  {
    name: "a driver that takes the caller's fd with fdget() and reads it with a raw ->read_iter()",
    tree: { 'drivers/misc/xstore.c': '// synthetic\n#include <linux/file.h>\n\nstatic int xstore_probe_fd(unsigned int fd, struct kiocb *kiocb, struct iov_iter *iter)\n{\n\tstruct fd f = fdget(fd);\n\tstruct file *file = fd_file(f);\n\tint ret = 0;\n\n\tfdput(f);\n\treturn ret;\n}\n' },
    patches: [{ subject: 'xstore: probe the file with a read', edit: { 'drivers/misc/xstore.c': (t) => t.replace('\tint ret = 0;\n', '\tint ret = file->f_op->read_iter(kiocb, iter);\n') } }],
    expect: ['introduced drivers/misc/xstore.c:8 raw (high)'],
  },
  {
    name: "a driver's request keeps an fget() file in its kiocb's ki_filp, set in one function and read raw in another of the same file",
    tree: { 'drivers/block/xaio.c': '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: a block driver doing its I/O through a file the user hands it. */\n#include <linux/fs.h>\n\nstruct xaio {\n\tstruct kiocb iocb;\n};\n\nstatic ssize_t xaio_do(struct xaio *aio, struct iov_iter *iter)\n{\n\tstruct file *file = aio->iocb.ki_filp;\n\n\treturn vfs_iocb_iter_read(file, &aio->iocb, iter);\n}\n\nint xaio_submit(struct xaio *aio, int fd, struct iov_iter *iter)\n{\n\tstruct file *file = fget(fd);\n\n\tif (!file)\n\t\treturn -EBADF;\n\taio->iocb.ki_filp = file;\n\treturn xaio_do(aio, iter);\n}\n' },
    patches: [{ subject: 'xaio: call the read method directly', edit: { 'drivers/block/xaio.c': (t) => t.replace('\treturn vfs_iocb_iter_read(file, &aio->iocb, iter);', '\treturn file->f_op->read_iter(&aio->iocb, iter);') } }],
    expect: ['introduced drivers/block/xaio.c:13 reroutedKeep (high)'],
  },
  {
    name: "loop-like: the buffered write helpers removed, writes sent to lo_rw_aio()'s raw ->write_iter() (the removed call's file followed in the pre-image, through the caller removed with it)",
    tree: { 'drivers/block/loop.c': loadKtree()['drivers/block/loop.c']!.replace('static int lo_rw_aio(', 'static int lo_write_bvec(struct file *file, struct bio_vec *bvec, loff_t *ppos)\n{\n\tstruct iov_iter i;\n\n\tiov_iter_bvec(&i, ITER_SOURCE, bvec, 1, bvec->bv_len);\n\treturn vfs_iter_write(file, &i, ppos, 0);\n}\n\nstatic int lo_write_simple(struct loop_device *lo, struct request *rq, loff_t pos)\n{\n\tstruct bio_vec bvec;\n\tstruct req_iterator iter;\n\n\trq_for_each_segment(bvec, rq, iter) {\n\t\tif (lo_write_bvec(lo->lo_backing_file, &bvec, &pos) < 0)\n\t\t\treturn -EIO;\n\t}\n\treturn 0;\n}\n\nstatic int lo_rw_aio(').replace('\tif (cmd->use_aio)\n\t\treturn lo_rw_aio(lo, cmd, pos, ITER_DEST);', '\tif (rq_data_dir(rq) == WRITE) {\n\t\tif (cmd->use_aio)\n\t\t\treturn lo_rw_aio(lo, cmd, pos, ITER_SOURCE);\n\t\treturn lo_write_simple(lo, rq, pos);\n\t}\n\tif (cmd->use_aio)\n\t\treturn lo_rw_aio(lo, cmd, pos, ITER_DEST);') },
    patches: [{ subject: 'loop: send buffered writes through lo_rw_aio', edit: { 'drivers/block/loop.c': (t) => t.replace(/static int lo_write_bvec\([\s\S]*?\n}\n\nstatic int lo_write_simple\([\s\S]*?\n}\n\n/, '').replace('\tif (rq_data_dir(rq) == WRITE) {\n\t\tif (cmd->use_aio)\n\t\t\treturn lo_rw_aio(lo, cmd, pos, ITER_SOURCE);\n\t\treturn lo_write_simple(lo, rq, pos);\n\t}', '\tif (rq_data_dir(rq) == WRITE)\n\t\treturn lo_rw_aio(lo, cmd, pos, ITER_SOURCE);') } }],
    expect: ['introduced drivers/block/loop.c:31 rerouted (high)', 'preexisting drivers/block/loop.c:33 raw (high)'],
  },
  {
    name: "swap: ->read_iter() on a kiocb kept in the driver's struct, set up elsewhere on the swap file",
    tree: { 'mm/page_io.c': SWAP_IO },
    patches: [{ subject: 'mm: swap: fall back to read_iter', edit: { 'mm/page_io.c': (t) => t.replace('\tif (ret)\n\t\treturn;\n', '\tret = sio->iocb.ki_filp->f_op->read_iter(&sio->iocb, &from);\n\tif (ret)\n\t\treturn;\n') } }],
    expect: ['introduced mm/page_io.c:23 raw (high)'],
  },
  {
    name: "outside the VFS, a file of unknown origin reached through its f_op is another filesystem's: code calls its own methods by name",
    patches: [{ subject: 'erofs: write through a private file', edit: { 'fs/erofs/data.c': (t) => t.replace('static int erofs_fill_super(', 'static ssize_t erofs_priv_write(struct erofs_priv *priv, struct kiocb *kiocb, struct iov_iter *iter)\n{\n\treturn priv->store->f_op->write_iter(kiocb, iter);\n}\n\nstatic int erofs_fill_super(') } }],
    expect: ['introduced fs/erofs/data.c:51 raw (medium)'],
  },
  {
    name: "md-like, no tree: ->read_iter() on a file parameter of a driver helper whose callers are not in view",
    mode: 'patch-only',
    tree: { 'drivers/md/xbitmap.c': '// synthetic\n#include <linux/fs.h>\n\nstatic int xbitmap_read_page(struct file *file, unsigned long index, struct page *page)\n{\n\tstruct kiocb kiocb;\n\tstruct iov_iter iter;\n\tint ret = 0;\n\n\treturn ret;\n}\n' },
    patches: [{ subject: 'md: read the bitmap page through the file', edit: { 'drivers/md/xbitmap.c': (t) => t.replace('\n\treturn ret;\n', '\n\tinit_sync_kiocb(&kiocb, file);\n\tret = file->f_op->read_iter(&kiocb, &iter);\n\treturn ret;\n') } }],
    expect: ['introduced drivers/md/xbitmap.c:11 raw (low)'],
  },
  {
    name: "nfsd-like: rw_verify_area() dropped before splice_direct_to_actor(), which leaves the check to its callers (v6.8+)",
    tree: { 'fs/nfsd/vfs.c': NFSD_VFS },
    patches: [{ subject: 'nfsd: drop the redundant verify before splicing', edit: { 'fs/nfsd/vfs.c': (t) => t.replace('\thost_err = rw_verify_area(READ, file, &offset, *count);\n\tif (!host_err)\n\t\thost_err = splice_direct_to_actor(', '\thost_err = splice_direct_to_actor(') } }],
    expect: ['introduced fs/nfsd/vfs.c:10 raw (high)'],
  },
  {
    name: "nfsd-like: the checked vfs_copy_file_range(COPY_FILE_SPLICE) fallback traded for do_splice_direct(), which does not check",
    tree: { 'fs/nfsd/vfs.c': NFSD_VFS },
    patches: [{ subject: 'nfsd: splice directly for the cross-filesystem COPY fallback', edit: { 'fs/nfsd/vfs.c': (t) => t.replace('\t\tret = vfs_copy_file_range(src, src_pos, dst, dst_pos, count, COPY_FILE_SPLICE);', '\t\tret = do_splice_direct(src, &spos, dst, &dpos, count, 0);').replace('\tssize_t ret;\n\n\tret = vfs_copy', '\tloff_t spos = src_pos, dpos = dst_pos;\n\tssize_t ret;\n\n\tret = vfs_copy') } }],
    expect: ['introduced fs/nfsd/vfs.c:28 rerouted (high)'],
  },
  {
    name: 'a file-scope static set by filp_open() in another function of the file, read with __kernel_read()',
    tree: { 'init/do_mounts_rd.c': '// synthetic\n#include <linux/fs.h>\n\nstatic struct file *in_file;\nstatic loff_t in_pos;\n\nstatic long compr_fill(void *buf, unsigned long len)\n{\n\tlong r = kernel_read(in_file, buf, len, &in_pos);\n\n\treturn r;\n}\n\nint rd_load_image(char *from)\n{\n\tin_file = filp_open(from, O_RDONLY, 0);\n\tif (IS_ERR(in_file))\n\t\treturn 0;\n\treturn 1;\n}\n' },
    patches: [{ subject: 'init: read the ramdisk image without the permission hooks', edit: { 'init/do_mounts_rd.c': (t) => t.replace('kernel_read(in_file,', '__kernel_read(in_file,') } }],
    expect: ['introduced init/do_mounts_rd.c:9 reroutedKeep (high)'],
  },
  {
    name: "gadget-like: __kernel_read() on a LUN's backing file, curlun->filp (filp_open() in fsg_lun_open(), out of view)",
    mode: 'patch-only',
    tree: { 'drivers/usb/gadget/function/f_mass_storage.c': '// synthetic\n#include "storage_common.h"\n\nstatic int do_read(struct fsg_common *common, struct fsg_lun *curlun, char *buf, unsigned int amount, loff_t file_offset)\n{\n\tssize_t nread;\n\n\tnread = kernel_read(curlun->filp, buf, amount, &file_offset);\n\treturn nread < 0 ? nread : 0;\n}\n' },
    patches: [{ subject: 'usb: gadget: f_mass_storage: skip the permission hooks on reads', edit: { 'drivers/usb/gadget/function/f_mass_storage.c': (t) => t.replace('kernel_read(curlun->filp,', '__kernel_read(curlun->filp,') } }],
    expect: ['introduced drivers/usb/gadget/function/f_mass_storage.c:8 reroutedKeep (medium)'],
  },
  {
    name: "patch-only: a hunk whose git heading is a label (`retry:`), not its function: the model names the function, its parameter followed to the backing file",
    mode: 'patch-only',
    tree: { 'drivers/block/xloop.c': '// synthetic\n#include <linux/fs.h>\n\nstatic int xloop_read(struct loop_device *lo, struct file *file, void *buf, size_t len, loff_t pos)\n{\n\tint tries = 0;\n\nretry:\n\ttries++;\n\tif (tries > 3)\n\t\treturn -EIO;\n\treturn 0;\n}\n\nstatic int xloop_queue(struct loop_device *lo, void *buf, size_t len, loff_t pos)\n{\n\treturn xloop_read(lo, lo->lo_backing_file, buf, len, pos);\n}\n' },
    patches: [{ subject: 'xloop: read without the hooks', edit: { 'drivers/block/xloop.c': (t) => t.replace('\t\treturn -EIO;\n\treturn 0;', '\t\treturn -EIO;\n\tif (__kernel_read(file, buf, len, &pos) == -EAGAIN)\n\t\tgoto retry;\n\treturn 0;') } }],
    expect: ['introduced drivers/block/xloop.c:12 raw (low)'],
  },
  {
    name: 'a kiocb the caller set up on the file it opened, handed to a helper that calls ->write_iter() on its ki_filp',
    tree: { 'drivers/misc/xstore.c': '// synthetic\n#include <linux/fs.h>\n\nint xstore_write(const char *name, struct iov_iter *iter, loff_t pos)\n{\n\tstruct file *file = filp_open(name, O_WRONLY | O_LARGEFILE, 0);\n\tssize_t ret;\n\n\tif (IS_ERR(file))\n\t\treturn PTR_ERR(file);\n\tret = vfs_iter_write(file, iter, &pos, 0);\n\tfput(file);\n\treturn ret;\n}\n' },
    patches: [{ subject: 'xstore: write through a kiocb', edit: { 'drivers/misc/xstore.c': (t) => t.replace('int xstore_write(', 'static ssize_t xstore_kiocb_write(struct kiocb *kiocb, struct iov_iter *iter)\n{\n\tstruct file *file = kiocb->ki_filp;\n\n\treturn file->f_op->write_iter(kiocb, iter);\n}\n\nint xstore_write(').replace('\tssize_t ret;\n\n\tif (IS_ERR(file))\n\t\treturn PTR_ERR(file);\n\tret = vfs_iter_write(file, iter, &pos, 0);', '\tstruct kiocb kiocb;\n\tssize_t ret;\n\n\tif (IS_ERR(file))\n\t\treturn PTR_ERR(file);\n\tinit_sync_kiocb(&kiocb, file);\n\tkiocb.ki_pos = pos;\n\tret = xstore_kiocb_write(&kiocb, iter);') } }],
    expect: ['introduced drivers/misc/xstore.c:8 rerouted (high)'],
  },
  {
    name: "a condition widened with an `||` sends more requests to the existing raw path (the call's own line unchanged)",
    patches: [{ subject: 'loop: send FUA reads down the aio path', edit: { 'drivers/block/loop.c': (t) => t.replace('\tif (cmd->use_aio)\n', '\tif (cmd->use_aio ||\n\t    (rq->cmd_flags & REQ_FUA))\n') } }],
    expect: ['preexisting drivers/block/loop.c:31 raw (high)', 'preexisting drivers/block/loop.c:33 raw (high)', 'introduced drivers/block/loop.c:42 widened (medium)'],
  },
  {
    name: 'an `&&` term dropped from the condition widens it too (patch-only: the hunk shows both conditions)',
    mode: 'patch-only',
    tree: { 'drivers/block/loop.c': LOOP_GUARDED },
    patches: [{ subject: 'loop: use aio for every request', edit: { 'drivers/block/loop.c': (t) => t.replace('\tif (cmd->use_aio && !(rq->cmd_flags & REQ_FUA))\n', '\tif (cmd->use_aio)\n') } }],
    expect: ['introduced drivers/block/loop.c:24 widened (low)'],
  },
  {
    name: "coda-like: vfs_splice_read() on the container file replaced by splice_file_to_pipe(), which leaves rw_verify_area() to its caller (the container read once through READ_ONCE())",
    tree: { 'fs/coda/file.c': '// synthetic\n#include "coda_linux.h"\n\nstatic ssize_t coda_file_splice_read(struct file *coda_file, loff_t *ppos, struct pipe_inode_info *pipe, size_t len, unsigned int flags)\n{\n\tstruct coda_file_info *cfi = coda_ftoc(coda_file);\n\tstruct file *in = cfi->cfi_container;\n\n\treturn vfs_splice_read(in, ppos, pipe, len, flags);\n}\n\nconst struct file_operations coda_file_operations = {\n\t.splice_read\t= coda_file_splice_read,\n};\n' },
    patches: [{ subject: 'coda: splice the container straight into the pipe', edit: { 'fs/coda/file.c': (t) => t.replace('\tstruct file *in = cfi->cfi_container;', '\tstruct file *in = READ_ONCE(cfi->cfi_container);').replace('return vfs_splice_read(in, ppos, pipe, len, flags);', 'return splice_file_to_pipe(in, pipe, ppos, len, flags);') } }],
    expect: ['introduced fs/coda/file.c:9 reroutedKeep (high)'],
  },  {
    name: "nvmet-like: the f_op method picked into call_iter handed to a new helper that sets up the kiocb and calls it: the raw call moved",
    tree: { 'drivers/nvme/target/io-cmd-file.c': NVMET_SUBMIT },
    patches: [{ subject: 'nvmet: split the kiocb setup out of nvmet_file_submit_bvec()', edit: { 'drivers/nvme/target/io-cmd-file.c': (t) => t.replace(
      'static ssize_t nvmet_file_submit_bvec(',
      'static ssize_t nvmet_file_issue(struct nvmet_req *req,\n\t\tssize_t (*call_iter)(struct kiocb *iocb, struct iov_iter *iter),\n\t\tint rw, loff_t pos, unsigned long nr_segs, size_t count, int ki_flags)\n{\n\tstruct kiocb *iocb = &req->f.iocb;\n\tstruct iov_iter iter;\n\n\tiov_iter_bvec(&iter, rw, req->f.bvec, nr_segs, count);\n\tiocb->ki_pos = pos;\n\tiocb->ki_filp = req->ns->file;\n\tiocb->ki_flags = ki_flags;\n\treturn call_iter(iocb, &iter);\n}\n\nstatic ssize_t nvmet_file_submit_bvec(',
    ).replace('\n\tiov_iter_bvec(&iter, rw, req->f.bvec, nr_segs, count);\n\tiocb->ki_pos = pos;\n\tiocb->ki_filp = req->ns->file;\n\tiocb->ki_flags = ki_flags;\n\treturn call_iter(iocb, &iter);\n}\n\nconst', '\n\treturn nvmet_file_issue(req, call_iter, rw, pos, nr_segs, count, ki_flags);\n}\n\nconst') } }],
    expect: ['moved drivers/nvme/target/io-cmd-file.c:15 raw (high)'],
  },
  {
    name: "lib/buildid-like: a hand ->read_folio() through a local alias of a file's mapping, the file's owner out of view",
    tree: { 'lib/buildid.c': BUILDID },
    patches: [{ subject: 'lib/buildid: read uncached folios in', edit: { 'lib/buildid.c': (t) => t.replace('\treturn 0;\n}', '\tif (IS_ERR(r->folio)) {\n\t\tstruct address_space *mapping = r->file->f_mapping;\n\n\t\tr->folio = filemap_grab_folio(mapping, file_off >> PAGE_SHIFT);\n\t\treturn mapping->a_ops->read_folio(r->file, r->folio);\n\t}\n\treturn 0;\n}') } }],
    expect: ['introduced lib/buildid.c:16 raw (medium)'],
  },
  {
    name: "big_key-like, but the pinned path is one kern_path() looked up: reopening it opens another filesystem's file",
    tree: { 'security/keys/big_key.c': BIG_KEY.replace('\tpayload->path = file->f_path;\n\tpath_get(&payload->path);\n', '\tkern_path("/var/lib/keys/blob", 0, &payload->path);\n') },
    patches: [{ subject: 'KEYS: big_key: read back without the permission hooks', edit: { 'security/keys/big_key.c': (t) => t.replace('\tret = kernel_read(file, buf, enclen, &pos);', '\tret = __kernel_read(file, buf, enclen, &pos);') } }],
    expect: ['introduced security/keys/big_key.c:32 reroutedKeep (high)'],
  },
  {
    name: "VFS core: do_sendfile() loses its rw_verify_area(READ) while do_splice_direct(), which leaves the check to its callers, stays",
    tree: { 'fs/read_write.c': SENDFILE },
    patches: [{ subject: 'fs: sendfile: drop the duplicate input check', edit: { 'fs/read_write.c': (t) => t.replace('\tretval = rw_verify_area(READ, in, &pos, count);\n\tif (retval < 0)\n\t\treturn retval;\n', '') } }],
    expect: ['introduced fs/read_write.c:12 verifyDropped (high)'],
  },
  {
    name: 'patch-only: a later patch of a series calls, unchecked, the helper an earlier one split out of a checked caller (in another file)',
    mode: 'patch-only',
    tree: { 'fs/nfsd/ysplice.c': YSPLICE, 'fs/nfsd/yxdr.c': YXDR },
    patches: [
      { subject: 'nfsd: split ysplice_pages() out of ysplice_read()', edit: { 'fs/nfsd/ysplice.c': (t) => t.replace('\tstruct splice_desc sd = {\n\t\t.total_len\t= count,\n\t\t.pos\t\t= offset,\n\t\t.u.data\t\t= rqstp,\n\t};\n\tssize_t err;\n', '\tssize_t err;\n').replace('\treturn splice_direct_to_actor(file, &sd, ysplice_actor);\n}\n', '\treturn ysplice_pages(rqstp, file, offset, count);\n}\n').replace('#include "vfs.h"\n', '#include "vfs.h"\n\n' + YSPLICE_PAGES.trimEnd()) } },
      { subject: 'nfsd: splice replies without the eof lookup', edit: { 'fs/nfsd/yxdr.c': (t) => t.replace('ysplice_read(rqstp, file,', 'ysplice_pages(rqstp, file,') } },
    ],
    expect: ['introduced fs/nfsd/ysplice.c:15 raw (medium)'],
  },
  {
    name: "fuse-like: the generic copy_splice_read() handed the backing file is its ->read_iter(), unchecked",
    patches: [{ subject: 'fuse: splice from the backing file', edit: { 'fs/fuse/passthrough.c': (t) => t + '\nssize_t fuse_passthrough_splice_read(struct file *in, loff_t *ppos, struct pipe_inode_info *pipe,\n\t\t\t\t     size_t len, unsigned int flags)\n{\n\tstruct fuse_file *ff = in->private_data;\n\tstruct file *backing_file = fuse_file_passthrough(ff);\n\n\treturn copy_splice_read(backing_file, ppos, pipe, len, flags);\n}\n' } }],
    expect: ['introduced fs/fuse/passthrough.c:24 raw (high)'],
  },
  {
    name: "coda-like: a host splice helper's copy_splice_read() fallback beside its direct ->splice_read() on the same container file is one hazard, told at the method call",
    tree: { 'fs/coda/ysplice.c': '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: coda splicing from its container file. */\n#include "coda_linux.h"\n\nstatic ssize_t coda_ysplice_read(struct file *coda_file, loff_t *ppos, struct pipe_inode_info *pipe, size_t len, unsigned int flags)\n{\n\tstruct coda_file_info *cfi = coda_ftoc(coda_file);\n\tstruct file *host = cfi->cfi_container;\n\n\treturn vfs_splice_read(host, ppos, pipe, len, flags);\n}\n' },
    patches: [{ subject: 'coda: splice from the container directly', edit: { 'fs/coda/ysplice.c': (t) => t.replace('\treturn vfs_splice_read(host, ppos, pipe, len, flags);\n', '\tif (unlikely(!host->f_op->splice_read))\n\t\treturn copy_splice_read(host, ppos, pipe, len, flags);\n\treturn host->f_op->splice_read(host, ppos, pipe, len, flags);\n') } }],
    expect: ['introduced fs/coda/ysplice.c:12 reroutedKeep (high)'],
  },
];

const valid: ValidCase[] = [
  {
    name: 'nfsd-like: splice_direct_to_actor() after rw_verify_area() on the same file',
    tree: { 'fs/nfsd/vfs.c': NFSD_VFS },
    patches: [{ subject: 'nfsd: trace spliced reads', edit: { 'fs/nfsd/vfs.c': (t) => t.replace('\thost_err = rw_verify_area(READ, file, &offset, *count);', '\ttrace_nfsd_read_splice(rqstp, offset, *count);\n\thost_err = rw_verify_area(READ, file, &offset, *count);') } }],
  },
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
    name: 'in the VFS, a raw call on a file whose owner cannot be traced is a CHECK (shown with --strict), not counted',
    tree: { 'fs/kstore.c': '// synthetic\n#include <linux/fs.h>\n\nssize_t kstore_flush(struct kstore *ks, struct kiocb *kiocb, struct iov_iter *iter)\n{\n\treturn 0;\n}\n' },
    patches: [{ subject: 'fs: kstore: flush through the store', edit: { 'fs/kstore.c': (t) => t.replace('\treturn 0;\n', '\treturn ks->store->f_op->write_iter(kiocb, iter);\n') } }],
    expect: ['introduced fs/kstore.c:6 rawUnknown (low)'],
  },
  {
    name: "a GEM object's shmem file (obj->base.filp, drm_gem_object_init()) written through its f_op",
    tree: { 'drivers/gpu/drm/i915/gem/i915_gem_shmem.c': '// synthetic\n#include "i915_drv.h"\n\nstatic int shmem_pwrite(struct drm_i915_gem_object *obj, const struct drm_i915_gem_pwrite *arg)\n{\n\tstruct file *file = obj->base.filp;\n\tstruct kiocb kiocb;\n\tstruct iov_iter iter;\n\n\tinit_sync_kiocb(&kiocb, file);\n\treturn 0;\n}\n' },
    patches: [{ subject: 'drm/i915: write the shmem object with write_iter', edit: { 'drivers/gpu/drm/i915/gem/i915_gem_shmem.c': (t) => t.replace('\treturn 0;\n', '\treturn file->f_op->write_iter(&kiocb, &iter);\n') } }],
    expect: [],
  },
  {
    name: 'old fs/io_uring.c: the raw call in a hunk of a function whose rw_verify_area() the patch does not show',
    tree: { 'fs/io_uring.c': '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: io_uring before it moved to io_uring/. */\n#include <linux/fs.h>\n\nstatic int io_read(struct io_kiocb *req, bool force_nonblock)\n{\n\tstruct kiocb *kiocb = &req->rw;\n\tstruct file *file = kiocb->ki_filp;\n\tssize_t ret;\n\n\tret = rw_verify_area(READ, file, &kiocb->ki_pos, req->len);\n\tif (ret)\n\t\treturn ret;\n\n\n\n\n\n\n\n\n\n\tret = call_read_iter(file, kiocb, &req->iter);\n\treturn ret;\n}\n' },
    mode: 'patch-only',
    patches: [{ subject: 'io_uring: read through ->read_iter', edit: { 'fs/io_uring.c': (t) => t.replace('\tret = call_read_iter(file, kiocb, &req->iter);', '\tret = file->f_op->read_iter(kiocb, &req->iter);') } }],
    expect: [],
  },
  {
    name: 'the kernel\'s own writer: __kernel_write() on the core file fs/coredump.c opened',
    tree: { 'fs/coredump.c': '// synthetic\n#include <linux/fs.h>\n\nstatic int dump_emit_raw(struct file *file, const void *addr, int nr, loff_t *pos)\n{\n\treturn kernel_write(file, addr, nr, pos) == nr;\n}\n\nvoid do_coredump_raw(const char *name)\n{\n\tstruct file *file = filp_open(name, O_CREAT | O_WRONLY, 0600);\n\tloff_t pos = 0;\n\n\tdump_emit_raw(file, "x", 1, &pos);\n}\n' },
    patches: [{ subject: 'coredump: write without the range check', edit: { 'fs/coredump.c': (t) => t.replace('return kernel_write(', 'return __kernel_write(') } }],
    expect: [],
  },
  {
    name: 'a function renamed with its raw calls untouched (their lines unchanged) is not new',
    patches: [{ subject: 'loop: rename lo_rw_aio', edit: { 'drivers/block/loop.c': (t) => t.replaceAll('lo_rw_aio', 'lo_submit_aio') } }],
    expect: ['preexisting drivers/block/loop.c:31 raw (high)', 'preexisting drivers/block/loop.c:33 raw (high)'],
  },
  {
    name: 'a condition narrowed with an `&&` sends fewer requests to the raw path: nothing new',
    patches: [{ subject: 'loop: keep FUA reads on the buffered path', edit: { 'drivers/block/loop.c': (t) => t.replace('\tif (cmd->use_aio)\n', '\tif (cmd->use_aio && !(rq->cmd_flags & REQ_FUA))\n') } }],
    expect: ['preexisting drivers/block/loop.c:31 raw (high)', 'preexisting drivers/block/loop.c:33 raw (high)'],
  },
  {
    name: 'loop: the raw calls re-indented under a new branch of their own function are pre-existing, not moved',
    patches: [{ subject: 'loop: fail I/O on a dead backing file early', edit: { 'drivers/block/loop.c': (t) => t.replace(
      '\tif (rw == ITER_SOURCE)\n\t\tret = file->f_op->write_iter(&cmd->iocb, &iter);\n\telse\n\t\tret = file->f_op->read_iter(&cmd->iocb, &iter);\n\treturn ret;',
      '\tif (unlikely(!file_inode(file)->i_nlink)) {\n\t\tret = -EIO;\n\t} else {\n\t\tif (rw == ITER_SOURCE)\n\t\t\tret = file->f_op->write_iter(&cmd->iocb, &iter);\n\t\telse\n\t\t\tret = file->f_op->read_iter(&cmd->iocb, &iter);\n\t}\n\treturn ret;',
    ) } }],
    expect: ['preexisting drivers/block/loop.c:34 raw (high)', 'preexisting drivers/block/loop.c:36 raw (high)'],
  },
  {
    name: "mm's own read path calling ->read_folio() through the a_ops is the page cache, not a user of it",
    tree: { 'mm/readahead.c': MM_READ },
    patches: [{ subject: 'mm/readahead: read one folio', edit: { 'mm/readahead.c': (t) => t.replace('\tfolio_unlock(folio);', '\taops->read_folio(rac->file, folio);') } }],
    expect: [],
  },
  {
    name: "big_key-like: __kernel_read() on a private shmem file reopened through the path this code pinned from it",
    tree: { 'security/keys/big_key.c': BIG_KEY },
    patches: [{ subject: 'KEYS: big_key: read back without the permission hooks', edit: { 'security/keys/big_key.c': (t) => t.replace('\tret = kernel_read(file, buf, enclen, &pos);', '\tret = __kernel_read(file, buf, enclen, &pos);') } }],
    expect: [],
  },
  {
    name: "VFS core: do_sendfile() reworded around its checks keeps them; its do_splice_direct() is the design",
    tree: { 'fs/read_write.c': SENDFILE },
    patches: [{ subject: 'fs: sendfile: one error path', edit: { 'fs/read_write.c': (t) => t.replace('\tretval = rw_verify_area(READ, in, &pos, count);\n\tif (retval < 0)\n\t\treturn retval;\n', '\tretval = rw_verify_area(READ, in, &pos, count);\n\tif (retval)\n\t\treturn retval < 0 ? retval : -EINVAL;\n') } }],
    expect: [],
  },
  {
    name: "VFS core: do_sendfile()'s input check moved into a helper it calls first is kept",
    tree: { 'fs/read_write.c': SENDFILE },
    patches: [{ subject: 'fs: sendfile: factor out the input check', edit: { 'fs/read_write.c': (t) => t.replace('static ssize_t do_sendfile(', 'static ssize_t sendfile_check_in(struct file *in, loff_t *pos, size_t count)\n{\n\treturn rw_verify_area(READ, in, pos, count);\n}\n\nstatic ssize_t do_sendfile(').replace('\tretval = rw_verify_area(READ, in, &pos, count);\n', '\tretval = sendfile_check_in(in, &pos, count);\n') } }],
    expect: [],
  },
  {
    name: "fuse-like: copy_splice_read() on the method's own file forwards to its own ->read_iter()",
    patches: [{ subject: 'fuse: splice direct-io files by copy', edit: { 'fs/fuse/passthrough.c': (t) => t + '\nssize_t fuse_direct_splice_read(struct file *in, loff_t *ppos, struct pipe_inode_info *pipe,\n\t\t\t\tsize_t len, unsigned int flags)\n{\n\treturn copy_splice_read(in, ppos, pipe, len, flags);\n}\n' } }],
    expect: [],
  },
  {
    name: "fs/backing-file.c: backing_file_splice_write() in its first version, iter_file_splice_write() on the backing file, is the VFS's helper for the stacks",
    patches: [{ subject: 'fs: factor out backing_file_splice_write()', edit: { 'fs/backing-file.c': (t) => t + '\nssize_t backing_file_splice_write(struct pipe_inode_info *pipe, struct file *out, loff_t *ppos, size_t len, unsigned int flags, struct backing_file_ctx *ctx)\n{\n\tconst struct cred *old_cred;\n\tssize_t ret;\n\n\told_cred = override_creds(ctx->cred);\n\tfile_start_write(out);\n\tret = iter_file_splice_write(pipe, out, ppos, len, flags);\n\tfile_end_write(out);\n\trevert_creds(old_cred);\n\treturn ret;\n}\n' } }],
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

  it('a raw call a later patch of the series only moves is reported once, where it came in', async () => {
    const r = await runCase(RULE, {
      name: 'moved later',
      patches: [
        { subject: 'erofs: read the backing file directly', edit: { 'fs/erofs/fileio.c': (t) => t.replace(
          '\tret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);',
          '\tret = rq->iocb.ki_filp->f_op->read_iter(&rq->iocb, &iter);',
        ) } },
        { subject: 'erofs: only read when there is something to read', edit: { 'fs/erofs/fileio.c': (t) => t.replace(
          '\tret = rq->iocb.ki_filp->f_op->read_iter(&rq->iocb, &iter);',
          '\tif (iov_iter_count(&iter))\n\t\tret = rq->iocb.ki_filp->f_op->read_iter(&rq->iocb, &iter);',
        ) } },
      ],
    });
    await expect(r.patches.join('')).toMatchFileSnapshot(fixtureName(91, 'series moved later'));
    expect(r.reports.map((p) => p.findings.filter((f) => f.status !== 'preexisting').map(brief))).toEqual([['introduced fs/erofs/fileio.c:19 reroutedKeep (high)'], []]);
  });

  it('renders a finding with its evidence', async () => {
    const r = await runCase(RULE, invalid[1]!);
    await expect(r.text).toMatchFileSnapshot('./fixtures/rendered.txt');
  });
});
