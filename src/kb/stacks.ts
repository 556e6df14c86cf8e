// The stacked filesystems and loop-like drivers kreview knows: their paths,
// how their backing files are named, and whose credentials must be in force
// when they touch them.

import { table, type Fact } from './source.js';

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
  /** What to call the backing file in a message (`the cache file`); default `<id>'s backing file`. */
  fileNoun?: string;
  /**
   * Data I/O on the backing file runs under whoever asks, by the stack's
   * design: only a patch that changes which credentials it uses is worth a
   * word (a CHECK). Namespace, metadata and space work must still run under
   * the stack's credentials (namespaceOps).
   */
  dataIoUnderCaller?: boolean;
  /** Namespace, metadata and space operations (NAMESPACE_OPS) on the backing store must run under goodCreds. */
  namespaceOps?: boolean;
  /**
   * Namespace and attribute operations (NAMESPACE_OPS) in the stack's code
   * touch its layers (a stack has no namespace of its own to call them on),
   * and are judged like getattr on the backing file; this names what they touch.
   */
  layerOps?: string;
  /**
   * The stack's own wrappers of those operations, each one a layer operation
   * where it is called (the vfs_*() call is inside a header inline a patch
   * seldom shows, a call or two below the changed code).
   */
  layerWrappers?: Readonly<Record<string, string>>;
  /** Ops tables whose methods run as the stack's own daemon (its principal), not as a stranger. */
  daemonTables?: string[];
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
    // every vfs_*() on a real dentry goes through an ovl_do_*() wrapper (overlayfs.h), called inside
    // ovl_override_creds(): ovl_setattr(), ovl_xattr_set(), ovl_create_or_link(), ovl_rename(), copy-up
    layerOps: 'an upper or lower layer',
    // fs/overlayfs/overlayfs.h: the ovl_do_*() inlines, each one vfs_*() call on a real dentry
    layerWrappers: {
      ovl_do_notify_change: 'attribute change, notify_change()', ovl_do_rmdir: 'vfs_rmdir()', ovl_do_unlink: 'vfs_unlink()', ovl_do_link: 'vfs_link()',
      ovl_do_create: 'vfs_create()', ovl_do_mkdir: 'vfs_mkdir()', ovl_do_mknod: 'vfs_mknod()', ovl_do_symlink: 'vfs_symlink()',
      ovl_do_setxattr: 'vfs_setxattr()', ovl_do_removexattr: 'vfs_removexattr()', ovl_do_set_acl: 'vfs_set_acl()', ovl_do_remove_acl: 'vfs_remove_acl()',
      ovl_do_rename: 'vfs_rename()', ovl_do_whiteout: 'a whiteout, vfs_whiteout()', ovl_do_tmpfile: 'vfs_tmpfile()',
      // not a wrapper, but the same kind of work: ovl_permission() checks the real inode as the mounter
      // (fs/overlayfs/inode.c: "underlying inode with creds of mounter"), as ovl_open_realfile() does before its open
      inode_permission: 'permission check',
    },
    source: 'fs/overlayfs/file.c: ovl_read_iter() passes .cred = ovl_creds(inode->i_sb) to backing_file_read_iter(); fs/overlayfs/inode.c: ovl_setattr() wraps ovl_do_notify_change() in ovl_override_creds()',
  },
  {
    id: 'fuse',
    paths: ['fs/fuse/'],
    backingFile: [/\bbacking_file\b/, /\bff->passthrough\b/, /\bfuse_file_passthrough\(/, /\bfb->file\b/],
    principal: 'stack',
    goodCreds: [/\bff->cred\b/, /\bfb->cred\b/],
    credHint: "the creds captured when the daemon registered the backing file (ff->cred)",
    // the FUSE daemon's own device: FUSE_DEV_IOC_BACKING_OPEN captures its creds (fs/fuse/passthrough.c: fuse_backing_open())
    daemonTables: ['fuse_dev_operations'],
    source: 'fs/fuse/passthrough.c: fuse_passthrough_read_iter() passes .cred = ff->cred',
  },
  {
    id: 'cachefiles',
    paths: ['fs/cachefiles/'],
    backingFile: [/\bobject->file\b/, /\bcache_file\b/, /\bcres->cache_priv2\b/, /\bcachefiles_cres_file\(/],
    principal: 'stack',
    goodCreds: [/cache_cred\b/, /^kernel$/],
    credHint: "the cache's credentials (cache->cache_cred, through cachefiles_begin_secure())",
    fileNoun: 'the cache file',
    dataIoUnderCaller: true,
    namespaceOps: true,
    daemonTables: ['cachefiles_daemon_fops', 'cachefiles_ondemand_fd_fops'],
    source:
      'fs/cachefiles/internal.h: cachefiles_begin_secure(); fs/cachefiles/io.c: cachefiles_read() and __cachefiles_write() do the data I/O with no override, by design since 047487c947e8 ("cachefiles: Implement the I/O routines"), while namespace, metadata and space work (namei.c, xattr.c, __cachefiles_prepare_write()) runs inside cachefiles_begin_secure(); cache files are opened with cache->cache_cred (namei.c: cachefiles_open_file())',
  },
  {
    id: 'nfs-localio',
    paths: ['fs/nfs/localio.c', 'fs/nfs_common/'],
    // nfs_do_local_read()/_write() take the local file from nfsd: nfs_to->nfsd_file_file(localio)
    backingFile: [/\bfilp\b/, /\bnf_file\b/, /\blocal->\w*file\b/, /\bnfsd_file_file\(/],
    principal: 'opener',
    goodCreds: [/->f_cred\b/],
    credHint: "the local file's f_cred",
    source: 'fs/nfs/localio.c: nfs_local_call_read() override_creds(filp->f_cred); nfs_do_local_read() file = nfs_to->nfsd_file_file(localio)',
  },
  {
    id: 'loop',
    paths: ['drivers/block/loop.c'],
    backingFile: [/\blo_backing_file\b/],
    principal: 'kernel',
    goodCreds: [/^kernel$/],
    credHint: 'kernel creds of the kworker the I/O runs from',
    source: 'drivers/block/loop.c: loop_workfn() runs lo_rw_aio() from a kworker',
  },
  {
    id: 'zloop',
    paths: ['drivers/block/zloop.c'],
    backingFile: [/\bzone->file\b/],
    principal: 'kernel',
    goodCreds: [/^kernel$/],
    credHint: 'kernel creds of the kworker the I/O runs from',
    source: 'drivers/block/zloop.c (v6.16): zloop_cmd_workfn() runs zloop_rw() from a kworker; zloop_ctl_add() opens the zone files as the administrator',
  },
  {
    id: 'nvmet',
    paths: ['drivers/nvme/target/io-cmd-file.c'],
    backingFile: [/\bns->file\b/, /\breq->ns->file\b/],
    principal: 'kernel',
    goodCreds: [/^kernel$/],
    credHint: 'kernel creds of the kworker the I/O runs from',
    source: 'drivers/nvme/target/io-cmd-file.c: nvmet_file_execute_rw() submits from nvmet\'s workqueues; nvmet_file_ns_enable() opens ns->file with filp_open() when the administrator enables the namespace',
  },
  {
    // the SCSI target's file backstore: like nvmet's, a block device served from a file another filesystem holds
    id: 'target',
    paths: ['drivers/target/target_core_file.c'],
    backingFile: [/\bfd_dev->fd_file\b/, /\bfd_dev->fd_prot_file\b/, /\bFD_DEV\(\w+\)->fd_file\b/],
    principal: 'kernel',
    goodCreds: [/^kernel$/],
    credHint: "kernel creds of the target's workers and the fabric's threads the commands run from",
    source: 'drivers/target/target_core_file.c: fd_configure_device() opens fd_dev->fd_file with filp_open() when the administrator configures the backstore through configfs; fd_execute_rw() runs from the fabric\'s command context (target_core_transport.c: target_submission_wq, target_completion_wq, the fabrics\' threads)',
  },
  {
    // the USB mass-storage gadget: a LUN served from a file
    id: 'mass-storage',
    paths: ['drivers/usb/gadget/function/f_mass_storage.c', 'drivers/usb/gadget/function/storage_common.c'],
    backingFile: [/\bcurlun->filp\b/, /\blun->filp\b/],
    principal: 'kernel',
    goodCreds: [/^kernel$/],
    credHint: 'kernel creds of its file-storage thread',
    source: 'drivers/usb/gadget/function/f_mass_storage.c: fsg_main_thread() (kthread_run(), "file-storage") does every do_read()/do_write() on curlun->filp; storage_common.c: fsg_lun_open() opens lun->filp when the administrator sets the LUN\'s file',
  },
];

/**
 * fs/backing-file.c, the stacks' shared I/O helpers: each switches to the
 * ctx->cred its caller hands in around its access to the backing file (the
 * helper's own file argument). Only the credentials rule judges it as a
 * stack (a dropped or narrowed override there runs every caller's I/O as the
 * reader); for the other rules it stays the VFS core it is.
 */
export const BACKING_FILE_HELPERS: Stack = {
  id: 'backing-file.c',
  paths: ['fs/backing-file.c'],
  backingFile: [],
  principal: 'stack',
  goodCreds: [/\bctx->cred\b/],
  credHint: 'ctx->cred, the credentials its caller (overlayfs, FUSE) hands in',
  fileNoun: 'the backing file',
  source: 'fs/backing-file.c: backing_file_read_iter()/_write_iter()/_splice_read()/_splice_write()/_mmap() override_creds(ctx->cred) around the access to their file argument',
};

/**
 * Namespace, metadata and space operations: what cachefiles does as the
 * cache (fs/cachefiles/namei.c, xattr.c, interface.c, io.c
 * __cachefiles_prepare_write(), all inside cachefiles_begin_secure()).
 */
export const NAMESPACE_OPS: Record<string, Fact & { what: string }> = table({
  lookup_one_len: { what: 'lookup', source: 'fs/namei.c: lookup_one_len()' },
  lookup_one: { what: 'lookup', source: 'fs/namei.c: lookup_one()' },
  lookup_one_unlocked: { what: 'lookup', source: 'fs/namei.c: lookup_one_unlocked()' },
  lookup_positive_unlocked: { what: 'lookup', source: 'fs/namei.c: lookup_positive_unlocked()' },
  vfs_mkdir: { what: 'mkdir', source: 'fs/namei.c: vfs_mkdir()' },
  vfs_create: { what: 'create', source: 'fs/namei.c: vfs_create()' },
  vfs_tmpfile_open: { what: 'tmpfile', source: 'fs/namei.c: vfs_tmpfile_open()' },
  vfs_link: { what: 'link', source: 'fs/namei.c: vfs_link()' },
  vfs_unlink: { what: 'unlink', source: 'fs/namei.c: vfs_unlink()' },
  vfs_rmdir: { what: 'rmdir', source: 'fs/namei.c: vfs_rmdir()' },
  vfs_rename: { what: 'rename', source: 'fs/namei.c: vfs_rename()' },
  notify_change: { what: 'attribute change', source: 'fs/attr.c: notify_change()' },
  vfs_truncate: { what: 'truncate', source: 'fs/open.c: vfs_truncate()' },
  vfs_setxattr: { what: 'setxattr', source: 'fs/xattr.c: vfs_setxattr()' },
  vfs_getxattr: { what: 'getxattr', source: 'fs/xattr.c: vfs_getxattr()' },
  vfs_removexattr: { what: 'removexattr', source: 'fs/xattr.c: vfs_removexattr()' },
  vfs_listxattr: { what: 'listxattr', source: 'fs/xattr.c: vfs_listxattr() (overlayfs ovl_listxattr() under its override)' },
  vfs_get_acl: { what: 'get ACL', source: 'fs/posix_acl.c: vfs_get_acl() (overlayfs ovl_get_acl_path(), called under ovl_override_creds())' },
  vfs_set_acl: { what: 'set ACL', source: 'fs/posix_acl.c: vfs_set_acl() (overlayfs.h ovl_do_set_acl())' },
  vfs_remove_acl: { what: 'remove ACL', source: 'fs/posix_acl.c: vfs_remove_acl() (overlayfs.h ovl_do_remove_acl())' },
  vfs_mknod: { what: 'mknod', source: 'fs/namei.c: vfs_mknod() (overlayfs.h ovl_do_mknod())' },
  vfs_symlink: { what: 'symlink', source: 'fs/namei.c: vfs_symlink() (overlayfs.h ovl_do_symlink())' },
  vfs_whiteout: { what: 'whiteout', source: 'fs/namei.c: vfs_whiteout() (overlayfs.h ovl_do_whiteout())' },
  vfs_get_link: { what: 'readlink', source: 'fs/namei.c: vfs_get_link() (overlayfs ovl_get_link() under its override)' },
  vfs_fileattr_get: { what: 'get file attributes', source: 'fs/ioctl.c: vfs_fileattr_get() (overlayfs ovl_real_fileattr_get() under its override)' },
  vfs_fileattr_set: { what: 'set file attributes', source: 'fs/ioctl.c: vfs_fileattr_set() (overlayfs ovl_real_fileattr_set() under its override)' },
  vfs_fallocate: { what: 'space allocation', source: 'fs/open.c: vfs_fallocate() (cachefiles: __cachefiles_prepare_write() punches holes under cachefiles_begin_secure())' },
});

/** Calls that open a file with given credentials: the argument that holds them. */
export const OPENS_WITH_CREDS: Record<string, Fact & { credArg: number }> = table({
  kernel_file_open: { credArg: 2, source: 'fs/open.c: kernel_file_open(path, flags, cred) (cachefiles_open_file() passes cache->cache_cred)' },
  dentry_open: { credArg: 2, source: 'fs/open.c: dentry_open(path, flags, cred)' },
  kernel_tmpfile_open: { credArg: 4, source: 'fs/namei.c: kernel_tmpfile_open(idmap, parentpath, mode, open_flag, cred) (v6.3+; cachefiles_create_tmpfile() passes cache->cache_cred)' },
  dentry_create: { credArg: 3, source: 'fs/open.c: dentry_create(path, flags, mode, cred) (nfsd creates and opens the exported file)' },
  vfs_tmpfile_open: { credArg: 4, source: 'fs/namei.c: vfs_tmpfile_open(idmap, parentpath, mode, open_flag, cred)' },
  open_with_fake_path: { credArg: 3, source: 'fs/open.c: open_with_fake_path(path, flags, inode, cred) (before v6.6)' },
  backing_file_open: { credArg: 3, source: 'fs/backing-file.c: backing_file_open(user_file, flags, real_path, cred): cred becomes the backing file\'s f_cred (overlayfs ovl_open_realfile() passes current_cred() inside ovl_override_creds())' },
  backing_tmpfile_open: { credArg: 4, source: 'fs/backing-file.c: backing_tmpfile_open(user_file, flags, real_parentpath, mode, cred) (overlayfs ovl_create_tmpfile())' },
});

/**
 * Files whose callers live elsewhere, by path: a check of one reads the
 * model's code of its callers too (without it, a patch to the helper is
 * judged by the callers in its own directory alone). fs/backing-file.c is
 * the stacks' shared I/O library: overlayfs and FUSE passthrough call it,
 * and their calls say which credentials they hand in and whether they still
 * switch.
 */
export const CALLED_FROM: Record<string, string[]> = {
  'fs/backing-file.c': ['fs/overlayfs/file.c', 'fs/fuse/passthrough.c'],
};

export function stackFor(path: string): Stack | undefined {
  return STACKS.find((s) => s.paths.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p)));
}

/** Names that usually mean "a file owned by another filesystem" (shared/KERNEL-CONTEXT.md). Lower confidence than a stack's own patterns. */
export const BACKING_NAME_HINT = /\b(backing|real|lower|upper)_?file\b|\b(backing|real|lower|upper)\b(?=(->|\.)(file|f_mapping))|lo_backing_file/;
