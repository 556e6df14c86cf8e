// `node dist/bin/scripts/sweep-check.cjs [--tree DIR] [--jobs N] [--no-prefilter] [--out FILE.jsonl] [--dump FILE.jsonl] DIR...`:
// check every message file in the directories, one input at a time, in one
// process (what `kreview check --format json FILE` prints for each, without
// paying Node's start-up 9,000 times). Writes one JSON line per finding for
// reading them all (--out), one line per input with everything the check
// said about it, sorted by input (--dump: what a refactoring must leave
// byte-identical), and prints counts. Used for docs/accuracy.md; the archive
// text itself never goes into the repository.

import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { runCheck } from '../src/engine/run.js';
import { findingJson } from '../src/report/json.js';

interface Counts {
  inputs: number;
  patches: number;
  kernelPatches: number;
  inputErrors: number;
  findings: number;
  byType: Record<string, number>;
  byStatus: Record<string, number>;
  exceptions: number;
  /** Kernel patches the prefilter left unparsed. */
  unparsed: number;
}

function newCounts(): Counts {
  return { inputs: 0, patches: 0, kernelPatches: 0, inputErrors: 0, findings: 0, byType: {}, byStatus: {}, exceptions: 0, unparsed: 0 };
}

/** Check these files one by one; count, and collect one JSON line per finding. */
async function checkFiles(files: string[], tree: string | undefined, noPrefilter: boolean, counts: Counts, lines: string[], progress: boolean, dump?: string[]): Promise<void> {
  for (const input of files) {
    counts.inputs++;
    try {
      const r = await runCheck({ inputs: [input], cwd: process.cwd(), git: false, ...(tree ? { tree } : {}), noTree: !tree, noPrefilter, types: new Set(), ignore: new Set(), allow: new Map() });
      dump?.push(
        JSON.stringify({
          input,
          errors: r.inputs.flatMap((i) => i.errors.map((e) => e.toJSON())),
          patches: r.inputs.flatMap((i) =>
            i.patches.map((p) => ({ subject: p.patch.subject, base: p.base ?? null, notes: p.notes, doubts: p.doubts ?? [], errors: p.errors.map((e) => e.toJSON()), unparsed: !!p.unparsed, findings: p.findings.map(findingJson) })),
          ),
        }),
      );
      for (const inp of r.inputs) {
        counts.inputErrors += inp.errors.length;
        for (const p of inp.patches) {
          counts.patches++;
          if (p.kernelFiles) counts.kernelPatches++;
          if (p.kernelFiles && p.unparsed) counts.unparsed++;
          for (const f of p.findings) {
            counts.findings++;
            counts.byType[f.type] = (counts.byType[f.type] ?? 0) + 1;
            counts.byStatus[f.status] = (counts.byStatus[f.status] ?? 0) + 1;
            lines.push(JSON.stringify({ input, subject: p.patch.subject, ...findingJson(f) }));
          }
        }
      }
    } catch (err) {
      counts.exceptions++;
      process.stderr.write(`${input}: ${(err as Error)?.stack ?? err}\n`);
    }
    if (progress && counts.inputs % 500 === 0) process.stderr.write(`${counts.inputs} inputs, ${counts.findings} findings\n`);
  }
}

function merge(a: Counts, b: Counts): void {
  for (const k of ['inputs', 'patches', 'kernelPatches', 'inputErrors', 'findings', 'exceptions', 'unparsed'] as const) a[k] += b[k];
  for (const [k, v] of Object.entries(b.byType)) a.byType[k] = (a.byType[k] ?? 0) + v;
  for (const [k, v] of Object.entries(b.byStatus)) a.byStatus[k] = (a.byStatus[k] ?? 0) + v;
}

async function worker(): Promise<void> {
  const { files, tree, noPrefilter, dump } = workerData as { files: string[]; tree?: string; noPrefilter: boolean; dump: boolean };
  const counts = newCounts();
  const lines: string[] = [];
  const dumped: string[] | undefined = dump ? [] : undefined;
  await checkFiles(files, tree, noPrefilter, counts, lines, false, dumped);
  parentPort!.postMessage({ counts, lines, dumped, maxRss: process.resourceUsage().maxRSS });
}

if (!isMainThread) void worker();

async function main(argv: string[]): Promise<number> {
  let tree: string | undefined;
  let out: string | undefined;
  let dumpTo: string | undefined;
  let jobs = 1;
  let noPrefilter = false;
  const dirs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--tree') tree = argv[++i];
    else if (argv[i] === '--out') out = argv[++i];
    else if (argv[i] === '--dump') dumpTo = argv[++i];
    else if (argv[i] === '--no-prefilter') noPrefilter = true;
    else if (argv[i] === '--jobs') jobs = Math.max(1, Number(argv[++i]));
    else dirs.push(argv[i]!);
  }
  const files = dirs.flatMap((d) => readdirSync(d).sort().map((n) => join(d, n)));
  const t0 = performance.now();
  const counts = newCounts();
  const lines: string[] = [];
  const dumped: string[] | undefined = dumpTo ? [] : undefined;
  if (jobs === 1) await checkFiles(files, tree, noPrefilter, counts, lines, true, dumped);
  else {
    // interleaved slices, so both workers see old and new messages alike
    const me = fileURLToPath(import.meta.url);
    await Promise.all(
      Array.from({ length: jobs }, (_, j) =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(me, { workerData: { files: files.filter((_, i) => i % jobs === j), noPrefilter, dump: !!dumped, ...(tree ? { tree } : {}) } });
          w.on('message', (m: { counts: Counts; lines: string[]; dumped?: string[] }) => {
            merge(counts, m.counts);
            lines.push(...m.lines);
            if (m.dumped) dumped?.push(...m.dumped);
          });
          w.on('error', reject);
          w.on('exit', () => resolve());
        }),
      ),
    );
  }
  if (out) writeFileSync(out, lines.join('\n') + '\n');
  // sorted by input: the same run gives the same bytes, whatever the workers' order
  if (dumpTo && dumped) writeFileSync(dumpTo, dumped.sort().join('\n') + '\n');
  const secs = (performance.now() - t0) / 1000;
  // maxRSS covers the whole process, worker threads included
  const maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(JSON.stringify({ ...counts, seconds: Number(secs.toFixed(1)), perSecond: Math.round(counts.inputs / secs), maxRssMB }, null, 2) + '\n');
  return counts.exceptions ? 1 : 0;
}

if (isMainThread) main(process.argv.slice(2)).then((c) => (process.exitCode = c));
