// The indexer on small invented kernel-like snippets: each idiom from
// shared/ENGINEERING-NOTES.md and KERNEL-CONTEXT.md that must not be lost.

import { describe, expect, it } from 'vitest';
import { extractFileFacts, extractFileFactsSafe, restartNodeCollection, type FragmentSection } from './index.js';
import { MemoryCodeGraph } from '../graph.js';
import type { FunctionFacts } from '../types.js';
import { credStatesAt } from '../dataflow.js';

function fn(text: string, name: string, path = 'fs/x/a.c'): FunctionFacts {
  const f = extractFileFacts(path, text).functions.find((x) => x.name === name);
  if (!f) throw new Error(`no ${name} in:\n${text}`);
  return f;
}

const calls = (f: FunctionFacts): string[] => f.calls.map((c) => c.callee);

describe('functions kernel macros would hide', () => {
  it('keeps names behind attribute macros, same line numbers', () => {
    const t = 'static int __init __must_check erofs_module_init(void)\n{\n\treturn register_filesystem(&erofs_fs_type);\n}\n\nstatic void __exit __cold erofs_module_exit(void) __releases(&lock)\n{\n\tunregister_filesystem(&erofs_fs_type);\n}\n';
    const f = extractFileFacts('fs/erofs/super.c', t);
    expect(f.functions.map((x) => `${x.name}:${x.line}-${x.endLine}:${x.static}`)).toEqual(['erofs_module_init:1-4:true', 'erofs_module_exit:6-9:true']);
  });
  it('indexes SYSCALL_DEFINEn bodies as sys_NAME', () => {
    const t = 'SYSCALL_DEFINE3(read, unsigned int, fd, char __user *, buf,\n\t\tsize_t, count)\n{\n\treturn ksys_read(fd, buf, count);\n}\n';
    const f = fn(t, 'sys_read');
    expect([f.line, f.endLine, calls(f)]).toEqual([1, 5, ['ksys_read']]);
  });
  it('a file over 32 KB keeps every function', () => {
    const body = Array.from({ length: 900 }, (_, i) => `static int f${i}(struct file *file)\n{\n\treturn vfs_fsync(file, ${i});\n}\n`).join('\n');
    expect(body.length).toBeGreaterThan(32 * 1024);
    const f = extractFileFacts('fs/big.c', body);
    expect(f.functions).toHaveLength(900);
    expect(f.functions[899]!.line).toBe(899 * 5 + 1);
  });
  it('C names that are also JavaScript object keys are plain calls', () => {
    const f = fn('static int g(struct file *f)\n{\n\tconstructor(f);\n\treturn toString(f) + __proto__(f);\n}\n', 'g');
    expect(calls(f)).toEqual(['constructor', 'toString', '__proto__']);
    expect(f.credScopes).toEqual([]);
  });
});

describe('calls', () => {
  it('member calls through ops tables, with their receiver', () => {
    const f = fn('static int lo_rw(struct loop_device *lo, struct kiocb *iocb, struct iov_iter *iter)\n{\n\tstruct file *file = lo->lo_backing_file;\n\n\tif (iocb->ki_filp->f_op->write_iter)\n\t\treturn iocb->ki_filp->f_op->write_iter(iocb, iter);\n\treturn file->f_op->read_iter(iocb, iter) + file->f_mapping->a_ops->read_folio(file, NULL);\n}\n', 'lo_rw');
    expect(f.calls.map((c) => `${c.kind} ${c.callee} ${c.receiver ?? ''} (${c.args.join(', ')})`)).toEqual([
      'member f_op->write_iter iocb->ki_filp (iocb, iter)',
      'member f_op->read_iter file (iocb, iter)',
      'member a_ops->read_folio file->f_mapping (file, NULL)',
    ]);
    expect(f.assigns).toEqual([{ lhs: 'file', rhs: 'lo->lo_backing_file', line: 3, declType: 'struct file *' }]);
  });
  it('calls inside macro blocks, guards, loops and container_of arguments are kept', () => {
    const f = fn(
      'static void g(struct super_block *sb)\n{\n\tguard(mutex)(&sb->s_lock);\n\tlist_for_each_entry(d, &sb->list, node) {\n\t\tsync_one(d);\n\t}\n\tscoped_guard(spinlock, &sb->lock) {\n\t\tkick(sb);\n\t}\n\tput(container_of(sb, struct my_sb, vfs), 1);\n}\n',
      'g',
    );
    expect(calls(f)).toEqual(['guard(mutex)', 'guard', 'list_for_each_entry', 'sync_one', 'scoped_guard', 'kick', 'put', 'container_of']);
  });
  it("a parameter of ->read_iter()'s type keeps its place among the parameters, and calling it is calling the method on the kiocb's file", () => {
    const f = fn('static ssize_t issue(struct nvmet_req *req,\n\t\tssize_t (*call_iter)(struct kiocb *iocb, struct iov_iter *iter),\n\t\tint rw)\n{\n\tstruct kiocb *iocb = &req->f.iocb;\n\n\tiocb->ki_filp = req->ns->file;\n\treturn call_iter(iocb, &iter);\n}\n', 'issue');
    expect(f.params.map((p) => p.name)).toEqual(['req', 'call_iter', 'rw']);
    expect(f.calls.filter((c) => c.line === 8).map((c) => `${c.callee} ${c.receiver}`)).toEqual(['f_op->read_iter iocb->ki_filp', 'f_op->write_iter iocb->ki_filp']);
  });
  it('blocks: a call in an if branch does not dominate what follows; one before it does', () => {
    const f = fn('static int g(struct file *f)\n{\n\tint r = rw_verify_area(READ, f, NULL, 1);\n\n\tif (r)\n\t\treturn r;\n\tif (x)\n\t\tprep(f);\n\treturn f->f_op->read_iter(NULL, NULL);\n}\n', 'g');
    const [verify, prep, read] = [f.calls[0]!, f.calls[1]!, f.calls[2]!];
    expect(verify.block).toBe('0');
    expect(read.block).toBe('0');
    expect(prep.block.startsWith('0.')).toBe(true);
  });
});

describe('credential scopes', () => {
  const scopes = (f: FunctionFacts): string[] => f.credScopes.map((s) => `${s.api}(${s.cred}) ${s.startLine}-${s.endLine}${s.nested ? ' nested' : ''}${s.leaks.map((l) => ` ${l.kind}@${l.line}`).join('')}`);
  const credsAt = (f: FunctionFacts, callee: string): string[] => f.calls.find((c) => c.callee === callee)!.creds.map((i) => f.credScopes[i]!.cred);

  it('override/revert, balanced', () => {
    const f = fn('static int g(struct file *real, struct super_block *sb)\n{\n\tconst struct cred *old = ovl_override_creds(sb);\n\tint r = vfs_fsync(real, 0);\n\n\trevert_creds(old);\n\treturn r + after(real);\n}\n', 'g');
    expect(scopes(f)).toEqual(['ovl_override_creds(ovl_creds(sb)) 3-6']);
    expect(credsAt(f, 'vfs_fsync')).toEqual(['ovl_creds(sb)']);
    expect(credsAt(f, 'after')).toEqual([]);
  });
  it('an early return between override and revert leaks; a return after the revert on its path does not', () => {
    const f = fn('static int g(struct file *real)\n{\n\tconst struct cred *old = override_creds(real->f_cred);\n\tint r = vfs_fsync(real, 0);\n\n\tif (r == -EAGAIN)\n\t\treturn r;\n\tif (r) {\n\t\trevert_creds(old);\n\t\treturn r;\n\t}\n\trevert_creds(old);\n\treturn 0;\n}\n', 'g');
    expect(scopes(f)).toEqual(['override_creds(real->f_cred) 3-12 return@7']);
  });
  it('goto to a label before the revert is balanced; past it leaks, unless that path jumps back', () => {
    const ok = fn('static int g(struct file *f)\n{\n\tconst struct cred *old = override_creds(f->f_cred);\n\tint r = one(f);\n\n\tif (r)\n\t\tgoto out;\n\tr = two(f);\nout:\n\trevert_creds(old);\n\treturn r;\n}\n', 'g');
    expect(scopes(ok)).toEqual(['override_creds(f->f_cred) 3-10']);
    const bad = fn('static int g(struct file *f)\n{\n\tconst struct cred *old = override_creds(f->f_cred);\n\tint r = one(f);\n\n\tif (r)\n\t\tgoto fail;\n\trevert_creds(old);\n\treturn 0;\nfail:\n\treturn r;\n}\n', 'g');
    expect(scopes(bad)).toEqual(['override_creds(f->f_cred) 3-8 goto@7']);
    const back = fn('static int g(struct file *f)\n{\n\tconst struct cred *old = override_creds(f->f_cred);\n\tint r = one(f);\n\n\tif (r)\n\t\tgoto err;\nout:\n\trevert_creds(old);\n\treturn r;\nerr:\n\tr = -EIO;\n\tgoto out;\n}\n', 'g');
    expect(scopes(back)).toEqual(['override_creds(f->f_cred) 3-9']);
  });
  it('falling off the end without a revert leaks; returning the old creds hands them to the caller', () => {
    expect(scopes(fn('static void g(struct cred *c)\n{\n\tconst struct cred *old = override_creds(c);\n\n\twork();\n}\n', 'g'))).toEqual(['override_creds(c) 3-6 end@6']);
    expect(scopes(fn('static const struct cred *g(struct cred *c)\n{\n\tconst struct cred *old = override_creds(c);\n\n\tput_cred(c);\n\treturn old;\n}\n', 'g'))).toEqual(['override_creds(c) 3-7']);
  });
  it('a second switch into the same variable by another form ends the first at its revert (ovl_copyfile())', () => {
    const f = fn('static int g(struct file *in, struct file *out, struct super_block *sb)\n{\n\tconst struct cred *old;\n\n\told = ovl_override_creds(sb);\n\tcheck(in);\n\trevert_creds(old);\n\n\told = override_creds(current_cred());\n\tcopy(in, out);\n\trevert_creds(old);\n\treturn 0;\n}\n', 'g');
    expect(scopes(f)).toEqual(['ovl_override_creds(ovl_creds(sb)) 5-7', 'override_creds(current_cred()) 9-11']);
    expect(credsAt(f, 'copy')).toEqual(['current_cred()']);
    expect(credsAt(f, 'override_creds')).toEqual([]);
  });
  it("overlayfs's put_cred(override_creds()) inside an override is nested, not a leak", () => {
    const f = fn('static int g(struct dentry *d, struct cred *prep)\n{\n\tconst struct cred *old = ovl_override_creds(d->d_sb);\n\n\tput_cred(override_creds(prep));\n\tcreate(d);\n\trevert_creds(old);\n\treturn 0;\n}\n', 'g');
    expect(scopes(f)).toEqual(['ovl_override_creds(ovl_creds(d->d_sb)) 3-7', 'override_creds(prep) 5-7 nested']);
    expect(credsAt(f, 'create')).toEqual(['ovl_creds(d->d_sb)', 'prep']);
  });
  it('scoped forms: a block, one statement, to the end of the block; a return inside is fine', () => {
    const f = fn(
      'static int g(struct erofs_buf *buf)\n{\n\tscoped_with_creds(buf->file->f_cred) {\n\t\tif (a(buf))\n\t\t\treturn -EIO;\n\t\tb(buf);\n\t}\n\tscoped_with_creds(buf->file->f_cred)\n\t\tc(buf);\n\td(buf);\n\tif (x) {\n\t\twith_kernel_creds();\n\t\te(buf);\n\t}\n\tCLASS(override_creds, old)(buf->cred);\n\tf(buf);\n\treturn 0;\n}\n',
      'g',
    );
    expect(f.credScopes.every((s) => !s.leaks.length)).toBe(true);
    expect(credsAt(f, 'b')).toEqual(['buf->file->f_cred']);
    expect(credsAt(f, 'c')).toEqual(['buf->file->f_cred']);
    expect(credsAt(f, 'd')).toEqual([]);
    expect(credsAt(f, 'e')).toEqual(['kernel']);
    expect(credsAt(f, 'f')).toEqual(['buf->cred']);
  });
  it('a scoped form before a keyword statement (`with_ovl_creds(sb) return ...;`) still parses, and covers that statement only', () => {
    const f = fn(
      'static int g(struct super_block *sb, const struct path *path, struct kstat *st)\n{\n\twith_ovl_creds(sb)\n\t\treturn vfs_getattr_nosec(path, st, 0, 0);\n}\n',
      'g',
    );
    expect(f.credScopes.map((x) => x.api)).toEqual(['with_ovl_creds']);
    expect(credsAt(f, 'vfs_getattr_nosec')).toEqual(['ovl_creds(sb)']);
    const h = fn('static int h(struct super_block *sb, const struct path *path)\n{\n\tscoped_with_creds(ovl_creds(sb)) if (a(path))\n\t\treturn b(path);\n\tc(path);\n\treturn 0;\n}\n', 'h');
    expect(credsAt(h, 'a')).toEqual(['ovl_creds(sb)']);
    expect(credsAt(h, 'b')).toEqual(['ovl_creds(sb)']);
    expect(credsAt(h, 'c')).toEqual([]);
    // lines as written
    expect(h.calls.find((c) => c.callee === 'c')!.line).toBe(5);
  });
  it('the labels past the revert a goto would leave by are recorded with the scope', () => {
    const f = fn('static int g(struct file *f)\n{\n\tconst struct cred *old = override_creds(f->f_cred);\n\tint r = one(f);\n\n\tif (r)\n\t\tgoto out;\n\tr = two(f);\nout:\n\trevert_creds(old);\nput:\n\tfput(f);\n\treturn r;\nagain:\n\tr = 0;\n\tgoto out;\n}\n', 'g');
    expect(f.credScopes[0]!.exitLabels).toEqual(['put']);
  });
  it("fs/open.c access_override_creds(): its NULL return switched nothing; a later return before the revert leaks; the predicate is no switch", () => {
    const f = fn('static long g(int dfd, int flags)\n{\n\tconst struct cred *old_cred = NULL;\n\n\tif (access_need_override_creds(flags)) {\n\t\told_cred = access_override_creds();\n\t\tif (!old_cred)\n\t\t\treturn -ENOMEM;\n\t}\n\tif (dfd < 0)\n\t\treturn -EBADF;\n\twork(dfd);\n\tif (old_cred)\n\t\trevert_creds(old_cred);\n\treturn 0;\n}\n', 'g');
    expect(scopes(f)).toEqual(['access_override_creds() 6-14 return@11']);
  });
  it('cachefiles begin/end secure pair, and an unpaired one on an error path', () => {
    const f = fn('static int g(struct cachefiles_cache *cache, struct file *file)\n{\n\tconst struct cred *saved;\n\tint r;\n\n\tcachefiles_begin_secure(cache, &saved);\n\tr = vfs_fsync(file, 0);\n\tif (r < 0)\n\t\treturn r;\n\tcachefiles_end_secure(cache, saved);\n\treturn 0;\n}\n', 'g');
    expect(scopes(f)).toEqual(['cachefiles_begin_secure(cache->cache_cred) 6-10 return@9']);
  });
});

describe('file-level facts', () => {
  const t = [
    '#include <linux/fs.h>',
    '#include "../internal.h"',
    'int helper(struct file *f);',
    'static void my_workfn(struct work_struct *w)',
    '{',
    '\tdo_io(w);',
    '}',
    'static void setup(struct my_dev *d)',
    '{',
    '\tINIT_WORK(&d->work, my_workfn);',
    '}',
    'static const struct file_operations my_fops = {',
    '\t.read_iter\t= my_read_iter,',
    '\t.owner\t\t= THIS_MODULE,',
    '};',
    'EXPORT_SYMBOL_GPL(setup);',
  ].join('\n');
  it('an ops table after WRAP_DIR_ITER(x) (file scope, no semicolon) is still an ops table', () => {
    const f = extractFileFacts('fs/overlayfs/readdir.c', 'static int ovl_iterate(struct file *file, struct dir_context *ctx)\n{\n\treturn 0;\n}\n\nWRAP_DIR_ITER(ovl_iterate) // FIXME!\nconst struct file_operations ovl_dir_operations = {\n\t.iterate_shared\t= shared_ovl_iterate,\n\t.llseek\t\t= ovl_dir_llseek,\n};\n');
    expect(f.opsTables.map((t) => `${t.name}:${t.line}:${t.slots.llseek}`)).toEqual(['ovl_dir_operations:7:ovl_dir_llseek']);
    // shared_ovl_iterate() is the macro's: ovl_iterate() is the method the directory file comes to
    expect(f.opsTables[0]!.slots.iterate_shared).toBe('ovl_iterate');
  });
  it('includes, ops tables, work functions, exports', () => {
    const f = extractFileFacts('fs/my/a.c', t);
    expect(f.includes).toEqual([{ path: 'linux/fs.h', system: true, line: 1 }, { path: '../internal.h', system: false, line: 2 }]);
    expect(f.opsTables).toEqual([{ struct: 'file_operations', name: 'my_fops', line: 12, slots: { read_iter: 'my_read_iter' } }]);
    expect(f.workFns).toEqual([{ fn: 'my_workfn', api: 'INIT_WORK', line: 10, in: 'setup' }]);
    expect(f.exports).toEqual([{ name: 'setup', macro: 'EXPORT_SYMBOL_GPL', line: 16 }]);
  });
});

describe('node collection', () => {
  it('the first files of a run (descendantsOfType) and the later ones (a Query) give the same facts', () => {
    const text = [
      'static int f(struct file *file, int a, int b)',
      '{',
      '\tconst struct cred *old = override_creds(file->f_cred);',
      '\tint ret = a + k(b) > 2 ? g(a) : h(b);',
      '\tif (a && file_ok(file))',
      '\t\tret = vfs_fsync(file, 0);',
      '\telse if (b || a == b)',
      '\t\tgoto out;',
      '\tfor (; a < b; a++) { while (b--) do_one(b); }',
      '\tswitch (a) { case 1: ret = 0; break; }',
      'out:',
      '\trevert_creds(old);',
      '\treturn ret;',
      '}',
    ].join('\n');
    // a Query from the sixth run on
    restartNodeCollection(text.length * 5);
    const runs = Array.from({ length: 40 }, () => JSON.stringify(extractFileFacts('fs/x/f.c', text)));
    restartNodeCollection();
    expect(new Set(runs).size).toBe(1);
  });
});

/** A hunk's section of a sparse image: lines start..end of `text`. */
function section(text: string, startLine: number, endLine: number, fn: string): FragmentSection {
  return { startLine, endLine, fn, lines: text.split('\n').slice(startLine - 1, endLine) };
}

describe('fragments (patch-only mode)', () => {
  it('a hunk that starts mid-function belongs to the function git named; a head inside the hunk starts a new one', () => {
    const text = ['', '', '', '\tstruct file *file = lo->lo_backing_file;', '\tret = file->f_op->read_iter(&cmd->iocb, &iter);', '\treturn ret;', '}', '', 'static int lo_other(struct loop_device *lo)', '{', '\tif (x) {', '\t\treturn vfs_fsync(lo->lo_backing_file, 0);', ''].join('\n');
    const f = extractFileFacts('drivers/block/loop.c', '', { fragment: { sections: [section(text, 4, 12, 'static int lo_rw_aio(struct loop_device *lo, struct loop_cmd *cmd,')] } });
    const byName = Object.fromEntries(f.functions.map((x) => [x.name, x]));
    expect(Object.keys(byName).sort()).toEqual(['lo_other', 'lo_rw_aio']);
    expect(byName.lo_rw_aio!.partial).toBe(true);
    expect(byName.lo_rw_aio!.headSeen).toBeFalsy();
    expect(byName.lo_rw_aio!.params.map((p) => p.name)).toEqual(['lo', 'cmd']);
    expect(byName.lo_rw_aio!.calls.map((c) => `${c.callee}@${c.line}`)).toEqual(['f_op->read_iter@5']);
    expect(byName.lo_other!.headSeen).toBe(true);
    expect(byName.lo_other!.calls.map((c) => `${c.callee}@${c.line}`)).toEqual(['vfs_fsync@12']);
  });
  it('a hunk with no call in its function (only `.cred = ...` of an initialiser) still shows the function, each member at its line', () => {
    const text = '\n'.repeat(268) + ['\tstruct fd real;', '\tstruct backing_file_ctx ctx = {', '\t\t.cred = file->f_cred,', '\t\t.user_file = file,', '\t};'].join('\n');
    const f = extractFileFacts('fs/overlayfs/file.c', '', { fragment: { sections: [section(text, 269, 273, 'static ssize_t ovl_read_iter(struct kiocb *iocb, struct iov_iter *iter)')] } });
    expect(f.functions.map((x) => x.name)).toEqual(['ovl_read_iter']);
    expect(f.functions[0]!.assigns.map((a) => `${a.lhs}=${a.rhs}@${a.line}`)).toEqual(['ctx.cred=file->f_cred@271', 'ctx.user_file=file@272']);
    // file-scope declarations at column 0 are no function's body
    const top = extractFileFacts('fs/overlayfs/file.c', '', { fragment: { sections: [section('\n'.repeat(9) + 'static int ovl_debug = 1;\nstatic struct kmem_cache *ovl_cachep;', 10, 11, 'static int ovl_fsync(struct file *file)')] } });
    expect(top.functions).toEqual([]);
  });
  it('a hunk that shows a definition head and only declarations below it (a parameter added) still gives the function its parameters', () => {
    // git names the function above in the heading; the hunk opens on the end of a comment
    const text = '\n'.repeat(610) + [' * properly.', ' */', 'static int ovl_security_fileattr(const struct path *realpath, struct fileattr *fa,', '\t\t\t\t bool set, const struct cred *cred)', '{', '\tstruct file *file;', '\tunsigned int cmd;'].join('\n');
    const f = extractFileFacts('fs/overlayfs/inode.c', '', { fragment: { sections: [section(text, 611, 617, 'static int ovl_fiemap(struct inode *inode, struct fiemap_extent_info *fieinfo,')] } });
    const fn = f.functions.find((x) => x.name === 'ovl_security_fileattr');
    expect(fn?.params.map((p) => p.name)).toEqual(['realpath', 'fa', 'set', 'cred']);
    expect(fn?.headSeen).toBe(true);
    expect(f.functions.map((x) => x.name)).toEqual(['ovl_security_fileattr']);
    // a whole definition the hunk adds is read as one, whole: not a partial with a copy of its head
    const whole = ['\treturn 0;', '}', '', 'int fuse_passthrough_fsync(struct file *file, loff_t start, loff_t end,', '\t\t\t   int datasync)', '{', '\tstruct fuse_file *ff = file->private_data;', '', '\treturn vfs_fsync_range(fuse_file_passthrough(ff), start, end, datasync);', '}', ''].join('\n');
    const g = extractFileFacts('fs/fuse/passthrough.c', '', { fragment: { sections: [section('\n'.repeat(139) + whole, 140, 150, 'ssize_t fuse_passthrough_mmap(struct file *file, struct vm_area_struct *vma)')] } });
    const fsync = g.functions.filter((x) => x.name === 'fuse_passthrough_fsync');
    expect(fsync.map((x) => [x.line, x.endLine, !!x.partial, x.calls.map((c) => c.callee).sort().join()])).toEqual([[143, 149, false, 'fuse_file_passthrough,vfs_fsync_range']]);
  });
  it('two hunks of one function: the lines between them are hidden, so the creds at a site below the gap are unknown', () => {
    const lines: string[] = Array(40).fill('');
    const put = (at: number, ls: string[]): void => ls.forEach((l, i) => (lines[at - 1 + i] = l));
    put(10, ['static ssize_t ovl_read_iter(struct kiocb *iocb, struct iov_iter *iter)', '{', '\tstruct file *file = iocb->ki_filp;', '\tssize_t ret;']);
    // lines 14..19 (where ovl_override_creds() is) are not in the patch
    put(20, ['\tret = vfs_iocb_iter_read(real.file, iocb, iter);', '\treturn ret;', '}']);
    put(30, ['const struct file_operations ovl_file_operations = {', '\t.read_iter\t= ovl_read_iter,', '};']);
    const text = lines.join('\n');
    const f = extractFileFacts('fs/overlayfs/file.c', '', {
      fragment: { sections: [section(text, 10, 13, ''), section(text, 20, 22, 'static ssize_t ovl_read_iter(struct kiocb *iocb, struct iov_iter *iter)'), section(text, 30, 32, '')] },
    });
    const fn = f.functions.find((x) => x.name === 'ovl_read_iter')!;
    expect(fn.headSeen).toBe(true);
    expect(fn.hidden).toEqual([{ from: 14, to: 19 }]);
    const site = fn.calls.find((c) => c.callee === 'vfs_iocb_iter_read')!;
    const graph = MemoryCodeGraph.fromFiles([f]);
    expect(credStatesAt(graph, fn, site).map((s) => s.kind)).toEqual(['unknown']);
    // the same site seen with its whole function above it is judged: no override
    const whole = extractFileFacts('fs/overlayfs/file.c', lines.map((l, i) => (i >= 13 && i < 19 ? '' : l)).join('\n'));
    const wfn = whole.functions.find((x) => x.name === 'ovl_read_iter')!;
    expect(credStatesAt(MemoryCodeGraph.fromFiles([whole]), wfn, wfn.calls.find((c) => c.callee === 'vfs_iocb_iter_read')!).map((s) => s.kind)).toEqual(['caller']);
  });
  it("a hunk that starts inside a multi-line signature: git's heading makes the head whole again", () => {
    const lines: string[] = Array(20).fill('');
    ['\t\t\t\t      loff_t start, size_t len,', '\t\t\t\t      loff_t *_data_start)', '{', '\tstruct file *file = cres->cache_priv2;', '', '\treturn filemap_get_folio(file->f_mapping, start) ? 0 : -ENODATA;', '}'].forEach((l, i) => (lines[9 + i] = l));
    const f = extractFileFacts('fs/cachefiles/io.c', '', { fragment: { sections: [section(lines.join('\n'), 10, 16, 'static int cachefiles_query_occupancy(struct netfs_cache_resources *cres,')] } });
    const fn = f.functions.find((x) => x.name === 'cachefiles_query_occupancy')!;
    // the whole definition: not a partial function
    expect([fn.line, fn.endLine, !!fn.partial, fn.params.map((p) => p.name)]).toEqual([9, 16, false, ['cres', 'start', 'len', '_data_start']]);
    expect(fn.calls.map((c) => `${c.callee}@${c.line}`)).toEqual(['filemap_get_folio@15']);
  });
  it('a hunk that starts in the tail of a call: the calls in the tail and after it keep their lines', () => {
    const lines: string[] = Array(20).fill('');
    ['\t       file, file_inode(file)->i_ino, start,', '\t       i_size_read(file_inode(file)));', '', '\toff = cachefiles_inject_read_error();', '\tif (off == 0)', '\t\toff = vfs_llseek(file, start, SEEK_DATA);'].forEach((l, i) => (lines[9 + i] = l));
    const f = extractFileFacts('fs/cachefiles/io.c', '', { fragment: { sections: [section(lines.join('\n'), 10, 15, 'static int cachefiles_query_occupancy(struct netfs_cache_resources *cres,')] } });
    expect(f.functions.map((x) => x.name)).toEqual(['cachefiles_query_occupancy']);
    expect(f.functions[0]!.calls.map((c) => `${c.callee}@${c.line}`)).toEqual(['file_inode@10', 'i_size_read@11', 'file_inode@11', 'cachefiles_inject_read_error@13', 'vfs_llseek@15']);
  });
  it('a SYSCALL_DEFINEn heading names the body sys_NAME, as the whole-file indexer does', () => {
    const lines: string[] = Array(20).fill('');
    lines[9] = '	error = kernel_read(swap_file, buf, len, &pos);';
    const f = extractFileFacts('mm/swapfile.c', '', { fragment: { sections: [section(lines.join('\n'), 10, 10, 'SYSCALL_DEFINE2(swapon, const char __user *, specialfile, int, swap_flags)')] } });
    expect(f.functions.map((x) => x.name)).toEqual(['sys_swapon']);
  });
  it('never throws on garbage', () => {
    const r = extractFileFactsSafe('fs/x.c', '}}}} static ((( int { "unterminated \n#define X(');
    expect(r.error).toBeUndefined();
  });
});

describe('graph', () => {
  const a = extractFileFacts('fs/a/a.c', 'static int helper(struct file *f)\n{\n\treturn vfs_fsync(f, 0);\n}\nint entry(struct my *m)\n{\n\tm->file = open_it();\n\treturn helper(m->file);\n}\n');
  const b = extractFileFacts('fs/b/b.c', 'static int helper(void)\n{\n\treturn 0;\n}\nint other(struct my *m)\n{\n\treturn entry(m) + helper();\n}\n');
  const g = MemoryCodeGraph.fromFiles([a, b]);
  it('resolves a static name to the same file first', () => {
    expect(g.resolve('helper', 'fs/b/b.c')?.file).toBe('fs/b/b.c');
    expect(g.resolve('helper', 'fs/a/a.c')?.file).toBe('fs/a/a.c');
    expect(g.callers('entry').map((e) => e.caller.name)).toEqual(['other']);
  });
  it('paths and field assignments', () => {
    expect(g.paths('other', 'vfs_fsync', 4)).toHaveLength(0); // vfs_fsync is not defined here
    expect(g.paths('other', 'helper', 4).map((p) => p.steps.map((s) => `${s.fn.name}@${s.fn.file}`).join(' > '))).toEqual([
      'other@fs/b/b.c > entry@fs/a/a.c > helper@fs/a/a.c',
      'other@fs/b/b.c > helper@fs/b/b.c',
    ]);
    expect(g.fieldAssignments('file').map((x) => x.assign.rhs)).toEqual(['open_it()']);
  });
  it('withFiles replaces a file without touching the base', () => {
    const a2 = extractFileFacts('fs/a/a.c', 'int entry(struct my *m)\n{\n\treturn 0;\n}\n');
    const g2 = g.withFiles([a2]);
    expect(g2.functions('helper').map((f) => f.file)).toEqual(['fs/b/b.c']);
    expect(g.functions('helper')).toHaveLength(2);
    expect(g2.withFiles([], ['fs/b/b.c']).functions('other')).toEqual([]);
  });
});

describe('what the dataflow follows out of a function', () => {
  it('the return expressions of a function returning a file, but constants and error pointers', () => {
    const f = fn('static struct file *open_lower(const struct path *p, int flags)\n{\n\tif (!p)\n\t\treturn ERR_PTR(-EINVAL);\n\tif (flags < 0)\n\t\treturn NULL;\n\treturn dentry_open(p, flags, current_cred());\n}\n', 'open_lower');
    expect(f.rets).toEqual([{ expr: 'dentry_open(p, flags, current_cred())', line: 7 }]);
    // an int-returning function keeps none
    expect(fn('static int g(struct file *f)\n{\n\treturn vfs_fsync(f, 0);\n}\n', 'g').rets).toBeUndefined();
  });
  it('a file, mapping or cred passed by address is an out-argument assignment; a lock is not', () => {
    const f = fn('static int acquire(struct nf *nf)\n{\n\tspin_lock(&nf->nf_lock);\n\treturn open_verified(nf->fh, 0, &nf->nf_file);\n}\n', 'acquire');
    expect(f.assigns).toEqual([{ lhs: 'nf->nf_file', rhs: '<out open_verified 2>', line: 4 }]);
  });
  it('a call through a local given an ops method is that method, one site per method it may hold', () => {
    const f = fn('static ssize_t submit(struct req *req, struct kiocb *iocb, struct iov_iter *iter)\n{\n\tssize_t (*call_iter)(struct kiocb *, struct iov_iter *);\n\n\tif (req->write)\n\t\tcall_iter = req->ns->file->f_op->write_iter;\n\telse\n\t\tcall_iter = req->ns->file->f_op->read_iter;\n\treturn call_iter(iocb, iter);\n}\n', 'submit');
    expect(f.calls.map((c) => `${c.kind} ${c.callee} ${c.receiver} ${c.line}`)).toEqual(['member f_op->write_iter req->ns->file 9', 'member f_op->read_iter req->ns->file 9']);
  });
  it('each element of an array of ops structures is a table of its own', () => {
    const t = 'const struct io_issue_def io_issue_defs[] = {\n\t[IORING_OP_NOP] = {\n\t\t.audit_skip = 1,\n\t\t.issue = io_nop,\n\t},\n\t[IORING_OP_READ] = {\n\t\t.needs_file = 1,\n\t\t.issue = io_read,\n\t\t.prep = io_prep_read,\n\t},\n};\n';
    const f = extractFileFacts('io_uring/opdef.c', t);
    expect(f.opsTables.map((o) => `${o.name} ${JSON.stringify(o.slots)}`)).toEqual([
      'io_issue_defs[IORING_OP_NOP] {"issue":"io_nop"}',
      'io_issue_defs[IORING_OP_READ] {"issue":"io_read","prep":"io_prep_read"}',
    ]);
  });
});

describe('a revert on the way ends the switch for what follows it', () => {
  it('not after the success path revert, though the error path revert closes the region later; still so across a case label or a goto label', () => {
    const f = fn(
      'static int x_lookup(struct x_cache *cache, struct file *file, int op)\n{\n\tconst struct cred *saved;\n\tint err;\n\n\tsaved = override_creds(cache->cred);\n\tswitch (op) {\n\tcase 1:\n\t\trevert_creds(saved);\n\t\treturn 0;\n\tcase 2:\n\t\terr = vfs_fsync(file, 0);\n\t\tbreak;\n\t}\n\tif (err)\n\t\tgoto fail;\n\tx_list(cache);\n\trevert_creds(saved);\n\tx_register(cache);\n\treturn 0;\nfail:\n\tx_undo(cache);\n\trevert_creds(saved);\n\treturn err;\n}\n',
      'x_lookup',
    );
    const under = (callee: string): boolean => f.calls.find((c) => c.callee === callee)!.creds.length > 0;
    expect(['vfs_fsync', 'x_list', 'x_undo'].filter(under)).toEqual(['vfs_fsync', 'x_list', 'x_undo']);
    expect(under('x_register')).toBe(false);
  });
});
