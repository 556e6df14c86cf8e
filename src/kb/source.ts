// Every kernel fact kreview encodes names where it comes from: a kernel file
// and function (Linux 6.12 unless said otherwise), a commit, or a lore thread.

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
