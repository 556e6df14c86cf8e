// The page-cache APIs that take a mapping (and which of them read through
// the owner's ->read_folio()).

import { table, type Fact } from './source.js';

export interface PageCacheApi extends Fact {
  /**
   * Where the `struct address_space *` is: an argument index; the mapping of
   * a kiocb's file (`iocb->ki_filp->f_mapping`) or of a file argument
   * (`file->f_mapping`); or the receiver of a hand `mapping->a_ops->...()` call.
   */
  mapping: number | { iocbArg: number } | { fileArg: number } | 'receiver';
  /** Argument index of the file handed to ->read_folio() as its cookie, if any. */
  fileArg?: number;
  reads: boolean;
  /** The checked call that does the same for another filesystem's file, when it is not a read (vfs_fadvise()). */
  useInstead?: string;
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
  generic_file_read_iter: { mapping: { iocbArg: 0 }, reads: true, source: "mm/filemap.c: generic_file_read_iter() reads iocb->ki_filp's page cache (filemap_read())" },
  filemap_splice_read: { mapping: { fileArg: 0 }, reads: true, source: "mm/filemap.c: filemap_splice_read(in, ...) splices from in->f_mapping's folios" },
  filemap_get_folios: { mapping: 0, reads: false, source: 'mm/filemap.c: filemap_get_folios()' },
  generic_fadvise: { mapping: { fileArg: 0 }, reads: true, useInstead: 'vfs_fadvise()', source: "mm/fadvise.c: generic_fadvise(file, ...) reads ahead into and invalidates file->f_mapping itself (vfs_fadvise() calls the file's own ->fadvise first)" },
  find_lock_page: { mapping: 0, reads: false, source: 'include/linux/pagemap.h: find_lock_page()' },
  find_or_create_page: { mapping: 0, reads: false, source: 'include/linux/pagemap.h: find_or_create_page()' },
  grab_cache_page: { mapping: 0, reads: false, source: 'include/linux/pagemap.h: grab_cache_page()' },
  // by hand: the mapping's own ->read_folio(), handed a file cookie
  'a_ops->read_folio': { mapping: 'receiver', fileArg: 0, reads: true, source: "include/linux/fs.h: struct address_space_operations; lore: \"->read_folio()'s file is a filesystem-private cookie\"" },
});

/**
 * Why a hand `->read_folio()` on a mapping whose owner is not in view is
 * another filesystem's: a mapping's owner calls its own read_folio by name,
 * and v6.12 has no hand `a_ops->read_folio()` call outside mm/ (readahead.c).
 * RAW_RW_ITER and CROSS_LAYER_PAGECACHE both judge it so, in these words.
 */
export function handReadFolioWhy(mapping: string): string {
  return `${mapping} is reached through its a_ops, not by name: a mapping's owner calls its own ->read_folio() by name (v6.12 has no hand call outside mm/), so another filesystem's (where it comes from is not in view)`;
}

/** Why a file a caller hands to code that is no filesystem has a page cache that is not that code's to read. */
export function handedFileMappingWhy(file: string, fn: string): string {
  return `${file} is handed to ${fn}() by its caller: any file of any filesystem, whose page cache is that filesystem's (it decides when cached data is valid, and the page cache has no permission model); code that is no filesystem reads a file through its ->read_iter() (kernel_read(), vfs_iocb_iter_read())`;
}
