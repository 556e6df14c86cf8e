// Kernel facts in one place: every entry names its source (source.ts). The
// indexer reads the credential forms and kworker APIs; the dataflow reads
// the file sources and method slots; the rules read the rest, and declare in
// their meta which of these tables they look at.

export * from './source.js';
export * from './io.js';
export * from './vfs.js';
export * from './creds.js';
export * from './pagecache.js';
export * from './stacks.js';
