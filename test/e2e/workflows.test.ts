// Every workflow the README promises, driven as a kernel developer, b4, git
// send-email and CI drive it: the built CLI, in a real git repository of a
// (synthetic) kernel tree holding the developer's own commits. Each test
// asserts the finding, its file and line in the real patched file, and the
// exit status. KREVIEW_E2E_NODE runs the CLI with another node (.ci/run does
// this for Node 22 and 24); the compile cache stays on, as for users.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { EDITS, kernelRepo, type KernelRepo } from '../support/kernel-repo.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/bin/kreview.cjs');
import { NODE } from '../support/node.js';
const CACHE = mkdtempSync(join(tmpdir(), 'kreview-wf-cache-'));
const ENV = {
  ...process.env,
  KREVIEW_CACHE_DIR: CACHE,
  HOME: CACHE,
  NO_COLOR: '1',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'A U Thor',
  GIT_AUTHOR_EMAIL: 'author@example.org',
  GIT_COMMITTER_NAME: 'A U Thor',
  GIT_COMMITTER_EMAIL: 'author@example.org',
};

interface Run {
  stdout: string;
  stderr: string;
  status: number | null;
}

function kreview(args: string[], o: { cwd: string; input?: string | Buffer; env?: NodeJS.ProcessEnv }): Run {
  const r = spawnSync(NODE, [BIN, ...args], { cwd: o.cwd, input: o.input ?? '', encoding: 'utf8', env: { ...ENV, ...o.env }, timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

let repo: KernelRepo;
/** Commits of the `bad` branch (HEAD): a creds bug, a raw read, then a commit that shifts both files' lines. */
let bad: { creds: string; raw: string; docs: string };
/** Where the findings are, in the post-image of their own commit. */
let credsLine: number;
let rawLine: number;
let out: string;
const dirOf = (name: string): string => join(out, name);
const patchesIn = (name: string): string[] => readdirSync(dirOf(name)).filter((f) => f.endsWith('.patch')).sort().map((f) => join(dirOf(name), f));

beforeAll(() => {
  repo = kernelRepo();
  out = mkdtempSync(join(tmpdir(), 'kreview-wf-patches-'));
  repo.git('checkout', '-q', '-b', 'fixed');
  repo.commit(EDITS.loopRawRead.subject, EDITS.loopRawRead.edits);
  repo.commit(EDITS.erofsComment.subject, EDITS.erofsComment.edits);
  repo.commit(EDITS.loopRawReadFixed.subject, EDITS.loopRawReadFixed.edits);
  repo.git('checkout', '-q', '-b', 'bad', repo.base);
  bad = {
    creds: repo.commit(EDITS.ovlFsyncCallerCreds.subject, EDITS.ovlFsyncCallerCreds.edits),
    raw: repo.commit(EDITS.loopRawRead.subject, EDITS.loopRawRead.edits),
    docs: repo.commit(EDITS.docs.subject, EDITS.docs.edits),
  };
  credsLine = repo.lineAt(bad.creds, EDITS.ovlFsyncCallerCreds.at.path, EDITS.ovlFsyncCallerCreds.at.needle);
  rawLine = repo.lineAt(bad.raw, EDITS.loopRawRead.at.path, EDITS.loopRawRead.at.needle);
  // the commit after them moved both lines: checking against HEAD would give other numbers
  expect(repo.lineAt(bad.docs, EDITS.loopRawRead.at.path, EDITS.loopRawRead.at.needle)).not.toBe(rawLine);
  repo.git('format-patch', '-q', `--base=${repo.base}`, '-o', dirOf('based'), `${repo.base}..bad`);
  repo.git('format-patch', '-q', '-o', dirOf('plain'), `${repo.base}..bad`);
  repo.git('format-patch', '-q', '--cover-letter', `--base=${repo.base}`, '-o', dirOf('covered'), `${repo.base}..bad`);
  repo.git('format-patch', '-q', '-o', dirOf('fixed'), `${repo.base}..fixed`);
  // a checkout at the base, beside the developer's own
  repo.git('worktree', 'add', '-q', '--detach', join(out, 'at-base'), repo.base);
}, 60_000);

/** The two findings of the `bad` series, as checkpatch-style text names them. */
function expectBadFindings(r: Run): void {
  expect(r.stdout).toMatch(new RegExp(`WARNING: this patch drops ovl_override_creds\\([^\\n]*\\): vfs_fsync_range\\(\\) \\(fsync\\) on realfile, overlayfs's backing file, now runs under the calling task's credentials[^\\n]*\\n#\\d+: FILE: fs/overlayfs/file.c:${credsLine}:\\n`));
  expect(r.stdout).toMatch(new RegExp(`ERROR: [^\\n]*->read_iter\\(\\)[^\\n]*\\n#\\d+: FILE: drivers/block/loop.c:${rawLine}:\\n\\+\\t\\tlen = lo->lo_backing_file->f_op->read_iter\\(&kiocb, &i\\);\\n`));
  expect(r.stdout).not.toContain('checked from the patch text');
  expect(r.stdout).not.toContain('judged from the patch text');
  expect(r.status).toBe(1);
}

describe('format-patch output, checked in the tree that holds it', () => {
  it('with --base, at HEAD (the commits are already in the tree): applied on base-commit, real lines, exit 1', () => {
    const r = kreview(['check', ...patchesIn('based')], { cwd: repo.dir });
    expectBadFindings(r);
    expect(r.stdout).toContain(`base-commit ${repo.base.slice(0, 12)}`);
    expect(r.stdout.match(/^total: /gm)).toHaveLength(3);
    expect(r.stderr).toBe('');
  });

  it('with --base, in a checkout at the base', () => {
    expectBadFindings(kreview(['check', ...patchesIn('based')], { cwd: join(out, 'at-base') }));
  });

  it('without --base, at HEAD: the pre-images come from the blob ids of the index lines', () => {
    const r = kreview(['check', ...patchesIn('plain')], { cwd: repo.dir });
    expectBadFindings(r);
    expect(r.stdout).toMatch(/pre-image[^\n]*blob/);
  });

  it('as a directory whose cover letter carries base-commit:', () => {
    const r = kreview(['check', dirOf('covered')], { cwd: repo.dir });
    expectBadFindings(r);
    expect(r.stdout).toContain(`base-commit ${repo.base.slice(0, 12)}`);
  });

  it('the files of one series are checked as that series: a bug patch 3 fixes does not fail (as the directory would not)', () => {
    const files = kreview(['check', ...patchesIn('fixed')], { cwd: repo.dir });
    expect(files.stderr).toBe('');
    expect(files.status).toBe(0);
    expect(kreview(['check', dirOf('fixed')], { cwd: repo.dir }).status).toBe(0);
    // one file alone is what it is: patch 1 adds the raw call
    const one = kreview(['check', patchesIn('fixed')[0]!], { cwd: repo.dir });
    expect(one.status).toBe(1);
    expect(one.stdout).toMatch(new RegExp(`FILE: drivers/block/loop.c:${rawLine}:`));
  });

  it('from a subdirectory of the tree: its top is found as git finds it', () => {
    const r = kreview(['check', ...patchesIn('based')], { cwd: join(repo.dir, 'fs', 'overlayfs') });
    expectBadFindings(r);
  });

  it('--format json says which base was used, per patch', () => {
    const r = kreview(['check', '--format', 'json', ...patchesIn('plain').slice(0, 2)], { cwd: repo.dir });
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.mode).toBe('tree');
    const [p1, p2] = doc.inputs.map((i: { patches: unknown[] }) => i.patches[0]);
    expect(p1.base).toMatchObject({ kind: 'blobs' });
    expect(p1.findings).toEqual([expect.objectContaining({ type: 'BACKING_FILE_CREDS', file: 'fs/overlayfs/file.c', line: credsLine, status: 'introduced' })]);
    expect(p2.findings).toEqual([expect.objectContaining({ type: 'RAW_RW_ITER', file: 'drivers/block/loop.c', line: rawLine, status: 'introduced' })]);
  });

  it('--base REV reads the tree at that revision, in every format', () => {
    const text = kreview(['check', '--base', repo.base, ...patchesIn('plain')], { cwd: repo.dir });
    expectBadFindings(text);
    const json = JSON.parse(kreview(['check', '--base', repo.base, '--format', 'json', patchesIn('plain')[1]!], { cwd: repo.dir }).stdout);
    expect(json.inputs[0].patches[0].base).toMatchObject({ kind: 'revision' });
    const sarif = kreview(['check', '--base', repo.base, '--format', 'sarif', patchesIn('plain')[1]!], { cwd: repo.dir });
    expect(sarif.status).toBe(1);
    expect(JSON.parse(sarif.stdout).runs[0].results).toEqual([expect.objectContaining({ ruleId: 'RAW_RW_ITER' })]);
  });
});

describe('--git ranges, at HEAD', () => {
  it('each commit is checked against its own parent', () => {
    const r = kreview(['check', '--git', 'HEAD~3..HEAD'], { cwd: repo.dir });
    expectBadFindings(r);
    expect(r.stderr).toBe('');
  });

  it('--git --terse names the commit of each finding', () => {
    const r = kreview(['check', '--git', '--terse', 'HEAD~3..HEAD'], { cwd: repo.dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${bad.raw.slice(0, 12)}`);
    expect(r.stdout).toContain(`${bad.creds.slice(0, 12)}`);
  });

  it('a three-commit range whose third commit fixes the first: fixed later, exit 0', () => {
    const r = kreview(['check', '--git', `${repo.base}..fixed`], { cwd: repo.dir });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const all = kreview(['check', '--all', '--git', `${repo.base}..fixed`], { cwd: repo.dir });
    expect(all.status).toBe(0);
    expect(all.stdout).toMatch(/fixed later in the series by patch 3/i);
  });
});

describe('b4: the check protocol of b4 0.14 (one message on stdin, cwd at the top, one result per stdout line)', () => {
  /** What b4's run_local_check() makes of one run: flags per line, "ERROR:" fails, stderr fails, exit code when silent. */
  function b4Check(message: string, cwd: string): { flags: string[]; lines: string[] } {
    const r = kreview(['check', '-q', '--terse', '--no-summary', '--mailback', '--showfile', '-'], { cwd, input: message });
    const lines = r.stdout.trim() ? r.stdout.trim().split('\n') : [];
    const errs = r.stderr.trim() ? r.stderr.trim().split('\n') : [];
    const flags = [...lines.map((l) => (l.includes('ERROR:') ? 'fail' : 'warning')), ...errs.map(() => 'fail')];
    if (!lines.length && !errs.length) flags.push(r.status ? 'fail' : 'success');
    return { flags, lines: [...lines, ...errs] };
  }

  it('b4 prep --check on the prep branch (each commit as format-patch output, index lines, no base-commit)', () => {
    const [p1, p2, p3] = patchesIn('plain').map((f) => readFileSync(f, 'utf8'));
    const one = b4Check(p1!, repo.dir);
    expect(one.lines).toEqual([expect.stringMatching(new RegExp(`^fs/overlayfs/file.c:${credsLine}: WARNING: `))]);
    expect(one.flags).toEqual(['warning']);
    const two = b4Check(p2!, repo.dir);
    expect(two.lines).toEqual([expect.stringMatching(new RegExp(`^drivers/block/loop.c:${rawLine}: ERROR: `))]);
    expect(two.flags).toEqual(['fail']);
    expect(b4Check(p3!, repo.dir)).toEqual({ flags: ['success'], lines: [] });
  });

  it('b4 am --check on a patch from the list, in a tree at its base', () => {
    const two = b4Check(readFileSync(patchesIn('based')[1]!, 'utf8'), join(out, 'at-base'));
    expect(two.flags).toEqual(['fail']);
    expect(two.lines[0]).toMatch(new RegExp(`^drivers/block/loop.c:${rawLine}: ERROR: `));
  });
});

describe('git send-email, through the installed sendemail-validate hook', () => {
  const hasSendEmail = spawnSync('git', ['send-email', '-h'], { encoding: 'utf8' }).stdout?.includes('send-email') ?? false;

  function sendEmail(dir: string, files: string[]): Run {
    const r = spawnSync('git', ['send-email', '--dry-run', '--confirm=never', '--to=list@example.org', '--from=A U Thor <author@example.org>', ...files], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...ENV, PATH: `${join(NODE, '..')}:${process.env.PATH}` },
    });
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  }

  it.skipIf(!hasSendEmail)('per patch (git < 2.45): the patch with a finding stops the send', () => {
    const r0 = kreview(['hook', 'install', '--repo', repo.dir], { cwd: repo.dir });
    expect(r0.status).toBe(0);
    try {
      const clean = sendEmail(repo.dir, [patchesIn('based')[2]!]);
      expect(clean.status).toBe(0);
      const refused = sendEmail(repo.dir, patchesIn('based'));
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain('rejected by sendemail-validate hook');
      expect(refused.stdout + refused.stderr).toMatch(new RegExp(`FILE: fs/overlayfs/file.c:${credsLine}:`));
    } finally {
      kreview(['hook', 'uninstall', '--repo', repo.dir], { cwd: repo.dir });
    }
  });

  it('series mode (git >= 2.45 sets GIT_SENDEMAIL_FILE_COUNTER/TOTAL): checked once at the last file, with the real lines', () => {
    const r0 = kreview(['hook', 'install', '--repo', repo.dir], { cwd: repo.dir });
    expect(r0.status).toBe(0);
    try {
      const hook = join(repo.dir, '.git/hooks/sendemail-validate');
      const files = patchesIn('based');
      // git runs the hook from the top of the work tree, once per file, in one send-email process
      const runHook = (i: number): Run => {
        const r = spawnSync(hook, [files[i]!], { cwd: repo.dir, encoding: 'utf8', env: { ...ENV, GIT_SENDEMAIL_FILE_COUNTER: String(i + 1), GIT_SENDEMAIL_FILE_TOTAL: String(files.length) } });
        return { stdout: r.stdout, stderr: r.stderr, status: r.status };
      };
      expect(runHook(0).status).toBe(0);
      expect(runHook(1).status).toBe(0);
      const last = runHook(2);
      expect(last.status).toBe(1);
      expect(last.stdout).toMatch(new RegExp(`FILE: drivers/block/loop.c:${rawLine}:`));
      expect(last.stdout).toMatch(new RegExp(`FILE: fs/overlayfs/file.c:${credsLine}:`));
    } finally {
      kreview(['hook', 'uninstall', '--repo', repo.dir], { cwd: repo.dir });
    }
  });
});

describe('reply', () => {
  it('drafts the review of the series in the tree, quoting the hunks with findings', () => {
    const draft = join(out, 'reply.mbox');
    const r = kreview(['reply', ...patchesIn('based'), '-o', draft], { cwd: repo.dir });
    expect(r.status).toBe(0);
    const text = readFileSync(draft, 'utf8');
    expect(text).toContain('Subject: Re: [PATCH 1/3] ovl: fsync the real file without switching creds');
    expect(text).toContain('Subject: Re: [PATCH 2/3] loop: read the backing file with ->read_iter()');
    expect(text).not.toContain('[PATCH 3/3]');
    expect(text).toContain('> +\t\tlen = lo->lo_backing_file->f_op->read_iter(&kiocb, &i);');
  });

  it('--git: the same drafts from the commits', () => {
    const r = kreview(['reply', '--git', 'HEAD~3..HEAD'], { cwd: repo.dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('ovl: fsync the real file without switching creds');
    expect(r.stdout).toContain('> +\t\tlen = lo->lo_backing_file->f_op->read_iter(&kiocb, &i);');
  });
});

describe.skipIf(spawnSync('tmux', ['-V']).status !== 0)('the TUI, in a terminal', () => {
  it("review's reply on the same series is the reply command's", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kreview-wf-tui-'));
    const session = `kreview-wf-${process.pid}`;
    const q = (x: string): string => `'${x.replace(/'/g, `'\\''`)}'`;
    const ident = ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL'].map((k) => `${k}=${q(ENV[k as keyof typeof ENV] as string)}`).join(' ');
    const cmd = `cd ${q(repo.dir)} && ${ident} HOME=${q(dir)} KREVIEW_STATE_DIR=${q(join(dir, 'state'))} KREVIEW_CACHE_DIR=${q(CACHE)} ${q(NODE)} ${q(BIN)} review --git HEAD~3..HEAD -o ${q(join(dir, 'tui.mbox'))}; echo KREVIEW-EXIT-$?; sleep 30`;
    spawnSync('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '35', cmd]);
    const screen = (): string => spawnSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' }).stdout;
    const until = async (want: string): Promise<void> => {
      const end = Date.now() + 20_000;
      while (!screen().includes(want)) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${want}:\n${screen()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await until('WARNING:BACKING_FILE_CREDS');
      spawnSync('tmux', ['send-keys', '-t', session, 'w']);
      await until('written to');
      spawnSync('tmux', ['send-keys', '-t', session, 'q']);
      await until('KREVIEW-EXIT-0');
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session]);
    }
    const cli = kreview(['reply', '--git', 'HEAD~3..HEAD'], { cwd: repo.dir, env: { HOME: dir } });
    const noDates = (t: string): string => t.replace(/^Date: .*$/gm, 'Date:');
    expect(noDates(readFileSync(join(dir, 'tui.mbox'), 'utf8'))).toBe(noDates(cli.stdout));
    expect(cli.stdout).toContain('> -\told_cred = ovl_override_creds(file_inode(file)->i_sb);');
  });
});

describe('audit --base', () => {
  it('runs the rules over the tree at a revision', () => {
    const r = kreview(['audit', '--base', bad.raw, '--terse', 'drivers/block'], { cwd: repo.dir });
    expect(r.stdout).toContain(`drivers/block/loop.c:${rawLine}:`);
    expect(r.status).toBe(1);
  });
});

describe('the hook and b4 from a checkout that has no kernel top (a plain git repo)', () => {
  it('still checks against the embedded model and says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kreview-plain-'));
    mkdirSync(join(dir, 'p'));
    copyFileSync(patchesIn('based')[1]!, join(dir, 'p', 'raw.patch'));
    const r = kreview(['check', 'p/raw.patch'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('embedded model');
  });
});


describe('every command, with the compile cache on (first run writes it, the second reads it)', () => {
  it('gives the same answers both times', () => {
    const cache = mkdtempSync(join(tmpdir(), 'kreview-wf-v8-'));
    // set at all (even empty), NODE_DISABLE_COMPILE_CACHE turns Node 22's own cache off
    const env = { KREVIEW_CACHE_DIR: cache, NODE_DISABLE_COMPILE_CACHE: undefined, KREVIEW_NO_COMPILE_CACHE: undefined };
    const model = mkdtempSync(join(tmpdir(), 'kreview-wf-model-'));
    const runs: [string[], number][] = [
      [['check', '--git', 'HEAD~3..HEAD'], 1],
      [['check', ...patchesIn('plain')], 1],
      [['reply', '--git', 'HEAD~1'], 0],
      [['audit', '--terse', 'drivers/block'], 1],
      [['index', '-q', 'fs/overlayfs'], 0],
      [['graph', 'callers', 'lo_rw_aio'], 0],
      [['explain', 'RAW_RW_ITER'], 0],
      [['model', 'build', '--tree', '.', '-o', model], 0],
      [['hook', '--help'], 0],
      [['--version'], 0],
    ];
    for (const [args, status] of runs) {
      const first = kreview(args, { cwd: repo.dir, env });
      // a draft for a commit (no Message-ID) says it cannot thread; nothing else goes to stderr
      const stderr = first.stderr.replace(/^kreview reply: warning: .*the patch has no Message-ID.*\n/gm, '');
      expect([args.join(' '), first.status, stderr]).toEqual([args.join(' '), status, '']);
      const second = kreview(args, { cwd: repo.dir, env });
      // a reply draft is dated when it is made, and model build says how long it took
      const undated = (r: Run): Run => ({ ...r, stdout: r.stdout.replace(/^Date: .*$/gm, 'Date:').replace(/\(\d+\.\d s\)/g, '(s)') });
      expect(undated(second), args.join(' ')).toEqual(undated(first));
    }
    expect(readdirSync(join(cache, 'v8')).length).toBeGreaterThan(0);
  });
});
