// Inputs -> PatchSeries: a file (format-patch, .eml, mbox, raw diff), a
// directory of them, stdin, or git revisions.

// Synchronous reads: kreview has nothing else to do meanwhile, and a thread-pool
// round trip per file was a fifth of a sweep over 9,000 messages.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseMessage } from './message.js';
import { InputError, type Patch, type PatchSeries } from './types.js';
import { nodeRequire } from '../runtime.js';

/**
 * Inputs larger than this are refused rather than read into memory (a whole
 * list archive is ~170 MB). Reading takes about seven times an input's size
 * (docs/benchmarks.md), and V8's longest string is just under 512 MiB.
 */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/** Split an mbox at its `From ` lines (mboxrd: `>From ` is unescaped). Returns each message with its start line. */
export function splitMbox(text: string): { msg: string; line: number }[] {
  const out: { msg: string; line: number }[] = [];
  if (!text.startsWith('From ')) return [{ msg: text, line: 1 }];
  let start = 0;
  let startLine = 1;
  let line = 1;
  let i = 0;
  for (;;) {
    const nl = text.indexOf('\n', i);
    if (nl < 0) break;
    line++;
    i = nl + 1;
    // a new message: a `From ` line after an empty line (or at the very start)
    if (text.startsWith('From ', i) && (i < 2 || text[i - 2] === '\n') && /^From \S+ /.test(text.slice(i, i + 80))) {
      out.push({ msg: text.slice(start, i), line: startLine });
      start = i;
      startLine = line;
    }
  }
  out.push({ msg: text.slice(start), line: startLine });
  return out.map(({ msg, line: l }) => ({ msg: msg.includes('\n>From ') ? msg.replace(/^>(>*From )/gm, '$1') : msg, line: l }));
}

/** Parse the text of one input: every patch in it, in series order when it is a series. */
export function parseInputText(data: Buffer | string, source: string): PatchSeries {
  const steps = parseSteps(data, source);
  for (;;) {
    const s = steps.next();
    if (s.done) return s.value;
  }
}

/**
 * parseInputText() that lets the event loop turn every few hundred
 * messages, so that Ctrl-C and SIGTERM are handled while a big mbox is read
 * (a 100 MB one is seconds of parsing).
 */
export async function parseInputTextAsync(data: Buffer | string, source: string): Promise<PatchSeries> {
  const steps = parseSteps(data, source);
  for (let i = 1; ; i++) {
    const s = steps.next();
    if (s.done) return s.value;
    if (i % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The parse, one message per step. */
function* parseSteps(data: Buffer | string, source: string): Generator<void, PatchSeries> {
  let bin = typeof data === 'string' ? Buffer.from(data, 'utf8').toString('latin1') : data.toString('latin1');
  if (bin.includes('\r')) bin = bin.replace(/\r\n?/g, '\n');
  if (!bin.trim()) return { patches: [], errors: [new InputError(source, 'empty', 'is empty')] };
  const msgs = splitMbox(bin);
  const patches: Patch[] = [];
  const errors: InputError[] = [];
  let notPatches = 0;
  for (const [i, { msg, line }] of msgs.entries()) {
    let r;
    try {
      r = parseMessage(msg, source, i, line);
    } catch (err) {
      // a parser bug must not lose the other messages: report it against this message
      errors.push(new InputError(source, 'internal', `message ${i + 1}: ${(err as Error).message}`, line));
      continue;
    }
    if (r.patch) patches.push(r.patch);
    else if (r.error && r.error.kind === 'not-a-patch') notPatches++;
    else if (r.error) errors.push(r.error);
    if (r.error && msgs.length === 1) {
      if (r.error.kind === 'not-a-patch') errors.push(r.error);
    }
    yield;
  }
  if (!patches.length && !errors.length) errors.push(new InputError(source, 'not-a-patch', notPatches ? `${notPatches} message(s), none with a diff` : 'no patch found'));
  return { patches: seriesOrder(patches), errors };
}

/**
 * The series an input holds. An mbox saved from a list (or a directory of
 * mails) can carry many threads: patches group by the thread they belong to
 * (the first `References:` entry, else `In-Reply-To:`, else their own
 * Message-ID) and by version, so that a v2 is not applied on top of its v1
 * and unrelated patches are not applied on top of each other. Patches with no
 * threading headers at all (plain `git format-patch` output) form one group,
 * and so do the numbered patches of an unthreaded series (`--no-thread`):
 * same sender, same `/N`. Groups keep the order in which they first appear.
 */
export function threadGroups(patches: Patch[]): Patch[][] {
  const referenced = new Set<string>();
  for (const p of patches) {
    for (const r of p.references) referenced.add(r);
    if (p.inReplyTo) referenced.add(p.inReplyTo);
  }
  const groups = new Map<string, Patch[]>();
  for (const p of patches) {
    let root = p.references[0] ?? p.inReplyTo;
    if (root === undefined && p.messageId !== undefined) {
      // a thread's first message, a lone patch, or one of an unthreaded series
      root = referenced.has(p.messageId) || p.position.total <= 1 ? p.messageId : `series\0${p.from ?? ''}\0${p.position.total}`;
    }
    const key = root === undefined ? '' : `${root}\0${p.position.version}`;
    const g = groups.get(key);
    if (g) g.push(p);
    else groups.set(key, [p]);
  }
  return [...groups.values()];
}

/** A thread of patches checked together, each applied over the ones before it. */
export interface Thread {
  patches: Patch[];
  /** The input its first patch came from, and its index among the inputs. */
  input: string;
  inputIndex: number;
}

/**
 * The threads of a run's inputs, split at ingestion: each thread (and
 * version) of an input on its own (threadGroups()), except that consecutive
 * inputs of one patch each that number one series (`[PATCH 1/3]` ..
 * `[PATCH 3/3]`, a `0/3` cover letter too, from one sender, one version: what
 * `kreview check 00*.patch` is given) are that one series.
 */
export function threadsOf(loaded: readonly { input: string; series: PatchSeries }[]): Thread[] {
  const groups: number[][] = [];
  const one = (i: number): Patch | undefined => (loaded[i]!.series.patches.length === 1 ? loaded[i]!.series.patches[0] : undefined);
  for (let i = 0; i < loaded.length; i++) {
    const p = one(i);
    const g = groups[groups.length - 1];
    const last = g && one(g[g.length - 1]!);
    if (p && last && g!.every((j) => one(j)) && p.position.total > 1 && p.position.total === last.position.total && p.position.version === last.position.version && p.from === last.from && p.position.index > last.position.index) g!.push(i);
    else groups.push([i]);
  }
  const out: Thread[] = [];
  for (const g of groups) {
    const inputOf = new Map<Patch, number>();
    for (const i of g) for (const p of loaded[i]!.series.patches) inputOf.set(p, i);
    for (const patches of threadGroups(g.flatMap((i) => loaded[i]!.series.patches))) {
      const inputIndex = inputOf.get(patches[0]!)!;
      out.push({ patches, input: loaded[inputIndex]!.input, inputIndex });
    }
  }
  return out;
}

/** Series order within each thread (version, then index) when every patch says where it belongs; otherwise input order. */
export function seriesOrder(patches: Patch[]): Patch[] {
  if (patches.length < 2) return patches;
  return threadGroups(patches).flatMap(orderOne);
}

function orderOne(patches: Patch[]): Patch[] {
  if (patches.length < 2) return patches;
  const isSeries = patches.every((p) => p.position.total > 1 || p.isCoverLetter);
  if (!isSeries) return patches;
  return [...patches].sort((a, b) => a.position.version - b.position.version || a.position.index - b.position.index || a.indexInSource - b.indexInSource);
}

export interface ReadOptions {
  /** Treat the inputs as git revisions / ranges in the repository at `cwd`. */
  git?: boolean;
  cwd: string;
  stdin?: NodeJS.ReadableStream;
}

export async function readInputs(inputs: string[], opts: ReadOptions): Promise<{ input: string; series: PatchSeries }[]> {
  const out: { input: string; series: PatchSeries }[] = [];
  for (const input of inputs) {
    try {
      out.push({ input, series: opts.git ? await readGit(input, opts.cwd) : await readOne(input, opts) });
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      out.push({ input, series: { patches: [], errors: [err] } });
    }
  }
  return out;
}

async function readOne(input: string, opts: ReadOptions): Promise<PatchSeries> {
  if (input === '-') {
    if (!opts.stdin) throw new InputError(input, 'unreadable', 'no standard input');
    return parseInputTextAsync(await readStream(opts.stdin, input), input);
  }
  const path = resolve(opts.cwd, input);
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw new InputError(input, 'unreadable', describeFsError(err));
  }
  if (st.isDirectory()) return readDir(input, path);
  if (!st.isFile()) throw new InputError(input, 'unreadable', 'is not a regular file');
  if (st.size > MAX_INPUT_BYTES) throw new InputError(input, 'unreadable', `is ${st.size} bytes, more than kreview reads (${MAX_INPUT_BYTES})`);
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    throw new InputError(input, 'unreadable', describeFsError(err));
  }
  return parseInputTextAsync(data, input);
}

/** Every regular file in a directory that holds a patch or mail, in series order. */
async function readDir(input: string, path: string): Promise<PatchSeries> {
  let names: string[];
  try {
    names = readdirSync(path, { withFileTypes: true }).filter((d) => d.isFile() && !d.name.startsWith('.')).map((d) => d.name);
  } catch (err) {
    throw new InputError(input, 'unreadable', describeFsError(err));
  }
  names.sort((a, b) => numPrefix(a) - numPrefix(b) || (a < b ? -1 : a > b ? 1 : 0));
  const patches: Patch[] = [];
  const errors: InputError[] = [];
  for (const name of names) {
    const rel = join(input, name);
    let data: Buffer;
    try {
      data = readFileSync(join(path, name));
    } catch (err) {
      errors.push(new InputError(rel, 'unreadable', describeFsError(err)));
      continue;
    }
    const s = await parseInputTextAsync(data, rel);
    patches.push(...s.patches);
    // files that are not patches (a README, a cover note) are skipped quietly; broken ones are reported
    errors.push(...s.errors.filter((e) => e.kind !== 'not-a-patch' && e.kind !== 'empty'));
  }
  if (!patches.length && !errors.length) errors.push(new InputError(input, 'empty', 'holds no patches'));
  return { patches: seriesOrder(patches), errors };
}

function numPrefix(name: string): number {
  const m = /^(\d+)-/.exec(name);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

async function readStream(s: NodeJS.ReadableStream, input: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of s) {
    const b = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
    n += b.length;
    if (n > MAX_INPUT_BYTES) throw new InputError(input, 'unreadable', `is more than ${MAX_INPUT_BYTES} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (err as Error)?.message ?? String(err);
}

// ---------------------------------------------------------------------------
// git

/**
 * Commits for a revision spec, as checkpatch.pl's --git takes them:
 * `a..b`, `a...b`, a single rev (that commit), `rev-N` (N commits ending at rev).
 */
async function readGit(spec: string, cwd: string): Promise<PatchSeries> {
  // simple-git only here: --git is not the one-patch hot path, and it costs ~45 ms to load.
  // require(), not import(): the CommonJS bundles run it the same with or without the compile cache
  const { simpleGit } = nodeRequire()('simple-git') as typeof import('simple-git');
  const sg = simpleGit({ baseDir: cwd, maxConcurrentProcesses: 1 });
  const git = async (args: string[]): Promise<string> => {
    try {
      return await sg.raw(args);
    } catch (err) {
      const msg = String((err as Error).message ?? err).trim().split('\n').find((l) => l.trim()) ?? '';
      throw new InputError(`git:${spec}`, 'git', msg.replace(/^fatal: /, '') || 'git failed');
    }
  };
  if (spec.startsWith('-')) throw new InputError(`git:${spec}`, 'git', 'is not a revision');
  // each line: a commit and its parents
  let lines: string[];
  const count = /^(.+)-(\d+)$/.exec(spec);
  if (spec.includes('..')) lines = (await git(['rev-list', '--no-merges', '--reverse', '--parents', spec, '--'])).split('\n').filter(Boolean);
  else if (count && !(await revExists(git, spec))) {
    lines = (await git(['rev-list', '--no-merges', '--reverse', '--parents', `-${count[2]}`, count[1]!, '--'])).split('\n').filter(Boolean);
  } else {
    const one = (await git(['rev-parse', '--verify', '--end-of-options', `${spec}^{commit}`])).trim();
    lines = [(await git(['rev-list', '--parents', '-n', '1', one, '--'])).trim()];
  }
  if (!lines.length) throw new InputError(`git:${spec}`, 'git', 'selects no commits');
  // a merge has no patch of its own: format-patch -1 of one shows another commit's (ranges leave merges out, as format-patch does)
  const [one, ...parents] = lines[0]!.split(' ');
  if (lines.length === 1 && parents.length > 1) {
    throw new InputError(`git:${spec}`, 'git', `${one!.slice(0, 12)} is a merge: it has no patch of its own (git format-patch leaves merges out); check what it merges with --git ${spec}^1..${spec}`);
  }
  const big = await oversized(lines.map((l) => l.split(' ')[0]!), cwd);
  const patches: Patch[] = [];
  const errors: InputError[] = [];
  for (const line of lines) {
    const [rev, parent] = line.split(' ') as [string, string | undefined];
    const name = `git:${rev.slice(0, 12)}`;
    const size = big.get(rev);
    if (size !== undefined) {
      errors.push(new InputError(name, 'unreadable', `adds or deletes ${mb(size)} of files (a root commit of a whole tree?), more than kreview reads (${mb(MAX_INPUT_BYTES)}); not checked`));
      continue;
    }
    let text: Buffer;
    try {
      text = await gitBytes(['format-patch', '-M', '--stdout', '--no-signature', '-1', rev, '--'], cwd);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      errors.push(new InputError(name, err.kind, err.message));
      continue;
    }
    const s = await parseInputTextAsync(text, name);
    for (const p of s.patches) {
      p.commit = rev;
      p.parent = parent ?? null;
      // a range is a series: its commits are numbered as format-patch would number them
      if (lines.length > 1) p.position = { ...p.position, index: patches.length + 1, total: lines.length };
    }
    patches.push(...s.patches);
    errors.push(...s.errors.filter((e) => e.kind !== 'not-a-patch'));
  }
  return { patches, errors };
}

function mb(n: number): string {
  return `${Math.round(n / (1024 * 1024))} MB`;
}

/**
 * A git command's output as bytes, refused past MAX_INPUT_BYTES: git's
 * output is the input here (simple-git collects it into one string, which
 * for a root commit of a kernel tree is longer than V8 allows).
 */
function gitBytes(args: string[], cwd: string): Promise<Buffer> {
  const { execFile } = nodeRequire()('node:child_process') as typeof import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile('git', ['-C', cwd, ...args], { encoding: 'buffer', maxBuffer: MAX_INPUT_BYTES }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      if ((err as { code?: unknown }).code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return reject(new InputError(`git:${args.at(-2)}`, 'unreadable', `its patch is more than kreview reads (${mb(MAX_INPUT_BYTES)}); not checked`));
      const msg = String(stderr ?? '').trim().split('\n').find((l) => l.trim()) ?? err.message;
      reject(new InputError(`git:${args.at(-2)}`, 'git', msg.replace(/^fatal: /, '') || 'git failed'));
    });
  });
}

/**
 * Commits whose patch would be more than kreview reads, by what they add and
 * delete whole (a root commit of a kernel tree adds 1.4 GB): the sizes of
 * those blobs, from one diff-tree and one cat-file for all the commits, in
 * well under a second, instead of git writing the patch for a minute first.
 * Modified files count nothing here (their hunks are small); gitBytes()
 * still refuses a patch that turns out too big.
 */
export async function oversized(revs: string[], cwd: string, limit = MAX_INPUT_BYTES): Promise<Map<string, number>> {
  const run = (args: string[], input: string): Promise<string> => {
    const { execFile } = nodeRequire()('node:child_process') as typeof import('node:child_process');
    return new Promise((resolve) => {
      const p = execFile('git', ['-C', cwd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 }, (err, stdout) => resolve(err ? '' : stdout));
      p.stdin?.end(input);
    });
  };
  // per commit: `:old new oldsha newsha status\0path\0` entries after the commit's own line
  const out = await run(['diff-tree', '--stdin', '-r', '--root', '-z', '--no-renames'], revs.join('\n') + '\n');
  const blobs = new Map<string, string[]>();
  let rev = '';
  const parts = out.split('\0');
  for (let i = 0; i < parts.length; i++) {
    let p = parts[i]!;
    if (p.startsWith('\n')) p = p.slice(1);
    if (/^[0-9a-f]{40,64}$/.test(p)) {
      rev = p;
      continue;
    }
    if (!p.startsWith(':')) continue;
    const [, , oldSha, newSha, status] = p.slice(1).split(' ');
    i++; // the path
    const sha = status === 'A' ? newSha : status === 'D' ? oldSha : undefined;
    if (sha) (blobs.get(rev) ?? blobs.set(rev, []).get(rev)!).push(sha);
  }
  const all = [...blobs.values()].flat();
  const result = new Map<string, number>();
  if (!all.length) return result;
  const sizes = (await run(['cat-file', '--batch-check=%(objectsize)'], all.join('\n') + '\n')).split('\n');
  let k = 0;
  for (const [r, shas] of blobs) {
    let total = 0;
    for (let j = 0; j < shas.length; j++) total += Number(sizes[k++]) || 0;
    if (total > limit) result.set(r, total);
  }
  return result;
}

async function revExists(git: (a: string[]) => Promise<string>, rev: string): Promise<boolean> {
  try {
    // no --quiet: simple-git rejects only when git writes to stderr
    await git(['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}
