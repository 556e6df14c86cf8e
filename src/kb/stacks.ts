// The stacked filesystems and loop-like drivers kreview knows: their paths,
// how their backing files are named, and whose credentials must be in force
// when they touch them.

import type { Fact } from './source.js';

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
