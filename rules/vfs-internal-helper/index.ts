// VFS_INTERNAL_HELPER: a filesystem or driver calling a helper meant for the
// VFS's own implementation (rw_verify_area(), remap_verify_area()),
// including fs/internal.h, or using a symbol declared there; and a patch that
// exports such a symbol (CHECK).

import { posix } from 'node:path';
import { defineRule, kb, type FileFacts } from '../../src/engine/rule-api.js';

const isVfsSide = kb.isVfsSide;

export default defineRule({
  id: 'vfs-internal-helper',
  meta: {
    type: 'VFS_INTERNAL_HELPER',
    level: 'WARNING',
    confidence: 'high',
    description: "A filesystem calls a VFS-internal helper such as rw_verify_area(), or reaches into fs/internal.h, instead of the VFS's checked entry points.",
    messages: {
      helper: '{{name}}() is a VFS-internal helper for the VFS read/write implementation; a filesystem should call {{useInstead}}',
      internalSymbol: '{{name}}() is declared in fs/internal.h: it is internal to the VFS, not an interface for {{dir}}',
      include: '{{file}} includes fs/internal.h ({{spelled}}): VFS internals are not an interface for filesystems',
      exported: 'exporting {{name}}() makes a VFS-internal helper available to modules; filesystems should use {{useInstead}}',
    },
    questions: {
      helper: "Why does this need {{name}}()? It is meant for the VFS's own read/write implementation; wouldn't {{useInstead}} do the checks for you?",
      internalSymbol: "{{name}}() is declared in fs/internal.h. Is there a public VFS interface that could be used instead, or should this be discussed with the VFS maintainers first?",
      include: "This includes fs/internal.h. Which VFS internals does it need, and could they be reached through a public interface instead?",
      exported: "Does {{name}}() need to be exported for modules? It is VFS-internal; filesystems could use {{useInstead}}.",
    },
    // calls of the helpers and fs/internal.h symbols and the include itself outside
    // the VFS; their export anywhere (the VFS's own files only for what they export)
    triggers: [
      { calls: [...Object.keys(kb.VFS_INTERNAL_HELPERS), ...Object.keys(kb.FS_INTERNAL_H_SYMBOLS)], where: (p) => !isVfsSide(p) },
      { includes: ['fs/internal.h'], where: (p) => !isVfsSide(p) },
      { exports: [...Object.keys(kb.VFS_INTERNAL_HELPERS), ...Object.keys(kb.FS_INTERNAL_H_SYMBOLS)] },
    ],
    references: [
      { title: 'Christoph Hellwig: "rw_verify_area is a helper for use inside the VFS and file system read/write method implementation" (linux-erofs)', url: 'https://lore.kernel.org/r/af2c4X1YCB7NEb8p@infradead.org' },
      { title: 'The erofs thread behind the rules: "erofs: use the opener\'s credential when verifing metadata accesses"', url: 'https://lore.kernel.org/r/20260505155615.2719500-1-hsiangkao@linux.alibaba.com' },
      { title: 'Commit 307210c262a2 ("erofs: verify metadata accesses for file-backed mounts")' },
      { title: 'fs/read_write.c: rw_verify_area(), declared in include/linux/fs.h', url: 'https://elixir.bootlin.com/linux/v6.12/source/fs/read_write.c' },
      { title: 'fs/internal.h: the VFS\'s private declarations', url: 'https://elixir.bootlin.com/linux/v6.12/source/fs/internal.h' },
    ],
  },
  create(ctx) {
    return {
      file(ff: FileFacts) {
        if (!isVfsSide(ff.path)) {
          for (const inc of ff.includes) {
            if (!isFsInternalH(ff.path, inc)) continue;
            const resolved = 'fs/internal.h';
            ctx.report({
              messageId: 'include',
              data: { file: ff.path, spelled: `#include "${inc.path}"` },
              at: { file: ff.path, line: inc.line },
              key: `include|${resolved}`,
              witness: [{ kind: 'note', text: `"${inc.path}" from ${posix.dirname(ff.path)}/ is fs/internal.h`, file: ff.path, line: inc.line }],
            });
          }
        }
        for (const ex of ff.exports) {
          const helper = kb.VFS_INTERNAL_HELPERS[ex.name];
          const internal = kb.FS_INTERNAL_H_SYMBOLS[ex.name];
          if (!helper && !internal) continue;
          ctx.report({
            messageId: 'exported',
            level: 'CHECK',
            data: { name: ex.name, useInstead: helper?.useInstead ?? 'the public VFS entry points' },
            at: { file: ff.path, line: ex.line },
            key: `exported|${ex.name}`,
            witness: [{ kind: 'note', text: `${ex.macro}(${ex.name}) (${(helper ?? internal)!.source})`, file: ff.path, line: ex.line }],
          });
        }
      },
      call(site, fn) {
        if (site.kind !== 'direct') return;
        const helper = kb.VFS_INTERNAL_HELPERS[site.callee];
        const internal = !helper && kb.FS_INTERNAL_H_SYMBOLS[site.callee];
        if (!helper && !internal) return;
        // A symbol fs/internal.h declares cannot be called without including it
        // (implicit declarations are errors): of one a public header declared
        // in older kernels (vfs_tmpfile() was include/linux/fs.h's until v6.1),
        // a call in a file that does not, seen whole, was written against one
        // of those. The file's includes are known when it is seen whole, or
        // from the model's copy of it (and the hunks) in a patch-only check.
        if (internal && kb.ONCE_PUBLIC[site.callee]) {
          const ff = ctx.graph.file(fn.file);
          if (ff && (!fn.partial || ff.includes.length) && !ff.includes.some((i) => isFsInternalH(ff.path, i))) return;
        }
        // a splice path's checked entry points are the splice ones (vfs_splice_read(), what
        // overlayfs and coda moved to from rw_verify_area() + ->splice_read())
        const splicing = site.callee === 'rw_verify_area' && (/splice/.test(fn.name) || fn.calls.some((c) => /splice/.test(c.callee)));
        const data: Record<string, string> = helper
          ? { name: site.callee, useInstead: splicing ? 'vfs_splice_read() or backing_file_splice_read()/backing_file_splice_write(), which run it for you' : helper.useInstead }
          : { name: site.callee, dir: `${posix.dirname(fn.file)}/` };
        ctx.report({
          messageId: helper ? 'helper' : 'internalSymbol',
          data,
          at: { file: fn.file, line: site.line },
          key: `${helper ? 'helper' : 'internal'}|${site.callee}`,
          witness: [
            { kind: 'call', text: `${fn.name}() calls ${site.callee}(${site.args.join(', ')})`, file: fn.file, line: site.line },
            { kind: 'note', text: (helper ?? internal)!.source, file: fn.file, line: site.line },
          ],
        });
      },
    };
  },
});

/** `#include "../internal.h"` from fs/erofs/, and the like: fs/internal.h. */
function isFsInternalH(file: string, inc: { path: string; system: boolean }): boolean {
  return !inc.system && posix.normalize(posix.join(posix.dirname(file), inc.path)) === 'fs/internal.h';
}
