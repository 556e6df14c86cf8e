import { describe, expect, it } from 'vitest';
import { ruleTester, runCase, type InvalidCase, type ValidCase } from '../../test/support/rule-tester.js';

const RULE = ['vfs-internal-helper'];

const erofsHelper = (body: string): ((t: string) => string) => (t) => t.replace('static int erofs_fill_super(', body + '\nstatic int erofs_fill_super(');

/** An nfsd-like spliced read that checks the range itself, then a kernel-doc that names it, twenty lines on. */
const YREAD =
  '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: a server\'s reads. */\n#include "vfs.h"\n\n/**\n * ysplice_read - read by splicing\n * @file: the file\n */\n__be32 ysplice_read(struct svc_rqst *rqstp, struct file *file,\n\t\t    loff_t offset, unsigned long *count)\n{\n\tssize_t host_err;\n\n\thost_err = rw_verify_area(READ, file, &offset, *count);\n\tif (!host_err)\n\t\thost_err = ysplice_pages(rqstp, file, offset, *count);\n\tif (host_err < 0)\n\t\treturn nfserrno(host_err);\n\t*count = host_err;\n\treturn nfs_ok;\n}\n\n/**\n * yiter_read - read into a vector\n * @file: the file\n *\n * Some filesystems cannot use ysplice_read. This\n * is the fallback.\n */\n__be32 yiter_read(struct svc_rqst *rqstp, struct file *file)\n{\n\treturn nfs_ok;\n}\n';

const invalid: InvalidCase[] = [
  {
    name: 'erofs: rw_verify_area() wrapped in the mounter creds (the lore patch shape)',
    patches: [{ subject: 'erofs: check permission on the backing file', edit: { 'fs/erofs/data.c': (t) => t.replace(
      '\tfolio = read_mapping_folio(buf->mapping, index, buf->file);\n',
      '\tif (buf->file) {\n\t\tloff_t pos = offset;\n\t\tint err;\n\n\t\tscoped_with_creds(buf->file->f_cred)\n\t\t\terr = rw_verify_area(READ, buf->file, &pos, PAGE_SIZE);\n\t\tif (err)\n\t\t\treturn ERR_PTR(err);\n\t}\n\tfolio = read_mapping_folio(buf->mapping, index, buf->file);\n',
    ) } }],
    expect: ['introduced fs/erofs/data.c:28 helper (high)'],
  },
  {
    name: 'loop: rw_verify_area() before its raw ->read_iter()',
    patches: [{ subject: 'loop: check before raw reads', edit: { 'drivers/block/loop.c': (t) => t.replace('\tcmd->iocb.ki_pos = pos;\n', '\tret = rw_verify_area(rw == ITER_SOURCE ? WRITE : READ, file, &pos, iov_iter_count(&iter));\n\tif (ret)\n\t\treturn ret;\n\tcmd->iocb.ki_pos = pos;\n') } }],
    expect: ['introduced drivers/block/loop.c:27 helper (high)'],
  },
  {
    name: 'overlayfs: remap_verify_area() in a stacked filesystem',
    patches: [{ subject: 'ovl: check clone ranges', edit: { 'fs/overlayfs/file.c': (t) => t.replace('const struct file_operations ovl_file_operations', 'static int ovl_check_clone(struct file *realfile, loff_t pos, loff_t len)\n{\n\treturn remap_verify_area(realfile, pos, len, true);\n}\n\nconst struct file_operations ovl_file_operations') } }],
    expect: ['introduced fs/overlayfs/file.c:38 helper (high)'],
  },
  {
    name: 'erofs: #include "../internal.h" from a filesystem directory',
    patches: [{ subject: 'erofs: use VFS internals', edit: { 'fs/erofs/fileio.c': (t) => t.replace('#include "internal.h"\n', '#include "internal.h"\n#include "../internal.h"\n') } }],
    expect: ['introduced fs/erofs/fileio.c:4 include (high)'],
  },
  {
    name: 'fuse: alloc_empty_backing_file() declared in fs/internal.h',
    patches: [{ subject: 'fuse: open the backing file by hand', edit: { 'fs/fuse/passthrough.c': (t) => t + '\nstatic struct file *fuse_open_backing(int flags, const struct cred *cred)\n{\n\treturn alloc_empty_backing_file(flags, cred);\n}\n' } }],
    expect: ['introduced fs/fuse/passthrough.c:20 internalSymbol (high)'],
  },
  {
    name: 'a patch exporting an fs/internal.h symbol for modules',
    tree: { 'fs/file_table.c': '// synthetic\n#include "internal.h"\n\nstruct file *alloc_empty_backing_file(int flags, const struct cred *cred)\n{\n\treturn alloc_empty_file(flags, cred);\n}\n' },
    patches: [{ subject: 'fs: export alloc_empty_backing_file', edit: { 'fs/file_table.c': (t) => t + 'EXPORT_SYMBOL_GPL(alloc_empty_backing_file);\n' } }],
    expect: ['introduced fs/file_table.c:8 exported (high)'],
  },
  {
    name: 'cachefiles: rw_verify_area() on the cache file',
    patches: [{ subject: 'cachefiles: verify the read range', edit: { 'fs/cachefiles/io.c': (t) => t.replace('\tcachefiles_begin_secure(cache, &saved_cred);\n', '\tcachefiles_begin_secure(cache, &saved_cred);\n\tret = rw_verify_area(READ, object->file, &kiocb.ki_pos, iov_iter_count(iter));\n') } }],
    expect: ['introduced fs/cachefiles/io.c:15 helper (high)'],
  },
  {
    name: 'patch-only: rw_verify_area() in a driver, no tree',
    mode: 'patch-only',
    patches: [{ subject: 'loop: check before raw reads', edit: { 'drivers/block/loop.c': (t) => t.replace('\tcmd->iocb.ki_pos = pos;\n', '\tret = rw_verify_area(READ, file, &pos, 0);\n\tcmd->iocb.ki_pos = pos;\n') } }],
    expect: ['introduced drivers/block/loop.c:27 helper (medium)'],
  },
  {
    name: 'overlayfs: vfs_tmpfile() with fs/internal.h included, as 6.12 declares it',
    patches: [{ subject: 'ovl: make the tmpfile by hand', edit: { 'fs/overlayfs/file.c': (t) => t.replace('#include "overlayfs.h"\n', '#include "overlayfs.h"\n#include "../internal.h"\n') + '\nstatic int ovl_tmpfile_by_hand(struct mnt_idmap *idmap, const struct path *parent, struct file *file, umode_t mode)\n{\n\treturn vfs_tmpfile(idmap, parent, file, mode);\n}\n' } }],
    expect: ['introduced fs/overlayfs/file.c:5 include (high)', 'introduced fs/overlayfs/file.c:44 internalSymbol (high)'],
  },
  {
    name: 'overlayfs: rw_verify_area() before a raw ->splice_read() of the real file (the splice path)',
    patches: [{ subject: 'ovl: check splice reads', edit: { 'fs/overlayfs/file.c': (t) => t.replace('const struct file_operations ovl_file_operations', 'static ssize_t ovl_splice_real(struct file *realfile, loff_t *ppos, struct pipe_inode_info *pipe, size_t len, unsigned int flags)\n{\n\tint ret = rw_verify_area(READ, realfile, ppos, len);\n\n\tif (ret < 0)\n\t\treturn ret;\n\treturn realfile->f_op->splice_read(realfile, ppos, pipe, len, flags);\n}\n\nconst struct file_operations ovl_file_operations') } }],
    expect: ['introduced fs/overlayfs/file.c:38 helper (high)'],
  },
];

const valid: ValidCase[] = [
  {
    name: 'the VFS core calls rw_verify_area()',
    patches: [{ subject: 'fs: check kernel_read ranges', edit: { 'fs/read_write.c': (t) => t + '\nssize_t kernel_read_checked(struct file *file, void *buf, size_t count, loff_t *pos)\n{\n\tint ret = rw_verify_area(READ, file, pos, count);\n\n\treturn ret ? ret : __kernel_read(file, buf, count, pos);\n}\n' } }],
    // the file's own export of the helper was there before: shown with --all, never counted
    expect: ['preexisting fs/read_write.c:16 exported (high)'],
  },
  {
    name: 'io_uring checks before it dispatches',
    patches: [{ subject: 'io_uring/rw: check writes too', edit: { 'io_uring/rw.c': (t) => t + '\nstatic int __io_write(struct io_kiocb *req)\n{\n\treturn rw_verify_area(WRITE, req->file, &req->rw.kiocb.ki_pos, req->cqe.res);\n}\n' } }],
    expect: [],
  },
  {
    name: 'fs/*.c includes its own internal.h',
    patches: [{ subject: 'fs: include internal.h in backing-file.c', edit: { 'fs/backing-file.c': (t) => t.replace('#include "internal.h"\n', '#include "internal.h"\n#include "mount.h"\n') } }],
    expect: [],
  },
  {
    name: "a filesystem's own internal.h is not fs/internal.h",
    patches: [{ subject: 'erofs: include the local header twice removed', edit: { 'fs/erofs/super.c': (t) => t.replace('#include "internal.h"\n', '#include "internal.h"\n#include "compress.h"\n') } }],
    expect: [],
  },
  {
    name: 'a nested directory including "../internal.h" reaches its parent, not fs/',
    tree: { 'fs/nfs/blocklayout/blocklayout.c': '// synthetic\n#include "blocklayout.h"\n\nint bl_init(void)\n{\n\treturn 0;\n}\n' },
    patches: [{ subject: 'nfs/blocklayout: include the nfs internals', edit: { 'fs/nfs/blocklayout/blocklayout.c': (t) => t.replace('#include "blocklayout.h"\n', '#include "blocklayout.h"\n#include "../internal.h"\n') } }],
    expect: [],
  },
  {
    name: 'the stacked filesystem calls the checked entry point',
    patches: [{ subject: 'erofs: read with vfs_iocb_iter_read', edit: { 'fs/erofs/data.c': erofsHelper('static ssize_t erofs_meta_read(struct file *file, struct kiocb *kiocb, struct iov_iter *iter)\n{\n\treturn vfs_iocb_iter_read(file, kiocb, iter);\n}\n') } }],
    expect: [],
  },
  {
    name: 'a local function that happens to be named like a VFS helper in a comment only',
    patches: [{ subject: 'erofs: document why no rw_verify_area', edit: { 'fs/erofs/fileio.c': (t) => t.replace('\tret = vfs_iocb_iter_read(', '\t/* vfs_iocb_iter_read() runs rw_verify_area() for us */\n\tret = vfs_iocb_iter_read(') } }],
    expect: [],
  },
  {
    name: 'exporting a public helper is fine',
    tree: { 'fs/file_table.c': '// synthetic\n#include "internal.h"\n\nstruct file *backing_file_user_file(struct file *f)\n{\n\treturn f;\n}\n' },
    patches: [{ subject: 'fs: export backing_file_user_file', edit: { 'fs/file_table.c': (t) => t + 'EXPORT_SYMBOL_GPL(backing_file_user_file);\n' } }],
    expect: [],
  },
  {
    name: 'block/bdev.c, the bdev pseudo-filesystem, includes fs/internal.h',
    tree: { 'block/bdev.c': '// synthetic\n#include <linux/fs.h>\n\nint bdev_init(void)\n{\n\treturn 0;\n}\n' },
    patches: [{ subject: 'block: use the VFS inode helpers', edit: { 'block/bdev.c': (t) => t.replace('#include <linux/fs.h>\n', '#include <linux/fs.h>\n#include "../fs/internal.h"\n') } }],
    expect: [],
  },
  {
    name: 'cachefiles: vfs_tmpfile() as include/linux/fs.h declared it before v6.1 (no fs/internal.h in the file)',
    patches: [{ subject: 'cachefiles: make the backing file a tmpfile', edit: { 'fs/cachefiles/io.c': (t) => t + '\nstatic struct dentry *cachefiles_tmpfile(struct dentry *fan)\n{\n\treturn vfs_tmpfile(fan, S_IFREG, O_RDWR);\n}\n' } }],
  },
  {
    name: 'patch-only: a server function renamed with its existing rw_verify_area(), and the kernel-doc after it (whose hunk git heads with the old name)',
    mode: 'patch-only',
    tree: { 'fs/nfsd/yread.c': YREAD },
    patches: [{ subject: 'nfsd: rename ysplice_read()', edit: { 'fs/nfsd/yread.c': (t) => t.replace(/\bysplice_read\b/g, 'ysplice_read_pages') } }],
    expect: [],
  },
];

describe('VFS_INTERNAL_HELPER', () => {
  ruleTester.run('vfs-internal-helper', { valid, invalid });
  it('an exported symbol is a CHECK, shown with --strict', async () => {
    const r = await runCase(RULE, invalid[5]!);
    expect(r.findings[0]!.level).toBe('CHECK');
  });
  it('on a splice path, the entry points to use are the splice ones', async () => {
    const r = await runCase(RULE, invalid.find((c) => c.name.includes('the splice path'))!);
    expect(r.findings.map((f) => f.message)).toEqual([expect.stringContaining('should call vfs_splice_read() or backing_file_splice_read()')]);
  });
  it('renders the helper and the entry point to use', async () => {
    const r = await runCase(RULE, invalid[0]!);
    await expect(r.text).toMatchFileSnapshot('./fixtures/rendered.txt');
  });
});
