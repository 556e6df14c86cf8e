// Golden tests for ingestion: mail in, model out. The golden files are a
// readable rendering of the PatchSeries; review them as the spec.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseInputText, readInputs, threadGroups } from '../../src/patch/input.js';
import { parseSubject } from '../../src/patch/subject.js';
import type { Patch, PatchSeries } from '../../src/patch/types.js';

const FIX = fileURLToPath(new URL('../fixtures/patch/', import.meta.url));

/** A compact, readable rendering of what ingestion made of an input. */
function render(s: PatchSeries): string {
  const out: string[] = [];
  for (const e of s.errors) out.push(`ERROR ${e.kind}: ${e.message}`);
  for (const p of s.patches) out.push(...renderPatch(p));
  return out.join('\n') + '\n';
}

function renderPatch(p: Patch): string[] {
  const pos = p.position;
  const out = [
    `PATCH ${JSON.stringify(p.subject)} v${pos.version} ${pos.index}/${pos.total}${pos.rfc ? ' RFC' : ''}${pos.tags.length ? ` tags=${pos.tags.join(',')}` : ''}${p.isCoverLetter ? ' COVER' : ''}`,
    `  from: ${p.from ?? '-'} | id: ${p.messageId ?? '-'} | in-reply-to: ${p.inReplyTo ?? '-'} | refs: ${p.references.join(' ') || '-'}`,
    `  start line ${p.startLine}, ${p.lineCount} lines${p.baseCommit ? `, base-commit ${p.baseCommit}` : ''}${p.commit ? `, commit ${p.commit.slice(0, 12)}` : ''}`,
    `  message: ${JSON.stringify(p.commitMessage.split('\n')[0] ?? '')}${p.commitMessage.includes('\n') ? ` (+${p.commitMessage.split('\n').length - 1} lines)` : ''}`,
  ];
  for (const t of p.trailers) out.push(`  trailer ${t.key}: ${t.value} (#${t.patchLine})`);
  if (p.notes) out.push(`  notes: ${JSON.stringify(p.notes.split('\n')[0])}`);
  for (const f of p.files) {
    out.push(
      `  FILE ${f.status} ${f.oldPath ?? '/dev/null'} -> ${f.newPath ?? '/dev/null'}${f.similarity !== undefined ? ` similarity=${f.similarity}%` : ''}${f.binary ? ' binary' : ''}${f.oldMode ? ` old=${f.oldMode}` : ''}${f.newMode ? ` new=${f.newMode}` : ''} (#${f.patchLine})`,
    );
    for (const h of f.hunks) {
      out.push(`    @@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@ ${h.section} (#${h.patchLine})`);
      for (const l of h.lines) out.push(`      ${l.kind === 'add' ? '+' : l.kind === 'del' ? '-' : ' '}#${l.patchLine} ${l.oldLine ?? '.'}/${l.newLine ?? '.'} ${JSON.stringify(l.text)}`);
    }
  }
  for (const e of p.errors) out.push(`  ERROR ${e.kind}: ${e.message}`);
  return out;
}

const cases = [
  'format-patch.patch',
  'raw.diff',
  'message.eml',
  'series.mbox',
  'qp.eml',
  'base64.eml',
  'flowed.eml',
  'rfc2047.eml',
  'latin2.eml',
  'crlf.patch',
  'multipart.eml',
  'quoted-diff.patch',
  'no-newline.patch',
  'renames.patch',
  'bad-counts.patch',
  'reply.eml',
  'empty.patch',
  'userspace.patch',
];

describe('ingestion golden files', () => {
  for (const name of cases) {
    it(name, async () => {
      const s = parseInputText(readFileSync(join(FIX, name)), name);
      await expect(render(s)).toMatchFileSnapshot(`./golden/${name}.txt`);
    });
  }
});

describe('what the golden files promise', () => {
  const one = (name: string): Patch => parseInputText(readFileSync(join(FIX, name)), name).patches[0]!;
  it('a diff quoted in the commit message is not a file', () => {
    expect(one('quoted-diff.patch').files.map((f) => f.newPath)).toEqual(['drivers/block/loop.c']);
  });
  it('quoted-printable, base64, format=flowed and CRLF give the same diff as the plain patch', () => {
    const plain = one('format-patch.patch').files[0]!.hunks[0]!.lines.map((l) => l.text);
    for (const n of ['base64.eml', 'crlf.patch', 'multipart.eml']) expect(one(n).files[0]!.hunks[0]!.lines.map((l) => l.text)).toEqual(plain);
    expect(one('qp.eml').files[0]!.hunks[0]!.lines.map((l) => l.text)).toEqual(plain);
    expect(one('flowed.eml').files[0]!.hunks[0]!.section).toBe('static int lo_read_simple(struct loop_device *lo, struct request *rq,');
  });
  it('decodes RFC 2047 words and 8bit latin-2', () => {
    expect(one('rfc2047.eml').subject).toBe('erofs: fix the “metabuf” comment (v2)');
    expect(one('rfc2047.eml').from).toBe('Jörg Müller <joerg@example.org>');
    expect(one('latin2.eml').commitMessage).toContain('Grüße aus Łódź');
  });
  it('orders a series by its subjects, puts the cover letter first and skips replies', () => {
    const s = parseInputText(readFileSync(join(FIX, 'series.mbox')), 'series.mbox');
    expect(s.patches.map((p) => `${p.position.index}/${p.position.total}${p.isCoverLetter ? ' cover' : ''}`)).toEqual(['0/3 cover', '1/3', '2/3', '3/3']);
    expect(s.errors).toEqual([]);
  });
  it('a hunk with a wrong count is one clear error and the next file is still read', () => {
    const p = one('bad-counts.patch');
    expect(p.errors.map((e) => e.oneLine())).toEqual([
      'bad-counts.patch:21: fs/erofs/data.c: hunk at line 21 says 5 old and 6 new lines, found 2 and 3',
    ]);
    expect(p.files.map((f) => f.newPath)).toEqual(['fs/erofs/fileio.c']);
  });
  it('renames, copies, binaries, new and deleted files, mode changes', () => {
    expect(one('renames.patch').files.map((f) => `${f.status}:${f.oldPath}:${f.newPath}:${f.binary}`)).toEqual([
      'renamed:fs/erofs/old.c:fs/erofs/new.c:false',
      'copied:fs/erofs/a.h:fs/erofs/b.h:false',
      'modified:fs/erofs/logo.png:fs/erofs/logo.png:true',
      'added:null:fs/erofs/added.c:false',
      'deleted:fs/erofs/gone.c:null:false',
      'modified:scripts/erofs.sh:scripts/erofs.sh:false',
    ]);
  });
});

describe('subjects', () => {
  const cases: [string, string, string][] = [
    ['[PATCH v3 2/5] erofs: fix', 'erofs: fix', 'v3 2/5'],
    ['[RFC PATCH] fs: idea', 'fs: idea', 'v1 1/1 RFC'],
    ['[PATCH RFC v2 0/3] ovl: series', 'ovl: series', 'v2 0/3 RFC'],
    ['[PATCH net-next] net: x', 'net: x', 'v1 1/1 tags=net-next'],
    ['[Linux-cachefs] [PATCH 1/2] cachefiles: y', 'cachefiles: y', 'v1 1/2 tags=Linux-cachefs'],
    ['[PATCH 2/5 v3] erofs: late version', 'erofs: late version', 'v3 2/5'],
    ['Re: [PATCH -next] loop: z', 'loop: z', 'v1 1/1 tags=-next'],
    ['[PATCH RESEND] fuse: w', 'fuse: w', 'v1 1/1 tags=RESEND'],
    ['[PATCHv4 3/4] erofs: v4 glued', 'erofs: v4 glued', 'v4 3/4'],
  ];
  for (const [raw, subject, pos] of cases) {
    it(raw, () => {
      const s = parseSubject(raw);
      const p = s.position;
      expect(s.subject).toBe(subject);
      expect(`v${p.version} ${p.index}/${p.total}${p.rfc ? ' RFC' : ''}${p.tags.length ? ` tags=${p.tags.join(',')}` : ''}`).toBe(pos);
    });
  }
});

describe('series in an mbox', () => {
  const mail = (subject: string, id: string | undefined, refs: string[] = [], from = 'A <a@example.org>'): string =>
    [
      `From x@y Mon Sep 2 10:00:00 2024`,
      `From: ${from}`,
      `Subject: ${subject}`,
      ...(id ? [`Message-Id: <${id}>`] : []),
      ...(refs.length ? [`In-Reply-To: <${refs[refs.length - 1]}>`, `References: ${refs.map((r) => `<${r}>`).join(' ')}`] : []),
      '',
      'body',
      '---',
      'diff --git a/fs/x.c b/fs/x.c',
      '--- a/fs/x.c',
      '+++ b/fs/x.c',
      '@@ -1 +1 @@',
      '-a',
      '+b',
      '',
    ].join('\n');
  const groups = (...mails: string[]): string[][] =>
    threadGroups(parseInputText(mails.join('\n'), 'x.mbox').patches).map((g) => g.map((p) => `${p.position.version}:${p.position.index}/${p.position.total}`));

  it('a thread with a cover letter, and one without (send-email threads to patch 1)', () => {
    expect(groups(mail('[PATCH 0/2] s', 'c', []).replace(/---[\s\S]*/, ''), mail('[PATCH 1/2] s', 'p1', ['c']), mail('[PATCH 2/2] s', 'p2', ['c']))).toEqual([['1:0/2', '1:1/2', '1:2/2']]);
    expect(groups(mail('[PATCH 1/2] s', 'p1'), mail('[PATCH 2/2] s', 'p2', ['p1']))).toEqual([['1:1/2', '1:2/2']]);
  });
  it('an unthreaded series with Message-IDs (--no-thread) stays one series; lone patches and other versions do not join it', () => {
    expect(groups(mail('[PATCH 1/2] s', 'p1'), mail('[PATCH 2/2] s', 'p2'), mail('[PATCH] lone', 'l1'), mail('[PATCH v2 1/2] s', 'q1'), mail('[PATCH v2 2/2] s', 'q2', ['q1']))).toEqual([
      ['1:1/2', '1:2/2'],
      ['1:1/1'],
      ['2:1/2', '2:2/2'],
    ]);
  });
  it('two threads interleaved in an archive are two series, each in its own order', () => {
    const s = parseInputText([mail('[PATCH 2/2] a', 'a2', ['a1']), mail('[PATCH 1/2] b', 'b1', [], 'B <b@example.org>'), mail('[PATCH 1/2] a', 'a1'), mail('[PATCH 2/2] b', 'b2', ['b1'], 'B <b@example.org>')].join('\n'), 'x.mbox');
    expect(s.patches.map((p) => `${p.subject} ${p.position.index}`)).toEqual(['a 1', 'a 2', 'b 1', 'b 2']);
  });
});

describe('inputs', () => {
  it('reads a directory in series order and skips files that are not patches', async () => {
    const [r] = await readInputs(['series-dir'], { cwd: FIX });
    expect(r!.series.patches.map((p) => p.subject)).toEqual(['erofs: clear the mapping', 'erofs: comment the completion', 'erofs: document the name']);
    expect(r!.series.errors).toEqual([]);
  });
  it('reads stdin as "-"', async () => {
    const [r] = await readInputs(['-'], { cwd: FIX, stdin: Readable.from([readFileSync(join(FIX, 'format-patch.patch'))]) });
    expect(r!.series.patches[0]!.subject).toBe('loop: read through a helper');
  });
  it('reports a missing file and an empty one, and still reads the others', async () => {
    const r = await readInputs(['nope.patch', 'empty.patch', 'raw.diff'], { cwd: FIX });
    expect(r.map((x) => x.series.errors.map((e) => e.oneLine()))).toEqual([['nope.patch: no such file or directory'], ['empty.patch: is empty'], []]);
    expect(r[2]!.series.patches).toHaveLength(1);
  });

  it('reads git revisions: a..b, a single rev, rev-N; merges skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kreview-git-'));
    const git = (...a: string[]): string => execFileSync('git', ['-C', dir, '-c', 'user.name=T', '-c', 'user.email=t@example.org', ...a], { encoding: 'utf8' }).trim();
    git('init', '-q', '-b', 'main');
    const commit = (file: string, text: string, msg: string): void => {
      writeFileSync(join(dir, file), text);
      git('add', file);
      git('commit', '-q', '-m', msg);
    };
    commit('a.c', 'int a;\n', 'base');
    commit('a.c', 'int a;\nint b;\n', 'erofs: add b');
    git('checkout', '-q', '-b', 'side');
    commit('c.c', 'int c;\n', 'erofs: add c on a side branch');
    git('checkout', '-q', 'main');
    commit('a.c', 'int a;\nint b;\nint d;\n', 'erofs: add d');
    git('merge', '-q', '--no-edit', 'side');
    const subjects = async (spec: string): Promise<string[]> => (await readInputs([spec], { cwd: dir, git: true }))[0]!.series.patches.map((p) => p.subject);
    expect(await subjects('HEAD~3..HEAD')).toEqual(['erofs: add b', 'erofs: add c on a side branch', 'erofs: add d']);
    expect(await subjects('HEAD^')).toEqual(['erofs: add d']);
    expect(await subjects('HEAD-2')).toEqual(['erofs: add c on a side branch', 'erofs: add d']);
    const bad = await readInputs(['no-such-rev'], { cwd: dir, git: true });
    expect(bad[0]!.series.errors[0]!.kind).toBe('git');
  });
});

describe('errors name the line of the input', () => {
  const msg = (n: number, body: string): string =>
    `From dev@example.org Mon Sep 2 10:00:00 2024\nFrom: Dev <dev@example.org>\nSubject: [PATCH ${n}/3] erofs: change ${n}\nMessage-Id: <p${n}@example.org>\n\nWhy.\n\nSigned-off-by: Dev <dev@example.org>\n---\n${body}`;
  const good = 'diff --git a/fs/erofs/data.c b/fs/erofs/data.c\n--- a/fs/erofs/data.c\n+++ b/fs/erofs/data.c\n@@ -1,2 +1,3 @@ f\n a\n+b\n c\n';

  it('in an mbox, the line of the file, not of the message', async () => {
    const bad = good.replace('@@ -1,2 +1,3 @@', '@@ -1,5 +1,6 @@');
    const mbox = [msg(1, good), msg(2, good), msg(3, bad)].join('\n');
    const [{ series }] = await readInputs(['-'], { cwd: FIX, stdin: Readable.from([mbox]) });
    const err = series.patches.flatMap((p) => p.errors)[0]!;
    expect(err.line).toBeGreaterThan(30);
    expect(mbox.split('\n')[err.line! - 1]).toBe('@@ -1,5 +1,6 @@ f');
    expect(err.message).toContain(`hunk at line ${err.line} says 5 old`);
    // a single patch is its own file: the same numbers as before
    expect(parseInputText(msg(3, bad), 'one.patch').patches[0]!.errors[0]!.line).toBe(err.line! - mbox.split('\n').indexOf(msg(3, bad).split('\n')[0]!, 20));
  });

  it('a path holding a line break is refused in one line that names the input and its line', async () => {
    const { runCheck } = await import('../../src/engine/run.js');
    const dir = mkdtempSync(join(tmpdir(), 'kreview-nl-'));
    const nl = good.replaceAll('a/fs/erofs/data.c', '"a/fs/erofs/da\\nta.c"').replaceAll('b/fs/erofs/data.c', '"b/fs/erofs/da\\nta.c"');
    const mbox = [msg(1, good), msg(2, nl)].join('\n');
    writeFileSync(join(dir, 'nl.mbox'), mbox);
    const r = await runCheck({ inputs: [join(dir, 'nl.mbox')], cwd: dir, git: false, noTree: true, types: new Set(), ignore: new Set(), allow: new Map() });
    const errs = r.inputs[0]!.patches.flatMap((p) => p.errors);
    expect(errs.map((e) => e.oneLine())).toEqual([`${join(dir, 'nl.mbox')}:${mbox.split('\n').indexOf('diff --git "a/fs/erofs/da\\nta.c" "b/fs/erofs/da\\nta.c"') + 1}: path 'fs/erofs/da\\nta.c' holds a line break`]);
    // the other message is still checked
    expect(r.inputs[0]!.patches.map((p) => p.patch.subject)).toEqual(['erofs: change 1', 'erofs: change 2']);
  });
});
