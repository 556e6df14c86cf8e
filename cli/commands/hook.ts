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
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, str, UsageError } from '../args.js';
import { writeOut } from '../io.js';

const MARK = '# installed by kreview';
const SAVED = 'sendemail-validate.kreview-saved';

const HELP = `usage: kreview hook install [--repo DIR] [-- CHECK-OPTIONS...]
       kreview hook uninstall [--repo DIR]

install writes .git/hooks/sendemail-validate (keeping and chaining an existing
hook); git send-email then refuses to send a series with findings at or above
the fail level. Words after -- are passed to kreview check (e.g. --fail-level
error, --tree ~/src/linux). uninstall puts the previous hook back.
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
  if (p.flags.help || !sub) {
    writeOut(1, HELP);
    return sub ? 0 : 2;
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
    if (existsSync(hook) && readFileSync(hook, 'utf8').includes(MARK)) unlinkSync(hook);
    if (existsSync(saved)) renameSync(saved, hook);
    writeOut(1, `kreview: removed the hook${existsSync(hook) ? '; the previous sendemail-validate is back' : ''}\n`);
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
  if (!(counter > 0 && total > 0)) return check(['--no-summary', ...checkArgs, file]);
  // series mode: remember the files until the last one, then check them all as one series
  const state = join(tmpdir(), `kreview-sendemail-${sessionKey()}`);
  mkdirSync(state, { recursive: true, mode: 0o700 });
  writeFileSync(join(state, String(counter).padStart(5, '0')), readFileSync(file));
  if (counter < total) return 0;
  try {
    // the directory of the collected files is read as one series, in order
    return await check(['--no-summary', ...checkArgs, state]);
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
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
