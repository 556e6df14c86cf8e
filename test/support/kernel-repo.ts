// A real git repository made from the synthetic kernel tree (test/fixtures/ktree),
// with the files checkpatch.pl (and kreview) look for at the top of a kernel
// tree, and a developer's own commits on branches: the workflows of the
// README are driven against it exactly as a kernel developer would run them.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const KTREE = fileURLToPath(new URL('../fixtures/ktree/', import.meta.url));
const IDENT = ['-c', 'user.name=A U Thor', '-c', 'user.email=author@example.org'];

export interface KernelRepo {
  dir: string;
  /** The base commit everything branches from. */
  base: string;
  git(...args: string[]): string;
  /** Commit an edit of one or more files (text replacements that must each match once). */
  commit(subject: string, edits: Record<string, (text: string) => string>, body?: string): string;
  /** The 1-based line of the first line holding `needle` in a file at a revision. */
  lineAt(rev: string, path: string, needle: string): number;
}

export function kernelRepo(): KernelRepo {
  const dir = mkdtempSync(join(tmpdir(), 'kreview-kernel-'));
  cpSync(KTREE, dir, { recursive: true });
  rmSync(join(dir, 'README.md'));
  for (const f of ['COPYING', 'CREDITS', 'Kbuild', 'MAINTAINERS', 'Makefile', 'README']) writeFileSync(join(dir, f), `synthetic ${f}\n`);
  for (const d of ['Documentation', 'arch', 'init', 'ipc', 'kernel', 'lib', 'scripts']) {
    mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(join(dir, d, 'Makefile'), '# synthetic\n');
  }
  const git = (...args: string[]): string => execFileSync('git', ['-C', dir, ...IDENT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '-q', '-b', 'master');
  git('add', '-A');
  git('commit', '-q', '-m', 'Linux 6.12 (synthetic)');
  const base = git('rev-parse', 'HEAD').trim();
  return {
    dir,
    base,
    git,
    commit(subject, edits, body = 'A change made for kreview\'s workflow tests.') {
      for (const [path, edit] of Object.entries(edits)) {
        const p = join(dir, path);
        const before = readFileSync(p, 'utf8');
        const after = edit(before);
        if (after === before) throw new Error(`edit of ${path} for "${subject}" changed nothing`);
        writeFileSync(p, after);
      }
      git('commit', '-q', '-a', '-m', `${subject}\n\n${body}\n\nSigned-off-by: A U Thor <author@example.org>`);
      return git('rev-parse', 'HEAD').trim();
    },
    lineAt(rev, path, needle) {
      const text = git('show', `${rev}:${path}`);
      const i = text.split('\n').findIndex((l) => l.includes(needle));
      if (i < 0) throw new Error(`${needle} not in ${rev}:${path}`);
      return i + 1;
    },
  };
}

/** Replace `from` with `to`, which must occur exactly once. */
export function once(from: string, to: string): (text: string) => string {
  return (t) => {
    const i = t.indexOf(from);
    if (i < 0 || t.indexOf(from, i + 1) >= 0) throw new Error(`expected exactly one ${JSON.stringify(from)}`);
    return t.slice(0, i) + to + t.slice(i + from.length);
  };
}

/** Add lines after the file's first two lines (a comment block that shifts every later line). */
export function header(lines: string[]): (text: string) => string {
  return (t) => {
    const l = t.split('\n');
    l.splice(2, 0, ...lines);
    return l.join('\n');
  };
}

// The developer's edits the workflows use, as commits of the synthetic tree.
export const EDITS = {
  /** BACKING_FILE_CREDS: the fsync of overlayfs's real file loses the mounter's creds. */
  ovlFsyncCallerCreds: {
    subject: 'ovl: fsync the real file without switching creds',
    edits: {
      'fs/overlayfs/file.c': (t: string) =>
        once('\told_cred = ovl_override_creds(file_inode(file)->i_sb);\n', '')(once('\tconst struct cred *old_cred;\n', '')(once('\trevert_creds(old_cred);\n', '')(t))),
    },
    /** The line the finding is on, as it reads in the post-image. */
    at: { path: 'fs/overlayfs/file.c', needle: 'ret = vfs_fsync_range(realfile' },
  },
  /** RAW_RW_ITER: loop's simple read path goes to the backing file's ->read_iter(). */
  loopRawRead: {
    subject: 'loop: read the backing file with ->read_iter()',
    edits: {
      'drivers/block/loop.c': (t: string) =>
        once(
          '\t\tlen = vfs_iter_read(lo->lo_backing_file, &i, &pos, 0);\n',
          '\t\tinit_sync_kiocb(&kiocb, lo->lo_backing_file);\n\t\tkiocb.ki_pos = pos;\n\t\tlen = lo->lo_backing_file->f_op->read_iter(&kiocb, &i);\n\t\tpos = kiocb.ki_pos;\n',
        )(once('\tstruct iov_iter i;\n\tssize_t len;\n', '\tstruct iov_iter i;\n\tstruct kiocb kiocb;\n\tssize_t len;\n')(t)),
    },
    at: { path: 'drivers/block/loop.c', needle: 'len = lo->lo_backing_file->f_op->read_iter(&kiocb, &i);' },
  },
  /** The raw read put back to vfs_iter_read(): fixes loopRawRead. */
  loopRawReadFixed: {
    subject: 'loop: go back to vfs_iter_read() for the simple read path',
    edits: {
      'drivers/block/loop.c': (t: string) =>
        once(
          '\t\tinit_sync_kiocb(&kiocb, lo->lo_backing_file);\n\t\tkiocb.ki_pos = pos;\n\t\tlen = lo->lo_backing_file->f_op->read_iter(&kiocb, &i);\n\t\tpos = kiocb.ki_pos;\n',
          '\t\tlen = vfs_iter_read(lo->lo_backing_file, &i, &pos, 0);\n',
        )(once('\tstruct kiocb kiocb;\n', '')(t)),
    },
  },
  /** A harmless commit that shifts the lines of both files the others touch. */
  docs: {
    subject: 'loop, ovl: document the request path',
    edits: {
      'drivers/block/loop.c': header(['/*', ' * Requests are served from a backing file by a kworker;', ' * see Documentation/admin-guide/blockdev/ for the details.', ' */']),
      'fs/overlayfs/file.c': header(['/*', ' * Reads and fsync go to the real file under the mounter\'s creds.', ' */']),
    },
  },
  /** A harmless commit elsewhere. */
  erofsComment: {
    subject: 'erofs: say where the metadata buffer comes from',
    edits: { 'fs/erofs/data.c': header(['/* The metadata buffer is read through the page cache of the device. */']) },
  },
} as const;
