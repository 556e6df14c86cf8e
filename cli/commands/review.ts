// `kreview review INPUT...`: the interactive review of a series. The only
// command that loads Ink and React.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ReadStream } from 'node:tty';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { gitIdentity } from '../git-identity.js';
import { parseCommon } from '../options.js';
import { useColor } from '../color.js';

const HELP = `usage: kreview review [options] INPUT...

Opens a series (any input 'kreview check' takes, '-' included) in an
interactive reviewer: the patches, each diff with its findings marked, the
evidence and the rule's documentation. Triage decisions (a accept, f false
positive) and comments are kept per patch under ~/.local/state/kreview; 'w'
writes the reply draft to -o FILE, else to the state directory's drafts/
(never into the tree), and says where. Press ? inside for the keys. Takes check's options (--tree, --types, --ignore, --all, ...).
`;

export async function run(argv: string[]): Promise<number> {
  const o = parseCommon('review', argv, HELP);
  if (typeof o === 'number') return o;
  if (!o.positionals.length) {
    process.stderr.write('kreview review: no input given\n');
    return 2;
  }
  // a series piped in: read it now, and take keys from the terminal itself
  let inputs = o.positionals;
  let stdin: NodeJS.ReadStream = process.stdin;
  if (inputs.includes('-')) {
    const dir = mkdtempSync(join(tmpdir(), 'kreview-review-'));
    const file = join(dir, 'stdin.mbox');
    writeFileSync(file, readFileSync(0));
    inputs = inputs.map((i) => (i === '-' ? file : i));
    try {
      stdin = new ReadStream(openSync('/dev/tty', 'r'));
    } catch {
      process.stderr.write('kreview review: needs a terminal to read keys from\n');
      return 2;
    }
  }
  if (!stdin.isTTY || !process.stdout.isTTY) {
    process.stderr.write('kreview review: needs a terminal (use kreview check or kreview reply in scripts)\n');
    return 2;
  }
  const [{ render }, React, { App }, { TriageStore, stateDir }, { draftReply, threadingProblem }, { loadRules, ruleDoc }, { renderMarkdown }] = await withoutCiFlags(() =>
    Promise.all([
      import('ink'),
      import('react'),
      import('../tui/App.js'),
      import('../../src/engine/triage.js'),
      import('../../src/report/reply.js'),
      import('../../src/engine/registry.js'),
      import('../render-markdown.js'),
    ]),
  );
  const rules = await loadRules();
  const docs = new Map<string, string>();
  for (const r of rules) {
    const md = ruleDoc(r.id);
    // rendered as kreview explain renders it, for the detail pane's width
    if (md) docs.set(r.meta.type, await renderMarkdown(md, { tty: true, width: (process.stdout.columns || 80) - 2, color: useColor(o.color, process.env, () => true) }));
  }
  const store = new TriageStore();
  // next to this bundle (dist/bin/commands), or in the tsc layout (dist/cli/tui)
  const workerFile = ['./check-worker.cjs', './check-worker.js', '../tui/check-worker.js'].map((f) => fileURLToPath(new URL(f, import.meta.url))).find((f) => existsSync(f))!;
  const check = (progress: (m: string) => void) =>
    new Promise<import('../../src/engine/result.js').CheckResult>((resolve, reject) => {
      const w = new Worker(workerFile, {
        workerData: {
          inputs,
          cwd: process.cwd(),
          git: !!o.flags.git,
          ...(o.tree ? { tree: o.tree } : {}),
          ...(o.base ? { base: o.base } : {}),
          noTree: o.flags.tree === false,
          types: [...o.types],
          ignore: [...o.ignore],
          allow: [...o.allow],
        },
      });
      w.on('message', (m: { progress?: string; result?: import('../../src/engine/result.js').CheckResult; error?: string }) => {
        if (m.progress !== undefined) progress(m.progress);
        if (m.result) resolve(m.result);
        if (m.error) reject(new Error(m.error));
      });
      w.on('error', reject);
    });
  const me = gitIdentity();
  const outFile = o.output;
  let written: string | undefined;
  const app = render(
    React.createElement(App, {
      check,
      docs: (t: string) => docs.get(t),
      triage: {
        load: (id: string) => store.load(id),
        save: (id: string, subject: string, decisions, comments) => store.save({ messageId: id, subject, decisions, comments }),
      },
      writeReply: async (s) => {
        const skip = new Set(Object.entries(s.decisions).filter(([, d]) => d.decision === 'false-positive').map(([k]) => k));
        const drafted = s.patches
          .map((p) => ({ p, m: draftReply(p.report, { me, questions: (rule, id) => rules.find((x) => x.id === rule)?.meta.questions?.[id], skip, comments: s.comments.filter((c) => c.messageId === p.id) }) }))
          .filter((d): d is { p: (typeof s.patches)[number]; m: string } => !!d.m);
        if (!drafted.length) return 'nothing to reply about';
        const mails = drafted.map((d) => d.m);
        const file = outFile ?? draftPath(stateDir(), drafted[0]!.p.report.patch.subject, drafted[0]!.p.id);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, mails.length === 1 ? mails[0]! : mails.map((m) => `From kreview Thu Jan  1 00:00:00 1970\n${m.replace(/^(>*From )/gm, '>$1')}`).join('\n'));
        written = file;
        const unthreaded = drafted.filter((d) => threadingProblem(d.p.report.patch)).length;
        return `reply draft (${mails.length} message${mails.length > 1 ? 's' : ''}${unthreaded ? `; warning: ${unthreaded} without a Message-ID, not threaded` : ''}) written to ${file}`;
      },
    }),
    { stdin, exitOnCtrlC: true },
  );
  await app.waitUntilExit();
  // the path stays on the terminal after the screen is gone
  if (written) process.stderr.write(`kreview review: reply draft written to ${written}\n`);
  return 0;
}

/**
 * Ink decides once, when its module is first evaluated, whether it runs "in
 * CI" (CI or CONTINUOUS_INTEGRATION set), and then draws nothing until the
 * app exits. review only ever runs on a terminal (it refuses otherwise), so
 * a CI=true left in a shell, a container or a CI job's tmux must not give a
 * blank screen: Ink is bundled into this command and evaluated here, with
 * those flags hidden, then they are put back.
 */
async function withoutCiFlags<T>(fn: () => Promise<T>): Promise<T> {
  const saved = new Map<string, string>();
  for (const k of ['CI', 'CONTINUOUS_INTEGRATION']) {
    const v = process.env[k];
    if (v !== undefined) saved.set(k, v);
    delete process.env[k];
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of saved) process.env[k] = v;
  }
}

/**
 * Where a draft goes without -o: the state directory, never the kernel work
 * tree review runs in. One file per series (named by its first patch), so
 * writing again replaces the draft.
 */
function draftPath(stateDir: string, subject: string, id: string): string {
  const slug = subject.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'patch';
  const h = createHash('sha1').update(id).digest('hex').slice(0, 8);
  return join(stateDir, 'drafts', `${slug}-${h}.txt`);
}
