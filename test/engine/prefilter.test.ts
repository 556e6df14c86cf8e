// The prefilter decides that a series holds nothing any rule looks at, and
// then no C is parsed. It must never change what a check reports: these tests
// compare runs with and without it on every patch fixture in the repository,
// and pin down which edits it lets through.

import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/engine/run.js';
import fc from 'fast-check';
import { hunkSummary, MAX_CHAIN_FIELDS, reachableFromHunks, scanIdentifiers, threadMayMatter, textSummary } from '../../src/engine/prefilter.js';
import { CRED_FORMS } from '../../src/kb/index.js';
import { modelArgumentCalls } from '../../src/engine/triggers.js';
import type { Base } from '../../src/engine/base.js';
import type { FileSkeleton } from '../../src/cgraph/graph.js';
import type { FileApplyResult } from '../../src/tree/types.js';
import { extractFileFacts } from '../../src/cgraph/extract/index.js';
import { OverlayTree } from '../../src/tree/overlay.js';
import type { Patch } from '../../src/patch/types.js';
import { MemoryTree } from '../support/memory-tree.js';
import type { FileFacts } from '../../src/cgraph/types.js';
import { skeletonOf } from '../../src/cgraph/graph.js';
import { loadRules } from '../../src/engine/registry.js';
import { readInputs } from '../../src/patch/index.js';
import { findingJson } from '../../src/report/json.js';
import type { CheckResult } from '../../src/engine/result.js';
import { makePatch } from '../support/make-patch.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KTREE = join(ROOT, 'test/fixtures/ktree');
const TMP = mkdtempSync(join(tmpdir(), 'kreview-prefilter-'));

beforeAll(() => {
  process.env.KREVIEW_CACHE_DIR = join(TMP, 'cache');
});

const check = (inputs: string[], o: { tree?: string; noPrefilter?: boolean }): Promise<CheckResult> =>
  runCheck({
    inputs,
    cwd: ROOT,
    git: false,
    ...(o.tree ? { tree: o.tree } : {}),
    noTree: !o.tree,
    ...(o.noPrefilter ? { noPrefilter: true } : {}),
    types: new Set(),
    ignore: new Set(),
    allow: new Map(),
  });

/** What a user sees of a result: findings, errors and notes per patch. */
const seen = (r: CheckResult): unknown =>
  r.inputs.map((i) => ({
    input: i.input,
    errors: i.errors.map((e) => e.message),
    patches: i.patches.map((p) => ({ findings: p.findings.map(findingJson), errors: p.errors.map((e) => e.message), notes: p.notes, kernelFiles: p.kernelFiles })),
  }));

/** A Base for the prefilter alone: no tree, no model files. */
const noTree = { complete: false, skeleton: async () => undefined, context: async () => [] } as unknown as Base;

const unparsed = (r: CheckResult): boolean[] => r.inputs.flatMap((i) => i.patches.filter((p) => p.kernelFiles).map((p) => !!p.unparsed));

/** Write a patch that edits a file of the fixture tree by replacing text. */
function edit(name: string, path: string, from: string, to: string, subject = `erofs: ${name}`): string {
  const before = readFileSync(join(KTREE, path), 'utf8');
  expect(before).toContain(from);
  const file = join(TMP, `${name}.patch`);
  writeFileSync(file, makePatch([{ path, before, after: before.replace(from, to) }], { subject }));
  return file;
}

describe('hunkSummary', () => {
  it('names every member-chain suffix, so f_op->read_iter is seen however the file is reached', async () => {
    const file = edit('chain', 'fs/erofs/fileio.c', 'ret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);', 'ret = rq->iocb.ki_filp->f_op->read_iter(&rq->iocb, &iter);');
    const [{ series }] = await readInputs([file], { git: false, cwd: ROOT });
    const s = hunkSummary('fs/erofs/fileio.c', series.patches[0]!.files[0]!);
    expect(s.callees).toContain('f_op->read_iter');
    expect(s.callees).toContain('vfs_iocb_iter_read'); // the removed line counts too
    expect(s.localIncludes).toEqual([]);
  });

  it('takes for a credential scope what the knowledge base reads as one, not every cred', () => {
    const scope = (t: string) => textSummary('fs/x/y.c', t).credScopes;
    expect(scope('old = override_creds(ofs->creator_cred);')).toBe(true);
    expect(scope('CLASS(override_creds, old)(file->f_cred);')).toBe(true);
    expect(scope('scoped_class(override_creds_ovl, old, sb) { }')).toBe(true);
    expect(scope('guard(cred)(c);')).toBe(true);
    expect(scope('with_ovl_creds(sb) { }')).toBe(true);
    expect(scope('cachefiles_begin_secure(cache, &saved);')).toBe(true);
    expect(scope('old = override_creds_light(c);')).toBe(true); // a variant: credFormFor() guesses
    expect(scope('cred = get_current_cred(); put_cred(cred); if (current_cred() != file->f_cred) return;')).toBe(false);
  });
});

describe('scanIdentifiers', () => {
  // what the summary was made of before: fine on short text, quadratic on a long identifier
  const reference = (text: string): { idents: Set<string>; chains: Set<string> } => {
    const chains = new Set<string>();
    for (const m of text.match(/[A-Za-z_]\w*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*)+/g) ?? []) {
      const fields = m.split(/\s*(?:->|\.)\s*/);
      for (let i = 0; i < fields.length - 1; i++) chains.add(fields.slice(i).join('->'));
    }
    return { idents: new Set(text.match(/[A-Za-z_]\w*/g) ?? []), chains };
  };
  const token = fc.constantFrom('a', 'b1', '_x', '9', '0x1f', 'f_op', 'read_iter', '->', '.', ' ', '\t', '\n', '(', ')', ';', '-', '>', '"', '1.5e3', '\u00a0');

  it('finds what the regular expressions found, on chains of up to MAX_CHAIN_FIELDS fields', () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 30 }), (ts) => {
        const text = ts.join('');
        const want = reference(text);
        const got = scanIdentifiers(text);
        expect(got.idents).toEqual(want.idents);
        // a chain longer than the cap names its suffixes of up to MAX_CHAIN_FIELDS fields only
        expect(got.chains).toEqual(new Set([...want.chains].filter((c) => c.split('->').length <= MAX_CHAIN_FIELDS)));
      }),
      { numRuns: 500 },
    );
  });

  it('names no more than a few strings per field of a chain, however long (a->a->... of 200 kB took 4 GB)', () => {
    const fields = 20_000;
    const s = scanIdentifiers(Array.from({ length: fields }, (_, i) => `f${i}`).join('->'));
    expect(s.idents.size).toBe(fields);
    expect(s.chains.size).toBe(MAX_CHAIN_FIELDS - 1);
    expect([...s.chains].every((c) => c.endsWith(`->f${fields - 1}`))).toBe(true);
    // one identifier of 1 MB is one identifier
    expect([...scanIdentifiers('x'.repeat(1 << 20)).idents]).toEqual(['x'.repeat(1 << 20)]);
  });

  it('caps chains above the longest name any rule, the model or a credential form can ask for', async () => {
    const names = [...modelArgumentCalls(await loadRules()), ...Object.keys(CRED_FORMS)];
    expect(names.some((n) => n.includes('->'))).toBe(true);
    expect(Math.max(...names.map((n) => n.split('->').length))).toBeLessThan(MAX_CHAIN_FIELDS);
  });
});

describe('reachableFromHunks (no tree)', () => {
  // model facts of one file: a() -> b() reads a page cache; c() and d() -> e() do not
  const fn = (name: string, line: number, calls: string[]) => ({ name, file: 'fs/erofs/x.c', line, endLine: line + 10, static: true, returns: 'int', params: [], locals: [], assigns: [], credScopes: [], calls: calls.map((callee) => ({ callee, kind: 'direct' as const, args: ['m', '0', 'NULL'], line: line + 2, block: '', creds: [] })) });
  const facts = { version: 8, path: 'fs/erofs/x.c', hash: '', functions: [fn('a', 10, ['b']), fn('b', 30, ['read_mapping_folio']), fn('c', 50, []), fn('d', 70, ['e']), fn('e', 90, [])], includes: [], exports: [], opsTables: [], workFns: [], parseErrors: 0 } as unknown as FileFacts;
  const lines = Array.from({ length: 120 }, (_, i) => `\t/* line ${i + 1} */`).join('\n') + '\n';
  const patchAt = async (line: number, text: string) => {
    const file = join(TMP, `reach-${line}-${text.length}.patch`);
    const after = lines.split('\n');
    after.splice(line - 1, 1, text);
    writeFileSync(file, makePatch([{ path: 'fs/erofs/x.c', before: lines, after: after.join('\n') }], { subject: 'erofs: x' }));
    return (await readInputs([file], { git: false, cwd: ROOT }))[0]!.series.patches;
  };
  const callees = async (line: number, text: string) => reachableFromHunks(await patchAt(line, text), [skeletonOf(facts)])[0]!.callees.sort();

  it('follows what the hunks name and what the lines they cover belong to, and nothing else', async () => {
    expect(await callees(55, '\tx = 1;')).toEqual([]); // c() only
    expect(await callees(75, '\tx = 1;')).toEqual(['e']); // d(), and e() it calls
    expect(await callees(55, '\ta(m);')).toEqual(['b', 'read_mapping_folio']); // c(), a() named, then b()
    expect(await callees(35, '\tx = 1;')).toEqual(['read_mapping_folio']); // inside b()
  });
});

describe('the prefilter', () => {
  it('leaves unparsed an edit that no rule can see, in a file whose functions no rule looks at', async () => {
    const file = edit('pr-info', 'fs/erofs/super.c', '\t\treturn PTR_ERR(file);', '\t{\n\t\tpr_err("cannot open %s\\n", fc->source);\n\t\treturn PTR_ERR(file);\n\t}');
    for (const tree of [undefined, KTREE]) {
      const r = await check([file], tree ? { tree } : {});
      expect(unparsed(r)).toEqual([true]);
      expect(seen(r)).toEqual(seen(await check([file], { ...(tree ? { tree } : {}), noPrefilter: true })));
    }
  });

  it('parses an edit that only adds a call of a helper in another file whose access is further down', async () => {
    // erofs_bread() (fs/erofs/data.c) reads a page cache; the hunk in super.c names nothing a rule looks at,
    // and neither does the file: the engine would still visit erofs_bread(), so the prefilter must too
    const file = edit('newcall', 'fs/erofs/super.c', '\t\treturn PTR_ERR(file);', '\t\treturn PTR_ERR(file);\n\terofs_bread(&sbi->sb_buf, 0, false);');
    for (const tree of [undefined, KTREE]) {
      const r = await check([file], tree ? { tree } : {});
      expect(unparsed(r)).toEqual([false]);
      expect(seen(r)).toEqual(seen(await check([file], { ...(tree ? { tree } : {}), noPrefilter: true })));
    }
  });

  it("with a tree, a helper only the tree has (not the model), once its facts are cached, is followed too", async () => {
    const tree = join(TMP, 'ktree-own-helper');
    cpSync(KTREE, tree, { recursive: true });
    // a helper new in this tree, in another file of the directory: it reads through erofs_bread()
    writeFileSync(join(tree, 'fs/erofs/xreread.c'), '// synthetic\n#include "internal.h"\n\nvoid *erofs_x_reread(struct erofs_buf *buf)\n{\n\treturn erofs_bread(buf, 0, false);\n}\n');
    const before = readFileSync(join(tree, 'fs/erofs/super.c'), 'utf8');
    const file = join(TMP, 'own-helper.patch');
    writeFileSync(file, makePatch([{ path: 'fs/erofs/super.c', before, after: before.replace('\t\treturn PTR_ERR(file);', '\t\treturn PTR_ERR(file);\n\terofs_x_reread(&sbi->sb_buf);') }], { subject: 'erofs: reread the superblock buffer' }));
    // a run that parses the directory (as `kreview index` would) caches the helper's facts
    const full = await check([file], { tree, noPrefilter: true });
    const r = await check([file], { tree });
    expect(unparsed(r)).toEqual([false]);
    expect(seen(r)).toEqual(seen(full));
  });

  it('parses an edit that adds a raw call, an include of fs/internal.h or a credential switch', async () => {
    const raw = edit('raw', 'fs/erofs/fileio.c', 'ret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);', 'ret = rq->iocb.ki_filp->f_op->read_iter(&rq->iocb, &iter);');
    const inc = edit('include', 'fs/erofs/super.c', '#include "internal.h"', '#include "internal.h"\n#include "../internal.h"');
    const cred = edit('cred', 'fs/erofs/super.c', '\tsbi->dif0.file = file;', '\tsbi->dif0.file = file;\n\tscoped_with_creds(file->f_cred)\n\t\terofs_probe(sbi);');
    const r = await check([raw, inc, cred], { tree: KTREE });
    expect(unparsed(r)).toEqual([false, false, false]);
    expect(r.inputs[0]!.patches[0]!.findings.map((f) => f.type)).toContain('RAW_RW_ITER');
    expect(r.inputs[1]!.patches[0]!.findings.map((f) => f.type)).toContain('VFS_INTERNAL_HELPER');
  });

  it("parses an edit next to code a rule looks at: the file's other functions count", async () => {
    // erofs_read_superblock() shows nothing relevant, but data.c reads a page cache
    const file = edit('data', 'fs/erofs/data.c', 'static int erofs_read_superblock(struct super_block *sb)\n{', 'static int erofs_read_superblock(struct super_block *sb)\n{\n\tint unused;');
    for (const tree of [undefined, KTREE]) expect(unparsed(await check([file], tree ? { tree } : {}))).toEqual([false]);
  });

  it('parses the whole series when one patch in it matters', async () => {
    const quiet = readFileSync(edit('s1', 'fs/erofs/super.c', '\t\treturn PTR_ERR(file);', '\t\treturn PTR_ERR(file); /* no source */'), 'utf8');
    const loud = readFileSync(edit('s2', 'fs/erofs/fileio.c', 'ret = vfs_iocb_iter_read(rq->iocb.ki_filp, &rq->iocb, &iter);', 'ret = rq->iocb.ki_filp->f_op->read_iter(&rq->iocb, &iter);'), 'utf8');
    const mbox = join(TMP, 'series.mbox');
    writeFileSync(mbox, `From 1 Mon Sep 17 00:00:00 2001\n${quiet}\nFrom 2 Mon Sep 17 00:00:00 2001\n${loud}`);
    const r = await check([mbox], { tree: KTREE });
    expect(unparsed(r)).toEqual([false, false]);
  });

  it("asks the rules' triggers: a patch that calls nothing they name is not parsed", async () => {
    const rules = await loadRules();
    const file = edit('norel', 'fs/erofs/super.c', '\t\treturn PTR_ERR(file);', '\t\treturn PTR_ERR(file); /* x */');
    const [{ series }] = await readInputs([file], { git: false, cwd: ROOT });
    expect(await threadMayMatter(series.patches, [], rules, noTree)).toBe(false);
    // a rule that looks at what the hunk calls (PTR_ERR) sees it
    const looking = { ...rules[0]!, meta: { ...rules[0]!.meta, triggers: [{ calls: ['PTR_ERR'] }] } };
    expect(await threadMayMatter(series.patches, [], [looking], noTree)).toBe(true);
  });

  describe('with a tree', () => {
    // an erofs file: two plain functions, a third, and one that reads the backing file
    const path = 'fs/erofs/syn.c';
    // bodies longer than a hunk's context, so a hunk in one function does not reach the next
    const body = (n: string, call: string) => `static int ${n}(struct erofs_sb_info *sbi)\n{\n\tint err = 0;\n\n${'\tsbi->n++;\n'.repeat(6)}${call}\treturn err;\n}\n`;
    const before = [
      '// SPDX-License-Identifier: GPL-2.0',
      '#include "internal.h"',
      '',
      body('syn_one', ''),
      body('syn_two', ''),
      body('syn_three', ''),
      body('syn_read', '\terr = vfs_iter_read(sbi->dif0.file, &iter, &pos, 0);\n'),
    ].join('\n');
    const patchOf = async (after: string, from = before) => {
      const file = join(TMP, `syn-${after.length}-${from.length}.patch`);
      writeFileSync(file, makePatch([{ path, before: from, after }], { subject: 'erofs: syn' }));
      return (await readInputs([file], { git: false, cwd: ROOT }))[0]!.series.patches;
    };
    /** The thread as the tree applies it, and a Base over that tree with these facts for the file (the skeletons asked are recorded). */
    const lookup = (text: string, facts: FileFacts | undefined) => {
      const asked: string[] = [];
      const tree = new MemoryTree({ [path]: text });
      const base = { complete: true, text: async () => text, skeleton: async (): Promise<FileSkeleton | undefined> => (asked.push(path), facts && skeletonOf(facts)), context: async () => [] } as unknown as Base;
      const may = async (patches: Patch[]): Promise<boolean> => {
        const applied: FileApplyResult[][] = [];
        for (const p of patches) applied.push((await new OverlayTree(tree).applyPatch(p)).files);
        return threadMayMatter(patches, applied, await loadRules(), base);
      };
      return { asked, may };
    };
    const facts = extractFileFacts(path, before);

    it("reads a file's facts only when its text names something a rule looks at", async () => {
      const quiet = before.replace('vfs_iter_read', 'syn_copy');
      const patches = await patchOf(quiet.replace('int err = 0;', 'int err = 1;'), quiet);
      const l = lookup(quiet, undefined);
      expect(await l.may(patches)).toBe(false);
      expect(l.asked).toEqual([]);
    });

    it('judges only the functions the patch changes and what they reach, when it applies to the tree', async () => {
      const rules = await loadRules();
      const one = await patchOf(before.replace('static int syn_one(struct erofs_sb_info *sbi)\n{\n\tint err = 0;', 'static int syn_one(struct erofs_sb_info *sbi)\n{\n\tint err = -EIO;'));
      expect(await lookup(before, facts).may(one)).toBe(false);
      // the same patch on a tree where the file moved down: it applies at an offset, and the applier says where
      const down = `\n\n${before}`;
      expect(await lookup(down, extractFileFacts(path, down)).may(one)).toBe(false);
      // on a tree where it does not apply, the functions it changes are not known: every function counts
      const other = before.replaceAll('\tint err = 0;', '\tint err = 2;');
      expect(await lookup(other, extractFileFacts(path, other)).may(one)).toBe(true);
      // ...nor without the file's facts
      expect(await lookup(before, undefined).may(one)).toBe(true);
      // a change that calls the reader
      const calls = await patchOf(before.replace('static int syn_one(struct erofs_sb_info *sbi)\n{\n\tint err = 0;', 'static int syn_one(struct erofs_sb_info *sbi)\n{\n\tint err = syn_read(sbi);'));
      expect(await lookup(before, facts).may(calls)).toBe(true);
      // a new file (the tree has no text and no facts for it) is seen through its hunks alone
      const added = await patchOf(before.replace('vfs_iter_read', 'syn_copy'), '');
      const none = { complete: true, text: async () => null, skeleton: async () => undefined, context: async () => [] } as unknown as Base;
      expect(await threadMayMatter(added, [], rules, none)).toBe(false);
      // a change in the function just before the reader: on its own it reaches nothing...
      const three = 'static int syn_three(struct erofs_sb_info *sbi)\n{\n\tint err = 0;';
      const plain = await patchOf(before.replace(three, `${three.replace('0;', '-EIO;')}`));
      expect(await lookup(before, facts).may(plain)).toBe(false);
      const note = await patchOf(before.replace(three, `${three}\n\t/* "a note" on it */ pr_debug("n=%d\\n", sbi->n);`));
      expect(await lookup(before, facts).may(note)).toBe(false);
      // ...but a changed brace, or a comment left open, there could join it with the reader
      const open = await patchOf(before.replace(three, `${three}\n\t/* the rest is old:`));
      expect(await lookup(before, facts).may(open)).toBe(true);
      const brace = await patchOf(before.replace(three, `${three}\n\tif (!sbi) {\n\t\treturn -EINVAL;\n\t}`));
      expect(await lookup(before, facts).may(brace)).toBe(true);
    });
  });

  it('changes nothing a check reports, on every patch fixture of the repository, with and without a tree', async () => {
    const dirs = ['examples', 'test/fixtures/patch', 'test/fixtures/series', ...readdirSync(join(ROOT, 'rules')).map((r) => `rules/${r}/fixtures`)];
    const inputs = dirs.flatMap((d) =>
      readdirSync(join(ROOT, d))
        .filter((f) => /\.(patch|mbox|eml|diff)$/.test(f))
        .map((f) => join(ROOT, d, f)),
    );
    expect(inputs.length).toBeGreaterThan(50);
    const skipped: boolean[] = [];
    for (const tree of [undefined, KTREE]) {
      for (const input of inputs) {
        const on = await check([input], tree ? { tree } : {});
        const off = await check([input], { ...(tree ? { tree } : {}), noPrefilter: true });
        expect(seen(on), `${input} ${tree ? 'with' : 'without'} a tree`).toEqual(seen(off));
        skipped.push(...unparsed(on));
      }
    }
    // both paths were taken, or the comparison proves nothing
    expect(skipped.filter(Boolean).length).toBeGreaterThan(5);
    expect(skipped.filter((s) => !s).length).toBeGreaterThan(50);
  });
});
