// I/O entry points: the checked ones (they run rw_verify_area(), the LSM and
// fanotify permission hooks), the raw method calls that skip it, and the
// places where raw calls are the implementation itself.

import { table, type Fact } from './source.js';

export interface CheckedIo extends Fact {
  /** Index of the `struct file *` argument the I/O goes to. */
  fileArg: number;
  /** Extra file arguments (vfs_copy_file_range has two). */
  moreFileArgs?: number[];
  dir: 'read' | 'write' | 'both';
  /** The backing_file_* helpers also switch to `ctx->cred`: argument index of the ctx. */
  credCtxArg?: number;
}

/** Entry points that run rw_verify_area() (LSM + fanotify permission hooks) before calling the method. */
export const CHECKED_IO: Record<string, CheckedIo> = table({
  vfs_read: { fileArg: 0, dir: 'read', source: 'fs/read_write.c: vfs_read()' },
  vfs_write: { fileArg: 0, dir: 'write', source: 'fs/read_write.c: vfs_write()' },
  kernel_read: { fileArg: 0, dir: 'read', source: 'fs/read_write.c: kernel_read()' },
  kernel_write: { fileArg: 0, dir: 'write', source: 'fs/read_write.c: kernel_write()' },
  vfs_iter_read: { fileArg: 0, dir: 'read', source: 'fs/read_write.c: vfs_iter_read()' },
  vfs_iter_write: { fileArg: 0, dir: 'write', source: 'fs/read_write.c: vfs_iter_write()' },
  vfs_iocb_iter_read: { fileArg: 0, dir: 'read', source: 'fs/read_write.c: vfs_iocb_iter_read()' },
  vfs_iocb_iter_write: { fileArg: 0, dir: 'write', source: 'fs/read_write.c: vfs_iocb_iter_write()' },
  vfs_readv: { fileArg: 0, dir: 'read', source: 'fs/read_write.c: vfs_readv()' },
  vfs_writev: { fileArg: 0, dir: 'write', source: 'fs/read_write.c: vfs_writev()' },
  vfs_splice_read: { fileArg: 0, dir: 'read', source: 'fs/splice.c: vfs_splice_read()' },
  do_splice_direct: { fileArg: 0, moreFileArgs: [2], dir: 'both', source: 'fs/splice.c: do_splice_direct()' },
  vfs_copy_file_range: { fileArg: 0, moreFileArgs: [2], dir: 'both', source: 'fs/read_write.c: vfs_copy_file_range()' },
  backing_file_read_iter: { fileArg: 0, dir: 'read', credCtxArg: 4, source: 'fs/backing-file.c: backing_file_read_iter()' },
  backing_file_write_iter: { fileArg: 0, dir: 'write', credCtxArg: 4, source: 'fs/backing-file.c: backing_file_write_iter()' },
  backing_file_splice_read: { fileArg: 0, dir: 'read', credCtxArg: 5, source: 'fs/backing-file.c: backing_file_splice_read()' },
  backing_file_splice_write: { fileArg: 1, dir: 'write', credCtxArg: 5, source: 'fs/backing-file.c: backing_file_splice_write()' },
  backing_file_mmap: { fileArg: 0, dir: 'both', credCtxArg: 2, source: 'fs/backing-file.c: backing_file_mmap()' },
});

export interface RawIo extends Fact {
  /** How the file is found: the receiver of the member call, or an argument. */
  /** `mapping`: the receiver is a mapping (`mapping->a_ops->read_folio(cookie, folio)`); the file is its owner's, the argument a cookie. */
  file: { from: 'receiver' } | { from: 'arg'; index: number } | { from: 'mapping'; cookieArg: number };
  dir: 'read' | 'write';
  /** The checked entry point to name in the message. */
  useInstead: string;
  /**
   * The VFS's own unchecked helper (__kernel_read(), __vfs_read()), there for
   * files the kernel opened for itself: reported only on another
   * filesystem's file, outside KERNEL_OWN_FILE_IO.
   */
  helper?: true;
}

/**
 * Calls that go straight to a file's method, skipping rw_verify_area().
 * Member calls are keyed by the member path the indexer records (CallSite.callee).
 */
export const RAW_IO: Record<string, RawIo> = table({
  'f_op->read_iter': { file: { from: 'receiver' }, dir: 'read', useInstead: 'vfs_iocb_iter_read()', source: 'include/linux/fs.h: struct file_operations' },
  'f_op->write_iter': { file: { from: 'receiver' }, dir: 'write', useInstead: 'vfs_iocb_iter_write()', source: 'include/linux/fs.h: struct file_operations' },
  'f_op->read': { file: { from: 'receiver' }, dir: 'read', useInstead: 'kernel_read()', source: 'include/linux/fs.h: struct file_operations' },
  'f_op->write': { file: { from: 'receiver' }, dir: 'write', useInstead: 'kernel_write()', source: 'include/linux/fs.h: struct file_operations' },
  'f_op->splice_read': { file: { from: 'receiver' }, dir: 'read', useInstead: 'vfs_splice_read()', source: 'include/linux/fs.h: struct file_operations' },
  'f_op->splice_write': { file: { from: 'receiver' }, dir: 'write', useInstead: 'backing_file_splice_write() or do_splice_direct()', source: 'include/linux/fs.h: struct file_operations' },
  call_read_iter: { file: { from: 'arg', index: 0 }, dir: 'read', useInstead: 'vfs_iocb_iter_read()', source: 'include/linux/fs.h: call_read_iter() (removed in v6.10)' },
  call_write_iter: { file: { from: 'arg', index: 0 }, dir: 'write', useInstead: 'vfs_iocb_iter_write()', source: 'include/linux/fs.h: call_write_iter() (removed in v6.10)' },
  __vfs_read: { file: { from: 'arg', index: 0 }, dir: 'read', helper: true, useInstead: 'kernel_read()', source: 'fs/read_write.c: __vfs_read() (before v5.10): ->read()/->read_iter() without rw_verify_area()' },
  __vfs_write: { file: { from: 'arg', index: 0 }, dir: 'write', helper: true, useInstead: 'kernel_write()', source: 'fs/read_write.c: __vfs_write() (before v5.10): ->write()/->write_iter() without rw_verify_area()' },
  'f_op->copy_file_range': { file: { from: 'receiver' }, dir: 'write', useInstead: 'vfs_copy_file_range()', source: 'include/linux/fs.h: struct file_operations; fs/read_write.c: vfs_copy_file_range() runs rw_verify_area() on both files first' },
  'f_op->remap_file_range': { file: { from: 'receiver' }, dir: 'write', useInstead: 'vfs_clone_file_range() or vfs_dedupe_file_range()', source: 'include/linux/fs.h: struct file_operations; fs/remap_range.c: vfs_clone_file_range() runs remap_verify_area() first' },
  __kernel_read: { file: { from: 'arg', index: 0 }, dir: 'read', helper: true, useInstead: 'kernel_read()', source: 'fs/read_write.c: __kernel_read()' },
  __kernel_write: { file: { from: 'arg', index: 0 }, dir: 'write', helper: true, useInstead: 'kernel_write()', source: 'fs/read_write.c: __kernel_write()' },
  __kernel_write_iter: { file: { from: 'arg', index: 0 }, dir: 'write', helper: true, useInstead: 'vfs_iocb_iter_write()', source: 'fs/read_write.c: __kernel_write_iter()' },
  // Since v6.8 the splice-to-file helpers leave the permission hooks to their callers
  // ("Callers already called rw_verify_area() on the entire range"): the input file is checked here
  do_splice_direct: { file: { from: 'arg', index: 0 }, dir: 'read', helper: true, useInstead: 'rw_verify_area() on both ranges first, as do_sendfile() does', source: 'fs/splice.c (v6.8+): do_splice_direct(): "Callers already called rw_verify_area() on the entire range" (fs/read_write.c do_sendfile() and fs/overlayfs/copy_up.c ovl_copy_up_file() run it first)' },
  splice_direct_to_actor: { file: { from: 'arg', index: 0 }, dir: 'read', helper: true, useInstead: 'rw_verify_area(READ, ...) on the range first (splice_direct_to_actor() leaves it to its callers)', source: 'fs/splice.c (v6.8+): splice_direct_to_actor() reads through do_splice_read() with no rw_verify_area() (fs/nfsd/vfs.c nfsd_splice_read() runs it first)' },
  splice_file_to_pipe: { file: { from: 'arg', index: 0 }, dir: 'read', helper: true, useInstead: 'vfs_splice_read()', source: 'fs/splice.c: splice_file_to_pipe() reads through do_splice_read() with no rw_verify_area() (fs/splice.c do_splice() and fs/read_write.c do_sendfile() run it first); declared in fs/internal.h' },
  splice_file_range: { file: { from: 'arg', index: 0 }, dir: 'read', helper: true, useInstead: 'vfs_copy_file_range()', source: 'fs/splice.c (v6.8+): splice_file_range(): "Callers already called rw_verify_area() on the entire range" (a ->copy_file_range() method, which vfs_copy_file_range() checked)' },
  splice_copy_file_range: { file: { from: 'arg', index: 0 }, dir: 'read', helper: true, useInstead: 'vfs_copy_file_range()', source: 'include/linux/splice.h (v6.8+): splice_copy_file_range() = splice_file_range(), whose callers already called rw_verify_area()' },
  // the generic splice methods a filesystem points its own ->splice_read/->splice_write at: on
  // another filesystem's file they are that file's ->read_iter()/->write_iter(), unchecked
  copy_splice_read: { file: { from: 'arg', index: 0 }, dir: 'read', helper: true, useInstead: 'vfs_splice_read()', source: 'fs/splice.c: copy_splice_read(in, ...) sets up a kiocb on in and calls in->f_op->read_iter() (a ->splice_read method for the file\'s own filesystem)' },
  iter_file_splice_write: { file: { from: 'arg', index: 1 }, dir: 'write', helper: true, useInstead: 'backing_file_splice_write() or do_splice_from() after rw_verify_area()', source: 'fs/splice.c: iter_file_splice_write(pipe, out, ...) calls out->f_op->write_iter() (a ->splice_write method for the file\'s own filesystem)' },
  // A hand call of ->read_folio(): its file argument is the owner's private cookie.
  'a_ops->read_folio': { file: { from: 'mapping', cookieArg: 0 }, dir: 'read', useInstead: 'vfs_iocb_iter_read() into a buffer the stacked filesystem owns', source: 'include/linux/fs.h: struct address_space_operations; lore: "->read_folio()\'s file is a filesystem-private cookie"' },
});

/** Where raw method calls are the implementation itself (shared/KERNEL-CONTEXT.md, "Legitimate raw callers"). */
export const VFS_CORE_FILES: Record<string, Fact> = table({
  'fs/read_write.c': { source: 'fs/read_write.c: the VFS read/write implementation (vfs_read(), do_iter_readv_writev(), ...)' },
  'fs/splice.c': { source: 'fs/splice.c: vfs_splice_read(), do_splice_from()' },
  'fs/remap_range.c': { source: 'fs/remap_range.c: vfs_clone_file_range(), vfs_dedupe_file_range_one() call ->remap_file_range() after remap_verify_area()' },
});

/**
 * Syscall-level submitters: they run rw_verify_area() on the request's file
 * before they dispatch, so their raw calls are the design; what a patch can
 * break there is the check itself.
 */
export const SYSCALL_SUBMITTER_FILES: Record<string, Fact> = table({
  'fs/aio.c': { source: 'fs/aio.c: aio_read()/aio_write() call rw_verify_area() before ->read_iter()/->write_iter()' },
  'io_uring/rw.c': { source: 'io_uring/rw.c: __io_read()/io_write() call rw_verify_area() before ->read_iter()/->write_iter()' },
  'fs/io_uring.c': { source: 'fs/io_uring.c (before v5.19 moved it to io_uring/): io_read()/io_write() call rw_verify_area() before ->read_iter()/->write_iter() (and loop_rw_iter() for ->read/->write)' },
});

/**
 * The kernel's own users of the unchecked __kernel_read()/__kernel_write()/
 * __kernel_write_iter() (every caller outside fs/read_write.c in 6.12): each
 * does I/O on a file the kernel opened for its own purpose, where a
 * permission hook has nothing to decide. Anywhere else these helpers on
 * another filesystem's file skip rw_verify_area() like a raw method call.
 */
export const KERNEL_OWN_FILE_IO: Record<string, Fact> = table({
  'fs/coredump.c': { source: 'fs/coredump.c: __dump_emit()/dump_emit_page() write the core file the kernel opened' },
  'kernel/acct.c': { source: 'kernel/acct.c: do_acct_process() writes the accounting file acct(2) configured' },
  'fs/autofs/waitq.c': { source: "fs/autofs/waitq.c: autofs_write() writes the daemon's pipe" },
  'fs/verity/enable.c': { source: 'fs/verity/enable.c: build_merkle_tree() reads the file being sealed, under its own write denial' },
  'lib/buildid.c': { source: 'lib/buildid.c: freader_fetch() reads an executable mapping for its build id' },
  'security/integrity/iint.c': { source: 'security/integrity/iint.c: integrity_kernel_read() is the LSM measuring the file itself' },
});

/**
 * fs/backing-file.c's one raw call by design: backing_file_splice_write()
 * runs ->splice_write between file_start_write()/file_end_write() under
 * ctx->cred. Its reads and writes go through vfs_iter_*()/vfs_iocb_iter_*():
 * a raw call there is a bug like anywhere else.
 */
export const BACKING_FILE_IMPL = { file: 'fs/backing-file.c', raw: new Set(['f_op->splice_write', 'iter_file_splice_write']), source: 'fs/backing-file.c: backing_file_splice_write() (iter_file_splice_write() on the backing file in its first version, v6.8 rc)' } as const;

/** Functions that return (a reference to) their first argument's file. */
export const FILE_PASSTHROUGH: Record<string, Fact> = table({
  get_file: { source: 'include/linux/fs.h: get_file() returns its argument' },
  fd_file: { source: 'include/linux/file.h: fd_file(f) is the struct file of a struct fd' },
  get_file_rcu: { source: 'fs/file.c: get_file_rcu()' },
  file_clone_open: { source: 'include/linux/fs.h: file_clone_open() opens the same path again' },
  READ_ONCE: { source: 'include/asm-generic/rwonce.h: READ_ONCE(x) is x, read once' },
});

/**
 * Calls that return an inode of another filesystem (a stack's lower or
 * upper inode): its i_mapping is that filesystem's page cache.
 */
export const FOREIGN_INODE_SOURCES: Record<string, Fact> = table({
  ecryptfs_inode_to_lower: { source: 'fs/ecryptfs/ecryptfs_kernel.h: ecryptfs_inode_to_lower() returns the lower filesystem\'s inode' },
  ovl_inode_real: { source: 'fs/overlayfs/util.c: ovl_inode_real() returns the upper or lower inode' },
  ovl_inode_upper: { source: 'fs/overlayfs/util.c: ovl_inode_upper()' },
  ovl_inode_lower: { source: 'fs/overlayfs/overlayfs.h: ovl_inode_lower()' },
  ovl_inode_lowerdata: { source: 'fs/overlayfs/util.c: ovl_inode_lowerdata()' },
  ovl_inode_realdata: { source: 'fs/overlayfs/util.c: ovl_inode_realdata()' },
});

/**
 * Calls whose result is a file some other filesystem owns, opened (or found)
 * by this code. `opens`: the call opens it (or takes the caller's own fd), so
 * the task that runs it is the file's opener.
 */
export const FOREIGN_FILE_SOURCES: Record<string, Fact & { opens?: true }> = table({
  filp_open: { opens: true, source: 'fs/open.c: filp_open() opens a path (erofs_fc_get_tree() opens its backing file so)' },
  file_open_root: { opens: true, source: 'fs/open.c: file_open_root()' },
  file_open_name: { opens: true, source: 'fs/open.c: file_open_name()' },
  dentry_open: { opens: true, source: 'fs/open.c: dentry_open()' },
  backing_file_open: { opens: true, source: 'fs/backing-file.c: backing_file_open()' },
  backing_tmpfile_open: { opens: true, source: 'fs/backing-file.c: backing_tmpfile_open()' },
  open_with_fake_path: { opens: true, source: 'fs/open.c: open_with_fake_path() (before v6.6)' },
  kernel_file_open: { opens: true, source: 'fs/open.c: kernel_file_open()' },
  kernel_tmpfile_open: { opens: true, source: 'fs/namei.c: kernel_tmpfile_open() (overlayfs ovl_do_tmpfile(), cachefiles_create_tmpfile())' },
  nfsd_file_file: { source: "fs/nfsd/filecache.c: nfsd_file_file() returns an nfsd_file's open file on the exported filesystem (NFS localio calls it as nfs_to->nfsd_file_file())" },
  fget: { opens: true, source: "fs/file.c: fget(): the calling task's own open file (loop's LOOP_SET_FD), which another filesystem may own" },
  fget_raw: { opens: true, source: 'fs/file.c: fget_raw()' },
  fdget: { opens: true, source: "fs/file.c: fdget(): the calling task's own open file (fd_file(f) gives it)" },
  fdget_raw: { opens: true, source: 'fs/file.c: fdget_raw()' },
  fdget_pos: { opens: true, source: 'fs/file.c: fdget_pos()' },
  open_exec: { opens: true, source: 'fs/exec.c: open_exec() opens an executable or interpreter by path (do_open_execat()), on whatever filesystem holds it (fs/binfmt_elf.c load_elf_binary() opens the interpreter so)' },
  do_open_execat: { opens: true, source: 'fs/exec.c: do_open_execat(): bprm->file, the executable execve() opened by path' },
  dentry_create: { opens: true, source: 'fs/open.c: dentry_create() (nfsd creates and opens the exported file)' },
  file_open_root_mnt: { opens: true, source: 'include/linux/fs.h: file_open_root_mnt()' },
  ecryptfs_file_to_lower: { source: "fs/ecryptfs/ecryptfs_kernel.h: ecryptfs_file_to_lower() returns the lower filesystem's file" },
  nfs42_ssc_open: { source: "fs/nfsd/nfs4proc.c: nfs42_ssc_open() opens an inter-server COPY's source file on the NFS mount of the other server (fs/nfs/nfs4file.c __nfs42_ssc_open())" },
  ovl_real_file: { source: 'fs/overlayfs/file.c: ovl_real_file() returns the real (lower or upper) file' },
  ovl_real_file_meta: { source: 'fs/overlayfs/file.c: ovl_real_file_meta()' },
  ovl_upper_file: { source: 'fs/overlayfs/file.c: ovl_upper_file()' },
  // a struct path of a real layer, filled through its address (the file a getattr or truncate on it reaches)
  ovl_path_real: { source: 'fs/overlayfs/util.c: ovl_path_real() fills the path of the upper or lower (real) dentry' },
  ovl_path_realdata: { source: 'fs/overlayfs/util.c: ovl_path_realdata()' },
  ovl_path_upper: { source: 'fs/overlayfs/util.c: ovl_path_upper()' },
  ovl_path_lower: { source: 'fs/overlayfs/util.c: ovl_path_lower()' },
  ovl_path_lowerdata: { source: 'fs/overlayfs/util.c: ovl_path_lowerdata()' },
  ovl_i_path_real: { source: 'fs/overlayfs/util.c: ovl_i_path_real()' },
  fuse_file_passthrough: { source: 'fs/fuse/fuse_i.h: fuse_file_passthrough() returns the backing file' },
  backing_file: { source: 'fs/fuse/passthrough.c: the backing file of a passthrough open' },
});

/**
 * Struct fields that always hold a file another filesystem owns, whoever set
 * them: the struct's name, so a field of the same name elsewhere is not taken
 * for it (a base whose type is not known is, inside `paths` when they are
 * given: a field name as common as `filp` or `file` is only taken by name in
 * its own subsystem).
 */
export interface FileField extends Fact {
  struct: string;
  paths?: readonly string[];
}
export const FOREIGN_FILE_FIELDS: Record<string, readonly FileField[]> = table({
  swap_file: [{ struct: 'struct swap_info_struct', source: 'mm/swapfile.c: SYSCALL_DEFINE2(swapon) sets p->swap_file to the file file_open_name() opened by path, on whatever filesystem holds it' }],
  nf_file: [{ struct: 'struct nfsd_file', source: 'fs/nfsd/filecache.c: nfsd_file_do_acquire() sets nf->nf_file to the file nfsd_open_verified() opened on the exported filesystem (__nfsd_open(): dentry_open())' }],
  cfi_container: [{ struct: 'struct coda_file_info', source: "fs/coda/file.c: coda_open() sets cfi->cfi_container to the host file Venus handed over (fs/coda/psdev.c: fget() of the daemon's fd), on the local filesystem Coda caches into" }],
  lower_file: [{ struct: 'struct ecryptfs_inode_info', paths: ['fs/ecryptfs/'], source: 'fs/ecryptfs/main.c: ecryptfs_init_lower_file() sets inode_info->lower_file to the lower filesystem\'s file (ecryptfs_privileged_open())' }],
  wfi_file: [{ struct: 'struct ecryptfs_file_info', paths: ['fs/ecryptfs/'], source: 'fs/ecryptfs/file.c: ecryptfs_open() ecryptfs_set_file_lower(file, lower_file): the lower filesystem\'s file' }],
  fd_file: [{ struct: 'struct fd_dev', paths: ['drivers/target/'], source: 'drivers/target/target_core_file.c: fd_configure_device() sets fd_dev->fd_file = filp_open(fd_dev->fd_dev_name, ...), the backstore file' }],
  fd_prot_file: [{ struct: 'struct fd_dev', paths: ['drivers/target/'], source: 'drivers/target/target_core_file.c: fd_init_prot() sets fd_dev->fd_prot_file = filp_open(...)' }],
  backing_dev: [{ struct: 'struct zram', paths: ['drivers/block/zram/'], source: 'drivers/block/zram/zram_drv.c: backing_dev_store() sets zram->backing_dev = filp_open(file_name, ...)' }],
  filp: [
    { struct: 'struct ksmbd_file', paths: ['fs/smb/server/'], source: 'fs/smb/server/vfs_cache.c: ksmbd_open_fd() keeps the file ksmbd opened on the share (dentry_open() in smb2_open())' },
    { struct: 'struct fsg_lun', paths: ['drivers/usb/gadget/'], source: 'drivers/usb/gadget/function/storage_common.c: fsg_lun_open() sets curlun->filp = filp_open(filename, ...), the backing file of a LUN' },
  ],
  file: [{ struct: 'struct bitmap_storage', paths: ['drivers/md/'], source: "drivers/md/md.c: set_bitmap_file() takes the administrator's fd with fget() into mddev->bitmap_info.file; md-bitmap.c __bitmap_create() keeps it in bitmap->storage.file" }],
})

/**
 * Calls that make a file for the caller's own use (shmem, anonymous inodes,
 * pseudo files): no other filesystem owns it, no user opened it, and no LSM
 * or fanotify hook has anything to check on it.
 */
export const PRIVATE_FILE_SOURCES: Record<string, Fact> = table({
  shmem_file_setup: { source: 'mm/shmem.c: shmem_file_setup() (drm_gem_object_init() makes a GEM object\'s backing store so)' },
  shmem_kernel_file_setup: { source: 'mm/shmem.c: shmem_kernel_file_setup() (S_PRIVATE: no LSM)' },
  shmem_file_setup_with_mnt: { source: 'mm/shmem.c: shmem_file_setup_with_mnt()' },
  anon_inode_getfile: { source: 'fs/anon_inodes.c: anon_inode_getfile()' },
  anon_inode_create_getfile: { source: 'fs/anon_inodes.c: anon_inode_create_getfile()' },
  alloc_file_pseudo: { source: 'fs/file_table.c: alloc_file_pseudo()' },
  alloc_file_pseudo_noaccount: { source: 'fs/file_table.c: alloc_file_pseudo_noaccount()' },
});

/**
 * Struct fields that hold a file the code made for its own use (a GEM
 * object's shmem backing store), for the code under `paths`: the base's
 * type is rarely in view (obj->base.filp), so the field is taken by name
 * only there.
 */
export const PRIVATE_FILE_FIELDS: Record<string, readonly FileField[]> = table({
  filp: [{ struct: 'struct drm_gem_object', paths: ['drivers/gpu/drm/'], source: 'drivers/gpu/drm/drm_gem.c: drm_gem_object_init() sets obj->filp = shmem_file_setup(...), the object\'s private shmem file' }],
})


/**
 * Calls that point a structure's file field at a file: the structure
 * argument's index, the file argument's, and the field set. A raw call on
 * `kiocb->ki_filp` or `vma->vm_file` then acts on that file.
 */
export const FILE_SETTERS: Record<string, Fact & { objArg: number; fileArg: number; field: string }> = table({
  init_sync_kiocb: { objArg: 0, fileArg: 1, field: 'ki_filp', source: 'include/linux/fs.h: init_sync_kiocb(kiocb, filp) sets kiocb->ki_filp' },
  kiocb_clone: { objArg: 0, fileArg: 2, field: 'ki_filp', source: 'include/linux/fs.h: kiocb_clone(kiocb, kiocb_src, filp) sets kiocb->ki_filp' },
  vma_set_file: { objArg: 0, fileArg: 1, field: 'vm_file', source: 'mm/util.c: vma_set_file(vma, file) sets vma->vm_file (fs/backing-file.c backing_file_mmap() before call_mmap(vma->vm_file, vma))' },
});

/**
 * Ops-table slots whose `struct file *`/`struct kiocb *` argument is the file
 * being implemented (include/linux/fs.h: struct file_operations,
 * struct address_space_operations; and struct inode_operations' ->tmpfile()
 * and ->atomic_open(), handed the file being opened).
 */
export const FILE_METHOD_SLOTS: ReadonlySet<string> = new Set([
  'read_iter', 'write_iter', 'read', 'write', 'splice_read', 'splice_write', 'mmap', 'fsync', 'llseek',
  'unlocked_ioctl', 'compat_ioctl', 'open', 'release', 'flush', 'fallocate', 'copy_file_range',
  'remap_file_range', 'iterate_shared', 'poll', 'fadvise', 'read_folio', 'readahead', 'uring_cmd',
  'tmpfile', 'atomic_open',
]);

/**
 * The parameter types of the file methods (include/linux/fs.h), for telling
 * a method from a helper named like one when its ops table is not in view
 * (nfsd_splice_read() is no ->splice_read()).
 */
export const FILE_METHOD_SIGNATURES: Record<string, readonly string[]> = {
  read_iter: ['struct kiocb *', 'struct iov_iter *'],
  write_iter: ['struct kiocb *', 'struct iov_iter *'],
  splice_read: ['struct file *', 'loff_t *', 'struct pipe_inode_info *', 'size_t', 'unsigned int'],
  splice_write: ['struct pipe_inode_info *', 'struct file *', 'loff_t *', 'size_t', 'unsigned int'],
  mmap: ['struct file *', 'struct vm_area_struct *'],
  fsync: ['struct file *', 'loff_t', 'loff_t', 'int'],
  read_folio: ['struct file *', 'struct folio *'],
};

/**
 * Kernel structures whose fields are assigned all over the tree: following a
 * field of one of them by name finds strangers (include/linux/fs.h,
 * include/linux/mm_types.h, include/linux/blk_types.h, ...).
 */
export const GENERIC_STRUCTS = /^struct (kiocb|folio|page|inode|file|address_space|super_block|dentry|path|bio|request|iov_iter|work_struct)$/;

/** Fields only the kernel's generic structures have, whatever a base's declared type says: set by every user of the structure. */
export const GENERIC_FIELDS: Record<string, Fact> = table({
  ki_filp: { source: 'include/linux/fs.h: struct kiocb (every submitter sets it: fs/aio.c, io_uring/rw.c, loop, nvmet...)' },
  vm_file: { source: 'include/linux/mm_types.h: struct vm_area_struct' },
});
