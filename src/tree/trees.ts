// Read-only kernel trees: a directory on disk, a git revision (read through
// one `git cat-file --batch` process, never touching the work tree), or none.

import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { nodeRequire } from '../runtime.js';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../patch/types.js';
import { resolveInside, safeRelPath } from './paths.js';
import type { SourceTree } from './types.js';

/** node:child_process, loaded when a git tree is opened (never for a disk tree or none). */
function cp(): typeof import('node:child_process') {
  return nodeRequire()('node:child_process') as typeof import('node:child_process');
}

function execFileP(cmd: string, args: string[], opts: { maxBuffer?: number } = {}): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    cp().execFile(cmd, args, { encoding: 'utf8', ...opts }, (err, stdout) => (err ? reject(err) : resolve({ stdout })));
  });
}
const DEFAULT_EXTS = ['.c', '.h'];
/** git's empty tree object. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export class EmptyTree implements SourceTree {
  readonly kind = 'empty' as const;
  readonly root = undefined;
  readonly rev = undefined;
  async read(): Promise<string | null> {
    return null;
  }
  async exists(): Promise<boolean> {
    return false;
  }
  async list(): Promise<string[]> {
    return [];
  }
  describe(): string {
    return 'no tree (patch-only, embedded model)';
  }
}

export class DiskTree implements SourceTree {
  readonly kind = 'disk' as const;
  readonly rev = undefined;
  constructor(readonly root: string) {}
  async read(path: string): Promise<string | null> {
    const rel = safeRelPath(path, this.root);
    const abs = resolveInside(this.root, rel, this.root);
    try {
      return readFileSync(abs, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
      throw new InputError(`${this.root}/${rel}`, 'unreadable', code === 'EACCES' ? 'permission denied' : (err as Error).message);
    }
  }
  async exists(path: string): Promise<boolean> {
    return (await this.read(path)) !== null;
  }
  async list(dirs: string[], exts = DEFAULT_EXTS): Promise<string[]> {
    const out: string[] = [];
    const walk = (rel: string): void => {
      let ents;
      try {
        ents = readdirSync(join(this.root, rel), { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of ents) {
        if (e.name.startsWith('.')) continue;
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(r);
        else if (e.isFile() && exts.some((x) => e.name.endsWith(x))) out.push(r);
      }
    };
    for (const d of dirs) {
      const rel = d === '' || d === '.' ? '' : safeRelPath(d, this.root);
      if (rel && statIsFile(join(this.root, rel))) out.push(rel);
      else walk(rel);
    }
    return [...new Set(out)].sort();
  }
  describe(): string {
    return this.root;
  }
}

function statIsFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * Objects of a git repository, read through one long-lived
 * `git cat-file --batch`: `rev:path` or an object id (abbreviated ids too).
 * The child keeps the process alive only while a read is pending: an idle
 * reader must not hold a finished check open, and a pending read must never
 * let it end before the answer came.
 */
export class GitObjects {
  private proc: ChildProcessWithoutNullStreams | undefined;
  private queue: { resolve: (v: Buffer | null) => void; reject: (e: Error) => void }[] = [];
  private buf: Buffer = Buffer.alloc(0);
  constructor(readonly root: string) {}

  private start(): ChildProcessWithoutNullStreams {
    if (this.proc) return this.proc;
    const p = cp().spawn('git', ['-C', this.root, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'pipe'] });
    p.stdout.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.drain();
    });
    p.stdin.on('error', (e) => this.failAll(e));
    p.on('error', (e) => this.failAll(e));
    p.on('exit', () => {
      this.proc = undefined;
      this.failAll(new Error('git cat-file exited'));
    });
    this.proc = p;
    this.idle(true);
    return p;
  }

  /** Let the process end while nothing is asked; keep it alive while a read waits. */
  private idle(yes: boolean): void {
    const p = this.proc;
    if (!p) return;
    for (const h of [p, p.stdout, p.stdin, p.stderr] as unknown as { ref?: () => void; unref?: () => void }[]) (yes ? h.unref : h.ref)?.call(h);
  }

  private failAll(e: Error): void {
    const q = this.queue;
    this.queue = [];
    for (const w of q) w.reject(e);
  }

  private drain(): void {
    for (;;) {
      const waiter = this.queue[0];
      if (!waiter) break;
      const nl = this.buf.indexOf(10);
      if (nl < 0) break;
      const head = this.buf.subarray(0, nl).toString();
      if (head.endsWith(' missing') || head.endsWith(' ambiguous')) {
        this.buf = this.buf.subarray(nl + 1);
        this.queue.shift();
        waiter.resolve(null);
        continue;
      }
      const size = Number(head.split(' ')[2]);
      if (this.buf.length < nl + 1 + size + 1) break;
      const body = this.buf.subarray(nl + 1, nl + 1 + size);
      const type = head.split(' ')[1];
      this.buf = this.buf.subarray(nl + 1 + size + 1);
      this.queue.shift();
      waiter.resolve(type === 'blob' ? Buffer.from(body) : null);
    }
    if (!this.queue.length) this.idle(true);
  }

  /** The blob named `spec` (`rev:path`, or an object id), or null when there is no such blob. */
  async blob(spec: string): Promise<Buffer | null> {
    if (/[\n\0]/.test(spec)) return null;
    const p = this.start();
    const got = new Promise<Buffer | null>((resolve, reject) => this.queue.push({ resolve, reject }));
    if (this.queue.length === 1) this.idle(false);
    p.stdin.write(`${spec}\n`);
    return got;
  }

  close(): void {
    this.proc?.stdin.end();
    this.proc?.kill();
    this.proc = undefined;
  }
}

/** One object reader per repository, shared by every tree of a run (closed by closeGitObjects()). */
const readers = new Map<string, GitObjects>();
export function gitObjects(root: string): GitObjects {
  let r = readers.get(root);
  if (!r) readers.set(root, (r = new GitObjects(root)));
  return r;
}
export function closeGitObjects(): void {
  for (const r of readers.values()) r.close();
  readers.clear();
}

/** Files of a git repository at a revision, read through the repository's object reader. */
export class GitTree implements SourceTree {
  readonly kind = 'git' as const;
  private constructor(
    readonly root: string,
    readonly rev: string,
  ) {}

  static async open(root: string, rev: string): Promise<GitTree> {
    if (rev.startsWith('-')) throw new InputError(rev, 'git', 'is not a revision');
    try {
      const { stdout } = await execFileP('git', ['-C', root, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
      return new GitTree(root, stdout.trim());
    } catch {
      throw new InputError(rev, 'git', `is not a commit in ${root}`);
    }
  }

  /** The "parent" of a root commit: git's empty tree, where no file exists. */
  static emptyTree(root: string): GitTree {
    return new GitTree(root, EMPTY_TREE);
  }

  /** Does the repository have this commit? */
  static async hasCommit(root: string, sha: string): Promise<boolean> {
    try {
      await execFileP('git', ['-C', root, 'cat-file', '-e', `${sha}^{commit}`]);
      return true;
    } catch {
      return false;
    }
  }

  async read(path: string): Promise<string | null> {
    const rel = safeRelPath(path, this.root);
    const b = await gitObjects(this.root).blob(`${this.rev}:${rel}`);
    return b ? b.toString('utf8') : null;
  }
  async exists(path: string): Promise<boolean> {
    return (await this.read(path)) !== null;
  }
  async list(dirs: string[], exts = DEFAULT_EXTS): Promise<string[]> {
    const rels = dirs.map((d) => (d === '' || d === '.' ? '.' : safeRelPath(d, this.root)));
    const { stdout } = await execFileP('git', ['-C', this.root, 'ls-tree', '-r', '--name-only', '-z', this.rev, '--', ...rels], { maxBuffer: 256 << 20 });
    return stdout.split('\0').filter((f) => f && exts.some((x) => f.endsWith(x))).sort();
  }
  describe(): string {
    return `${this.root} (git ${this.rev.slice(0, 12)})`;
  }
}

/** checkpatch.pl's top_of_kernel_tree(): every one of these exists. */
const KERNEL_TOP = ['COPYING', 'CREDITS', 'Kbuild', 'MAINTAINERS', 'Makefile', 'README', 'Documentation', 'arch', 'include', 'drivers', 'fs', 'init', 'ipc', 'kernel', 'lib', 'scripts'];

export function isTopOfKernelTree(dir: string): boolean {
  return KERNEL_TOP.every((n) => existsSync(join(dir, n)));
}

/**
 * The top of the kernel tree `dir` is in: `dir` itself or the nearest parent
 * that is the top of one, as git finds its work tree from a subdirectory.
 */
export function kernelTopAbove(dir: string): string | undefined {
  let d = resolve(dir);
  for (;;) {
    if (isTopOfKernelTree(d)) return d;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

export interface OpenTreeOptions {
  tree?: string;
  base?: string;
  cwd: string;
}

/**
 * The tree a check runs against: `--tree DIR` (at `--base REV` through git),
 * else the current directory when it is the top of a kernel tree, else none.
 */
export async function openTree(o: OpenTreeOptions): Promise<SourceTree> {
  let dir = o.tree ? join(o.cwd, o.tree) : undefined;
  if (o.tree && o.tree.startsWith('/')) dir = o.tree;
  if (dir) {
    let st;
    try {
      st = statSync(dir);
    } catch {
      throw new InputError(o.tree!, 'unreadable', 'kernel tree not found');
    }
    if (!st.isDirectory()) throw new InputError(o.tree!, 'unreadable', 'is not a directory (--tree wants a kernel tree)');
  } else dir = kernelTopAbove(o.cwd);
  if (!dir) {
    if (o.base) throw new InputError(o.base, 'git', '--base needs a kernel tree (--tree DIR, or run at the top of one)');
    return new EmptyTree();
  }
  if (o.base) return GitTree.open(dir, o.base);
  return new DiskTree(dir);
}
