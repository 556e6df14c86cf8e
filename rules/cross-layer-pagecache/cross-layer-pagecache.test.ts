import { describe, expect, it } from 'vitest';
import { ruleTester, runCase, type InvalidCase, type ValidCase } from '../../test/support/rule-tester.js';

const RULE = ['cross-layer-pagecache'];

const helper = (body: string): ((t: string) => string) => (t) => t.replace('static int erofs_fill_super(', body + '\nstatic int erofs_fill_super(');

/** An eCryptfs-like ->read_folio() with nothing in it yet. */
const ECR_MMAP = '// synthetic\n#include "ecryptfs_kernel.h"\n\nstatic int ecryptfs_read_folio(struct file *file, struct folio *folio)\n{\n\tstruct inode *inode = folio->mapping->host;\n\tint rc = 0;\n\n\treturn rc;\n}\n';

/** lib/buildid.c-like: a reader of a vma's file, whose origin is out of view. */
const BUILDID = '// synthetic\n#include <linux/buildid.h>\n\nstruct freader {\n\tstruct file *file;\n\tstruct folio *folio;\n};\n\nstatic int freader_get_folio(struct freader *r, loff_t file_off)\n{\n\tr->folio = filemap_get_folio(r->file->f_mapping, file_off >> PAGE_SHIFT);\n\treturn 0;\n}\n';
/** mm/readahead.c-like: the page cache's own read path calls ->read_folio() through the a_ops. */
const MM_READ = '// synthetic\n#include <linux/pagemap.h>\n\nstatic void read_pages_one(struct readahead_control *rac, struct folio *folio)\n{\n\tconst struct address_space_operations *aops = rac->mapping->a_ops;\n\n\tfolio_unlock(folio);\n}\n';

const BPF_HELPERS = '// synthetic\n#include <linux/bpf.h>\n#include <linux/pagemap.h>\n\n__bpf_kfunc int bpf_dynptr_size(const struct bpf_dynptr *p)\n{\n\treturn 0;\n}\n';
const DRV_SHMEM = '// synthetic\n#include <linux/shmem_fs.h>\n\nstruct xgem_object {\n\tstruct file *filp;\n};\n\nint xgem_pin(struct xgem_object *obj, pgoff_t n)\n{\n\treturn 0;\n}\n';
const DRV_OWN_FOPS = '// synthetic\n#include <linux/fs.h>\n\nstatic ssize_t xdev_read(struct file *file, char __user *buf, size_t len, loff_t *ppos)\n{\n\treturn 0;\n}\n\nstatic const struct file_operations xdev_fops = {\n\t.read = xdev_read,\n};\n';

/** A FUSE-like store notification that fills an inode's page cache. */
const FUSE_STORE = '// SPDX-License-Identifier: GPL-2.0\n/* Synthetic: FUSE storing notified data in the page cache. */\n#include "fuse_i.h"\n\nstatic int fuse_ystore(struct inode *inode, pgoff_t index)\n{\n\tstruct address_space *mapping;\n\tstruct page *page;\n\n\tmapping = inode->i_mapping;\n\tpage = find_or_create_page(mapping, index, mapping_gfp_mask(mapping));\n\tif (!page)\n\t\treturn -ENOMEM;\n\tunlock_page(page);\n\tput_page(page);\n\treturn 0;\n}\n';

const invalid: InvalidCase[] = [
  {
    name: "erofs: read_mapping_folio() on buf->mapping, assigned from the backing file's f_mapping",
    patches: [{ subject: 'erofs: read the metabuf page by page', edit: { 'fs/erofs/data.c': (t) => t.replace('\tfolio = read_mapping_folio(buf->mapping, index, buf->file);\n', '\tfolio = read_mapping_folio(buf->mapping, index, buf->file);\n\tif (IS_ERR(folio))\n\t\tfolio = read_mapping_folio(buf->mapping, index, buf->file);\n') } }],
    expect: ['preexisting fs/erofs/data.c:23 foreignMapping (high)', 'introduced fs/erofs/data.c:25 foreignMapping (high)'],
  },
  {
    name: "erofs: the backing file's i_mapping through file_inode()",
    patches: [{ subject: 'erofs: peek at the backing page cache', edit: { 'fs/erofs/data.c': helper('static struct folio *erofs_peek(struct erofs_sb_info *sbi, pgoff_t index)\n{\n\treturn filemap_get_folio(file_inode(sbi->dif0.file)->i_mapping, index);\n}\n') } }],
    expect: ['introduced fs/erofs/data.c:51 foreignMapping (high)'],
  },
  {
    name: 'erofs: a local mapping variable taken from the backing file',
    patches: [{ subject: 'erofs: cache the backing mapping', edit: { 'fs/erofs/data.c': helper('static struct folio *erofs_grab(struct erofs_sb_info *sbi, pgoff_t index)\n{\n\tstruct address_space *mapping = sbi->dif0.file->f_mapping;\n\n\treturn read_cache_folio(mapping, index, NULL, NULL);\n}\n') } }],
    expect: ['introduced fs/erofs/data.c:53 foreignMapping (high)'],
  },
  {
    name: "overlayfs: find_get_page() on the real file's mapping",
    patches: [{ subject: 'ovl: look up cached pages of the real file', edit: { 'fs/overlayfs/file.c': (t) => t.replace('const struct file_operations ovl_file_operations', 'static bool ovl_page_cached(struct file *file, pgoff_t index)\n{\n\tstruct file *realfile = ovl_real_file(file);\n\tstruct page *page = find_get_page(realfile->f_mapping, index);\n\n\tif (page)\n\t\tput_page(page);\n\treturn page != NULL;\n}\n\nconst struct file_operations ovl_file_operations') } }],
    expect: ['introduced fs/overlayfs/file.c:39 foreignMapping (high)'],
  },
  {
    name: 'fuse: filemap_read() through a kiocb on the backing file',
    patches: [{ subject: 'fuse: read cached backing pages', edit: { 'fs/fuse/passthrough.c': (t) => t + '\nssize_t fuse_passthrough_cached_read(struct kiocb *iocb, struct iov_iter *iter)\n{\n\tstruct fuse_file *ff = iocb->ki_filp->private_data;\n\tstruct kiocb bkiocb;\n\n\tkiocb_clone(&bkiocb, iocb, fuse_file_passthrough(ff));\n\treturn filemap_read(&bkiocb, iter, 0);\n}\n' } }],
    expect: ['introduced fs/fuse/passthrough.c:24 foreignMapping (high)'],
  },
  {
    name: 'a lower file named as such, its mapping read with read_mapping_page()',
    tree: { 'fs/ecryptfs/read_write.c': '// synthetic\n#include "ecryptfs_kernel.h"\n\nint ecryptfs_read_lower_page(struct inode *inode, pgoff_t index)\n{\n\treturn 0;\n}\n' },
    patches: [{ subject: 'ecryptfs: read the lower page', edit: { 'fs/ecryptfs/read_write.c': (t) => t.replace('\treturn 0;\n', '\tstruct file *lower_file = ecryptfs_inode_to_private(inode)->lower_file;\n\tstruct page *page = read_mapping_page(lower_file->f_mapping, index, NULL);\n\n\treturn PTR_ERR_OR_ZERO(page);\n') } }],
    expect: ['introduced fs/ecryptfs/read_write.c:7 foreignMapping (high)'],
  },
  {
    name: "eCryptfs: the lower inode's i_mapping (ecryptfs_inode_to_lower()) grabbed through a local",
    tree: { 'fs/ecryptfs/mmap.c': ECR_MMAP },
    patches: [{ subject: 'ecryptfs: read plaintext through the lower page cache', edit: { 'fs/ecryptfs/mmap.c': (t) => t.replace('\tint rc = 0;\n', '\tstruct inode *lower_inode = ecryptfs_inode_to_lower(inode);\n\tstruct address_space *lower_mapping = lower_inode->i_mapping;\n\tstruct folio *lower;\n\tint rc = 0;\n\n\tlower = filemap_grab_folio(lower_mapping, folio->index);\n\tif (IS_ERR(lower))\n\t\treturn PTR_ERR(lower);\n\tfolio_put(lower);\n') } }],
    expect: ['introduced fs/ecryptfs/mmap.c:12 foreignMapping (high)'],
  },
  {
    name: "the backing file handed to read_cache_folio() as another filesystem's ->read_folio cookie",
    patches: [{ subject: 'erofs: read folios with the backing file as cookie', edit: { 'fs/erofs/data.c': helper('static struct folio *erofs_cookie(struct erofs_sb_info *sbi, struct address_space *mapping, pgoff_t index)\n{\n\treturn read_cache_folio(mapping, index, NULL, sbi->dif0.file);\n}\n') } }],
    expect: ['introduced fs/erofs/data.c:51 foreignCookie (medium)'],
  },
  {
    name: 'patch-only: erofs metadata read through the backing mapping, no tree',
    mode: 'patch-only',
    patches: [{ subject: 'erofs: read metadata through the page cache', edit: { 'fs/erofs/data.c': helper('static void *erofs_meta(struct erofs_sb_info *sbi, pgoff_t index)\n{\n\tstruct folio *folio = read_mapping_folio(sbi->dif0.file->f_mapping, index, NULL);\n\n\treturn folio_address(folio);\n}\n') } }],
    expect: ['introduced fs/erofs/data.c:51 foreignMapping (medium)'],
  },
  {
    name: 'reported where the filesystem calls the API, not inside the generic inline wrapper',
    tree: { 'include/linux/pagemap.h': '/* synthetic */\nstatic inline struct folio *read_mapping_folio(struct address_space *mapping, pgoff_t index, struct file *file)\n{\n\treturn read_cache_folio(mapping, index, NULL, file);\n}\n' },
    patches: [{ subject: 'erofs: read a lower folio', edit: {
      'fs/erofs/data.c': helper('static struct folio *erofs_lower_folio(struct erofs_buf *buf, pgoff_t index)\n{\n\treturn read_mapping_folio(file_inode(buf->file)->i_mapping, index, NULL);\n}\n'),
      'include/linux/pagemap.h': (t) => t.replace('\treturn read_cache_folio(', '\t/* the filler is the owner\'s ->read_folio() */\n\treturn read_cache_folio('),
    } }],
    expect: ['introduced fs/erofs/data.c:51 foreignMapping (high)'],
  },
  {
    name: "fuse-like: filemap_splice_read() on the backing file splices from its page cache",
    patches: [{ subject: 'fuse: splice cached backing pages', edit: { 'fs/fuse/passthrough.c': (t) => t + '\nssize_t fuse_passthrough_splice_cached(struct file *in, loff_t *ppos, struct pipe_inode_info *pipe,\n\t\t\t\t       size_t len, unsigned int flags)\n{\n\tstruct fuse_file *ff = in->private_data;\n\tstruct file *backing_file = fuse_file_passthrough(ff);\n\n\treturn filemap_splice_read(backing_file, ppos, pipe, len, flags);\n}\n' } }],
    expect: ['introduced fs/fuse/passthrough.c:24 foreignMapping (high)'],
  },
  {
    name: "overlayfs-like: a hand ->read_folio() on the real file's mapping, with the overlay file as its cookie",
    patches: [{ subject: 'ovl: fill a folio from the real file', edit: { 'fs/overlayfs/file.c': (t) => t.replace(
      'static int ovl_fsync(',
      'static int ovl_fill_folio(struct file *file, struct folio *folio)\n{\n\tstruct file *realfile = ovl_real_file(file);\n\tstruct address_space *mapping = realfile->f_mapping;\n\n\treturn mapping->a_ops->read_folio(file, folio);\n}\n\nstatic int ovl_fsync(',
    ) } }],
    expect: ['introduced fs/overlayfs/file.c:26 foreignMapping (high)'],
  },
  {
    name: 'a server-like helper named like a method (x_splice_read() taking a request) looks into the page cache of a file it opened',
    tree: { 'fs/xsrv/vfs.c': '// synthetic\n#include <linux/fs.h>\n\nint xsrv_splice_read(struct svc_rqst *rqstp, struct file *file, loff_t offset)\n{\n\treturn 0;\n}\n\nint xsrv_read(struct svc_rqst *rqstp, const struct path *path, loff_t offset)\n{\n\tstruct file *file = dentry_open(path, O_RDONLY, current_cred());\n\n\treturn xsrv_splice_read(rqstp, file, offset);\n}\n' },
    patches: [{ subject: 'xsrv: peek at the page cache first', edit: { 'fs/xsrv/vfs.c': (t) => t.replace('\treturn 0;\n}\n\nint xsrv_read', '\tstruct folio *folio = filemap_get_folio(file->f_mapping, offset >> PAGE_SHIFT);\n\n\tif (!IS_ERR(folio))\n\t\tfolio_put(folio);\n\treturn 0;\n}\n\nint xsrv_read') } }],
    expect: ['introduced fs/xsrv/vfs.c:6 foreignMapping (high)'],
  },
  {
    name: "coda-like, no tree: the container file's page cache, the container reached through cfi->cfi_container whose setter is out of view",
    mode: 'patch-only',
    tree: { 'fs/coda/file.c': '// synthetic\n#include "coda_fs_i.h"\n\nstatic ssize_t coda_file_read_iter(struct kiocb *iocb, struct iov_iter *to)\n{\n\tstruct file *coda_file = iocb->ki_filp;\n\tstruct coda_file_info *cfi = coda_ftoc(coda_file);\n\tssize_t ret = 0;\n\n\treturn ret;\n}\n\nvoid coda_set_container(struct coda_file_info *cfi, struct file *host_file)\n{\n\tcfi->cfi_container = host_file;\n}\n' },
    patches: [{ subject: 'coda: serve small reads from the container page cache', edit: { 'fs/coda/file.c': (t) => t.replace('\tssize_t ret = 0;\n\n\treturn ret;', '\tssize_t ret = 0;\n\tstruct file *host = cfi->cfi_container;\n\tstruct folio *folio = read_mapping_folio(host->f_mapping, iocb->ki_pos >> PAGE_SHIFT, host);\n\n\tif (!IS_ERR(folio))\n\t\tfolio_put(folio);\n\treturn ret;') } }],
    expect: ['introduced fs/coda/file.c:10 foreignMapping (medium)'],
  },
  {
    name: "lib/buildid-like: a hand ->read_folio() through a local alias of a file's mapping, the file's owner out of view",
    tree: { 'lib/buildid.c': BUILDID },
    patches: [{ subject: 'lib/buildid: read uncached folios in', edit: { 'lib/buildid.c': (t) => t.replace('\treturn 0;\n}', '\tif (IS_ERR(r->folio)) {\n\t\tstruct address_space *mapping = r->file->f_mapping;\n\n\t\tr->folio = filemap_grab_folio(mapping, file_off >> PAGE_SHIFT);\n\t\treturn mapping->a_ops->read_folio(r->file, r->folio);\n\t}\n\treturn 0;\n}') } }],
    expect: ['introduced lib/buildid.c:16 foreignMapping (medium)'],
  },
  {
    name: "code that is no filesystem (a BPF kfunc) reads the page cache of a file its caller hands it",
    tree: { 'kernel/bpf/helpers.c': BPF_HELPERS },
    patches: [{ subject: 'bpf: add bpf_copy_from_file_cached()', edit: { 'kernel/bpf/helpers.c': (t) => t + '\n__bpf_kfunc int bpf_copy_from_file_cached(void *dst, u32 sz, struct file *file, u64 off)\n{\n\tstruct address_space *mapping = file->f_mapping;\n\tstruct folio *folio;\n\n\tfolio = filemap_get_folio(mapping, off >> PAGE_SHIFT);\n\tif (IS_ERR(folio))\n\t\treturn PTR_ERR(folio);\n\tfolio_put(folio);\n\treturn 0;\n}\n' } }],
    expect: ['introduced kernel/bpf/helpers.c:15 handedMapping (medium)'],
  },
  {
    name: "erofs: a helper's buf->mapping judged per caller: one that sets the buffer up on the metadata (the backing file's mapping) is the hazard",
    patches: [{ subject: 'erofs: peek at metadata blocks', edit: { 'fs/erofs/data.c': helper('static void erofs_peek_buf(struct erofs_buf *buf, pgoff_t index)\n{\n\tstruct folio *folio = filemap_get_folio(buf->mapping, index);\n\n\tif (!IS_ERR(folio))\n\t\tfolio_put(folio);\n}\n\nstatic void erofs_meta_peek(struct super_block *sb)\n{\n\tstruct erofs_buf buf = __EROFS_BUF_INITIALIZER;\n\n\terofs_init_metabuf(&buf, sb);\n\terofs_peek_buf(&buf, 0);\n}\n') } }],
    expect: ['introduced fs/erofs/data.c:51 foreignMapping (high)'],
  },
  {
    name: "fuse-like: the mapping chosen by a conditional, one arm the passthrough backing file's: that arm is another filesystem's page cache",
    tree: { 'fs/fuse/ystore.c': FUSE_STORE },
    patches: [{ subject: 'fuse: store into the backing file for passthrough inodes', edit: { 'fs/fuse/ystore.c': (t) => t.replace('\tmapping = inode->i_mapping;\n', '\tstruct fuse_backing *fb = fuse_inode_backing(get_fuse_inode(inode));\n\n\tmapping = fb ? fb->file->f_mapping : inode->i_mapping;\n') } }],
    expect: ['introduced fs/fuse/ystore.c:13 foreignMapping (high)'],
  },
  {
    name: "overlayfs: generic_fadvise() on the real file works on its page cache itself, past the real filesystem's ->fadvise",
    patches: [{ subject: 'ovl: advise the real file directly', edit: { 'fs/overlayfs/file.c': (t) => t.replace('const struct file_operations ovl_file_operations', 'static int ovl_yfadvise(struct file *file, loff_t offset, loff_t len, int advice)\n{\n\tstruct file *realfile = ovl_real_file(file);\n\n\treturn generic_fadvise(realfile, offset, len, advice);\n}\n\nconst struct file_operations ovl_file_operations') } }],
    expect: ['introduced fs/overlayfs/file.c:40 foreignMappingUse (high)'],
  },
];

const valid: ValidCase[] = [
  {
    name: "eCryptfs: its own inode's i_mapping is its own page cache",
    tree: { 'fs/ecryptfs/mmap.c': ECR_MMAP },
    patches: [{ subject: 'ecryptfs: look up the folio again', edit: { 'fs/ecryptfs/mmap.c': (t) => t.replace('\tint rc = 0;\n', '\tstruct address_space *mapping = inode->i_mapping;\n\tstruct folio *again;\n\tint rc = 0;\n\n\tagain = filemap_grab_folio(mapping, folio->index);\n\tif (!IS_ERR(again))\n\t\tfolio_put(again);\n') } }],
  },
  {
    name: 'erofs: its own block device mapping',
    patches: [{ subject: 'erofs: read the bdev page cache', edit: { 'fs/erofs/data.c': helper('static struct folio *erofs_bdev_folio(struct super_block *sb, pgoff_t index)\n{\n\treturn read_mapping_folio(sb->s_bdev->bd_mapping, index, NULL);\n}\n') } }],
    expect: [],
  },
  {
    name: "a filesystem's own inode mapping",
    patches: [{ subject: 'erofs: read an inode page', edit: { 'fs/erofs/data.c': helper('static struct folio *erofs_inode_folio(struct inode *inode, pgoff_t index)\n{\n\treturn read_mapping_folio(inode->i_mapping, index, NULL);\n}\n') } }],
    expect: [],
  },
  {
    name: 'a read_iter method reading its own file through filemap_read()',
    patches: [{ subject: 'erofs: buffered read_iter', edit: { 'fs/erofs/data.c': helper('static ssize_t erofs_file_read_iter(struct kiocb *iocb, struct iov_iter *to)\n{\n\treturn filemap_read(iocb, to, 0);\n}\n') } }],
    expect: [],
  },
  {
    name: 'mm/ implements the page cache',
    tree: { 'mm/filemap.c': '// synthetic\n#include <linux/pagemap.h>\n\nstruct folio *read_cache_folio(struct address_space *mapping, pgoff_t index, filler_t filler, struct file *file)\n{\n\treturn do_read_cache_folio(mapping, index, filler, file, mapping_gfp_mask(mapping));\n}\n' },
    patches: [{ subject: 'mm: read through the file mapping', edit: { 'mm/filemap.c': (t) => t + '\nstruct folio *read_file_folio(struct file *file, pgoff_t index)\n{\n\treturn read_cache_folio(file->f_mapping, index, NULL, file);\n}\n' } }],
    expect: [],
  },
  {
    name: 'the I/O goes through vfs_iocb_iter_read() into a buffer erofs owns',
    patches: [{ subject: 'erofs: read metadata with vfs_iocb_iter_read', edit: { 'fs/erofs/data.c': helper('static ssize_t erofs_meta_read(struct erofs_sb_info *sbi, struct kiocb *kiocb, struct iov_iter *iter)\n{\n\tinit_sync_kiocb(kiocb, sbi->dif0.file);\n\treturn vfs_iocb_iter_read(sbi->dif0.file, kiocb, iter);\n}\n') } }],
    expect: [],
  },
  {
    name: "a mapping parameter whose callers pass the filesystem's own inodes",
    patches: [{ subject: 'erofs: add erofs_get_folio', edit: { 'fs/erofs/data.c': helper('static struct folio *erofs_get_folio(struct address_space *mapping, pgoff_t index)\n{\n\treturn filemap_get_folio(mapping, index);\n}\n\nstatic struct folio *erofs_inode_get(struct inode *inode, pgoff_t index)\n{\n\treturn erofs_get_folio(inode->i_mapping, index);\n}\n') } }],
    expect: [],
  },
  {
    name: 'a mapping from a folio being read is not a file mapping',
    patches: [{ subject: 'erofs: re-read a folio', edit: { 'fs/erofs/data.c': helper('static struct folio *erofs_reread(struct folio *folio)\n{\n\treturn read_mapping_folio(folio->mapping, folio->index, NULL);\n}\n') } }],
    expect: [],
  },
  {
    name: 'a NULL ->read_folio cookie on its own mapping',
    patches: [{ subject: 'erofs: own mapping, no cookie', edit: { 'fs/erofs/data.c': helper('static struct folio *erofs_own(struct super_block *sb, pgoff_t index)\n{\n\treturn read_cache_folio(sb->s_bdev->bd_mapping, index, NULL, NULL);\n}\n') } }],
    expect: [],
  },
  {
    name: "a ->splice_read method splicing from its own file's page cache (no ops table in view)",
    tree: { 'fs/xsrv/file.c': '// synthetic\n#include <linux/fs.h>\n\nssize_t xsrv_file_splice_read(struct file *in, loff_t *ppos, struct pipe_inode_info *pipe,\n\t\t\t      size_t len, unsigned int flags)\n{\n\treturn -EINVAL;\n}\n' },
    patches: [{ subject: 'xsrv: splice from the page cache', edit: { 'fs/xsrv/file.c': (t) => t.replace('\treturn -EINVAL;', '\treturn filemap_splice_read(in, ppos, pipe, len, flags);') } }],
    expect: [],
  },
  {
    name: "erofs: the backing file's page cache read through another spelling of its mapping (buf->file->f_mapping for buf->mapping) is the same hazard, pre-existing",
    patches: [{ subject: 'erofs: read the metadata folio through the file', edit: { 'fs/erofs/data.c': (t) => t.replace('\tfolio = read_mapping_folio(buf->mapping, index, buf->file);', '\tfolio = buf->file ? read_mapping_folio(buf->file->f_mapping, index, buf->file) :\n\t\tread_mapping_folio(buf->mapping, index, NULL);') } }],
    expect: ['preexisting fs/erofs/data.c:23 foreignMapping (high)', 'preexisting fs/erofs/data.c:24 foreignMapping (high)'],
  },
  {
    name: "mm's own read path calling ->read_folio() through the a_ops is the page cache, not a user of it",
    tree: { 'mm/readahead.c': MM_READ },
    patches: [{ subject: 'mm/readahead: read one folio', edit: { 'mm/readahead.c': (t) => t.replace('\tfolio_unlock(folio);', '\taops->read_folio(rac->file, folio);') } }],
    expect: [],
  },
  {
    name: "a driver reading the page cache of its own object's shmem file, kept in a structure, is not judged",
    tree: { 'drivers/gpu/xgem.c': DRV_SHMEM },
    patches: [{ subject: 'xgem: look the page up first', edit: { 'drivers/gpu/xgem.c': (t) => t.replace('\treturn 0;\n}', '\tstruct page *page = find_lock_page(obj->filp->f_mapping, n);\n\n\tif (page)\n\t\tunlock_page(page);\n\treturn 0;\n}') } }],
    expect: [],
  },
  {
    name: "a driver's own ->read() looking at its own file's page cache is its own",
    tree: { 'drivers/misc/xdev.c': DRV_OWN_FOPS },
    patches: [{ subject: 'xdev: peek at the cache', edit: { 'drivers/misc/xdev.c': (t) => t.replace('\treturn 0;\n}', '\tstruct folio *folio = filemap_get_folio(file->f_mapping, *ppos >> PAGE_SHIFT);\n\n\tif (!IS_ERR(folio))\n\t\tfolio_put(folio);\n\treturn 0;\n}') } }],
    expect: [],
  },
  {
    name: "a storage driver reading its member block device's page cache through the bdev file its caller opened (bdev_file_alloc()) is the block device's",
    tree: { 'drivers/md/xbitmap.c': '// synthetic\n#include <linux/blkdev.h>\n\nstruct xbitmap {\n\tstruct file *bitmap_file;\n};\n\nstatic int xbitmap_read(struct file *bitmap_file, pgoff_t idx)\n{\n\treturn 0;\n}\n\nint xbitmap_load(struct xbitmap *b, struct gendisk *disk)\n{\n\tb->bitmap_file = bdev_file_alloc(disk->part0, BLK_OPEN_READ);\n\treturn xbitmap_read(b->bitmap_file, 0);\n}\n' },
    patches: [{ subject: 'xbitmap: read from the page cache', edit: { 'drivers/md/xbitmap.c': (t) => t.replace('\treturn 0;\n}\n\nint', '\tstruct page *page = find_get_page(bitmap_file->f_mapping, idx);\n\n\tif (page)\n\t\tput_page(page);\n\treturn 0;\n}\n\nint') } }],
    expect: [],
  },
  {
    name: "a file the function itself hands to file_bdev() is a block device's",
    tree: { 'kernel/power/xswap.c': '// synthetic\n#include <linux/blkdev.h>\n\nstatic int xswap_read_header(struct file *f)\n{\n\tstruct block_device *bdev = file_bdev(f);\n\n\treturn bdev ? 0 : -ENODEV;\n}\n' },
    patches: [{ subject: 'xswap: peek at the header page', edit: { 'kernel/power/xswap.c': (t) => t.replace('\treturn bdev ? 0 : -ENODEV;', '\tstruct folio *folio = filemap_get_folio(f->f_mapping, 0);\n\n\tif (!IS_ERR(folio))\n\t\tfolio_put(folio);\n\treturn bdev ? 0 : -ENODEV;') } }],
    expect: [],
  },
  {
    name: 'a bdev file from bdev_file_alloc() whose body is in view, defined by the patch and kept in a local and then a field, is still a block device\'s when another caller hands an unknown file',
    tree: {
      'block/bdev.c': '// synthetic\n#include <linux/blkdev.h>\n\nvoid bdev_init(void)\n{\n}\n',
      'drivers/md/ybitmap.c': '// synthetic\n#include <linux/blkdev.h>\n\nstruct ybitmap {\n\tstruct file *bitmap_file;\n};\n\nstatic int ybitmap_read(struct file *bitmap_file, pgoff_t idx)\n{\n\treturn 0;\n}\n\nstatic int ybitmap_open_disk(struct ybitmap *b, struct gendisk *disk)\n{\n\tstruct file *bitmap_file;\n\n\tbitmap_file = bdev_file_alloc(disk->part0, BLK_OPEN_READ);\n\tif (IS_ERR(bitmap_file))\n\t\treturn PTR_ERR(bitmap_file);\n\tb->bitmap_file = bitmap_file;\n\treturn 0;\n}\n\nint ybitmap_load(struct ybitmap *b)\n{\n\treturn ybitmap_read(b->bitmap_file, 0);\n}\n\nstruct ybitmap_work {\n\tstruct work_struct work;\n\tstruct file *bitmap_file;\n\tpgoff_t idx;\n};\n\nstatic void ybitmap_read_fn(struct work_struct *work)\n{\n\tstruct ybitmap_work *w = container_of(work, struct ybitmap_work, work);\n\n\tybitmap_read(w->bitmap_file, w->idx);\n}\n',
    },
    patches: [{ subject: 'ybitmap: read from the page cache', edit: { 'block/bdev.c': (t) => t + '\nstruct file *bdev_file_alloc(struct block_device *bdev, blk_mode_t mode)\n{\n\tstruct file *bdev_file;\n\n\tbdev_file = alloc_file_pseudo_noaccount(BD_INODE(bdev), blockdev_mnt, "", blk_to_file_flags(mode), &def_blk_fops);\n\treturn bdev_file;\n}\nEXPORT_SYMBOL_GPL(bdev_file_alloc);\n', 'drivers/md/ybitmap.c': (t) => t.replace('\treturn 0;\n}\n\nstatic int ybitmap_open_disk', '\tstruct page *page = find_get_page(bitmap_file->f_mapping, idx);\n\n\tif (page)\n\t\tput_page(page);\n\treturn 0;\n}\n\nstatic int ybitmap_open_disk') } }],
    expect: [],
  },
  {
    name: "erofs: a helper's buf->mapping whose only caller points the buffer at a directory's own mapping (not every assignment of the field anywhere)",
    patches: [{ subject: 'erofs: peek at directory blocks', edit: { 'fs/erofs/data.c': helper('static void erofs_peek_buf(struct erofs_buf *buf, pgoff_t index)\n{\n\tstruct folio *folio = filemap_get_folio(buf->mapping, index);\n\n\tif (!IS_ERR(folio))\n\t\tfolio_put(folio);\n}\n\nstatic void erofs_dir_peek(struct inode *dir)\n{\n\tstruct erofs_buf buf = __EROFS_BUF_INITIALIZER;\n\n\tbuf.mapping = dir->i_mapping;\n\terofs_peek_buf(&buf, 0);\n}\n') } }],
    expect: [],
  },
];

describe('CROSS_LAYER_PAGECACHE', () => {
  ruleTester.run('cross-layer-pagecache', { valid, invalid });
  it('renders where the mapping came from', async () => {
    const r = await runCase(RULE, invalid[0]!);
    await expect(r.text).toMatchFileSnapshot('./fixtures/rendered.txt');
  });
});
