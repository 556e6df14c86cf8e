// Where kernel developers use kreview: pipes closed early, checkpatch command
// lines from b4 configs and CI, colour, the environment. The built CLI, run
// as a user runs it.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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
