// What belongs to the VFS itself: its internal helpers, what fs/internal.h
// declares, and the files and directories that are the VFS (not users of it).

import { table, type Fact } from './source.js';

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
 * Functions fs/internal.h declares in Linux 6.12 (and no header under
 * include/linux/ does): VFS internals, not an interface for filesystems.
 * Without a tree this is the list; a name that moved into a public header
 * in another version would be reported on a patch for that version.
 */
const FS_INTERNAL_H_6_12 = [
  '__block_write_begin_int',
  '__d_lookup',
  '__d_lookup_rcu',
  'alloc_empty_backing_file',
  'alloc_empty_file',
  'alloc_empty_file_noaccount',
  'alloc_mnt_idmap',
  'backing_file_set_user_path',
  'bdev_cache_init',
  'build_open_flags',
  'build_open_how',
  'chmod_common',
  'chown_common',
  'chrdev_init',
  'chroot_fs_refs',
  'd_alloc_cursor',
  'd_alloc_pseudo',
  'd_genocide',
  'd_set_mounted',
  'dentry_needs_remove_privs',
  'dissolve_on_fput',
  'do_file_open_root',
  'do_filp_open',
  'do_ftruncate',
  'do_get_acl',
  'do_getxattr',
  'do_linkat',
  'do_mkdirat',
  'do_renameat2',
  'do_rmdir',
  'do_set_acl',
  'do_setxattr',
  'do_statx',
  'do_statx_fd',
  'do_symlinkat',
  'do_unlinkat',
  'dput_to_list',
  'file_close_fd_locked',
  'file_f_owner_release',
  'filename_lookup',
  'finish_automount',
  'finish_clean_context',
  'get_nr_dirty_inodes',
  'getname_statx_lookup_flags',
  'group_pin_kill',
  'invalidate_inodes',
  'lookup_mnt',
  'may_linkat',
  'may_mount',
  'may_write_xattr',
  'mnt_get_write_access_file',
  'mnt_init',
  'mnt_pin_kill',
  'mnt_put_write_access_file',
  'mount_capable',
  'open_namespace',
  'parse_monolithic_mount_data',
  'path_from_stashed',
  'path_mount',
  'path_umount',
  'prune_dcache_sb',
  'prune_icache_sb',
  'reconfigure_super',
  'sb_init_dio_done_wq',
  'sb_prepare_remount_readonly',
  'setxattr_copy',
  'shrink_dcache_for_umount',
  'shrink_dentry_list',
  'simple_dname',
  'splice_file_to_pipe',
  'stashed_dentry_prune',
  'super_trylock_shared',
  'user_get_super',
  'vfs_clean_context',
  'vfs_open',
  'vfs_tmpfile',
];
export const FS_INTERNAL_H_SYMBOLS: Record<string, Fact> = table(Object.fromEntries(FS_INTERNAL_H_6_12.map((n) => [n, { source: `fs/internal.h (v6.12): ${n}()` }])));

/**
 * fs/internal.h symbols that a public header declared in older kernels: a
 * call in a file that does not include fs/internal.h was written against
 * one of those, where it was an interface.
 */
export const ONCE_PUBLIC: Record<string, Fact> = table({
  vfs_tmpfile: { source: 'include/linux/fs.h until v6.1: struct dentry *vfs_tmpfile(...), exported; v6.1 made it fs/internal.h\'s int vfs_tmpfile(idmap, parentpath, file, mode) (cachefiles called the old one)' },
});

/** Directories whose code IS the VFS: fs/*.c at the top of fs/ (not in a filesystem's subdirectory). */
export function isVfsCore(path: string): boolean {
  return /^fs\/[^/]+\.[ch]$/.test(path);
}

/**
 * VFS infrastructure that lives in subdirectories of fs/ or next to it and
 * is part of the VFS, not a user of it (fs/iomap: the VFS's block-mapping
 * library; fs/notify: fsnotify; fs/quota; io_uring/: a syscall-level submitter
 * that runs rw_verify_area() itself, io_uring/rw.c __io_read(); block/bdev.c:
 * the bdev pseudo-filesystem, which has included fs/internal.h for as long
 * as both exist).
 */
export const VFS_INFRASTRUCTURE: readonly RegExp[] = [/^fs\/iomap\//, /^fs\/notify\//, /^fs\/quota\//, /^io_uring\//, /^block\/bdev\.c$/];

/** The VFS, or infrastructure that is part of it. */
export function isVfsSide(path: string): boolean {
  return isVfsCore(path) || VFS_INFRASTRUCTURE.some((r) => r.test(path));
}
