// `kreview model build --tree DIR [-o DIR]`: (re)build the embedded model from
// a kernel tree. The shipped model/ was built from Debian's linux-source-6.12.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs, str, UsageError } from '../args.js';
import { writeOut } from '../io.js';

const HELP = `usage: kreview model build --tree DIR [-o OUTDIR]

Indexes the VFS/EROFS neighbourhood of a kernel tree (VFS core fs/*.c, erofs,
overlayfs, fuse, cachefiles, backing-file, nfs localio, loop, mm/filemap.c and
key headers) and every other C file that opens a file or does I/O on one
(nfsd, ksmbd, targets, gadgets, swap, ...), and writes a compact, versioned model: OUTDIR/manifest.json and
one JSON shard per subsystem (default OUTDIR: ./model). kreview uses it in
place of the embedded model with --model OUTDIR, KREVIEW_MODEL=OUTDIR, or
--model OUTDIR in .kreview.conf.
`;

export async function run(argv: string[]): Promise<number> {
  let p;
  try {
    p = parseArgs(argv, { help: { kind: 'flag', short: 'h' }, tree: { kind: 'string' }, output: { kind: 'string', short: 'o' } });
  } catch (err) {
    if (err instanceof UsageError) {
      writeOut(2, `kreview model: ${err.message}\n${HELP}`);
      return 2;
    }
    throw err;
  }
  if (p.flags.help) {
    writeOut(1, HELP);
    return 0;
  }
  if (p.positionals[0] !== 'build' || !str(p, 'tree')) {
    writeOut(2, HELP);
    return 2;
  }
  const { openTree } = await import('../../src/tree/trees.js');
  const { indexTree } = await import('../../src/cgraph/indexer.js');
  const { buildModel, modelPaths, ioUserPattern, NOT_KERNEL } = await import('../../src/cgraph/model/build.js');
  const { shardFor } = await import('../../src/cgraph/model/read.js');
  const tree = await openTree({ tree: str(p, 'tree')!, cwd: process.cwd() });
  const tty = process.stderr.isTTY;
  // the files outside the VFS neighbourhood that open a file or do I/O on one (build.ts ioUserPattern())
  const io = ioUserPattern();
  const ioUsers = new Set<string>();
  for (const path of await tree.list([''], ['.c'])) {
    if (NOT_KERNEL.test(path) || shardFor(path, new Set())) continue;
    const text = await tree.read(path);
    if (text !== null && io.test(text)) ioUsers.add(path);
  }
  const { facts, stats } = await indexTree(tree, [...modelPaths(), ...ioUsers], tty ? { progress: (d, t) => writeOut(2, `\r\x1b[Kindexing ${d}/${t}`) } : {});
  if (tty) writeOut(2, '\r\x1b[K');
  // each file's git blob id, as a patch's `index` line names it (its bytes, not the decoded text)
  const { createHash } = await import('node:crypto');
  for (const f of facts) {
    const bytes = tree.root ? readFileSync(join(tree.root, f.path)) : Buffer.from((await tree.read(f.path)) ?? '');
    f.blob = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  }
  let kernel = tree.describe();
  try {
    const mk = readFileSync(join(tree.root!, 'Makefile'), 'utf8');
    const v = (k: string): string => new RegExp(`^${k}[ \\t]*=[ \\t]*(\\S*)`, 'm').exec(mk)?.[1] ?? '';
    kernel = `Linux ${v('VERSION')}.${v('PATCHLEVEL')}.${v('SUBLEVEL')}${v('EXTRAVERSION')}`;
  } catch {
    // not a kernel top directory: keep the description
  }
  const { loadRules } = await import('../../src/engine/registry.js');
  const { modelArgumentCalls } = await import('../../src/engine/triggers.js');
  const { manifest, shards } = buildModel(facts, kernel, modelArgumentCalls(await loadRules()), ioUsers);
  const out = str(p, 'output') ?? 'model';
  mkdirSync(out, { recursive: true });
  for (const s of shards) {
    writeFileSync(join(out, s.file), s.data);
    // the gzipped shard an earlier version wrote under the same name
    rmSync(join(out, `${s.file}.gz`), { force: true });
  }
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  const bytes = shards.reduce((n, s) => n + s.data.length, 0);
  writeOut(1, 
    `model of ${kernel}: ${manifest.shards.length} shards, ${manifest.shards.reduce((n, s) => n + s.files, 0)} files, ` +
      `${manifest.shards.reduce((n, s) => n + s.functions, 0)} functions, ${(bytes / 1024).toFixed(0)} KiB in ${out}/ (${stats.seconds.toFixed(1)} s)\n` +
      `use it with --model ${out} (or KREVIEW_MODEL=${resolve(out)}, or '--model ${resolve(out)}' in .kreview.conf)\n`,
  );
  return 0;
}
