// Where kernel developers use kreview: pipes closed early, checkpatch command
// lines from b4 configs and CI, colour, the environment. The built CLI, run
// as a user runs it.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/bin/kreview.cjs');
const DEMO = 'examples/0001-loop-raw-read-iter.patch';
const CACHE = mkdtempSync(join(tmpdir(), 'kreview-wf-cache-'));
const ENV = { ...process.env, KREVIEW_CACHE_DIR: CACHE, KREVIEW_STATE_DIR: join(CACHE, 'state'), HOME: CACHE, NO_COLOR: '', FORCE_COLOR: undefined };

function kreview(args: string[], opts: { input?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv } = {}): { stdout: string; stderr: string; status: number } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, input: opts.input ?? '', encoding: 'utf8', env: { ...ENV, ...opts.env } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
}

/** Run with stdout a pipe whose reader has gone away before the first write (`| head` that already quit). */
function closedStdout(args: string[]): Promise<{ stderr: string; status: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout.destroy();
    let stderr = '';
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('close', (status, signal) => resolve({ stderr, status, signal }));
  });
}

describe('a closed stdout ends any command quietly, exit 0 (as git does)', () => {
  for (const args of [
    ['graph', 'callers', 'vfs_iter_read'],
    ['check', DEMO],
    ['check', '--format', 'json', DEMO],
    ['explain', 'RAW_RW_ITER'],
    ['--help'],
    ['hook', '--help'],
  ]) {
    it(`kreview ${args.join(' ')} | (reader gone)`, async () => {
      const r = await closedStdout(args);
      expect(r.stderr).toBe('');
      expect(r).toMatchObject({ status: 0, signal: null });
    });
  }
});

/** Run on a pseudo-terminal (util-linux script), stdout captured raw. */
function onTerminal(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const r = spawnSync('script', ['-qec', [process.execPath, BIN, ...args].map(q).join(' '), '/dev/null'], { cwd: ROOT, encoding: 'utf8', env: { ...ENV, ...env } });
  return r.stdout;
}
const hasScript = spawnSync('script', ['--version']).status === 0;

describe('colour as checkpatch.pl and the Node ecosystem do it', () => {
  const red = '\x1b[31m';
  it('a bare --color is auto: not on a pipe; --color=always colours a pipe', () => {
    expect(kreview(['check', '--color', '--terse', DEMO]).stdout).not.toContain('\x1b[');
    expect(kreview(['check', '--color=always', '--terse', DEMO]).stdout).toContain(red);
    expect(kreview(['check', '--color=ALWAYS', '--terse', DEMO]).stdout).toContain(red);
  });
  it('--no-color and --nocolor mean never, and the last word wins', () => {
    for (const never of ['--no-color', '--nocolor', '--color=never']) {
      const r = kreview(['check', '--color=always', never, '--terse', DEMO]);
      expect(r.status).toBe(1);
      expect(r.stdout).not.toContain('\x1b[');
    }
    expect(kreview(['check', '--nocolor', '--color=always', '--terse', DEMO]).stdout).toContain(red);
  });
  it('--color never is auto plus an input named "never", as in checkpatch.pl; a bad mode is a usage error', () => {
    const r = kreview(['check', '--color', 'never', DEMO]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('kreview: never: no such file or directory\n');
    expect(r.stdout).toContain('ERROR: this patch drops vfs_iter_read()');
    const bad = kreview(['check', '--color=sometimes', DEMO]);
    expect(bad).toMatchObject({ status: 2, stdout: '' });
    expect(bad.stderr).toBe('kreview check: invalid color mode: sometimes (always, never or auto)\n');
  });
  it('FORCE_COLOR colours a pipe (0 and false do not), NO_COLOR turns auto off; the command line wins', () => {
    expect(kreview(['check', '--terse', DEMO], { env: { FORCE_COLOR: '1' } }).stdout).toContain(red);
    expect(kreview(['check', '--terse', DEMO], { env: { FORCE_COLOR: '' } }).stdout).toContain(red);
    expect(kreview(['check', '--terse', DEMO], { env: { FORCE_COLOR: '0' } }).stdout).not.toContain('\x1b[');
    expect(kreview(['check', '--terse', DEMO], { env: { FORCE_COLOR: 'false' } }).stdout).not.toContain('\x1b[');
    expect(kreview(['check', '--terse', '--color=never', DEMO], { env: { FORCE_COLOR: '1' } }).stdout).not.toContain('\x1b[');
    expect(kreview(['check', '--terse', '--color=always', DEMO], { env: { NO_COLOR: '1' } }).stdout).toContain(red);
  });
  it.skipIf(!hasScript)('on a terminal: colour by default, none with NO_COLOR or --no-color', () => {
    expect(onTerminal(['check', '--terse', DEMO])).toContain(red);
    expect(onTerminal(['check', '--terse', DEMO], { NO_COLOR: '1' })).not.toContain(red);
    expect(onTerminal(['check', '--terse', '--no-color', DEMO])).not.toContain(red);
    // FORCE_COLOR=0 turns it off even on a terminal; it wins over NO_COLOR the other way
    expect(onTerminal(['check', '--terse', DEMO], { FORCE_COLOR: '0' })).not.toContain(red);
    expect(onTerminal(['check', '--terse', DEMO], { FORCE_COLOR: '1', NO_COLOR: '1' })).toContain(red);
  });
});

/** A kernel-shaped git repository (the ktree fixture) with a commit on top that makes cachefiles read raw. */
function kernelRepo(): { dir: string; commit: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kreview-wf-git-'));
  cpSync(join(ROOT, 'test/fixtures/ktree'), dir, { recursive: true });
  writeFileSync(join(dir, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\n');
  const git = (...a: string[]): string => execFileSync('git', ['-C', dir, '-c', 'user.name=A', '-c', 'user.email=a@example.org', ...a], { encoding: 'utf8' }).trim();
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'base');
  const io = join(dir, 'fs/cachefiles/io.c');
  writeFileSync(io, readFileSync(io, 'utf8').replace('vfs_iocb_iter_read(object->file, &kiocb, iter)', 'object->file->f_op->read_iter(&kiocb, iter)'));
  git('commit', '-qam', 'cachefiles: read the cache file directly');
  return { dir, commit: git('rev-parse', 'HEAD') };
}

describe('checkpatch.pl command lines from b4 configs and CI', () => {
  const b4 = ['check', '--no-signoff', '--codespell', '--max-line-length=100', '-q', '--terse', '--no-summary', '--mailback', '--showfile', '-'];
  it('b4-style stdin with style-only flags: accepted and ignored, findings as without them', () => {
    const r = kreview(b4, { input: readFileSync(join(ROOT, DEMO)), cwd: join(ROOT, 'test/fixtures/ktree') });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(kreview(b4.filter((a) => !/signoff|codespell|max-line/.test(a)), { input: readFileSync(join(ROOT, DEMO)), cwd: join(ROOT, 'test/fixtures/ktree') }).stdout);
    expect(r.stdout).toMatch(/^drivers\/block\/loop\.c:275: ERROR: /);
    for (const inert of ['--no-fixes-tag', '--tab-size=8', '--min-conf-desc-length=3', '--codespellfile=/nonexistent', '--typedefsfile=/nonexistent', '--kconfig-prefix=CONFIG_', '--ignore-perl-version', '--patch']) {
      expect(kreview(['check', inert, '--terse', DEMO]).status, inert).toBe(1);
    }
  });
  it('a number option with a word is a usage error; --fix is refused (kreview never rewrites files)', () => {
    expect(kreview(['check', '--max-line-length=wide', DEMO])).toMatchObject({ status: 2, stdout: '', stderr: "kreview check: option --max-line-length wants a number, got 'wide'\n" });
    const fix = kreview(['check', '--fix', DEMO]);
    expect(fix.status).toBe(2);
    expect(fix.stderr).toContain('never rewrites files');
  });
  it('--list-types lists the TYPEs as checkpatch does; -v adds why each matters', () => {
    const r = kreview(['check', '--list-types']);
    expect(r).toMatchObject({ status: 0, stdout: '#\tMessage type\n\n1\tBACKING_FILE_CREDS\n2\tCROSS_LAYER_PAGECACHE\n3\tRAW_RW_ITER\n4\tVFS_INTERNAL_HELPER\n' });
    const v = kreview(['check', '--list-types', '-v']).stdout;
    expect(v).toContain('3\tRAW_RW_ITER\n\t`rw_verify_area()` is where the VFS runs the LSM hook\n');
  });
  it('-v prints why a TYPE matters after its first finding, once', () => {
    const r = kreview(['check', '-v', '--terse', DEMO, DEMO]);
    expect(r.stdout.match(/is where the VFS runs the LSM hook/g)).toHaveLength(1);
    expect(r.stdout.split('\n')[1]).toBe('`rw_verify_area()` is where the VFS runs the LSM hook');
  });
  it('--summary-file names the input on the total: line', () => {
    expect(kreview(['check', '--summary-file', '--terse', DEMO]).stdout).toContain(`\n${DEMO} total: 1 errors, 0 warnings, 21 lines checked\n`);
  });
  it('--test-only=WORD keeps only the findings whose message holds WORD', () => {
    expect(kreview(['check', '--test-only=vfs_iter_read', '--terse', DEMO]).status).toBe(1);
    expect(kreview(['check', '--test-only=splice', '--terse', DEMO]).status).toBe(0);
  });
  it('-g --terse and --summary-file label each line with the commit id, as checkpatch -g does', () => {
    const { dir, commit } = kernelRepo();
    const r = kreview(['check', '-g', '--terse', '--summary-file', 'HEAD~1..HEAD'], { cwd: dir });
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${commit}:\\d+: ERROR: this patch drops vfs_iocb_iter_read\\(\\)`));
    expect(lines[1]).toMatch(new RegExp(`^${commit} total: 1 errors, 0 warnings, \\d+ lines checked$`));
  });
  it('-f FILE... checks source files as the audit does, in checkpatch -f layout', () => {
    const tree = join(ROOT, 'test/fixtures/ktree');
    const r = kreview(['check', '-f', 'drivers/block/loop.c', 'fs/read_write.c'], { cwd: tree });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    const lines = readFileSync(join(tree, 'drivers/block/loop.c'), 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('->read_iter(')) + 1;
    expect(r.stdout).toMatch(/^--------------------\ndrivers\/block\/loop\.c\n--------------------\nERROR: /);
    expect(r.stdout).toContain(`#${at}: FILE: drivers/block/loop.c:${at}:\n+${lines[at - 1]}\n`);
    expect(r.stdout).toContain(`total: 2 errors, 0 warnings, ${lines.length - 1} lines checked\n\ndrivers/block/loop.c has style problems, please review.\n`);
    expect(r.stdout).toContain('---------------\nfs/read_write.c\n---------------\ntotal: 0 errors, 0 warnings, ');
    expect(r.stdout).toContain('fs/read_write.c has no obvious style problems and is ready for submission.');
    const terse = kreview(['check', '-f', '--terse', 'drivers/block/loop.c'], { cwd: tree });
    expect(terse.stdout).toMatch(new RegExp(`^drivers/block/loop\\.c:${at}: ERROR: `, 'm'));
    expect(kreview(['check', '-f', '-g', 'HEAD'], { cwd: tree })).toMatchObject({ status: 2, stderr: 'kreview check: --git cannot be used with --file\n' });
    const missing = kreview(['check', '-f', 'fs/nope.c', 'drivers/block/loop.c'], { cwd: tree });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('kreview: fs/nope.c: no such file or directory\n');
    expect(missing.stdout).toContain('drivers/block/loop.c has style problems');
  });
});

describe('a model built with kreview model build is used with --model, KREVIEW_MODEL or .kreview.conf', () => {
  it('built from a tree, then used instead of the embedded one', () => {
    const out = mkdtempSync(join(tmpdir(), 'kreview-wf-model-'));
    const b = kreview(['model', 'build', '--tree', 'test/fixtures/ktree', '-o', out]);
    expect(b.status).toBe(0);
    expect(b.stdout).toContain(`use it with --model ${out}`);
    // this patch re-routes loop.c as the fixture tree has it (lo_read_simple() is not in 6.12): only that model sees it
    const patch = 'test/fixtures/patch/reroute.patch';
    expect(kreview(['check', '--terse', patch]).status).toBe(0);
    const withModel = kreview(['check', '--terse', '--model', out, patch]);
    expect(withModel.status).toBe(1);
    expect(withModel.stdout).toMatch(/^drivers\/block\/loop\.c:\d+: ERROR: this patch drops vfs_iter_read\(\)/);
    expect(kreview(['check', '--terse', patch], { env: { KREVIEW_MODEL: out } }).stdout).toBe(withModel.stdout);
    const conf = mkdtempSync(join(tmpdir(), 'kreview-wf-conf-'));
    writeFileSync(join(conf, '.kreview.conf'), `--model ${out}\n`);
    writeFileSync(join(conf, 'p.patch'), readFileSync(join(ROOT, patch)));
    expect(kreview(['check', '--terse', 'p.patch'], { cwd: conf }).status).toBe(1);
    // graph answers from it too
    expect(kreview(['graph', 'callers', 'erofs_bread', '--model', out]).stdout).toBe('erofs_read_metabuf  fs/erofs/data.c:34\n');
  });
  it('a directory that is no model is a usage error naming it', () => {
    const r = kreview(['check', '--model', 'test/fixtures', DEMO]);
    expect(r).toMatchObject({ status: 2, stdout: '' });
    expect(r.stderr).toBe("kreview check: --model test/fixtures: not a kreview model (no manifest.json): 'kreview model build --tree KERNEL -o test/fixtures' writes one\n");
    expect(kreview(['check', DEMO], { env: { KREVIEW_MODEL: '/nonexistent' } }).stderr).toContain('kreview check: KREVIEW_MODEL /nonexistent: not a kreview model');
  });
  it('a model an older kreview wrote is a usage error saying which format it has', () => {
    const old = mkdtempSync(join(tmpdir(), 'kreview-wf-oldmodel-'));
    writeFileSync(join(old, 'manifest.json'), JSON.stringify({ format: 1, factsVersion: 3, kernel: 'Linux 6.12', built: '2026-01-01', shards: [] }));
    const r = kreview(['check', '--model', old, DEMO]);
    expect(r).toMatchObject({ status: 2, stdout: '' });
    expect(r.stderr).toMatch(new RegExp(`^kreview check: --model ${old}: format 1, facts version 3, where this kreview reads \\d+ and \\d+: rebuild it with 'kreview model build --tree KERNEL -o ${old}'\n$`));
  });
});

describe('an install that lost its embedded model refuses to check instead of saying all clear', () => {
  it('every input gets one line naming the model, exit 2, also as a send-email gate (--mailback)', () => {
    // the built CLI copied as a package would install it, without model/
    const pkg = mkdtempSync(join(tmpdir(), 'kreview-wf-nomodel-'));
    cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
    const run = (args: string[]) => {
      const r = spawnSync(process.execPath, [join(pkg, 'dist/bin/kreview.cjs'), ...args], { cwd: ROOT, encoding: 'utf8', env: ENV });
      return { stdout: r.stdout, stderr: r.stderr, status: r.status };
    };
    const line = `kreview: ${join(pkg, 'model')}: the embedded model of Linux 6.12 is unreadable (no manifest.json): nothing was checked; reinstall kreview, or check against a kernel tree (--tree DIR)\n`;
    const two = run(['check', '--no-tree', DEMO, DEMO]);
    expect(two).toMatchObject({ status: 2, stdout: '' });
    expect(two.stderr).toBe(line + line);
    expect(run(['check', '--no-tree', '--mailback', DEMO])).toMatchObject({ status: 2, stdout: '', stderr: line });
    // the same copy with its model back checks as the installed one does
    symlinkSync(join(ROOT, 'model'), join(pkg, 'model'));
    expect(run(['check', '--no-tree', '--terse', DEMO])).toMatchObject({ status: 1, stdout: kreview(['check', '--no-tree', '--terse', DEMO]).stdout });
  });
});

describe('kreview explain pages long output on a terminal, as git does', () => {
  const pager = 'echo "PAGED LESS=$LESS"; cat';
  it('never through a pager when stdout is not a terminal', () => {
    const r = kreview(['explain', 'RAW_RW_ITER'], { env: { KREVIEW_PAGER: pager, PAGER: pager } });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('PAGED');
    expect(r.stdout.split('\n')[0]).toBe('# RAW_RW_ITER');
  });
  it.skipIf(!hasScript)('on a terminal: KREVIEW_PAGER, else PAGER (with LESS=FRX), empty or cat for none; rendered, not raw', () => {
    const paged = onTerminal(['explain', 'RAW_RW_ITER'], { KREVIEW_PAGER: pager });
    expect(paged).toContain('PAGED LESS=FRX');
    // rendered as Markdown for a terminal: no backticks left around code
    expect(paged).toContain('rw_verify_area()');
    expect(paged).not.toContain('`rw_verify_area()`');
    expect(onTerminal(['explain', 'RAW_RW_ITER'], { PAGER: pager, LESS: '-R' })).toContain('PAGED LESS=-R');
    expect(onTerminal(['explain', 'RAW_RW_ITER'], { KREVIEW_PAGER: '', PAGER: pager })).not.toContain('PAGED');
    expect(onTerminal(['explain', 'RAW_RW_ITER'], { KREVIEW_PAGER: 'cat', PAGER: pager })).not.toContain('PAGED');
    // a pager that is not there: the text anyway
    expect(onTerminal(['explain', 'RAW_RW_ITER'], { KREVIEW_PAGER: 'no-such-pager-here' })).toContain('What it does');
    // NO_COLOR: rendered without colour
    const mono = onTerminal(['explain', 'RAW_RW_ITER'], { KREVIEW_PAGER: 'cat', NO_COLOR: '1' });
    expect(mono).toContain('What it does');
    expect(mono).not.toContain('\x1b[3');
  });
});

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

describe.skipIf(!hasTmux)('the default pager in a real terminal', () => {
  it('less -FRX shows the doc, q quits, exit 0', async () => {
    const session = `kreview-wf-${process.pid}`;
    const cmd = `cd ${ROOT} && env -u PAGER -u KREVIEW_PAGER -u LESS HOME=${CACHE} KREVIEW_CACHE_DIR=${CACHE} ${process.execPath} ${BIN} explain RAW_RW_ITER; echo KREVIEW-EXIT-$?; sleep 30`;
    execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '90', '-y', '20', cmd]);
    const screen = (): string => spawnSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' }).stdout;
    const until = async (pred: (s: string) => boolean, what: string): Promise<string> => {
      const end = Date.now() + 20_000;
      for (;;) {
        const s = screen();
        if (pred(s)) return s;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last:\n${s}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      const first = await until((s) => s.includes('RAW_RW_ITER') && /^:\s*$/m.test(s), 'less with the first page');
      expect(first).not.toContain('KREVIEW-EXIT');
      execFileSync('tmux', ['send-keys', '-t', session, 'q']);
      await until((s) => s.includes('KREVIEW-EXIT-0'), 'the exit');
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session]);
    }
  });
});

describe('the help and the README say what there is', () => {
  it('check --help lists every format; --help and the README name every variable the code reads', () => {
    const help = kreview(['check', '--help']).stdout;
    for (const f of ['text', 'json', 'sarif', 'b4']) expect(help).toMatch(new RegExp(`\\b${f}\\b[^\\n]*\\(`));
    // every variable the shipped code reads, found in the code itself
    const files = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : /\.tsx?$/.test(d.name) && !d.name.includes('.test.') ? [join(dir, d.name)] : []));
    const names = new Set<string>();
    for (const f of [...files('cli'), ...files('src'), ...files('rules')]) {
      for (const m of readFileSync(join(ROOT, f), 'utf8').matchAll(/\benv(?:\.|\?\.)([A-Z][A-Z0-9_]+)|process\.env\.([A-Z][A-Z0-9_]+)|\['(CI)', '(CONTINUOUS_INTEGRATION)'\]/g)) {
        for (const n of m.slice(1)) if (n) names.add(n);
      }
    }
    expect(names.size).toBeGreaterThan(10);
    const top = kreview(['--help']).stdout;
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const n of names) {
      expect(top, n).toContain(n);
      expect(help, n).toContain(n);
      expect(readme, n).toContain(n);
    }
  });
});

/** Unfold a header block and decode RFC 2047 words, as a mail reader does. */
function readHeader(mail: string, name: string): string | undefined {
  const head = mail.split('\n\n')[0]!.replace(/\n[ \t]/g, ' \u0000');
  const line = head.split('\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  if (line === undefined) return undefined;
  const value = line.slice(name.length + 1).replace(/^ /, '');
  // white space between two encoded words is not part of the text (RFC 2047 6.2); a fold is not either
  return value
    .replace(/(\?=) \u0000(?==\?)/g, '$1')
    .replace(/ \u0000/g, ' ')
    .replace(/=\?UTF-8\?B\?([^?]*)\?=/g, (_, b: string) => `\u0001${b}\u0001`)
    .replace(/(?:\u0001[^\u0001]*\u0001)+/g, (run) => Buffer.concat(run.split('\u0001').filter(Boolean).map((b) => Buffer.from(b, 'base64'))).toString('utf8'));
}

describe('reply drafts read like a maintainer wrote them', () => {
  it('a sentence or two per finding, [...] for cuts, no evidence dump; a warning when the patch has no Message-ID', () => {
    const r = kreview(['reply', DEMO]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('kreview reply: warning: "loop: call ->read_iter directly for buffered reads": the patch has no Message-ID: the draft has no In-Reply-To and will not thread under it\n');
    const body = r.stdout.split('\n\n').slice(1).join('\n\n');
    expect(body).toContain('\n[...]\n');
    expect(body).not.toContain('[ ... ]');
    const lines = body.trimEnd().split('\n').slice(0, -2); // without "Thanks," and the name
    const said = lines.filter((l) => l && !l.startsWith('>') && l !== '[...]' && !l.startsWith('On ')).join(' ');
    expect(said).toBe('This replaces vfs_iter_read() on lo->lo_backing_file with a raw ->read_iter(), which skips the rw_verify_area() checks (LSM, fanotify) that vfs_iter_read() ran. Could it keep vfs_iter_read(), or use vfs_iocb_iter_read()?');
    expect(said.split(/[.?] /)).toHaveLength(2);
    expect(body).not.toContain('drivers/block/loop.c:'); // line numbers and evidence stay in the report
  });

  it('long headers are folded (RFC 5322) and decode to what the patch said (RFC 2047)', () => {
    const demo = readFileSync(join(ROOT, DEMO), 'utf8');
    const ascii = `[PATCH] loop: ${'many words in a subject '.repeat(60)}${'x'.repeat(1500)}`;
    const utf8 = `ünïcödé wörds ${'é'.repeat(200)}`;
    const subject = `${ascii} ${utf8} end`;
    const id = '20261102.1-long@example.org';
    const dir = mkdtempSync(join(tmpdir(), 'kreview-wf-reply-'));
    const patch = join(dir, 'long.patch');
    // as git format-patch writes it: non-ASCII as an RFC 2047 word
    const encoded = `${ascii} =?UTF-8?B?${Buffer.from(utf8).toString('base64')}?= end`;
    writeFileSync(patch, demo.replace(/^Subject: .*$/m, `Subject: ${encoded}\nMessage-ID: <${id}>\nCc: ${Array.from({ length: 40 }, (_, i) => `Person ${i} <p${i}@example.org>`).join(', ')}`));
    const r = kreview(['reply', patch]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const head = r.stdout.split('\n\n')[0]!;
    for (const l of head.split('\n')) expect(l.length, l.slice(0, 40)).toBeLessThanOrEqual(78);
    expect(readHeader(r.stdout, 'Subject')).toBe(`Re: ${subject}`);
    expect(readHeader(r.stdout, 'In-Reply-To')).toBe(`<${id}>`);
    expect(readHeader(r.stdout, 'Cc')).toBe(Array.from({ length: 40 }, (_, i) => `Person ${i} <p${i}@example.org>`).join(', '));
  });
});

describe('rule docs as the package ships them', () => {
  it('explain and SARIF cite sources a reader can open, no placeholders', () => {
    const doc = kreview(['explain', 'RAW_RW_ITER']).stdout;
    expect(doc).toContain('https://lore.kernel.org/r/20260505155615.2719500-1-hsiangkao@linux.alibaba.com');
    expect(doc).toContain('lo_rw_aio()');
    expect(doc).not.toContain('KERNEL-CONTEXT');
    const sarif = kreview(['check', '--format', 'sarif', DEMO]).stdout;
    expect(sarif).not.toContain('example.org');
    const rules = JSON.parse(sarif).runs[0].tool.driver.rules as { id: string; helpUri?: string }[];
    expect(rules).toHaveLength(4);
    for (const r of rules) expect(r.helpUri, r.id).toMatch(/^https:\/\/lore\.kernel\.org\/r\/\S+@\S+$/);
  });
});
