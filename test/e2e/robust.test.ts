// Failure handling end to end: corrupt and shared caches, trees without the
// base commit, odd files, huge inputs, Ctrl-C.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE } from '../support/node.js';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/bin/kreview.cjs');
const KTREE = join(ROOT, 'test/fixtures/ktree');

function run(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(NODE, [BIN, ...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath ?? (d as unknown as { path: string }).path, d.name));
}

describe('failure handling', () => {
  it('a corrupt or partly written cache is rebuilt silently', () => {
    const cache = mkdtempSync(join(tmpdir(), 'kreview-cache-'));
    const env = { KREVIEW_CACHE_DIR: cache };
    expect(run(['index', '--tree', KTREE, 'fs', 'drivers'], env).status).toBe(0);
    const entries = files(cache).filter((f) => f.includes('facts-v'));
    expect(entries.length).toBeGreaterThan(5);
    entries.forEach((f, i) => writeFileSync(f, i % 2 ? '{"version":' : '\0\0garbage'));
    for (const f of files(cache).filter((x) => x.includes('/trees/'))) writeFileSync(f, 'not json');
    const again = run(['index', '--tree', KTREE, 'fs', 'drivers'], env);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/\(0 cached, 10 indexed\)/);
    const audit = run(['audit', '--tree', KTREE, '--terse', 'drivers'], env);
    expect(audit.stdout).toContain('drivers/block/loop.c');
  });

  it('the compiled-code cache: written on the first run, a damaged entry is ignored and rewritten', () => {
    const cache = mkdtempSync(join(tmpdir(), 'kreview-cache-'));
    // NODE_DISABLE_COMPILE_CACHE set at all (even empty) turns Node 22's own cache off: leave it out
    const env = { KREVIEW_CACHE_DIR: cache, NODE_DISABLE_COMPILE_CACHE: undefined };
    const args = ['check', '--no-tree', 'examples/0001-loop-raw-read-iter.patch'];
    const first = run(args, env);
    expect(first.status).toBe(1);
    const entries = files(join(cache, 'v8'));
    expect(entries.length).toBeGreaterThan(0);
    for (const f of entries) writeFileSync(f, 'not V8 code');
    const again = run(args, env);
    expect(again).toEqual(first);
    expect(files(join(cache, 'v8')).every((f) => readFileSync(f, 'latin1') !== 'not V8 code')).toBe(true);
  });

  it('two concurrent runs sharing a cache both succeed and leave no temporary files', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kreview-cache-'));
    const tree = mkdtempSync(join(tmpdir(), 'kreview-tree-'));
    cpSync(KTREE, tree, { recursive: true });
    for (let i = 0; i < 120; i++) writeFileSync(join(tree, 'fs', `gen${i}.c`), `static int gen${i}(struct file *f)\n{\n\treturn vfs_fsync(f, ${i});\n}\n`);
    const go = (): Promise<number | null> =>
      new Promise((resolve) => {
        const p = spawn(NODE, [BIN, 'index', '-q', '--tree', tree], { env: { ...process.env, KREVIEW_CACHE_DIR: cache }, stdio: 'ignore' });
        p.on('exit', (code) => resolve(code));
      });
    expect(await Promise.all([go(), go()])).toEqual([0, 0]);
    expect(files(cache).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('base-commit: a tree that is not a git repository, and a repository that lacks the commit, are said so', () => {
    const tree = mkdtempSync(join(tmpdir(), 'kreview-tree-'));
    cpSync(KTREE, tree, { recursive: true });
    const patch = readFileSync(join(ROOT, 'examples/0001-loop-raw-read-iter.patch'), 'utf8').replace('\n-- \n', '\nbase-commit: 1234567890abcdef1234567890abcdef12345678\n-- \n');
    const p = join(tree, 'x.patch');
    writeFileSync(p, patch);
    expect(run(['check', '--tree', tree, p], {}).stdout).toContain('NOTE: base-commit 1234567890ab: ' + tree + ' is not a git repository; applied to its files as they are');
    execFileSync('git', ['-C', tree, 'init', '-q']);
    execFileSync('git', ['-C', tree, '-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-q', '--allow-empty', '-m', 'x']);
    expect(run(['check', '--tree', tree, p], {}).stdout).toContain(`NOTE: base-commit 1234567890ab is not in ${tree}; applied to the working tree of ${tree}`);
  });

  it('a file that cannot be read is one clear line; the others are still checked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kreview-odd-'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const r = run(['check', join(dir, 'fifo'), 'examples/0001-loop-raw-read-iter.patch'], {});
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`kreview: ${join(dir, 'fifo')}: is not a regular file\n`);
    expect(r.stdout).toContain('ERROR: this patch drops vfs_iter_read()');
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked.patch');
      writeFileSync(locked, 'x', { mode: 0o000 });
      expect(run(['check', locked], {}).stderr).toBe(`kreview: ${locked}: permission denied\n`);
    }
  });

  it('a 50 MB mbox and a 200 kB line are read and reported', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kreview-big-'));
    const one = readFileSync(join(ROOT, 'test/fixtures/series/fixed-later.mbox'), 'utf8');
    // a list archive: threads of patches and the (longer) discussion around them
    const reply = (i: number): string =>
      `From reviewer@example.org Mon Sep 2 10:00:00 2024\nFrom: Reviewer <reviewer@example.org>\nSubject: Re: [PATCH 1/3] erofs: read the backing file directly\n` +
      `Message-Id: <r${i}@example.org>\nIn-Reply-To: <p1.erofs${i}@example.org>\nReferences: <cover.erofs${i}@example.org> <p1.erofs${i}@example.org>\n\n` +
      `${'> quoted review text that runs on for a while, as replies on the lists do\n'.repeat(300)}\nLooks wrong to me.\n`;
    const big = join(dir, 'big.mbox');
    const chunk = one.length + reply(0).length;
    const copies = Math.ceil((50 * 1024 * 1024) / chunk);
    writeFileSync(big, Array.from({ length: copies }, (_, i) => `${one.replace(/erofs@example\.org/g, `erofs${i}@example.org`)}\n${reply(i)}`).join('\n'));
    expect(statSync(big).size).toBeGreaterThan(50 * 1024 * 1024);
    const r = run(['check', '--format', 'json', '--no-tree', big], {});
    expect(r.status).toBe(0);
    const patches = JSON.parse(r.stdout).inputs[0].patches as { messageId: string }[];
    expect(patches.length).toBe(copies * 3);
    expect(patches.at(-1)!.messageId).toBe(`p3.erofs${copies - 1}@example.org`);
    const long = join(dir, 'long.patch');
    writeFileSync(long, readFileSync(join(ROOT, 'examples/0001-loop-raw-read-iter.patch'), 'utf8').replace('+\tstruct kiocb kiocb;', `+\tstruct kiocb kiocb; /* ${'x'.repeat(200_000)} */`));
    expect(run(['check', '--no-tree', '-q', long], {}).status).toBe(1);
  }, 120_000);

  it('inputs shaped to be expensive are each reported in one run, next to a normal patch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kreview-hostile-'));
    const example = readFileSync(join(ROOT, 'examples/0001-loop-raw-read-iter.patch'), 'utf8');
    // one more added line in the example's hunk, which has a finding of its own
    const withLine = (line: string): string => example.replace('@@ -262,16 +262,20 @@', '@@ -262,16 +262,21 @@').replace('+\tstruct kiocb kiocb;\n', `+\tstruct kiocb kiocb;\n+\t${line}\n`);
    const shapes: Record<string, string> = {
      // the issue's inputs: 160,000 nested braces hung in the Query, a 200 kB identifier took 16 s, a->a of 200 kB 4 GB, a Message-ID of 1 MB of '<' was quadratic
      braces: withLine(`${'{'.repeat(160_000)}${'}'.repeat(160_000)}`),
      calls: withLine(`len = ${'f('.repeat(100_000)}${')'.repeat(100_000)};`),
      ident: withLine(`${'a'.repeat(2_000_000)};`),
      arrows: withLine(`${'a->'.repeat(70_000)}a;`),
      msgid: example.replace('Subject:', `Message-ID: ${'<'.repeat(1_000_000)}\nReferences: ${'<'.repeat(1_000_000)}\nSubject:`),
    };
    const files = Object.entries(shapes).map(([name, text]) => {
      const f = join(dir, `${name}.patch`);
      writeFileSync(f, text);
      return f;
    });
    const r = run(['check', '--no-tree', '--terse', '--no-summary', ...files, 'examples/0001-loop-raw-read-iter.patch'], {});
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n');
    // each shape is reported for itself: a finding, or the note that its nesting was not parsed
    for (const f of files.slice(0, 2)) expect(lines).toContain(`${f}: NOTE: drivers/block/loop.c:269: brackets nest more than 1024 deep: not parsed, its functions are not checked`);
    for (const f of [...files.slice(2), 'examples/0001-loop-raw-read-iter.patch']) expect(lines.some((l) => l.startsWith(`${f}:`) && l.includes('ERROR:')), f).toBe(true);
  }, 120_000);

  it('escape sequences in file names reach no terminal raw, through the CLI, in any format (stderr too)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kreview-evil-'));
    const osc = '\x1b]0;PWNED\x07\u009b2J\u202e\u200b';
    const example = readFileSync(join(ROOT, 'examples/0001-loop-raw-read-iter.patch'), 'utf8');
    const f = join(dir, 'evil.patch');
    // the file name carries them, and a second file with a broken hunk makes an error line that names it
    writeFileSync(f, example.replaceAll('drivers/block/loop.c', `drivers/block/lo${osc}op.c`).replace('-- \n', `diff --git a/fs/b${osc}.c b/fs/b${osc}.c\n--- a/fs/b${osc}.c\n+++ b/fs/b${osc}.c\n@@ -1,3 +1,3 @@\n a\n-- \n`));
    // eslint-disable-next-line no-control-regex
    const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;
    for (const args of [[], ['--color=always'], ['--terse'], ['--showfile'], ['--emacs'], ['--format', 'json'], ['--format', 'sarif'], ['--format', 'b4']]) {
      const r = run(['check', '--no-tree', ...args, f], {});
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(r.stderr).toContain('hunk');
      expect(r.stdout.replace(/\x1b\[(?:0|3[1-4])m/g, ''), args.join(' ')).not.toMatch(raw);
      expect(r.stderr).not.toMatch(raw);
      expect(r.stdout).toContain(args[0] === '--terse' || args[0] === '--emacs' ? 'ERROR:' : 'drivers/block/lo');
    }
  });

  it('SIGINT and SIGTERM stop indexing and the audit with 130 and 143, and leave no partial cache files', async () => {
    const tree = mkdtempSync(join(tmpdir(), 'kreview-tree-'));
    mkdirSync(join(tree, 'fs'));
    const body = Array.from({ length: 60 }, (_, i) => `static int f${i}(struct file *f)\n{\n\tif (f)\n\t\treturn vfs_fsync(f, ${i});\n\treturn 0;\n}\n`).join('\n');
    for (let i = 0; i < 3000; i++) writeFileSync(join(tree, 'fs', `f${i}.c`), body);
    for (const [args, signal, code] of [[['index', '-q', '--tree', tree, 'fs'], 'SIGINT', 130], [['audit', '--tree', tree, 'fs'], 'SIGTERM', 143], [['index', '-q', '--tree', tree, 'fs'], 'SIGTERM', 143]] as const) {
      const cache = mkdtempSync(join(tmpdir(), 'kreview-cache-'));
      const p = spawn(NODE, [BIN, ...args], { env: { ...process.env, KREVIEW_CACHE_DIR: cache }, stdio: 'ignore' });
      const exited = new Promise<number | string>((resolve) => p.on('exit', (c, sig) => resolve(c ?? `killed by ${sig}`)));
      // wait until it is writing cache entries, then stop it
      for (let i = 0; i < 400 && files(cache).length < 20; i++) await new Promise((r) => setTimeout(r, 25));
      p.kill(signal);
      expect(await exited, `${args[0]} ${signal}`).toBe(code);
      expect(files(cache).filter((f) => f.includes('.tmp-'))).toEqual([]);
    }
  }, 120_000);

  it('SIGINT and SIGTERM stop reading and checking a big mbox with 130 and 143', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kreview-big-'));
    const one = readFileSync(join(ROOT, 'test/fixtures/series/fixed-later.mbox'), 'utf8');
    const big = join(dir, 'big.mbox');
    writeFileSync(big, Array.from({ length: 4000 }, (_, i) => one.replace(/erofs@example\.org/g, `erofs${i}@example.org`)).join('\n'));
    // early (reading the mbox) and later (checking its threads)
    for (const [signal, code, after] of [['SIGINT', 130, 300], ['SIGTERM', 143, 300], ['SIGTERM', 143, 1500]] as const) {
      const p = spawn(NODE, [BIN, 'check', '--no-tree', '-q', big], { stdio: 'ignore' });
      const exited = new Promise<number | string>((resolve) => p.on('exit', (c, sig) => resolve(c ?? `killed by ${sig}`)));
      await new Promise((r) => setTimeout(r, after));
      p.kill(signal);
      expect(await exited, `${signal} after ${after} ms`).toBe(code);
    }
  }, 120_000);
});
