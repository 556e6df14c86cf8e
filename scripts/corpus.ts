// `npm run corpus -- DIR...`: read every message file in the directories in
// one process and count what ingestion makes of them. Used on the public
// linux-erofs and linux-unionfs archives (one message per file); the counts
// go into the issue's closing note, never the archive text into the repo.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseInputText } from '../src/patch/input.js';
import { InputError, isKernelC } from '../src/patch/types.js';

function main(dirs: string[]): number {
  if (!dirs.length) {
    process.stderr.write('usage: npm run corpus -- DIR...\n');
    return 2;
  }
  const t0 = process.hrtime.bigint();
  const c = { messages: 0, patches: 0, covers: 0, notPatches: 0, files: 0, kernelC: 0, noKernelC: 0, hunks: 0, bytes: 0 };
  const errors = new Map<string, { n: number; examples: string[] }>();
  const exceptions: string[] = [];
  const bump = (kind: string, where: string, msg: string): void => {
    const e = errors.get(kind) ?? { n: 0, examples: [] };
    e.n++;
    if (e.examples.length < (process.env.KREVIEW_CORPUS_ALL ? Infinity : 3)) e.examples.push(`${where}: ${msg}`);
    errors.set(kind, e);
  };
  for (const dir of dirs) {
    const names = statSync(dir).isDirectory() ? readdirSync(dir).sort().map((n) => join(dir, n)) : [dir];
    for (const path of names) {
      const data = readFileSync(path);
      c.bytes += data.length;
      c.messages++;
      try {
        const s = parseInputText(data, path);
        for (const e of s.errors) e.kind === 'not-a-patch' ? c.notPatches++ : bump(e.kind, path, e.message);
        for (const p of s.patches) {
          if (p.isCoverLetter) c.covers++;
          else c.patches++;
          for (const e of p.errors) bump(e.kind, path, e.message);
          c.files += p.files.length;
          const k = p.files.filter((f) => isKernelC(f.newPath ?? f.oldPath ?? '')).length;
          c.kernelC += k;
          if (!p.isCoverLetter && !k) c.noKernelC++;
          for (const f of p.files) c.hunks += f.hunks.length;
        }
      } catch (err) {
        if (err instanceof InputError) bump(err.kind, path, err.message);
        else exceptions.push(`${path}: ${(err as Error)?.stack ?? String(err)}`);
      }
    }
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const out = [
    `messages        ${c.messages} (${(c.bytes / 1e6).toFixed(1)} MB)`,
    `patches         ${c.patches} (+ ${c.covers} cover letters)`,
    `not patches     ${c.notPatches} (no diff: replies, cover notes without 0/N)`,
    `no kernel C     ${c.noKernelC} patches (userspace, docs, Rust, selftests): nothing to check`,
    `files           ${c.files} (${c.kernelC} kernel C)`,
    `hunks           ${c.hunks}`,
    `parse errors    ${[...errors.values()].reduce((a, e) => a + e.n, 0)}`,
    ...[...errors].map(([k, e]) => `  ${k.padEnd(12)} ${e.n}\n${e.examples.map((x) => `      e.g. ${x}`).join('\n')}`),
    `exceptions      ${exceptions.length}`,
    ...exceptions.slice(0, 5).map((x) => `  ${x.split('\n').slice(0, 3).join(' | ')}`),
    `wall time       ${secs.toFixed(2)} s (${Math.round(c.messages / secs)} messages/s)`,
  ];
  process.stdout.write(out.join('\n') + '\n');
  return exceptions.length ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
