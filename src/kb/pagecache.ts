// The page-cache APIs that take a mapping (and which of them read through
// the owner's ->read_folio()).

import { table, type Fact } from './source.js';

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
