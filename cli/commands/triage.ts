// `kreview triage list|forget`: the marks `kreview review` keeps, shown and
// undone. A finding marked as a false positive is left out of every later
// check of the same patch (and the report says so); this is where a user
// sees what they marked, and takes it back.

import { existsSync } from 'node:fs';
import { parseArgs, UsageError } from '../args.js';
import { writeOut } from '../io.js';
import { sanitizeLine } from '../../src/report/sanitize.js';

const HELP = `usage: kreview triage list
       kreview triage forget MESSAGE-ID|PATCH...
       kreview triage forget --all

list shows, per patch, the decisions (false positive, accepted) and
comments made in 'kreview review', kept under $KREVIEW_STATE_DIR/triage (else
$XDG_STATE_HOME/kreview/triage or ~/.local/state/kreview/triage). Findings
marked as false positives are left out of later checks of the same patch,
and every report says how many.

forget drops a patch's marks and comments: name it by its Message-ID (as
list prints it), or give the patch or mbox itself; --all drops every mark.
Exit status: 0, or 1 when forget found nothing to drop.
`;

export async function run(argv: string[]): Promise<number> {
  let p;
  try {
    p = parseArgs(argv, { help: { kind: 'flag', short: 'h' }, all: { kind: 'flag' } });
  } catch (err) {
    if (err instanceof UsageError) {
      writeOut(2, `kreview triage: ${err.message}\n${HELP}`);
      return 2;
    }
    throw err;
  }
  if (p.flags.help) {
    writeOut(1, HELP);
    return 0;
  }
  const [sub, ...args] = p.positionals;
  const { TriageStore } = await import('../../src/engine/triage.js');
  const store = new TriageStore();
  if (sub === 'list') {
    const all = store.list();
    if (!all.length) {
      writeOut(1, `no triage marks (in ${store.dir})\n`);
      return 0;
    }
    let out = '';
    for (const t of all) {
      out += `${sanitizeLine(t.messageId)}  ${sanitizeLine(t.subject)}\n`;
      for (const [key, d] of Object.entries(t.decisions)) {
        out += `    ${d.decision.padEnd(14)} ${describeKey(key)}${d.reason ? `: ${sanitizeLine(d.reason)}` : ''}\n`;
      }
      for (const c of t.comments) out += `    ${'comment'.padEnd(14)} ${sanitizeLine(c.file)}:${c.line}: ${sanitizeLine(c.text)}\n`;
    }
    writeOut(1, out);
    return 0;
  }
  if (sub === 'forget') {
    if (p.flags.all) {
      let n = 0;
      for (const t of store.list()) if (store.forget(t.messageId)) n++;
      writeOut(1, `kreview: forgot the marks of ${n} patch${n === 1 ? '' : 'es'}\n`);
      return 0;
    }
    if (!args.length) {
      writeOut(2, `kreview triage forget: name a Message-ID or a patch (or --all)\n`);
      return 2;
    }
    let missed = false;
    for (const a of args) {
      const ids = existsSync(a) ? await patchKeys(a) : [a.replace(/^<(.*)>$/, '$1')];
      let any = false;
      for (const id of ids) {
        const t = store.load(id);
        if (!store.forget(id)) continue;
        any = true;
        writeOut(1, `kreview: forgot the marks of ${sanitizeLine(id)}${t ? ` ("${sanitizeLine(t.subject)}")` : ''}\n`);
      }
      if (!any) {
        missed = true;
        writeOut(2, `kreview triage forget: ${sanitizeLine(a)}: no marks\n`);
      }
    }
    return missed ? 1 : 0;
  }
  writeOut(2, sub ? `kreview triage: unknown subcommand '${sub}'\n${HELP}` : HELP);
  return 2;
}

/** The triage keys of every patch in a file (its Message-ID, or a hash of its diff). */
async function patchKeys(file: string): Promise<string[]> {
  const { readInputs } = await import('../../src/patch/index.js');
  const { triageKey } = await import('../../src/engine/triage.js');
  const [read] = await readInputs([file], { git: false, cwd: process.cwd() });
  return (read?.series.patches ?? []).map(triageKey);
}

/** A finding key (`rule|function|site`) in words: `raw-rw-iter in lo_rw_aio(): ...`. */
function describeKey(key: string): string {
  const [rule, fn, ...rest] = key.split('|');
  return sanitizeLine(`${rule}${fn ? ` in ${fn}()` : ''}${rest.length ? ` [${rest.join('|')}]` : ''}`);
}
