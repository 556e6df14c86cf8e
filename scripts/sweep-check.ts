// `node dist/scripts/sweep-check.js [--tree DIR] [--out FILE.jsonl] DIR...`:
// check every message file in the directories, one input at a time, in one
// process (what `kreview check --format json FILE` prints for each, without
// paying Node's start-up 9,000 times). Writes one JSON line per finding for
// reading them all, and prints counts. Used for docs/accuracy.md; the archive
// text itself never goes into the repository.

import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCheck } from '../src/engine/run.js';
import { findingJson } from '../src/report/json.js';

async function main(argv: string[]): Promise<number> {
  let tree: string | undefined;
  let out: string | undefined;
  const dirs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--tree') tree = argv[++i];
    else if (argv[i] === '--out') out = argv[++i];
    else dirs.push(argv[i]!);
  }
  const t0 = performance.now();
  const lines: string[] = [];
  const counts = { inputs: 0, patches: 0, kernelPatches: 0, inputErrors: 0, findings: 0, byType: {} as Record<string, number>, byStatus: {} as Record<string, number>, exceptions: 0 };
  for (const dir of dirs) {
    for (const name of readdirSync(dir).sort()) {
      const input = join(dir, name);
      counts.inputs++;
      try {
        const r = await runCheck({
          inputs: [input],
          cwd: process.cwd(),
          git: false,
          ...(tree ? { tree } : {}),
          noTree: !tree,
          types: new Set(),
          ignore: new Set(),
          allow: new Map(),
        });
        for (const inp of r.inputs) {
          counts.inputErrors += inp.errors.length;
          for (const p of inp.patches) {
            counts.patches++;
            if (p.kernelFiles) counts.kernelPatches++;
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
      if (counts.inputs % 500 === 0) process.stderr.write(`${counts.inputs} inputs, ${counts.findings} findings\n`);
    }
  }
  if (out) writeFileSync(out, lines.join('\n') + '\n');
  const secs = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ ...counts, seconds: Number(secs.toFixed(1)), perSecond: Math.round(counts.inputs / secs) }, null, 2) + '\n');
  return counts.exceptions ? 1 : 0;
}

main(process.argv.slice(2)).then((c) => (process.exitCode = c));
