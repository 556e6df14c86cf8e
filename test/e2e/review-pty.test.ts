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
    expect(reply).not.toContain('This replaces vfs_iter_read()'); // the false positive is left out
    expect(readdirSync(join(dir, 'state', 'triage')).length).toBeGreaterThan(0);
    // later checks of the same patch leave the false positive out, and every format says so
    const run = (...args: string[]) =>
      spawnSync(NODE, ['dist/bin/kreview.cjs', ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, HOME: dir, KREVIEW_STATE_DIR: join(dir, 'state'), KREVIEW_CACHE_DIR: join(dir, 'cache'), NO_COLOR: '1' },
      });
    const demo = 'examples/0001-loop-raw-read-iter.patch';
    const said = '1 finding hidden, marked as false positives in kreview review';
    const r = run('check', demo);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`NOTE: ${said}`);
    expect(r.stdout).toContain('RAW_RW_ITER drivers/block/loop.c:275 (the ioctl checks it)');
    for (const flags of [['--terse'], ['--emacs'], ['-q'], ['-q', '--terse', '--no-summary', '--mailback']]) {
      const t = run('check', ...flags, demo);
      expect(t.status, flags.join(' ')).toBe(0);
      expect(t.stdout, flags.join(' ')).toContain(said);
    }
    expect(run('check', '--terse', demo).stdout.split('\n')[0]).toMatch(new RegExp(`^${demo}: NOTE: ${said}`));
    const json = JSON.parse(run('check', '--format', 'json', demo).stdout);
    expect(json.summary).toMatchObject({ errors: 0, failing: 0, hidden: 1 });
    expect(json.inputs[0].patches[0].hidden).toEqual([expect.objectContaining({ by: 'triage', count: 1, findings: [expect.objectContaining({ reason: 'the ioctl checks it' })] })]);
    const sarif = JSON.parse(run('check', '--format', 'sarif', demo).stdout);
    expect(sarif.runs[0].results).toEqual([expect.objectContaining({ ruleId: 'RAW_RW_ITER', suppressions: [expect.objectContaining({ kind: 'external', justification: expect.stringContaining('the ioctl checks it') })] })]);
    const b4 = JSON.parse(run('check', '--format', 'b4', demo).stdout);
    expect(b4).toEqual([expect.objectContaining({ status: 'pass', summary: expect.stringContaining(said) })]);
    const replied = run('reply', demo);
    expect(replied.stderr).toContain('1 finding left out, marked as false positives in kreview review');
    // the marks are listed, and forgetting them brings the finding back
    const list = run('triage', 'list');
    expect(list.stdout).toContain('loop: call ->read_iter directly for buffered reads');
    expect(list.stdout).toContain('false-positive');
    expect(list.stdout).toContain('the ioctl checks it');
    const forget = run('triage', 'forget', demo);
    expect(forget.status).toBe(0);
    expect(forget.stdout).toContain('kreview: forgot the marks of diff:');
    const again = run('check', demo);
    expect(again.status).toBe(1);
    expect(again.stdout).not.toContain('hidden');
    expect(run('triage', 'forget', demo)).toMatchObject({ status: 1 });
    expect(existsSync(join(dir, 'reply.txt'))).toBe(true);
  });

  it('the detail pane shows the rule doc rendered as kreview explain renders it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kreview-pty-'));
    const session = `kreview-doc-${process.pid}`;
    const cmd = `cd ${ROOT} && CI=true HOME=${dir} KREVIEW_STATE_DIR=${dir}/state KREVIEW_CACHE_DIR=${dir}/cache ${process.execPath} dist/bin/kreview.cjs review examples/0001-loop-raw-read-iter.patch; echo; echo KREVIEW-EXIT-$?; sleep 30`;
    execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '100', '-y', '30', cmd]);
    const screen = (): string => spawnSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' }).stdout;
    const keys = (...k: string[]): void => void execFileSync('tmux', ['send-keys', '-t', session, ...k]);
    try {
      await until(screen, (s) => s.includes('ERROR:RAW_RW_ITER'), 'the finding');
      // tab to the detail pane (the full-width one, drawn heavy when focused), then scroll to the doc
      const detailFocused = (x: string): boolean => /^┏━+┓$/m.test(x);
      for (let i = 0; i < 6 && !detailFocused(screen()); i++) {
        const before = screen();
        keys('Tab');
        await until(screen, (x) => x !== before, 'a redraw', 2000).catch(() => undefined);
      }
      await until(screen, (x) => /^┏━+┓$/m.test(x), 'the detail pane focused');
      // one key per frame: keys sent together arrive as one chunk
      const docShown = (x: string): boolean => x.includes('What it does') && x.includes('Flags a direct call');
      for (let i = 0; i < 20 && !docShown(screen()); i++) {
        const before = screen();
        keys('j');
        await until(screen, (x) => x !== before, 'a redraw', 2000).catch(() => undefined);
      }
      const s = await until(screen, docShown, 'the rule doc');
      // Markdown rendered for the terminal, not shown raw
      expect(s).not.toContain('`');
      expect(s).not.toContain('**');
      // headings and code styled, as explain styles them (CI=true set: colour follows the terminal, not chalk's CI guess)
      const styled = spawnSync('tmux', ['capture-pane', '-e', '-p', '-t', session], { encoding: 'utf8' }).stdout;
      expect(styled).toMatch(/\x1b\[1m[^\n]*## What it does/);
      // without -o the draft goes to the state directory, never into the tree review runs in
      keys('w');
      const w = await until(screen, (x) => x.includes('written to'), 'the reply');
      expect(w.replace(/\s+/g, ' ')).toContain('without a Message-ID, not threaded');
      keys('q');
      const end = await until(screen, (x) => x.includes('KREVIEW-EXIT-0'), 'the exit');
      const drafts = readdirSync(join(dir, 'state', 'drafts'));
      expect(drafts).toHaveLength(1);
      expect(end.replace(/\n/g, '')).toContain(`kreview review: reply draft written to ${join(dir, 'state', 'drafts', drafts[0]!)}`);
      expect(readFileSync(join(dir, 'state', 'drafts', drafts[0]!), 'utf8')).toContain('Subject: Re: [PATCH] loop: call ->read_iter directly for buffered reads');
      expect(existsSync(join(ROOT, 'kreview-reply.txt'))).toBe(false);
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session]);
    }
  });
});
