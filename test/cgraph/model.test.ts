// The embedded model: one file a line in each shard, and an index per shard
// (each file's skeleton and where its line is), so the prefilter and a lazy
// graph read one file's facts without parsing a 2.6 MB shard.

import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inflate, loadManifest, loadModelFacts, modelDir, modelShardKey, modelFileFacts, modelSkeleton, modelSkeletons, type ModelManifest } from '../../src/cgraph/model/read.js';
import { MemoryCodeGraph, skeletonOf, summarize, summarizeSkeleton } from '../../src/cgraph/graph.js';
import type { CodeGraph, FileFacts } from '../../src/cgraph/types.js';
import { modelGraph } from '../../src/engine/base-graph.js';
import { compact, serialize } from '../../src/cgraph/model/build.js';
import { extractFileFacts } from '../../src/cgraph/extract/index.js';

const shardsWhole = (): { name: string; facts: FileFacts[] }[] =>
  loadManifest()!.shards.map((s) => {
    const text = readFileSync(join(modelDir(), s.file), 'utf8');
    expect(text.startsWith('[\n{"version":')).toBe(true);
    return { name: s.name, facts: (JSON.parse(text) as FileFacts[]).map(inflate) };
  });

describe('modelFileFacts and modelSkeleton', () => {
  it("read every model file's facts and skeleton on their own, the same as parsing the whole shard", () => {
    let n = 0;
    for (const { facts } of shardsWhole()) {
      for (const f of facts) {
        const one = modelFileFacts(f.path)!;
        expect(one).toEqual(f);
        const sk = modelSkeleton(f.path)!;
        expect(sk).toEqual(skeletonOf(f));
        expect(summarizeSkeleton(sk)).toEqual(summarize(f));
        n++;
      }
    }
    expect(n).toBe(loadManifest()!.shards.reduce((k, s) => k + s.files, 0));
    expect(n).toBeGreaterThan(100);
  });

  it('stores a file without what inflate() restores, and gives back every fact compact() kept', () => {
    const text = [
      'static ssize_t x_read(struct kiocb *iocb, struct iov_iter *to)',
      '{',
      '\tstruct file *file = x_backing(iocb->ki_filp);',
      '\tconst struct cred *old;',
      '\tssize_t ret;',
      '',
      '\told = override_creds(x_cred(file));',
      '\tif (!file) {',
      '\t\trevert_creds(old);',
      '\t\treturn -EIO;',
      '\t}',
      '\tret = file->f_op->read_iter(iocb, to);',
      '\trevert_creds(old);',
      '\treturn ret;',
      '}',
      'static int x_open(struct inode *inode,',
      '\t\t  struct file *file)',
      '{',
      '\treturn x_setup(file);',
      '}',
    ].join('\n');
    const kept = compact(extractFileFacts('fs/x/file.c', text));
    const stored = serialize(kept);
    // the defaults are gone from the stored line: a direct call's kind, empty lists, the body's own block, a function's file
    const calls = (JSON.parse(stored) as { functions: { calls: object[] }[] }).functions.flatMap((fn) => fn.calls.map((c) => JSON.stringify(c)));
    expect(calls.filter((c) => /"kind":"direct"|"args":\[\]|"creds":\[\]|"block":"0"/.test(c))).toEqual([]);
    expect(stored).not.toMatch(/"file":"fs\/x\/file.c"|"locals":\[\]/);
    expect(stored.length).toBeLessThan(JSON.stringify(kept).length * 0.8);
    const back = inflate(JSON.parse(stored) as FileFacts);
    expect(back).toEqual(kept);
    // what the rules read of it: the member call in the override, and the second function's parameter on its own line
    const read = back.functions.find((fn) => fn.name === 'x_read')!;
    const raw = read.calls.find((c) => c.callee === 'f_op->read_iter')!;
    expect(raw.kind).toBe('member');
    expect(raw.creds.length).toBe(1);
    expect(back.functions.find((fn) => fn.name === 'x_open')!.params.map((v) => v.name)).toEqual(['inode', 'file']);
  });

  it("keeps what a file source gives, whatever the local is called, and holds the kernel's file loaders whole", () => {
    const text = '// synthetic\nSYSCALL_DEFINE3(finit_module, int, fd, const char __user *, uargs, int, flags)\n{\n\tstruct fd f;\n\tint n = 0;\n\n\tn = flags + 1;\n\tf = fdget(fd);\n\treturn idempotent_init_module(fd_file(f), uargs, n);\n}\n';
    const kept = compact(extractFileFacts('kernel/module/main.c', text));
    expect(kept.functions[0]!.assigns.map((a) => `${a.lhs} = ${a.rhs}`)).toEqual(['f = fdget(fd)']);
    // kernel/module/main.c, kernel/kexec_file.c, the firmware loader: in the model's I/O users
    const manifest = loadManifest()!;
    const io = manifest.shards.find((x) => x.name === 'io-users')!;
    expect(io.prefixes).toEqual(expect.arrayContaining(['kernel/module/main.c', 'kernel/kexec_file.c', 'drivers/base/firmware_loader/main.c']));
  });

  it("loads, for fs/backing-file.c, the shards of the stacks that call it (whose calls say which creds they hand in)", () => {
    expect(modelShardKey(['fs/backing-file.c']).split(',')).toEqual(['fuse', 'overlayfs', 'vfs']);
    expect(modelShardKey(['fs/read_write.c'])).toBe('vfs');
    expect(modelSkeletons(['fs/backing-file.c']).some((sk) => sk.path === 'fs/fuse/passthrough.c')).toBe(true);
  });

  it('say no for a file the model does not have, in a shard it has and outside any', () => {
    for (const p of ['fs/erofs/no-such-file.c', 'fs/aio.c.orig', 'tools/perf/perf.c']) {
      expect(modelFileFacts(p)).toBeUndefined();
      expect(modelSkeleton(p)).toBeUndefined();
    }
  });

  it('give the skeletons of the touched shards in the order loadModelFacts() gives their facts', () => {
    const touched = ['fs/erofs/data.c', 'fs/read_write.c', 'drivers/block/loop.c'];
    expect(modelSkeletons(touched).map((s) => s.path)).toEqual(loadModelFacts(touched).map((f) => f.path));
  });

  it('still read a model without indexes, or with an index out of step with its shard, from the shards', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kreview-model-'));
    cpSync(modelDir(), dir, { recursive: true });
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
    const want = JSON.stringify(loadModelFacts(['fs/erofs/data.c']).find((f) => f.path === 'fs/erofs/data.c'));
    // an index whose offsets point at another file's line
    const erofs = m.shards.find((s) => s.name === 'erofs')!;
    const lines = readFileSync(join(dir, erofs.index!), 'utf8').trim().split('\n');
    const swapped = lines.map((l, i) => {
      const other = JSON.parse(lines[(i + 1) % lines.length]!) as { at: number[] };
      return JSON.stringify({ ...JSON.parse(l), at: other.at });
    });
    writeFileSync(join(dir, erofs.index!), swapped.join('\n') + '\n');
    expect(JSON.stringify(modelFileFacts('fs/erofs/data.c', dir))).toBe(want);
    // no index at all (a model built before them)
    const old = mkdtempSync(join(tmpdir(), 'kreview-model-'));
    cpSync(modelDir(), old, { recursive: true });
    writeFileSync(join(old, 'manifest.json'), JSON.stringify({ ...m, shards: m.shards.map(({ index: _, ...s }) => s) }));
    expect(JSON.stringify(modelFileFacts('fs/erofs/data.c', old))).toBe(want);
    expect(modelSkeleton('fs/erofs/data.c', old)).toEqual(modelSkeleton('fs/erofs/data.c'));
    expect(modelSkeletons(['fs/erofs/data.c'], old)).toEqual(modelSkeletons(['fs/erofs/data.c']));
  });
});

describe('the model graph of a check without a tree', () => {
  /** Every answer a rule can ask of a graph, for these names, as text. */
  const answers = (g: CodeGraph, names: string[], fields: string[]): string[] => {
    const at = (fn: { name: string; file: string; line: number }) => `${fn.file}:${fn.line}:${fn.name}`;
    const out: string[] = [];
    for (const n of names) {
      out.push(`functions ${n} ${g.functions(n).map(at).join(' ')}`);
      const r = g.resolve(n);
      out.push(`resolve ${n} ${r ? at(r) : '-'}`);
      out.push(`callers ${n} ${g.callers(n).map((e) => `${at(e.caller)}@${e.site.line}`).join(' ')}`);
      out.push(`slots ${n} ${g.opsSlots(n).map((s) => `${s.file}:${s.table.name}.${s.slot}`).join(' ')}`);
      out.push(`work ${n} ${g.workRegistrations(n).map((w) => `${w.file}:${w.line}:${w.api}`).join(' ')}`);
    }
    for (const f of fields) out.push(`field ${f} ${g.fieldAssignments(f).map((x) => `${at(x.fn)}@${x.assign.line}`).join(' ')}`);
    return out;
  };

  it('loads model files as queries need them and answers as a graph of every file would', async () => {
    for (const touched of [['fs/erofs/fscache.c'], ['fs/overlayfs/file.c', 'fs/read_write.c'], ['drivers/block/loop.c', 'fs/fuse/passthrough.c']]) {
      const eager = MemoryCodeGraph.fromFiles(loadModelFacts(touched));
      const lazy = modelGraph(touched);
      const all = [...eager.allFunctions()];
      const names = [...new Set([...all.map((f) => f.name), ...all.flatMap((f) => f.calls.map((c) => c.callee))])];
      const fields = [...new Set(all.flatMap((f) => f.assigns.map((a) => /(?:->|\.)(\w+)$/.exec(a.lhs)?.[1]).filter((x): x is string => !!x)))];
      // a few names first, as a check asks them, then everything
      const few = ['vfs_iter_read', 'read_mapping_folio', 'override_creds', names[names.length >> 1]!];
      expect(answers(lazy, few, ['ki_filp'])).toEqual(answers(eager, few, ['ki_filp']));
      expect(answers(lazy, names, fields)).toEqual(answers(eager, names, fields));
      expect(JSON.stringify(lazy.file(touched[0]!))).toBe(JSON.stringify(eager.file(touched[0]!)));
    }
  });
});
