// CROSS_LAYER_PAGECACHE: a stacked filesystem reading another filesystem's
// page cache directly (read_mapping_folio() on a backing file's f_mapping,
// ->read_folio() with a file cookie its owner did not give).

import {
  classifyFile,
  defineRule,
  kb,
  normExpr,
  originWitness,
  traceFile,
  traceMappingClass,
  type CallSite,
  type CodeGraph,
  type FunctionFacts,
  type WitnessStep,
} from '../../src/engine/rule-api.js';

export default defineRule({
  id: 'cross-layer-pagecache',
  meta: {
    type: 'CROSS_LAYER_PAGECACHE',
    level: 'WARNING',
    confidence: 'high',
    description: "A stacked filesystem reads another filesystem's page cache directly instead of doing I/O through the checked entry points.",
    messages: {
      foreignMapping:
        "{{api}}() on {{mapping}}, the page cache of {{file}} (another filesystem's file): the owner's locking, invalidation and ->read_folio() cookie rules are bypassed; read through vfs_iocb_iter_read() into a cache the stacked filesystem owns",
      foreignMappingUse:
        "{{api}}() on {{mapping}}, the page cache of {{file}} (another filesystem's file), past that filesystem's own methods: its locking and invalidation rules are bypassed; call {{useInstead}}, which lets the owner act",
      foreignCookie:
        "{{api}}() hands {{file}} to another filesystem's ->read_folio() as its file cookie: that argument is private to the mapping's owner",
      handedMapping:
        "{{api}}() on {{mapping}}, the page cache of {{file}}, a file {{fn}}() is handed (any filesystem's): that filesystem's locking, invalidation and ->read_folio() rules are bypassed; read the file through kernel_read() or vfs_iocb_iter_read()",
    },
    questions: {
      foreignMapping: "This reads {{file}}'s page cache directly with {{api}}(). That page cache belongs to the backing filesystem (its locking, invalidation and ->read_folio() cookie rules); could this read through vfs_iocb_iter_read() into a cache owned by this filesystem instead?",
      foreignMappingUse: "This works on {{file}}'s page cache directly with {{api}}(), past the backing filesystem's own methods. Could it call {{useInstead}} instead, so the owner of that page cache acts on it?",
      foreignCookie: "This hands {{file}} to another filesystem's ->read_folio() as its file cookie through {{api}}(). Isn't that argument private to the mapping's owner?",
      handedMapping: "{{fn}}() can be handed any file of any filesystem, and this reads {{file}}'s page cache directly with {{api}}(). That filesystem decides when its cached data is valid; could this read through kernel_read() or vfs_iocb_iter_read() instead?",
    },
    // it reports only at a page-cache API call
    triggers: [{ calls: Object.keys(kb.PAGE_CACHE_APIS) }],
    references: [
      { title: 'Christoph Hellwig: the page cache is owned by the filesystem; reading another\'s breaks layering (linux-erofs)', url: 'https://lore.kernel.org/r/af2kDfHe0B3LnvVm@infradead.org' },
      { title: 'Christoph Hellwig: cluster locks, NFS invalidation and ->read_folio()\'s file cookie', url: 'https://lore.kernel.org/r/agF0wJSFRAEcRP8M@infradead.org' },
      { title: 'Christian Brauner: there is no page-cache permission model', url: 'https://lore.kernel.org/r/20260511-ozonbelastung-verzweifeln-a03cd0309ad9@brauner' },
      { title: 'fs/erofs/data.c: erofs_bread(), erofs_init_metabuf()', url: 'https://elixir.bootlin.com/linux/v6.12/source/fs/erofs/data.c' },
      { title: 'include/linux/pagemap.h: read_mapping_folio()', url: 'https://elixir.bootlin.com/linux/v6.12/source/include/linux/pagemap.h' },
    ],
  },
  create(ctx) {
    return {
      call(site, fn) {
        // mm/ implements the page cache; the VFS core hands its own files around;
        // the generic wrappers in include/ (read_mapping_folio() around
        // read_cache_folio()) are not a stacked filesystem: their callers are
        // reported where they call them
        if (fn.file.startsWith('mm/') || fn.file.startsWith('include/') || kb.isVfsCore(fn.file)) return;
        // (a hand ->read_folio() is RAW_RW_ITER's too: it reports the I/O angle, this the page cache's)
        const api = kb.PAGE_CACHE_APIS[site.callee]!;
        const mappingExpr = mappingOf(site, api);
        if (!mappingExpr) return;
        const traced = traceMappingClass(ctx.graph, fn, mappingExpr, site.line);
        // a hand ->read_folio() on a mapping whose owner is not in view: the owner calls its own
        // read_folio by name (v6.12 has no hand a_ops->read_folio() outside mm/), so whoever
        // reaches it through the a_ops is driving another filesystem's page cache
        const handed = traced.kind === 'unknown' && site.kind !== 'member' ? handedFile(ctx.graph, fn, traced.origin) : undefined;
        const mc: typeof traced =
          traced.kind === 'unknown' && site.kind === 'member' && !kb.isVfsSide(fn.file)
            ? {
                kind: 'foreign',
                file: { kind: 'backing', stack: undefined, strong: false, why: kb.handReadFolioWhy(normExpr(mappingExpr)), origin: traced.origin },
                origin: traced.origin,
              }
            : handed
              ? { kind: 'foreign', file: { kind: 'backing', stack: undefined, strong: false, why: kb.handedFileMappingWhy(handed.file, handed.fn), origin: traced.origin }, origin: traced.origin }
              : traced;
        if (mc.kind === 'foreign') {
          const witness: WitnessStep[] = [
            { kind: 'call', text: `${fn.name}() calls ${site.callee}(${site.args.join(', ')})`, file: fn.file, line: site.line },
            ...originWitness(mc.origin.steps),
            { kind: 'note', text: mc.file.why, file: fn.file, line: site.line },
          ];
          ctx.report({
            messageId: handed ? 'handedMapping' : api.useInstead ? 'foreignMappingUse' : 'foreignMapping',
            data: { api: apiName(site), mapping: normExpr(mappingExpr), file: fileNamed(normExpr(mappingExpr), normExpr(mc.file.origin.root)), why: mc.file.why, fn: handed?.fn ?? fn.name, useInstead: api.useInstead ?? '' },
            at: { file: fn.file, line: site.line },
            // the mapping, not the API: a patch that switches read_cache_page() to read_mapping_folio() keeps the hazard
            // (a hand ->read_folio() drives the owner's read path itself: a hazard of its own kind)
            // and the stack's backing file however its mapping is spelt (erofs_bread()'s buf->mapping
            // before a patch, buf->file->f_mapping after it: the same page cache)
            key: `${site.kind === 'member' ? 'hand' : 'mapping'}|${mc.file.strong && mc.file.stack ? `${mc.file.stack.id} backing file` : normExpr(mappingExpr)}`,
            keyIsResource: site.kind !== 'member',
            // a later patch fixes this access, not every access to the mapping
            siteKey: `${site.callee}|${normExpr(mappingExpr)}`,
            confidence: mc.file.strong ? 'high' : 'medium',
            witness,
          });
          return;
        }
        // the mapping is not known to be foreign, but the cookie is a backing file
        const cookie = api.fileArg !== undefined ? site.args[api.fileArg] : undefined;
        if (!cookie || normExpr(cookie) === 'NULL' || mc.kind === 'own') return;
        const fc = classifyFile(ctx.graph, fn, cookie, site.line);
        if (fc.kind !== 'backing') return;
        ctx.report({
          messageId: 'foreignCookie',
          data: { api: apiName(site), file: normExpr(cookie) },
          at: { file: fn.file, line: site.line },
          key: `cookie|${site.callee}|${normExpr(cookie)}`,
          confidence: 'medium',
          witness: [
            { kind: 'call', text: `${fn.name}() calls ${site.callee}(${site.args.join(', ')})`, file: fn.file, line: site.line },
            ...originWitness(fc.origin.steps),
            { kind: 'note', text: fc.why, file: fn.file, line: site.line },
          ],
        });
      },
    };
  },
});

/**
 * Code that is no filesystem (outside fs/, mm/, include/ and block/, which
 * have their own and the block devices' mappings) reading the page cache of
 * a file its caller handed it: `filemap_get_folio(file->f_mapping, ...)` with
 * `file` a parameter. That file can be any file of any filesystem, and its
 * page cache is its filesystem's (NFS, FUSE and cluster filesystems decide
 * when cached data is valid; the page cache has no permission model). A
 * file kept in a structure (a driver's own shmem object, a vma's vm_file) is
 * not judged: where it came from is not in view. Nor is a block device's
 * file, which storage drivers are handed and keep their metadata in.
 */
function handedFile(graph: CodeGraph, fn: FunctionFacts, origin: { steps: readonly { fn: string; file: string }[]; root: string }): { file: string; fn: string } | undefined {
  if (/^(?:fs|mm|include|block)\//.test(fn.file)) return undefined;
  const root = origin.root;
  const file = /^(\w+)->f_mapping$/.exec(root)?.[1] ?? /^file_inode\((\w+)\)->i_mapping$/.exec(root)?.[1] ?? /^(\w+)->f_inode->i_mapping$/.exec(root)?.[1];
  if (!file || /bdev/.test(file)) return undefined;
  const last = origin.steps[origin.steps.length - 1];
  const owner = (last && graph.resolve(last.fn, last.file)) || fn;
  const param = owner.params.find((p) => p.name === file);
  if (!param || !/\bstruct\s+file\s*\*/.test(param.type)) return undefined;
  // a block device's file (bdev_file_open_by_dev(), bdev_file_alloc()): storage drivers keep their own
  // metadata in its page cache (bcache's superblock, md's bitmap). Told by the function treating it as
  // one, or by what its callers pass in, followed to where it was opened.
  if (owner.calls.some((c) => c.callee === 'file_bdev' && c.args[0] !== undefined && normExpr(c.args[0]) === file)) return undefined;
  const k = owner.params.indexOf(param);
  for (const e of graph.callers(owner.name).slice(0, 8)) {
    const arg = e.site.args[k];
    if (!arg) continue;
    if (/bdev/.test(arg) || traceFile(graph, e.caller, arg, e.site.line).some(opensBdevFile)) return undefined;
  }
  return { file, fn: owner.name };
}

const BDEV_FILE_OPEN = /^bdev_(?:file_open_by_\w+|file_alloc|open_by_\w+)\(/;

/**
 * Whether a traced file came from opening a block device. The trace may go on
 * into the opener's body when the patch defines it (md's llbitmap adding
 * bdev_file_alloc()), so every step counts, not only where it ended.
 */
function opensBdevFile(o: { root: string; steps: readonly { expr: string; fn: string }[] }): boolean {
  return BDEV_FILE_OPEN.test(o.root) || o.steps.some((s) => BDEV_FILE_OPEN.test(s.expr) || /^bdev_(?:file_open_by_\w+|file_alloc)$/.test(s.fn));
}

/** The mapping expression a page-cache call works on. */
function mappingOf(site: CallSite, api: kb.PageCacheApi): string | undefined {
  if (typeof api.mapping === 'number') return site.args[api.mapping];
  if (api.mapping === 'receiver') return site.receiver;
  if ('iocbArg' in api.mapping) {
    const iocb = site.args[api.mapping.iocbArg];
    return iocb ? `${normExpr(iocb)}->ki_filp->f_mapping` : undefined;
  }
  const file = site.args[api.mapping.fileArg];
  return file ? `${normExpr(file)}->f_mapping` : undefined;
}

/** `read_mapping_folio`, or `->read_folio` for a hand call (the message adds the parentheses). */
function apiName(site: CallSite): string {
  return site.kind === 'member' ? `->${site.callee.split('->').pop()}` : site.callee;
}

/** The file a message names: `lower_file` of `lower_file->f_mapping` when it is a variable, else where the mapping came from. */
function fileNamed(mapping: string, root: string): string {
  const f = /^([A-Za-z_]\w*)->f_mapping$/.exec(mapping)?.[1];
  // a root that is itself a file's mapping (a local alias of r->file->f_mapping) names that file
  return f ?? /^(.+)->f_mapping$/.exec(root)?.[1] ?? root;
}
