// git, run as a child process on the scratch repository (never on the
// kernel tree the set is generated from). No user or system configuration is
// read, so the output does not depend on who runs it.

import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const ENV = { GIT_CONFIG_NOSYSTEM: '1', HOME: '/nonexistent', GIT_TERMINAL_PROMPT: '0' };

function run(args, opts) {
  try {
    return execFileSync('git', args, {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...opts,
      env: { ...process.env, ...ENV, ...(opts.env ?? {}) },
    });
  } catch (err) {
    throw new Error(`git ${args.join(' ')}: ${(err.stderr || err.message).toString().trim()}`);
  }
}

/** git on a (bare) repository. */
export function git(gitDir, args, opts = {}) {
  return run(['--git-dir', gitDir, ...args], opts);
}

/** git in a work tree. */
export function gitIn(cwd, args, opts = {}) {
  return run(['-C', cwd, ...args], opts);
}

export const IDENT = { name: 'Eval Developer', email: 'eval@kreview.invalid' };

/** Author and committer fixed, so commits (and their ids) are the same on every run. */
export function identityEnv(when) {
  const d = `@${when} +0000`;
  return {
    GIT_AUTHOR_NAME: IDENT.name,
    GIT_AUTHOR_EMAIL: IDENT.email,
    GIT_AUTHOR_DATE: d,
    GIT_COMMITTER_NAME: IDENT.name,
    GIT_COMMITTER_EMAIL: IDENT.email,
    GIT_COMMITTER_DATE: d,
  };
}

/** A worktree of the scratch repo at `rev`, made once. */
export function ensureWorktree(repo, path, rev) {
  if (!existsSync(join(path, '.git'))) {
    rmSync(path, { recursive: true, force: true });
    git(repo, ['worktree', 'prune']);
    git(repo, ['worktree', 'add', '-q', '--detach', path, rev]);
  }
  return path;
}
