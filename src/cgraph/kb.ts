// Hand-curated knowledge of kernel API semantics. Every fact names where it
// comes from (a kernel file and function in Linux 6.12 unless said otherwise,
// or the lore discussion summarised in shared/KERNEL-CONTEXT.md).
//
// The indexer uses the credential forms; the rules use the rest. The model
// built from a real tree complements this with what only a tree can tell
// (callers, which symbols fs/internal.h declares in that version, ...).

export interface Fact {
  /** Where the fact comes from: `fs/read_write.c: vfs_iocb_iter_read()`. */
  source: string;
}

/**
 * Tables are looked up with names taken from C code: without a prototype,
 * a function called `constructor` or `toString` is not mistaken for an entry.
 */
export function table<T>(entries: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}

// ---------------------------------------------------------------------------
// I/O entry points

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
  file: { from: 'receiver' } | { from: 'arg'; index: number } | { from: 'iocb-arg'; index: number };
  dir: 'read' | 'write';
  /** The checked entry point to name in the message. */
  useInstead: string;
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
  __kernel_read: { file: { from: 'arg', index: 0 }, dir: 'read', useInstead: 'kernel_read()', source: 'fs/read_write.c: __kernel_read()' },
  __kernel_write: { file: { from: 'arg', index: 0 }, dir: 'write', useInstead: 'kernel_write()', source: 'fs/read_write.c: __kernel_write()' },
  __kernel_write_iter: { file: { from: 'arg', index: 0 }, dir: 'write', useInstead: 'vfs_iocb_iter_write()', source: 'fs/read_write.c: __kernel_write_iter()' },
  // A hand call of ->read_folio(): its file argument is the owner's private cookie.
  'a_ops->read_folio': { file: { from: 'arg', index: 0 }, dir: 'read', useInstead: 'vfs_iocb_iter_read() into a buffer the stacked filesystem owns', source: 'include/linux/fs.h: struct address_space_operations; lore: "->read_folio()\'s file is a filesystem-private cookie"' },
});

/** Where raw method calls are the implementation itself (shared/KERNEL-CONTEXT.md, "Legitimate raw callers"). */
export const VFS_CORE_FILES: Record<string, Fact> = table({
  'fs/read_write.c': { source: 'fs/read_write.c: the VFS read/write implementation (vfs_read(), do_iter_readv_writev(), ...)' },
  'fs/splice.c': { source: 'fs/splice.c: vfs_splice_read(), do_splice_from()' },
});

/** Syscall-level submitters: raw calls there are fine after rw_verify_area() on the same file. */
export const SYSCALL_SUBMITTER_FILES: Record<string, Fact> = table({
  'fs/aio.c': { source: 'fs/aio.c: aio_read()/aio_write() call rw_verify_area() before ->read_iter()/->write_iter()' },
  'io_uring/rw.c': { source: 'io_uring/rw.c: __io_read()/io_write() call rw_verify_area() before ->read_iter()/->write_iter()' },
});

/** fs/backing-file.c runs raw ->splice_write between file_start_write()/file_end_write() under ctx->cred. */
export const BACKING_FILE_IMPL = 'fs/backing-file.c';

// ---------------------------------------------------------------------------
// VFS-internal helpers

export interface InternalHelper extends Fact {
  /** The checked entry point a filesystem should call instead. */
  useInstead: string;
}

export const VFS_INTERNAL_HELPERS: Record<string, InternalHelper> = table({
  rw_verify_area: {
    useInstead: 'vfs_iocb_iter_read()/vfs_iocb_iter_write(), kernel_read()/kernel_write() or the backing_file_*() helpers, which run it for you',
    source: 'fs/read_write.c: rw_verify_area(); declared in include/linux/fs.h since ~v5.18 (fs/internal.h before); lore: "rw_verify_area() belongs to the VFS"',
  },
  remap_verify_area: {
    useInstead: 'vfs_clone_file_range()/vfs_dedupe_file_range(), which run it for you',
    source: 'fs/remap_range.c: remap_verify_area()',
  },
});

/**
 * Symbols declared in fs/internal.h (Linux 6.12) that a filesystem might be
 * tempted to use. Only names that stayed internal across versions: some
 * (vfs_tmpfile) moved between fs.h and internal.h and would mislead on patches
 * for other versions.
 */
export const FS_INTERNAL_H_SYMBOLS: Record<string, Fact> = table({
  alloc_empty_file: { source: 'fs/internal.h: alloc_empty_file()' },
  alloc_empty_file_noaccount: { source: 'fs/internal.h: alloc_empty_file_noaccount()' },
  alloc_empty_backing_file: { source: 'fs/internal.h: alloc_empty_backing_file()' },
  backing_file_set_user_path: { source: 'fs/internal.h: backing_file_set_user_path()' },
  do_filp_open: { source: 'fs/internal.h: do_filp_open()' },
  splice_file_to_pipe: { source: 'fs/internal.h: splice_file_to_pipe()' },
  mnt_get_write_access_file: { source: 'fs/internal.h: mnt_get_write_access_file()' },
});

/** Directories whose code IS the VFS: fs/*.c at the top of fs/ (not in a filesystem's subdirectory). */
export function isVfsCore(path: string): boolean {
  return /^fs\/[^/]+\.[ch]$/.test(path);
}

// ---------------------------------------------------------------------------
// Credentials

export interface CredForm extends Fact {
  kind: 'override' | 'scoped' | 'paired';
  /** How to read the credential: an argument index, `kernel`, or an overlayfs superblock argument. */
  cred: { arg: number } | 'kernel' | { ovlSbArg: number };
}

/**
 * Every way kernel code switches credentials. Names are what appears at the
 * call site; `CLASS(override_creds, x)(c)` and `scoped_class(override_creds, ...)`
 * are matched by their first argument.
 */
export const CRED_FORMS: Record<string, CredForm> = table({
  override_creds: { kind: 'override', cred: { arg: 0 }, source: 'kernel/cred.c: override_creds() returns the old cred; revert_creds() restores it' },
  ovl_override_creds: { kind: 'override', cred: { ovlSbArg: 0 }, source: 'fs/overlayfs/util.c: ovl_override_creds() = override_creds(ofs->creator_cred)' },
  scoped_with_creds: { kind: 'scoped', cred: { arg: 0 }, source: 'include/linux/cred.h: scoped_with_creds() (v6.18+)' },
  with_creds: { kind: 'scoped', cred: { arg: 0 }, source: 'include/linux/cred.h: with_creds() (v6.18+): until end of scope' },
  scoped_with_kernel_creds: { kind: 'scoped', cred: 'kernel', source: 'include/linux/cred.h: scoped_with_kernel_creds()' },
  with_kernel_creds: { kind: 'scoped', cred: 'kernel', source: 'include/linux/cred.h: with_kernel_creds()' },
  with_ovl_creds: { kind: 'scoped', cred: { ovlSbArg: 0 }, source: 'fs/overlayfs/overlayfs.h: with_ovl_creds(sb) (v6.18+)' },
  'CLASS(override_creds)': { kind: 'scoped', cred: { arg: 0 }, source: 'include/linux/cred.h: DEFINE_CLASS(override_creds, ...)' },
  'scoped_class(override_creds)': { kind: 'scoped', cred: { arg: 0 }, source: 'include/linux/cred.h: scoped_with_kernel_creds() expands to scoped_class(override_creds, ...)' },
  'CLASS(override_creds_ovl)': { kind: 'scoped', cred: { ovlSbArg: 0 }, source: 'fs/overlayfs/overlayfs.h: DEFINE_CLASS(override_creds_ovl, ...) (v6.18+)' },
  'scoped_class(override_creds_ovl)': { kind: 'scoped', cred: { ovlSbArg: 0 }, source: 'fs/overlayfs: scoped_class(override_creds_ovl, old, sb)' },
  'guard(cred)': { kind: 'scoped', cred: { arg: 0 }, source: 'include/linux/cleanup.h guard() over a cred class' },
  cachefiles_begin_secure: { kind: 'paired', cred: 'kernel', source: 'fs/cachefiles/internal.h: cachefiles_begin_secure() = override_creds(cache->cache_cred)' },
});

/** Calls that undo an `override`/`paired` form. */
export const CRED_REVERTS: Record<string, Fact> = table({
  revert_creds: { source: 'kernel/cred.c: revert_creds()' },
  ovl_revert_creds: { source: 'fs/overlayfs/util.c: ovl_revert_creds() (v6.13+)' },
  revert_creds_light: { source: 'include/linux/cred.h: revert_creds_light() (v6.13)' },
  cachefiles_end_secure: { source: 'fs/cachefiles/internal.h: cachefiles_end_secure()' },
});

/**
 * The credential form of a call: a known one, or one that reads like one.
 * Patches on the lists carry forms that come and go between versions and RFCs
 * (override_creds_light(), cred_guard(), ovl_override_creds_light()): treating
 * them as some scope, of credentials we may not judge, is what keeps a rule
 * from claiming "no override on this path" when there is one.
 */
export function credFormFor(callee: string): { key: string; form: CredForm; generic?: boolean } | undefined {
  const known = CRED_FORMS[callee];
  if (known) return { key: callee, form: known };
  // both generic forms below name creds (a fast way out: this runs for every identifier of a hunk)
  if (!callee.includes('cred')) return undefined;
  const bare = callee.replace(/\(.*$/, '');
  if (/override_creds/.test(callee) && !/^(put|get)_/.test(bare)) {
    return { key: callee, generic: true, form: { kind: 'override', cred: /ovl/.test(callee) ? { ovlSbArg: 0 } : { arg: 0 }, source: 'a variant of override_creds()' } };
  }
  if (/cred/.test(callee) && /(^|_|\()(guard|scoped|with)(_|\(|$)|_guard\b/.test(callee)) {
    return { key: callee, generic: true, form: { kind: 'scoped', cred: { arg: 0 }, source: 'a scoped credential guard' } };
  }
  return undefined;
}

export function isCredRevert(callee: string): boolean {
  return !!CRED_REVERTS[callee] || /revert_creds/.test(callee);
}

// ---------------------------------------------------------------------------
// Page cache

export interface PageCacheApi extends Fact {
  /** Argument index of the `struct address_space *`; `iocb` means the mapping is iocb->ki_filp->f_mapping. */
  mapping: number | { iocbArg: number };
  /** Argument index of the file handed to ->read_folio() as its cookie, if any. */
  fileArg?: number;
  reads: boolean;
}

export const PAGE_CACHE_APIS: Record<string, PageCacheApi> = table({
  read_mapping_folio: { mapping: 0, fileArg: 2, reads: true, source: 'include/linux/pagemap.h: read_mapping_folio()' },
  read_cache_folio: { mapping: 0, fileArg: 3, reads: true, source: 'mm/filemap.c: read_cache_folio()' },
  mapping_read_folio_gfp: { mapping: 0, reads: true, source: 'mm/filemap.c: mapping_read_folio_gfp()' },
  read_mapping_page: { mapping: 0, fileArg: 2, reads: true, source: 'include/linux/pagemap.h: read_mapping_page()' },
  read_cache_page: { mapping: 0, fileArg: 3, reads: true, source: 'mm/filemap.c: read_cache_page()' },
  read_cache_page_gfp: { mapping: 0, reads: true, source: 'mm/filemap.c: read_cache_page_gfp()' },
  filemap_get_folio: { mapping: 0, reads: false, source: 'include/linux/pagemap.h: filemap_get_folio()' },
  __filemap_get_folio: { mapping: 0, reads: false, source: 'mm/filemap.c: __filemap_get_folio()' },
  filemap_lock_folio: { mapping: 0, reads: false, source: 'include/linux/pagemap.h: filemap_lock_folio()' },
  filemap_grab_folio: { mapping: 0, reads: false, source: 'include/linux/pagemap.h: filemap_grab_folio()' },
  find_get_page: { mapping: 0, reads: false, source: 'include/linux/pagemap.h: find_get_page()' },
  find_get_page_flags: { mapping: 0, reads: false, source: 'include/linux/pagemap.h: find_get_page_flags()' },
  pagecache_get_page: { mapping: 0, reads: false, source: 'mm/folio-compat.c: pagecache_get_page()' },
  filemap_read: { mapping: { iocbArg: 0 }, reads: true, source: 'mm/filemap.c: filemap_read() reads iocb->ki_filp->f_mapping' },
});

// ---------------------------------------------------------------------------
// Backing files and their stacks

export type CredPrincipal =
  /** The backing file's opener, i.e. the mounter: `file->f_cred`. */
  | 'opener'
  /** Kernel credentials of a kworker (loop, zloop, nvmet). */
  | 'kernel'
  /** A credential the stack captured itself (overlayfs creator_cred, FUSE ff->cred, cachefiles cache_cred). */
  | 'stack';

export interface Stack extends Fact {
  id: string;
  /** Tree paths (prefixes) that belong to this stack. */
  paths: string[];
  /** Expressions (regular expressions over normalised text) that name a backing file. */
  backingFile: RegExp[];
  /** Whose credentials must be in force when touching the backing file. */
  principal: CredPrincipal;
  /** Cred expressions (regexps) that are right for this stack. */
  goodCreds: RegExp[];
  /** How to say it in a message. */
  credHint: string;
}

export const STACKS: Stack[] = [
  {
    id: 'erofs',
    paths: ['fs/erofs/'],
    backingFile: [/\bdif0\.file\b/, /\bdif->file\b/, /\bm_dif->file\b/, /\bbuf->file\b/, /\bsbi->fdev\b/, /\brq->iocb\.ki_filp\b/],
    principal: 'opener',
    goodCreds: [/->f_cred\b/, /\bf_cred\b/],
    credHint: "the backing file's f_cred (the mounter, who opened it in erofs_fc_get_tree())",
    source: 'fs/erofs/super.c: erofs_fc_get_tree() filp_open(fc->source); fs/erofs/fileio.c: erofs_fileio_rq_submit(); lore: erofs file-backed mounts impersonate the opener',
  },
  {
    id: 'overlayfs',
    paths: ['fs/overlayfs/'],
    backingFile: [/\brealfile\b/, /\breal\.file\b/, /\bfd_file\(real/, /\bovl_real_file\w*\(/, /\breal_(in|out)\b/, /\bupperfile\b/, /\blowerfile\b/],
    principal: 'stack',
    goodCreds: [/\bovl_creds\(/, /creator_cred\b/, /\bovl_override_creds\(/],
    credHint: "the mounter's creds, ovl_creds(sb) (ofs->creator_cred)",
    source: 'fs/overlayfs/file.c: ovl_read_iter() passes .cred = ovl_creds(inode->i_sb) to backing_file_read_iter()',
  },
  {
    id: 'fuse',
    paths: ['fs/fuse/'],
    backingFile: [/\bbacking_file\b/, /\bff->passthrough\b/, /\bfuse_file_passthrough\(/, /\bfb->file\b/],
    principal: 'stack',
    goodCreds: [/\bff->cred\b/, /\bfb->cred\b/],
    credHint: "the creds captured when the daemon registered the backing file (ff->cred)",
    source: 'fs/fuse/passthrough.c: fuse_passthrough_read_iter() passes .cred = ff->cred',
  },
  {
    id: 'cachefiles',
    paths: ['fs/cachefiles/'],
    backingFile: [/\bobject->file\b/, /\bcache_file\b/, /\bcres->cache_priv2\b/, /\bcachefiles_cres_file\(/],
    principal: 'stack',
    goodCreds: [/cache_cred\b/, /^kernel$/],
    credHint: 'the cache daemon creds, cache->cache_cred (cachefiles_begin_secure())',
    source: 'fs/cachefiles/internal.h: cachefiles_begin_secure()',
  },
  {
    id: 'nfs-localio',
    paths: ['fs/nfs/localio.c', 'fs/nfs_common/'],
    backingFile: [/\bfilp\b/, /\bnf_file\b/, /\blocal->\w*file\b/],
    principal: 'opener',
    goodCreds: [/->f_cred\b/],
    credHint: "the local file's f_cred",
    source: 'fs/nfs/localio.c: nfs_local_call_read() override_creds(filp->f_cred)',
  },
  {
    id: 'loop',
    paths: ['drivers/block/loop.c', 'drivers/block/zloop.c', 'drivers/nvme/target/io-cmd-file.c'],
    backingFile: [/\blo_backing_file\b/, /\bzone->file\b/, /\bns->file\b/],
    principal: 'kernel',
    goodCreds: [/^kernel$/],
    credHint: 'kernel creds of the kworker the I/O runs from',
    source: 'drivers/block/loop.c: loop_workfn() runs lo_rw_aio() from a kworker',
  },
];

export function stackFor(path: string): Stack | undefined {
  return STACKS.find((s) => s.paths.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p)));
}

/** Names that usually mean "a file owned by another filesystem" (shared/KERNEL-CONTEXT.md). Lower confidence than a stack's own patterns. */
export const BACKING_NAME_HINT = /\b(backing|real|lower|upper)_?file\b|\b(backing|real|lower|upper)\b(?=(->|\.)(file|f_mapping))|lo_backing_file/;
