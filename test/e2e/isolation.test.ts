// One bad input never takes the run down, and the gate never says "all
// clear" without having checked: every good input is reported, each bad one
// is one line on stderr naming it, and the status says so.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/bin/kreview.cjs');
import { NODE } from '../support/node.js';
import { FACTS_VERSION } from '../../src/cgraph/extract/index.js';
const DEMO = readFileSync(join(ROOT, 'examples/0001-loop-raw-read-iter.patch'), 'utf8');

function kreview(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(NODE, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** A mail holding one diff of `path`, made by the test (never a real patch). */
function mail(subject: string, diff: string): string {
  return `From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\nFrom: A U Thor <author@example.org>\nSubject: [PATCH] ${subject}\n\nA change.\n\nSigned-off-by: A U Thor <author@example.org>\n---\n${diff}-- \n2.39.5\n`;
}

const rawCall = (path: string): string =>
  `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n@@ -1,1 +1,2 @@\n int secret(void) { return 0; }\n+int more(struct file *f, struct kiocb *k, struct iov_iter *i) { return f->f_op->read_iter(k, i); }\n`;

describe('per-input isolation', () => {
  it('good inputs are all reported, each bad one is one line naming it, exit 2', () => {
    const tree = mkdtempSync(join(tmpdir(), 'kreview-iso-tree-'));
    cpSync(join(ROOT, 'test/fixtures/ktree'), tree, { recursive: true });
    const outside = mkdtempSync(join(tmpdir(), 'kreview-iso-outside-'));
    writeFileSync(join(outside, 'x.c'), 'int secret(void) { return 0; }\n');
    symlinkSync(outside, join(tree, 'fs', 'link'));
    const dir = mkdtempSync(join(tmpdir(), 'kreview-iso-'));
    const inputs: Record<string, string> = {
      'good-1.patch': DEMO,
      // a hunk header that names a line no file has
      'digits.patch': DEMO.replace(/^@@ -262,16 \+262,20 @@/m, '@@ -99999999999999999999,16 +99999999999999999999,20 @@'),
      'absolute.patch': mail('abs', rawCall('x.c').replace(/a\/x\.c|b\/x\.c/g, '/etc/passwd')),
      'dotdot.patch': mail('dotdot', rawCall('../../../../etc/passwd.c')),
      'symlink.patch': mail('symlink', rawCall('fs/link/x.c')),
      'no-hunks.patch': mail('nothing', 'diff --git a/fs/read_write.c b/fs/read_write.c\nindex 1111111..2222222 100644\n--- a/fs/read_write.c\n+++ b/fs/read_write.c\n'),
      'good-2.patch': DEMO.replace('Subject: [PATCH]', 'Subject: [PATCH v2]'),
    };
    for (const [name, text] of Object.entries(inputs)) writeFileSync(join(dir, name), text);
    const names = Object.keys(inputs);
    for (const withTree of [true, false]) {
      const r = kreview(['check', '--terse', ...(withTree ? ['--tree', tree] : ['--no-tree']), ...names], dir);
      expect(r.status).toBe(2);
      const errs = r.stderr.trim().split('\n');
      // the symlink only matters with a tree; without one, that patch is checked from its text
      const bad = withTree ? ['digits', 'absolute', 'dotdot', 'symlink', 'no-hunks'] : ['digits', 'absolute', 'dotdot', 'no-hunks'];
      expect(errs.map((l) => /^kreview: ([\w-]+)\.patch:/.exec(l)?.[1]), r.stderr).toEqual(bad);
      for (const good of ['good-1.patch', 'good-2.patch']) expect(r.stdout).toContain(`${good}:36: ERROR: this patch drops vfs_iter_read()`);
      expect(r.stderr).not.toContain('internal error');
    }
  });

  it('a hunk at line 500,000,000 is checked in bounded memory, like any other', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kreview-iso-far-'));
    writeFileSync(join(dir, 'far.patch'), DEMO.replace(/^@@ -262,16 \+262,20 @@/m, '@@ -500000000,16 +500000000,20 @@'));
    const r = kreview(['check', '--no-tree', '--showfile', '-q', '--no-witness', 'far.patch'], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('drivers/block/loop.c:500000013: ERROR:');
    expect(r.stderr).toBe('');
  });

  it('cache entries of the wrong shape (valid JSON, right name) are misses, not crashes', () => {
    const cache = mkdtempSync(join(tmpdir(), 'kreview-iso-cache-'));
    const env = { KREVIEW_CACHE_DIR: cache };
    const args = ['check', '--tree', 'test/fixtures/ktree', '--terse', 'test/fixtures/series/fixed-later.mbox', 'examples/0001-loop-raw-read-iter.patch'];
    const first = kreview(args, ROOT, env);
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
    const entries = walk(cache).filter((f) => f.includes('facts-v') && f.endsWith('.json'));
    expect(entries.length).toBeGreaterThan(3);
    for (const f of entries) {
      const e = JSON.parse(readFileSync(f, 'utf8'));
      // the right version, path and hash, and nonsense inside
      writeFileSync(f, JSON.stringify({ ...e, functions: [{ name: 7, calls: 'x' }], opsTables: {} }));
    }
    for (const f of walk(cache).filter((x) => x.includes('/trees/'))) writeFileSync(f, JSON.stringify({ version: 999, files: { 'fs/x.c': 'nonsense' } }));
    const again = kreview(args, ROOT, env);
    expect(again).toEqual(first);
  });

  it('the facts cache is keyed by the build of the extraction: an upgraded kreview never reads what an older one cached', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kreview-iso-build-'));
    kreview(['check', '--tree', 'test/fixtures/ktree', '--terse', 'examples/0001-loop-raw-read-iter.patch'], ROOT, { KREVIEW_CACHE_DIR: cache });
    const script = pathToFileURL(join(ROOT, 'scripts/facts-digest.mjs')).href;
    const { factsDigest } = (await import(script)) as { factsDigest: (root: string) => string };
    expect(readdirSync(cache).filter((d) => d.startsWith('facts-'))).toEqual([`facts-v${FACTS_VERSION}-${factsDigest(ROOT)}`]);
  });

  it('an upgrade removes other builds\' facts left unused for 30 days, and keeps recent ones and anything else', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kreview-iso-prune-'));
    const outside = mkdtempSync(join(tmpdir(), 'kreview-iso-outside-'));
    writeFileSync(join(outside, 'keep'), 'x');
    const old = Date.now() / 1000 - 40 * 86_400;
    for (const d of ['facts-v1-stale/ab', 'facts-v2-recent/cd', 'facts-v3-unstamped/ef', 'notes']) mkdirSync(join(cache, d), { recursive: true });
    writeFileSync(join(cache, 'facts-v1-stale/.used'), '');
    utimesSync(join(cache, 'facts-v1-stale/.used'), old, old);
    writeFileSync(join(cache, 'facts-v2-recent/.used'), '');
    utimesSync(join(cache, 'facts-v3-unstamped'), old, old); // a build from before stamps: its directory's time counts
    utimesSync(join(cache, 'notes'), old, old);
    symlinkSync(outside, join(cache, 'facts-v4-link'));
    const r = kreview(['check', '--tree', 'test/fixtures/ktree', '--terse', 'examples/0001-loop-raw-read-iter.patch'], ROOT, { KREVIEW_CACHE_DIR: cache });
    expect(r.status).toBe(1);
    const script = pathToFileURL(join(ROOT, 'scripts/facts-digest.mjs')).href;
    const { factsDigest } = (await import(script)) as { factsDigest: (root: string) => string };
    const current = `facts-v${FACTS_VERSION}-${factsDigest(ROOT)}`;
    expect(readdirSync(cache).filter((d) => d.startsWith('facts-') || d === 'notes').sort()).toEqual([current, 'facts-v2-recent', 'facts-v4-link', 'notes'].sort());
    expect(readFileSync(join(outside, 'keep'), 'utf8')).toBe('x');
    expect(statSync(join(cache, current, '.used')).mtimeMs).toBeGreaterThan(Date.now() - 600_000);
  });

  it('a new file the tree already has is said, even in the quietest mode', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kreview-iso-exists-'));
    const diff = 'diff --git a/fs/erofs/data.c b/fs/erofs/data.c\nnew file mode 100644\nindex 0000000..2222222\n--- /dev/null\n+++ b/fs/erofs/data.c\n@@ -0,0 +1,1 @@\n+int x;\n';
    writeFileSync(join(dir, 'exists.patch'), mail('erofs: add data.c', diff));
    const r = kreview(['check', '--tree', join(ROOT, 'test/fixtures/ktree'), '-q', '--terse', '--mailback', 'exists.patch'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('exists.patch: NOTE: fs/erofs/data.c: this patch creates it, but the tree already has it (git apply would refuse the patch); checked as the patch creates it\n');
  });
});

describe('the exit status comes from the report', () => {
  it('a command still waiting when the event loop runs dry ends with status 2 and says so, never 0', () => {
    const guard = pathToFileURL(join(ROOT, 'dist/cli/exit-guard.js')).href;
    const script = `import { finish } from ${JSON.stringify(guard)}; finish(new Promise(() => {}));`;
    const r = spawnSync(NODE, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('kreview: internal error: stopped before the report was written (nothing was checked)\n');
    const ok = spawnSync(NODE, ['--input-type=module', '-e', `import { finish } from ${JSON.stringify(guard)}; finish(Promise.resolve(1));`], { encoding: 'utf8' });
    expect(ok).toMatchObject({ status: 1, stderr: '' });
  });

  it('a check whose tree reads are pending keeps the process alive until the report is out', () => {
    // a repository whose object reader answers slowly: the check must wait for it, not exit 0
    const repo = mkdtempSync(join(tmpdir(), 'kreview-iso-slowgit-'));
    cpSync(join(ROOT, 'test/fixtures/ktree'), repo, { recursive: true });
    const g = (...a: string[]) => spawnSync('git', ['-C', repo, '-c', 'user.name=A', '-c', 'user.email=a@e', ...a], { encoding: 'utf8' });
    g('init', '-q');
    g('add', '-A');
    g('commit', '-q', '-m', 'base');
    const base = g('rev-parse', 'HEAD').stdout.trim();
    const bin = join(repo, '..', `slowgit-${base.slice(0, 8)}`);
    mkdirSync(bin, { recursive: true });
    // `git cat-file --batch` through a pipe that waits a second before it answers
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nif [ "$3" = cat-file ]; then sleep 1; fi\nexec ${spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim()} "$@"\n`, { mode: 0o755 });
    const patch = DEMO.replace('\n-- \n', `\nbase-commit: ${base}\n-- \n`);
    writeFileSync(join(repo, 'x.patch'), patch);
    const r = kreview(['check', '--tree', repo, '--terse', 'x.patch'], repo, { PATH: `${bin}:${process.env.PATH}` });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('x.patch:36: ERROR:');
    expect(r.status).toBe(1);
  });
});
