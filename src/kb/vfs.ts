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
