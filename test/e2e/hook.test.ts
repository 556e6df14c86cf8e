// The sendemail-validate hook, run the way git runs it: by a real
// `git send-email --dry-run` where git-email is installed, and by calling the
// hook with git >= 2.45's series variables.

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE } from '../support/node.js';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/bin/kreview.cjs');
const CACHE = mkdtempSync(join(tmpdir(), 'kreview-hook-cache-'));
const env = { ...process.env, KREVIEW_CACHE_DIR: CACHE };

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kreview-hook-'));
  execFileSync('git', ['init', '-q', dir]);
  execFileSync('git', ['-C', dir, '-c', 'user.name=A', '-c', 'user.email=a@example.org', 'commit', '-q', '--allow-empty', '-m', 'init']);
  return dir;
}

const hasSendEmail = spawnSync('git', ['send-email', '-h'], { encoding: 'utf8' }).stdout?.includes('send-email') ?? false;

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
    // the three patches of a series whose patch 1 adds a raw call that patch 3 removes
    const mbox = readFileSync(join(ROOT, 'test/fixtures/series/fixed-later.mbox'), 'utf8');
    const parts = mbox.split(/^(?=From erofs-dev@example\.org )/m).map((m) => m.split('\n').slice(1).join('\n'));
    expect(parts).toHaveLength(3);
    // one shell runs all three, as one git send-email process would
    const files = parts.map((p, i) => {
      const f = join(dir, `000${i + 1}.patch`);
      writeFileSync(f, p);
      return f;
    });
    const sh = files.map((f, i) => `GIT_SENDEMAIL_FILE_COUNTER=${i + 1} GIT_SENDEMAIL_FILE_TOTAL=3 '${hook}' '${f}' || exit 1`).join('\n');
    const series = spawnSync('sh', ['-c', sh], { cwd: dir, env, encoding: 'utf8' });
    expect(series.status).toBe(0);
    // file by file (older git), patch 1 alone is refused
    const single = spawnSync(hook, [files[0]!], { cwd: dir, env, encoding: 'utf8' });
    expect(single.status).toBe(1);
    expect(existsSync(join(tmpdir(), `kreview-sendemail-${process.pid}`))).toBe(false);
  });
});
