// The sendemail-validate hook, run the way git runs it: by a real
// `git send-email --dry-run` where git-email is installed, and by calling the
// hook with git >= 2.45's series variables.

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE } from '../support/node.js';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/bin/kreview.cjs');
const CACHE = mkdtempSync(join(tmpdir(), 'kreview-hook-cache-'));
const STATE = join(CACHE, 'state');
const env = { ...process.env, KREVIEW_CACHE_DIR: CACHE, KREVIEW_STATE_DIR: STATE, NO_COLOR: '1' };

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kreview-hook-'));
  execFileSync('git', ['init', '-q', dir]);
  execFileSync('git', ['-C', dir, '-c', 'user.name=A', '-c', 'user.email=a@example.org', 'commit', '-q', '--allow-empty', '-m', 'init']);
  return dir;
}

const hasSendEmail = spawnSync('git', ['send-email', '-h'], { encoding: 'utf8' }).stdout?.includes('send-email') ?? false;
// a skip that says why: CI installs Debian's git-email (.ci/run); a bare machine may not have it
if (!hasSendEmail) console.warn('hook.test.ts: git send-email is not installed (Debian: apt-get install git-email): the send-email test is skipped');

const kreview = (args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) => spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: { ...env, ...opts.env }, encoding: 'utf8' });

/** The three patches of a series whose patch 1 adds a raw call that patch 3 removes, as files in the repo. */
function seriesFiles(dir: string): string[] {
  const mbox = readFileSync(join(ROOT, 'test/fixtures/series/fixed-later.mbox'), 'utf8');
  const parts = mbox.split(/^(?=From erofs-dev@example\.org )/m).map((m) => m.split('\n').slice(1).join('\n'));
  return parts.map((p, i) => {
    const f = join(dir, `000${i + 1}-part.patch`);
    writeFileSync(f, p);
    return f;
  });
}

/** Run the installed hook over the files, one process per file with git >= 2.45's variables, in one shell (one send). */
function sendSeries(dir: string, files: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const hook = join(dir, '.git/hooks/sendemail-validate');
  const sh = files.map((f, i) => `GIT_SENDEMAIL_FILE_COUNTER=${i + 1} GIT_SENDEMAIL_FILE_TOTAL=${files.length} '${hook}' '${f}' || exit $?`).join('\n');
  return spawnSync('sh', ['-c', sh], { cwd: dir, env: { ...env, ...extraEnv }, encoding: 'utf8' });
}

describe('kreview hook', () => {
  it('install keeps and chains an existing hook; uninstall restores it', () => {
    const dir = repo();
    const hook = join(dir, '.git/hooks/sendemail-validate');
    writeFileSync(hook, '#!/bin/sh\necho "previous hook: $1" >&2\n');
    chmodSync(hook, 0o755);
    expect(spawnSync(NODE, [BIN, 'hook', 'install', '--repo', dir], { env }).status).toBe(0);
    expect(readFileSync(hook, 'utf8')).toContain('installed by kreview');
    copyFileSync(join(ROOT, 'test/fixtures/patch/format-patch.patch'), join(dir, 'ok.patch'));
    const r = spawnSync(hook, [join(dir, 'ok.patch')], { cwd: dir, env, encoding: 'utf8' });
    expect(r.stderr).toContain('previous hook: ');
    expect(r.status).toBe(0);
    expect(spawnSync(NODE, [BIN, 'hook', 'uninstall', '--repo', dir], { env }).status).toBe(0);
    expect(readFileSync(hook, 'utf8')).toBe('#!/bin/sh\necho "previous hook: $1" >&2\n');
  });

  it.skipIf(!hasSendEmail)('git send-email --dry-run sends a clean patch and refuses one with findings', () => {
    const dir = repo();
    expect(spawnSync(NODE, [BIN, 'hook', 'install', '--repo', dir], { env }).status).toBe(0);
    copyFileSync(join(ROOT, 'test/fixtures/patch/format-patch.patch'), join(dir, 'ok.patch'));
    copyFileSync(join(ROOT, 'examples/0001-loop-raw-read-iter.patch'), join(dir, 'bad.patch'));
    const send = (...files: string[]) =>
      spawnSync('git', ['send-email', '--dry-run', '--confirm=never', '--to=list@example.org', '--from=A <a@example.org>', ...files], { cwd: dir, env, encoding: 'utf8' });
    expect(send('ok.patch').status).toBe(0);
    const bad = send('ok.patch', 'bad.patch');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('rejected by sendemail-validate hook');
    expect(bad.stdout + bad.stderr).toContain('skips rw_verify_area()');
  });

  it('with GIT_SENDEMAIL_FILE_COUNTER/TOTAL the series is checked once, at the last file', () => {
    const dir = repo();
    expect(spawnSync(NODE, [BIN, 'hook', 'install', '--repo', dir, '--', '--tree', join(ROOT, 'test/fixtures/ktree')], { env }).status).toBe(0);
    const hook = join(dir, '.git/hooks/sendemail-validate');
    const files = seriesFiles(dir);
    expect(files).toHaveLength(3);
    const staged = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('kreview-sendemail-'));
    const before = staged();
    const series = sendSeries(dir, files);
    expect(series.status).toBe(0);
    // each header names the patch as git gave it, not a staging copy; each has its total: line
    for (const f of files) expect(series.stdout).toContain(`\n${f}\n`);
    expect(series.stdout.match(/^total: \d+ errors, \d+ warnings, \d+ lines checked$/gm)).toHaveLength(3);
    expect(series.stdout + series.stderr).not.toContain('sendemail/');
    // file by file (older git), patch 1 alone is refused, with its total: line
    const single = spawnSync(hook, [files[0]!], { cwd: dir, env, encoding: 'utf8' });
    expect(single.status).toBe(1);
    expect(single.stdout).toMatch(/^total: 1 errors, 0 warnings, \d+ lines checked$/m);
    // nothing is left behind, and nothing was staged where another user could reach it
    expect(readdirSync(join(STATE, 'sendemail'))).toEqual([]);
    expect(statSync(join(STATE, 'sendemail')).mode & 0o777).toBe(0o700);
    expect(staged()).toEqual(before);
  });

  it('series mode refuses a state directory that is a symlink, someone else\'s or open to others', () => {
    const dir = repo();
    expect(kreview(['hook', 'install', '--repo', dir, '--', '--tree', join(ROOT, 'test/fixtures/ktree')]).status).toBe(0);
    const files = seriesFiles(dir);
    // another local user prepared the place: a symlink to a directory they read
    const state = mkdtempSync(join(tmpdir(), 'kreview-hook-state-'));
    const theirs = mkdtempSync(join(tmpdir(), 'kreview-hook-theirs-'));
    symlinkSync(theirs, join(state, 'sendemail'));
    const r = sendSeries(dir, files, { KREVIEW_STATE_DIR: state });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('not a directory (refusing to follow it)');
    expect(readdirSync(theirs)).toEqual([]);
    // a directory anyone can write to
    const open = mkdtempSync(join(tmpdir(), 'kreview-hook-state-'));
    mkdirSync(join(open, 'sendemail'), { mode: 0o777 });
    chmodSync(join(open, 'sendemail'), 0o777);
    const o = sendSeries(dir, files, { KREVIEW_STATE_DIR: open });
    expect(o.status).toBe(2);
    expect(o.stderr).toContain('open to other users (mode 777; want 700)');
    expect(readdirSync(join(open, 'sendemail'))).toEqual([]);
  });

  it('--help exits 0; uninstall says truthfully whether it removed anything', () => {
    const h = kreview(['hook', '--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('usage: kreview hook install');
    expect(kreview(['hook']).status).toBe(2);
    const dir = repo();
    const none = kreview(['hook', 'uninstall', '--repo', dir]);
    expect(none.status).toBe(0);
    expect(none.stdout).toContain('nothing removed');
    // a hook that is not kreview's is left alone
    const hook = join(dir, '.git/hooks/sendemail-validate');
    writeFileSync(hook, '#!/bin/sh\nexit 0\n');
    const foreign = kreview(['hook', 'uninstall', '--repo', dir]);
    expect(foreign.stdout).toContain("is not kreview's hook; nothing removed");
    expect(readFileSync(hook, 'utf8')).toBe('#!/bin/sh\nexit 0\n');
    expect(kreview(['hook', 'install', '--repo', dir]).status).toBe(0);
    const removed = kreview(['hook', 'uninstall', '--repo', dir]);
    expect(removed.stdout).toBe(`kreview: removed ${hook}; the previous sendemail-validate is back\n`);
    expect(readFileSync(hook, 'utf8')).toBe('#!/bin/sh\nexit 0\n');
  });

  it('a bad option in .kreview.conf is named with the file', () => {
    const dir = repo();
    writeFileSync(join(dir, '.kreview.conf'), '--terse\n--frobnicate\n');
    copyFileSync(join(ROOT, 'test/fixtures/patch/format-patch.patch'), join(dir, 'ok.patch'));
    const r = kreview(['check', 'ok.patch'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`kreview check: ${join(dir, '.kreview.conf')}: unknown option --frobnicate (try 'kreview check --help')\n`);
    writeFileSync(join(dir, '.kreview.conf'), '--format=xml\n');
    expect(kreview(['check', 'ok.patch'], { cwd: dir }).stderr).toBe(`kreview check: ${join(dir, '.kreview.conf')}: unknown format 'xml' (text, json, sarif, b4)\n`);
    // a bad word on the command line is the command line's
    writeFileSync(join(dir, '.kreview.conf'), '--terse\n');
    expect(kreview(['check', '--frobnicate', 'ok.patch'], { cwd: dir }).stderr).toBe("kreview check: unknown option --frobnicate (try 'kreview check --help')\n");
  });
});
