// kreview review in a real pseudo-terminal (tmux): open a series, move to a
// finding, mark it, comment, write the reply, quit. Waits on screen
// contents, never fixed sleeps.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE } from '../support/node.js';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const hasTmux = spawnSync('tmux', ['-V']).status === 0;

async function until<T>(get: () => T, pred: (v: T) => boolean, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (pred(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last:\n${String(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!hasTmux)('kreview review in a terminal', () => {
  it('opens a series, marks a false positive, comments, writes the reply, quits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kreview-pty-'));
    const session = `kreview-${process.pid}`;
    // CI=true on purpose: Ink draws nothing until exit when it sees CI set,
    // and review must still draw on a terminal (CI jobs and containers set it)
    const env = `CI=true HOME=${dir} KREVIEW_STATE_DIR=${dir}/state KREVIEW_CACHE_DIR=${dir}/cache`;
    const cmd = `cd ${ROOT} && ${env} ${NODE} dist/bin/kreview.cjs review --tree test/fixtures/ktree test/fixtures/series/fixed-later.mbox examples/0001-loop-raw-read-iter.patch -o ${dir}/reply.txt; echo KREVIEW-EXIT-$?; sleep 30`;
    execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '100', '-y', '30', cmd]);
    const screen = (): string => spawnSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' }).stdout;
    const keys = (...k: string[]): void => void execFileSync('tmux', ['send-keys', '-t', session, ...k]);
    try {
      await until(screen, (s) => s.includes('ERROR:RAW_RW_ITER'), 'the first finding');
      keys('n');
      await until(screen, (s) => s.includes('loop: call ->read_iter'), 'the next finding');
      keys('f');
      await until(screen, (s) => s.includes('false positive, reason'), 'the prompt');
      keys('-l', 'the ioctl checks it');
      keys('Enter');
      await until(screen, (s) => s.includes('[false-positive: the ioctl checks it]'), 'the decision');
      keys('c');
      await until(screen, (s) => s.includes('comment on drivers/block/loop.c:275'), 'the comment prompt');
      keys('-l', 'please keep vfs_iter_read() here');
      keys('Enter');
      await until(screen, (s) => s.includes('comment added'), 'the comment');
      keys('w');
      await until(screen, (s) => s.includes('written to'), 'the reply');
      keys('q');
      await until(screen, (s) => s.includes('KREVIEW-EXIT-0'), 'the exit');
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session]);
    }
    const reply = readFileSync(join(dir, 'reply.txt'), 'utf8');
    expect(reply).toContain('please keep vfs_iter_read() here');
    expect(reply).toContain('Subject: Re: [PATCH] loop: call ->read_iter directly for buffered reads');
    expect(reply).not.toContain('Doesn\'t that lose the rw_verify_area()'); // the false positive is left out
    expect(readdirSync(join(dir, 'state', 'triage')).length).toBeGreaterThan(0);
    // later checks of the same patch leave the false positive out
    const r = spawnSync(NODE, ['dist/bin/kreview.cjs', 'check', 'examples/0001-loop-raw-read-iter.patch'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, HOME: dir, KREVIEW_STATE_DIR: join(dir, 'state'), KREVIEW_CACHE_DIR: join(dir, 'cache') },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('marked as false positives in kreview review');
    expect(existsSync(join(dir, 'reply.txt'))).toBe(true);
  });
});
