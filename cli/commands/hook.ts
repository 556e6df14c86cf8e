// `kreview hook install|uninstall [--repo DIR]`: a sendemail-validate hook
// that checks each patch git send-email is about to send and stops the send
// on findings at or above the fail level. An existing hook is kept, chained
// (run first) and restored by uninstall.
//
// `kreview hook run FILE` is what the hook calls. git >= 2.45 tells the hook
// which file of how many it validates (GIT_SENDEMAIL_FILE_COUNTER/TOTAL): then
// the series is checked once, as a series, when the last file comes in, so
// a bug added in patch 2 and fixed in patch 4 does not stop the send. Older
// git validates file by file.

import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, str, UsageError } from '../args.js';
import { writeOut } from '../io.js';
import { stateDir } from '../../src/engine/triage.js';
import type { CheckResult } from '../../src/engine/result.js';
import { InputError } from '../../src/patch/types.js';

const MARK = '# installed by kreview';
const SAVED = 'sendemail-validate.kreview-saved';

const HELP = `usage: kreview hook install [--repo DIR] [-- CHECK-OPTIONS...]
       kreview hook uninstall [--repo DIR]

install writes .git/hooks/sendemail-validate (keeping and chaining an existing
hook); git send-email then refuses to send a series with findings at or above
the fail level, and shows kreview check's report for each patch. Words after
-- are passed to kreview check (e.g. --fail-level error, --tree ~/src/linux).
uninstall removes kreview's hook and puts the previous one back; it says so
when there is nothing to remove.

With git 2.45 or newer (GIT_SENDEMAIL_FILE_COUNTER/TOTAL) the files are kept
until the last one and checked once, as a series, so a problem a later patch
fixes does not stop the send. They wait in a private directory (mode 0700)
under the state directory ($KREVIEW_STATE_DIR, else $XDG_STATE_HOME/kreview or
~/.local/state/kreview), never in /tmp, and the hook refuses a directory there
that is a symlink, someone else's or open to others.
`;

export async function run(argv: string[]): Promise<number> {
  const dd = argv.indexOf('--');
  const own = dd >= 0 ? argv.slice(0, dd) : argv;
  const passOn = dd >= 0 ? argv.slice(dd + 1) : [];
  let p;
  try {
    p = parseArgs(own, { help: { kind: 'flag', short: 'h' }, repo: { kind: 'string' } });
  } catch (err) {
    if (err instanceof UsageError) {
      writeOut(2, `kreview hook: ${err.message}\n${HELP}`);
      return 2;
    }
    throw err;
  }
  const [sub, file] = p.positionals;
  if (p.flags.help) {
    writeOut(1, HELP);
    return 0;
  }
  if (!sub) {
    writeOut(2, HELP);
    return 2;
  }
  if (sub === 'run') return runHook(file, passOn);
  const repo = resolve(str(p, 'repo') ?? process.cwd());
  let hooks: string;
  try {
    const rel = execFileSync('git', ['-C', repo, 'rev-parse', '--git-path', 'hooks'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    hooks = isAbsolute(rel) ? rel : join(repo, rel);
  } catch {
    writeOut(2, `kreview hook: ${repo}: not a git repository\n`);
    return 2;
  }
  const hook = join(hooks, 'sendemail-validate');
  const saved = join(hooks, SAVED);
  if (sub === 'install') {
    mkdirSync(hooks, { recursive: true });
    if (existsSync(hook) && !readFileSync(hook, 'utf8').includes(MARK)) {
      if (existsSync(saved)) {
        writeOut(2, `kreview hook: ${saved} already exists; not overwriting it\n`);
        return 2;
      }
      renameSync(hook, saved);
    }
    writeFileSync(hook, script(passOn));
    chmodSync(hook, 0o755);
    writeOut(1, `kreview: installed ${hook}${existsSync(saved) ? ` (runs the previous hook first: ${SAVED})` : ''}\n`);
    return 0;
  }
  if (sub === 'uninstall') {
    const present = existsSync(hook);
    if (present && !readFileSync(hook, 'utf8').includes(MARK)) {
      // someone else's hook: never removed, and never overwritten by the one kreview kept
      writeOut(1, `kreview: ${hook} is not kreview's hook; nothing removed\n`);
      return 0;
    }
    if (!present) {
      writeOut(1, `kreview: no sendemail-validate hook in ${hooks}; nothing removed\n`);
      return 0;
    }
    unlinkSync(hook);
    const restored = existsSync(saved);
    if (restored) renameSync(saved, hook);
    writeOut(1, `kreview: removed ${hook}${restored ? '; the previous sendemail-validate is back' : ''}\n`);
    return 0;
  }
  writeOut(2, `kreview hook: unknown subcommand '${sub}'\n${HELP}`);
  return 2;
}

/** The hook: POSIX sh, absolute paths to this node and this kreview, check options baked in. */
function script(passOn: string[]): string {
  // the kreview that is running now (the bundle or the tsc build), by absolute path
  const cli = resolve(process.argv[1] ?? fileURLToPath(new URL('../kreview.js', import.meta.url)));
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  return `#!/bin/sh
${MARK}: checks each patch before git send-email sends it.
# 'kreview hook uninstall' removes it (and restores a previous hook).
saved="$(dirname "$0")/${SAVED}"
if [ -x "$saved" ]; then
	"$saved" "$@" || exit $?
fi
exec ${q(process.execPath)} ${q(cli)} hook run "$1" -- ${passOn.map(q).join(' ')}
`;
}

/** What the hook runs for one file. */
async function runHook(file: string | undefined, checkArgs: string[]): Promise<number> {
  if (!file) {
    writeOut(2, 'kreview hook run: no file\n');
    return 2;
  }
  const counter = Number(process.env.GIT_SENDEMAIL_FILE_COUNTER);
  const total = Number(process.env.GIT_SENDEMAIL_FILE_TOTAL);
  const { run: check } = await import('./check.js');
  if (!(Number.isInteger(counter) && Number.isInteger(total) && counter > 0 && total >= counter)) return check([...checkArgs, file]);
  // series mode: keep the files until the last one, then check them all as one series
  let state: string | undefined;
  try {
    state = seriesState(counter === 1);
  } catch (err) {
    if (!(err instanceof StateError)) throw err;
    writeOut(2, `kreview hook: ${err.message}\n`);
    return 2;
  }
  if (!state) {
    // patch 1 of this send was not seen (the hook was installed in between): this file alone, strictly
    writeOut(2, `kreview hook: patch 1 of ${total} was not seen; checking ${file} alone\n`);
    return check([...checkArgs, file]);
  }
  const slot = String(counter).padStart(5, '0');
  try {
    // 'wx': never through a file that is already there
    writeFileSync(join(state, slot), readFileSync(file), { flag: 'wx', mode: 0o600 });
    writeFileSync(join(state, `.${slot}.name`), file, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    rmSync(state, { recursive: true, force: true });
    writeOut(2, `kreview hook: cannot keep ${file} for the series check: ${(err as Error).message}\n`);
    return 2;
  }
  if (counter < total) return 0;
  const dir = state;
  try {
    // the directory is read as one series, in order; the report names each patch as git gave it
    return await check([...checkArgs, dir], { relabel: (result) => relabel(result, dir) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

class StateError extends Error {}

/**
 * The private directory one send's files wait in. It lives under the user's
 * state directory (never a name another user can take first in /tmp), in a
 * parent that must be a real directory owned by us with no access for anyone
 * else; the series gets its own mkdtemp directory there, found again by the
 * send's key. Patch 1 starts it afresh; later patches use it only when it
 * passes the same checks. Returns undefined when a later patch finds none.
 */
function seriesState(first: boolean): string | undefined {
  const base = join(stateDir(), 'sendemail');
  mkdirSync(base, { recursive: true, mode: 0o700 });
  privateDir(base);
  const prefix = `${sessionKey()}-`;
  const mine = readdirSync(base).filter((n) => n.startsWith(prefix));
  if (first) {
    // a send that stopped half way, with the same key: its files go
    for (const n of mine) rmSync(join(base, n), { recursive: true, force: true });
    return mkdtempSync(join(base, prefix));
  }
  if (mine.length !== 1) return undefined;
  const dir = join(base, mine[0]!);
  privateDir(dir);
  return dir;
}

/** Refuse a directory that is a symlink, someone else's, or open to others. */
function privateDir(dir: string): void {
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || st.isSymbolicLink()) throw new StateError(`${dir}: not a directory (refusing to follow it)`);
  if (uid !== undefined && st.uid !== uid) throw new StateError(`${dir}: owned by uid ${st.uid}, not by you (refusing to use it)`);
  if (st.mode & 0o077) throw new StateError(`${dir}: open to other users (mode ${(st.mode & 0o777).toString(8)}; want 700)`);
}

/** One report per patch of the series, named by the file git send-email validated, not the staging copy. */
function relabel(result: CheckResult, dir: string): void {
  const nameOf = (path: string): string => {
    const slot = basename(path.split(':')[0]!);
    try {
      return readFileSync(join(dir, `.${slot}.name`), 'utf8');
    } catch {
      return path;
    }
  };
  const rename = (e: InputError): InputError => (e.input.startsWith(dir) ? new InputError(nameOf(e.input), e.kind, e.message, e.line) : e);
  result.inputs = result.inputs.flatMap((inp) => {
    if (inp.input !== dir) return [inp];
    const errors = inp.errors.map(rename);
    return [
      ...(errors.length || !inp.patches.length ? [{ input: inp.input, patches: [], errors }] : []),
      ...inp.patches.map((r) => ({ input: nameOf(r.patch.source), patches: [{ ...r, errors: r.errors.map(rename) }], errors: [] })),
    ];
  });
}

/**
 * One key per git send-email run: the send-email process among our
 * ancestors (git runs the hook through `git hook run`, one per file), else
 * our parent.
 */
function sessionKey(): string {
  let pid = process.ppid;
  for (let depth = 0; depth < 5 && pid > 1; depth++) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (/send-email/.test(cmd)) return String(pid);
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      break; // no /proc (not Linux)
    }
  }
  return String(process.ppid);
}
