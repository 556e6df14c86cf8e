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
