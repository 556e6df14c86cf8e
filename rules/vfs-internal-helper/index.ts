// VFS_INTERNAL_HELPER: a filesystem or driver calling a helper meant for the
// VFS's own implementation (rw_verify_area(), remap_verify_area()),
// including fs/internal.h, or using a symbol declared there; and a patch that
// exports such a symbol (CHECK).

import { posix } from 'node:path';
import { defineRule, kb, type FileFacts, type RuleSettings } from '../../src/engine/rule-api.js';

/**
 * VFS infrastructure that lives in subdirectories of fs/ or next to it and
 * is part of the VFS, not a user of it (fs/iomap: the VFS's block-mapping
 * library; fs/notify: fsnotify; fs/quota; io_uring/: a syscall-level submitter
 * that runs rw_verify_area() itself, io_uring/rw.c __io_read(); block/bdev.c:
 * the bdev pseudo-filesystem, which has included fs/internal.h for as long
 * as both exist).
 */
const VFS_INFRASTRUCTURE = [/^fs\/iomap\//, /^fs\/notify\//, /^fs\/quota\//, /^io_uring\//, /^block\/bdev\.c$/];

function isVfsSide(path: string): boolean {
  return kb.isVfsCore(path) || VFS_INFRASTRUCTURE.some((r) => r.test(path));
}

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
    references: [
      { title: 'Christoph Hellwig: "rw_verify_area is a helper for use inside the VFS and file system read/write method implementation" (linux-erofs)', url: 'https://lore.kernel.org/r/af2c4X1YCB7NEb8p@infradead.org' },
      { title: 'The erofs thread behind the rules: "erofs: use the opener\'s credential when verifing metadata accesses"', url: 'https://lore.kernel.org/r/20260505155615.2719500-1-hsiangkao@linux.alibaba.com' },
      { title: 'Commit 307210c262a2 ("erofs: verify metadata accesses for file-backed mounts")' },
      { title: 'fs/read_write.c: rw_verify_area(), declared in include/linux/fs.h', url: 'https://elixir.bootlin.com/linux/v6.12/source/fs/read_write.c' },
      { title: 'fs/internal.h: the VFS\'s private declarations', url: 'https://elixir.bootlin.com/linux/v6.12/source/fs/internal.h' },
    ],
  },
  // includes, exports, and calls of the helpers and fs/internal.h symbols
  // the VFS's own files are only ever reported for what they export (see file() and function())
  relevant: (f) =>
    f.exports.some((n) => !!kb.VFS_INTERNAL_HELPERS[n] || !!kb.FS_INTERNAL_H_SYMBOLS[n]) ||
    (!isVfsSide(f.path) &&
      (f.localIncludes.some((i) => posix.normalize(posix.join(posix.dirname(f.path), i)) === 'fs/internal.h') ||
        f.callees.some((n) => !!kb.VFS_INTERNAL_HELPERS[n] || !!kb.FS_INTERNAL_H_SYMBOLS[n]))),
  create(ctx) {
    const allowed = (file: string, fn?: string): boolean => isAllowed(ctx.settings, file, fn);
    return {
      file(ff: FileFacts) {
        if (!isVfsSide(ff.path)) {
          for (const inc of ff.includes) {
            if (inc.system) continue;
            const resolved = posix.normalize(posix.join(posix.dirname(ff.path), inc.path));
            if (resolved !== 'fs/internal.h' || allowed(ff.path)) continue;
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
      function(fn) {
        if (isVfsSide(fn.file)) return;
        for (const site of fn.calls) {
          if (site.kind !== 'direct') continue;
          const helper = kb.VFS_INTERNAL_HELPERS[site.callee];
          const internal = !helper && kb.FS_INTERNAL_H_SYMBOLS[site.callee];
          if (!helper && !internal) continue;
          if (allowed(fn.file, fn.name)) continue;
          const data: Record<string, string> = helper
            ? { name: site.callee, useInstead: helper.useInstead }
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
        }
      },
    };
  },
});

/** settings.allow entries: `path`, `path:function`, with `*` wildcards. */
function isAllowed(settings: RuleSettings, file: string, fn?: string): boolean {
  return settings.allow.some((pat) => {
    const [p, f] = pat.split(':');
    if (!glob(p!).test(file)) return false;
    return f === undefined || (fn !== undefined && glob(f).test(fn));
  });
}

function glob(p: string): RegExp {
  return new RegExp('^' + p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
}
