// `npm run bench -- [--tree DIR] [--corpus DIR]... [--only startup,sweep,tree] [--rounds N]`
//
// Speed and memory targets live here, never in unit tests (CI machines are
// noisy). Material comes from outside the repository: a kernel tree (for
// checkpatch.pl, the index and the audit) and mailing-list archives (one
// message per file). Environment defaults: KREVIEW_BENCH_TREE,
// KREVIEW_BENCH_CORPUS (colon-separated). Missing material skips a section.
//
// Results are printed as Markdown, ready for docs/benchmarks.md.

import { spawnSync } from 'node:child_process';
import { cpus, tmpdir, totalmem } from 'node:os';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCheck } from '../src/engine/run.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const BIN = join(ROOT, 'dist/bin/kreview.cjs');

interface Args {
  tree?: string;
  corpus: string[];
  only: Set<string>;
  rounds: number;
}

function args(argv: string[]): Args {
  const a: Args = { corpus: [], only: new Set(), rounds: 3 };
  if (process.env.KREVIEW_BENCH_TREE) a.tree = process.env.KREVIEW_BENCH_TREE;
  if (process.env.KREVIEW_BENCH_CORPUS) a.corpus.push(...process.env.KREVIEW_BENCH_CORPUS.split(':').filter(Boolean));
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    if (x === '--tree') a.tree = argv[++i];
    else if (x === '--corpus') a.corpus.push(argv[++i]!);
    else if (x === '--only') for (const s of argv[++i]!.split(',')) a.only.add(s);
    else if (x === '--rounds') a.rounds = Number(argv[++i]);
  }
  return a;
}

/** An environment without what slows Node down for reasons unrelated to kreview (extra CA certificates). */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.NODE_OPTIONS;
  return env;
}

function timeOf(cmd: string, argv: string[], env: NodeJS.ProcessEnv, cwd = ROOT): { ms: number; status: number | null; stdout: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { env, cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, status: r.status, stdout: r.stdout };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const out: string[] = [];
const say = (s: string): void => {
  out.push(s);
  process.stdout.write(s + '\n');
};

/** 20 real kernel patches, spread over the archives: every Nth message that touches fs/ or drivers/ C. */
function samplePatches(dirs: string[], n = 20): string[] {
  const files = dirs.flatMap((d) => readdirSync(d).sort().map((f) => join(d, f)));
  const kernel = files.filter((f) => {
    const t = readFileSync(f, 'latin1');
    return /^diff --git a\/(fs|drivers|mm|include)\/\S+\.c /m.test(t) && !/erofs-utils/i.test(t.slice(0, 2000));
  });
  const step = Math.max(1, Math.floor(kernel.length / n));
  return kernel.filter((_, i) => i % step === 0).slice(0, n);
}

/** Which patches the prefilter leaves unparsed (nothing any rule looks at), checked in this process. */
async function unparsedSet(patches: string[], tree?: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (const p of patches) {
    const r = await runCheck({ inputs: [p], cwd: ROOT, git: false, ...(tree ? { tree } : {}), noTree: !tree, types: new Set(), ignore: new Set(), allow: new Map() });
    if (r.inputs.every((i) => i.patches.every((x) => !x.kernelFiles || x.unparsed))) out.add(p);
  }
  return out;
}

async function startup(a: Args): Promise<void> {
  say('\n## One patch, no tree: start-up\n');
  if (!a.tree || !a.corpus.length) return say('skipped: needs --tree (for scripts/checkpatch.pl) and --corpus');
  const checkpatch = join(a.tree, 'scripts/checkpatch.pl');
  const patches = samplePatches(a.corpus);
  const cache = mkdtempSync(join(tmpdir(), 'kreview-bench-'));
  const env = cleanEnv({ KREVIEW_CACHE_DIR: cache, KREVIEW_STATE_DIR: cache });
  // warm the OS file cache and the model once
  timeOf(process.execPath, [BIN, 'check', '-q', '--no-tree', patches[0]!], env);
  const vsCheckpatch: number[] = [];
  const vsNode: number[] = [];
  const k: number[] = [];
  const c: number[] = [];
  const nd: number[] = [];
  for (let round = 0; round < a.rounds; round++) {
    for (const p of patches) {
      // alternate the order in each pair so neither always runs on a warmer machine
      const first = (round + patches.indexOf(p)) % 2 === 0;
      const runK = (): number => timeOf(process.execPath, [BIN, 'check', '-q', '--no-tree', p], env).ms;
      const runC = (): number => timeOf('perl', [checkpatch, '--no-tree', '-q', p], env).ms;
      const runN = (): number => timeOf(process.execPath, ['-e', '0'], env).ms;
      let tk: number, tc: number, tn: number;
      if (first) {
        tk = runK();
        tc = runC();
        tn = runN();
      } else {
        tn = runN();
        tc = runC();
        tk = runK();
      }
      k.push(tk);
      c.push(tc);
      nd.push(tn);
      vsCheckpatch.push(tk / tc);
      vsNode.push(tk / tn);
    }
  }
  rmSync(cache, { recursive: true, force: true });
  say(`${patches.length} patches from the archives, ${a.rounds} rounds, alternating runs; NODE_EXTRA_CA_CERTS unset for both Node runs.\n`);
  say('| | median wall time |');
  say('|---|---|');
  say(`| kreview check -q --no-tree | ${median(k).toFixed(0)} ms |`);
  say(`| checkpatch.pl --no-tree -q | ${median(c).toFixed(0)} ms |`);
  say(`| node -e 0 | ${median(nd).toFixed(0)} ms |`);
  say(`\nmedian of per-pair ratios: kreview/checkpatch **${median(vsCheckpatch).toFixed(2)}** (target <= 0.40), kreview/node **${median(vsNode).toFixed(2)}** (target <= 1.60)`);
  // the prefilter splits the patches in two populations: say how each does
  const skip = await unparsedSet(patches);
  const part = (want: boolean) => {
    const idx = k.map((_, i) => i).filter((i) => skip.has(patches[i % patches.length]!) === want);
    return { n: patches.filter((p) => skip.has(p) === want).length, ms: median(idx.map((i) => k[i]!)), node: median(idx.map((i) => vsNode[i]!)), cp: median(idx.map((i) => vsCheckpatch[i]!)) };
  };
  const un = part(true);
  const pa = part(false);
  say('\n| of the sample | patches | median wall time | kreview/node | kreview/checkpatch |');
  say('|---|---|---|---|---|');
  if (un.n) say(`| nothing a rule looks at (not parsed) | ${un.n} | ${un.ms.toFixed(0)} ms | ${un.node.toFixed(2)} | ${un.cp.toFixed(2)} |`);
  if (pa.n) say(`| parsed | ${pa.n} | ${pa.ms.toFixed(0)} ms | ${pa.node.toFixed(2)} | ${pa.cp.toFixed(2)} |`);
  // each patch on its own: where the headline median of all runs falls
  const each = patches.map((p, j) => {
    const idx = k.map((_, i) => i).filter((i) => i % patches.length === j);
    return { p, ms: median(idx.map((i) => k[i]!)), node: median(idx.map((i) => vsNode[i]!)), lines: readFileSync(p, 'latin1').split('\n').length, parsed: !skip.has(p) };
  });
  say('\n<details><summary>each patch (median of its runs), by ratio to node</summary>\n');
  say('| patch | lines | parsed | kreview | kreview/node |');
  say('|---|---|---|---|---|');
  for (const e of [...each].sort((x, y) => x.node - y.node)) say(`| ${basename(e.p)} | ${e.lines} | ${e.parsed ? 'yes' : 'no'} | ${e.ms.toFixed(0)} ms | ${e.node.toFixed(2)} |`);
  say('\n</details>');
}

function sweep(a: Args): void {
  say('\n## Mailing-list sweep\n');
  if (!a.corpus.length) return say('skipped: needs --corpus');
  const cache = mkdtempSync(join(tmpdir(), 'kreview-bench-'));
  for (const jobs of [1, 2]) {
    const r = timeOf(process.execPath, [join(ROOT, 'dist/dev/scripts/sweep-check.cjs'), '--jobs', String(jobs), ...a.corpus], cleanEnv({ KREVIEW_CACHE_DIR: cache }));
    try {
      const j = JSON.parse(r.stdout) as { inputs: number; seconds: number; perSecond: number; maxRssMB: number; findings: number; exceptions: number };
      say(`- ${jobs} worker${jobs > 1 ? 's' : ''}: ${j.inputs} messages in ${j.seconds} s = **${j.perSecond} messages/s** (target >= 500/s on 2 cores), peak RSS ${j.maxRssMB} MB, ${j.findings} findings, ${j.exceptions} exceptions`);
    } catch {
      say(`- ${jobs} workers: the sweep failed (status ${r.status})`);
    }
  }
  rmSync(cache, { recursive: true, force: true });
}

async function tree(a: Args): Promise<void> {
  say('\n## Whole tree\n');
  if (!a.tree) return say('skipped: needs --tree');
  const cache = mkdtempSync(join(tmpdir(), 'kreview-bench-'));
  const env = cleanEnv({ KREVIEW_CACHE_DIR: cache });
  const time = (argv: string[]): { ms: number; rssMB: number; stdout: string } => {
    // GNU time reports the peak RSS (KiB) of the process and its threads (the index workers)
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, BIN, ...argv], { env, cwd: a.tree, encoding: 'utf8', maxBuffer: 1 << 28 });
    const rss = Number((r.stderr.trim().split('\n').pop() ?? '0').trim()) / 1024;
    return { ms: NaN, rssMB: Math.round(rss), stdout: r.stdout };
  };
  const wall = (argv: string[]): { ms: number; rssMB: number; stdout: string } => {
    const t0 = process.hrtime.bigint();
    const r = time(argv);
    return { ...r, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
  };
  const cold = wall(['index', '-q']);
  const warm = wall(['index', '-q']);
  say(`- kreview index, default scope: cold **${(cold.ms / 1000).toFixed(1)} s** (peak RSS ${cold.rssMB} MB; targets 20 s, 1.5 GB), warm **${(warm.ms / 1000).toFixed(2)} s** (target 0.5 s)`);
  const audit = wall(['audit', '--no-witness', 'fs/', 'drivers/block/']);
  const audit2 = wall(['audit', '--no-witness', 'fs/', 'drivers/block/']);
  const n = (audit2.stdout.match(/^(ERROR|WARNING|CHECK):/gm) ?? []).length;
  say(`- kreview audit fs/ drivers/block/, all four rules, warm: **${(Math.min(audit.ms, audit2.ms) / 1000).toFixed(2)} s** (${n} findings, peak RSS ${audit2.rssMB} MB)`);
  // one patch against the indexed tree
  const patch = join(ROOT, 'examples/0001-loop-raw-read-iter.patch');
  const one: number[] = [];
  for (let i = 0; i < 5; i++) one.push(wall(['check', '-q', patch]).ms);
  say(`- kreview check of one patch against the indexed tree (run from its top): median **${median(one).toFixed(0)} ms** (target 300 ms)`);
  if (a.corpus.length) {
    // the start-up sample against the tree, as the sendemail-validate hook and b4 run it
    process.env.KREVIEW_CACHE_DIR = cache;
    const patches = samplePatches(a.corpus);
    const skip = await unparsedSet(patches, a.tree);
    const ms = new Map<string, number[]>(patches.map((p) => [p, []]));
    for (let i = 0; i < 3; i++) for (const p of patches) ms.get(p)!.push(wall(['check', '-q', p]).ms);
    const med = (want: boolean): string => {
      const xs = patches.filter((p) => skip.has(p) === want).map((p) => median(ms.get(p)!));
      return xs.length ? `${median(xs).toFixed(0)} ms (${xs.length} patches)` : 'none';
    };
    say(`- kreview check -q of the ${patches.length} start-up patches against the indexed tree: median **${med(true)}** not parsed (nothing a rule looks at), **${med(false)}** parsed`);
  }
  // a developer's own one-line patch against this very tree, as the sendemail-validate hook sees it
  const own: string[] = [];
  for (const path of ['fs/erofs/data.c', 'fs/erofs/zdata.c', 'fs/overlayfs/file.c', 'fs/fuse/file.c', 'drivers/block/loop.c']) {
    const file = join(a.tree, path);
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'latin1').split('\n');
    const at = lines.findIndex((l, i) => i > lines.length / 2 && l === '{');
    if (at < 0) continue;
    const hunk = [`@@ -${at + 1},3 +${at + 1},4 @@`, ` ${lines[at]}`, '+\t/* kreview bench */', ` ${lines[at + 1]}`, ` ${lines[at + 2]}`];
    const out = join(cache, `own-${own.length}.patch`);
    writeFileSync(out, `From 1 Mon Sep 17 00:00:00 2001\nFrom: Bench <bench@example.org>\nSubject: [PATCH] bench: a comment in ${path}\n\n---\ndiff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n${hunk.join('\n')}\n`, 'latin1');
    own.push(out);
  }
  if (own.length) {
    process.env.KREVIEW_CACHE_DIR = cache;
    const skip = await unparsedSet(own, a.tree);
    const rows = own.map((p) => {
      const xs: number[] = [];
      for (let i = 0; i < 5; i++) xs.push(wall(['check', '-q', p]).ms);
      return `${median(xs).toFixed(0)} ms${skip.has(p) ? '' : ' (parsed)'}`;
    });
    say(`- kreview check -q of a one-line patch of one's own (a comment in the middle of fs/erofs/data.c, fs/erofs/zdata.c, fs/overlayfs/file.c, fs/fuse/file.c, drivers/block/loop.c): ${rows.join(', ')}`);
  }
  const spatch = spawnSync('spatch', ['--version'], { encoding: 'utf8' });
  if (spatch.status === 0) {
    const cocci = join(cache, 'raw.cocci');
    writeFileSync(cocci, '@@\nexpression F, A, B;\n@@\n(\n* F->f_op->read_iter(A, B)\n|\n* F->f_op->write_iter(A, B)\n)\n');
    // spatch takes one --dir: one run per directory, times added up
    let ms = 0;
    let matches = 0;
    let files = 0;
    for (const dir of ['fs', 'drivers/block']) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync('spatch', ['--sp-file', cocci, '--dir', dir, '--jobs', String(cpus().length), '--very-quiet', '--no-includes'], { cwd: a.tree, encoding: 'utf8', maxBuffer: 1 << 28 });
      ms += Number(process.hrtime.bigint() - t0) / 1e6;
      matches += (r.stdout.match(/^\+\+\+ /gm) ?? []).length;
      files += Number(/(\d+) files match/.exec(r.stderr)?.[1] ?? 0);
    }
    say(`- Coccinelle ${spatch.stdout.split('\n')[0]?.replace(/\s+/g, ' ')}, one pattern (raw ->read_iter/->write_iter) over the same directories on ${cpus().length} jobs: **${(ms / 1000).toFixed(2)} s** (its token prefilter leaves ${files} files to parse; ${matches} files matched)`);
  } else say('- Coccinelle: spatch not installed (Debian package coccinelle), comparison skipped');
  rmSync(cache, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const a = args(process.argv.slice(2));
  say(`# kreview benchmarks\n\n${new Date().toISOString().slice(0, 10)}, ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  if (!existsSync(BIN)) {
    process.stderr.write('bench: build first (npm run build)\n');
    process.exitCode = 2;
    return;
  }
  const all = !a.only.size;
  if (all || a.only.has('startup')) await startup(a);
  if (all || a.only.has('sweep')) sweep(a);
  if (all || a.only.has('tree')) await tree(a);
}

void main();
