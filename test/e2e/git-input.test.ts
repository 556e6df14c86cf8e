// `--git` in a real repository: a merge has no patch of its own, a root
// commit is checked unless it is a whole tree's worth of files.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { oversized } from '../../src/patch/input.js';
import { EDITS, kernelRepo, type KernelRepo } from '../support/kernel-repo.js';
import { NODE } from '../support/node.js';

const BIN = join(fileURLToPath(new URL('../../', import.meta.url)), 'dist/bin/kreview.cjs');
let repo: KernelRepo;
let side: string;
let docs: string;
let merge: string;

function kreview(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(NODE, [BIN, ...args], { cwd: repo.dir, encoding: 'utf8', env: { ...process.env, KREVIEW_CACHE_DIR: join(repo.dir, '.git', 'kreview-cache') } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  repo = kernelRepo();
  repo.git('checkout', '-q', '-b', 'side');
  side = repo.commit(EDITS.loopRawRead.subject, EDITS.loopRawRead.edits);
  repo.git('checkout', '-q', 'master');
  docs = repo.commit(EDITS.docs.subject, EDITS.docs.edits);
  repo.git('merge', '-q', '--no-ff', '-m', 'Merge branch side', 'side');
  merge = repo.git('rev-parse', 'HEAD').trim();
}, 60_000);

describe('--git', () => {
  it('a merge is one clear line, not another commit\'s patch under its id', () => {
    const r = kreview(['check', '--git', 'HEAD']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`kreview: git:HEAD: ${merge.slice(0, 12)} is a merge: it has no patch of its own (git format-patch leaves merges out); check what it merges with --git HEAD^1..HEAD\n`);
    expect(r.stdout).not.toContain(merge.slice(0, 12));
  });

  it('what a merge brings in is checked commit by commit, each under its own id', () => {
    const r = kreview(['check', '--git', '--terse', `${repo.base}..HEAD`]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${side}:`);
    expect(r.stdout).not.toContain(merge);
    const only = kreview(['check', '--git', '--terse', 'HEAD^1..HEAD']);
    expect(only.stdout.split('\n').filter((l) => l.includes('ERROR:')).every((l) => l.startsWith(`${side}:`))).toBe(true);
    expect(only.stdout).not.toContain(docs);
  });

  it('a root commit is checked; one that adds more than kreview reads is refused before git writes its patch', async () => {
    const r = kreview(['check', '--git', repo.base]);
    expect(r.stderr).toBe('');
    // it adds the whole synthetic tree, raw calls of loop.c included
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`Commit ${repo.base.slice(0, 12)}`);
    // the size test, at a limit this small repository's root commit passes
    const big = await oversized([repo.base, side, docs], repo.dir, 10_000);
    expect([...big.keys()]).toEqual([repo.base]);
    expect(big.get(repo.base)).toBeGreaterThan(10_000);
  });
});
