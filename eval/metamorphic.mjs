#!/usr/bin/env node
// Metamorphic sweeps over a real kernel tree (issue 13): edits whose verdict is
// known without a label, made next to every line of the kernel the rules care
// about (credential switches, raw I/O, page-cache reads, checked entry points).
//
//   node eval/metamorphic.mjs --kernel /work/ext/linux-source-6.12 --out /work/ext/meta-out
//
// Neutral edits must draw no counted finding:
//   insert  a pr_debug() before the line            (-U1, -U3, -U10)
//   touch   a comment appended to the line          (-U1, -U3, -U10)
//   spread  a pr_debug() at up to six places in each function holding such a line
//   rename  a static function holding such a line renamed, with its uses in the file
//   rename-ext  a function of external linkage renamed in every .c/.h of its directory
//   guard   in a function with one switch and one revert, a guarded `goto` to a
//           label between them, right after the switch (the revert still runs)
//   early   in such a function, a guarded early return right before the switch
// and two edits are a bug every time:
//   drop    the only revert of a function with one switch and one revert deleted:
//           must draw a counted BACKING_FILE_CREDS finding
//   leak    in such a function, a guarded early return right after the switch
//           (the function is left switched): must draw one too
// Each set is checked without a tree (patch-only, the embedded model) and with
// the kernel as the tree (cwd in the kernel, pre-images by blob id), with the
// built CLI as a user runs it. Options: --kreview PATH (default this checkout's
// dist/bin/kreview.cjs), --sets insert,touch,... , --modes no-tree,tree,
// --contexts 1,3,10. No kernel text is written anywhere but OUT.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const INTERESTING = 'override_creds|ovl_override_creds|cachefiles_begin_secure|revert_creds|scoped_with_creds|with_creds|->read_iter\\(|->write_iter\\(|->splice_read\\(|->splice_write\\(|rw_verify_area|read_mapping_folio|read_mapping_page|filemap_get_folio|find_get_page|read_cache_page|__kernel_read|__kernel_write|->read_folio\\(|kernel_read\\(|kernel_write\\(|vfs_iter_read|vfs_iter_write|vfs_iocb_iter|backing_file_';
const DIRS = ['fs', 'drivers', 'kernel', 'mm', 'io_uring', 'security', 'net', 'block', 'lib'];

function parseArgv(argv) {
  const o = { kreview: join(HERE, '..', 'dist', 'bin', 'kreview.cjs'), sets: ['insert', 'touch', 'spread', 'rename', 'rename-ext', 'guard', 'early', 'drop', 'leak'], modes: ['no-tree', 'tree'], contexts: [1, 3, 10] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) die(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--kernel') o.kernel = resolve(val());
    else if (a === '--out') o.out = resolve(val());
    else if (a === '--kreview') o.kreview = resolve(val());
    else if (a === '--sets') o.sets = val().split(',');
    else if (a === '--modes') o.modes = val().split(',');
    else if (a === '--contexts') o.contexts = val().split(',').map(Number);
    else die(`unknown option ${a}`);
  }
  if (!o.kernel || !o.out) die('--kernel and --out are required');
  return o;
}

function die(msg) {
  process.stderr.write(`metamorphic: ${msg}\n`);
  process.exit(2);
}

const blob = (t) => createHash('sha1').update(`blob ${Buffer.byteLength(t)}\0`).update(t).digest('hex');

/** git diff --no-index of two texts, from the first hunk on. */
function hunksOf(before, after, ctx, tmp) {
  writeFileSync(join(tmp, 'a.c'), before);
  writeFileSync(join(tmp, 'b.c'), after);
  const r = spawnSync('git', ['diff', '--no-index', `-U${ctx}`, join(tmp, 'a.c'), join(tmp, 'b.c')], { maxBuffer: 1 << 26, encoding: 'utf8' });
  return r.stdout.slice(r.stdout.indexOf('@@'));
}

function patchText(file, before, after, hunks, subject, more = '') {
  const adds = (hunks.match(/^\+/gm) || []).length;
  const dels = (hunks.match(/^-/gm) || []).length;
  return `From ${'0'.repeat(40)} Mon Sep 17 00:00:00 2001
From: Metamorphic Editor <meta@example.org>
Date: Tue, 1 Dec 2026 09:00:00 +0000
Subject: [PATCH] ${file.split('/').slice(-2, -1)[0]}: ${subject}

${subject}.

Signed-off-by: Metamorphic Editor <meta@example.org>
---
 ${file} | ${adds + dels}
 1 file changed, ${adds} insertions(+), ${dels} deletions(-)

diff --git a/${file} b/${file}
index ${blob(before).slice(0, 12)}..${blob(after).slice(0, 12)} 100644
--- a/${file}
+++ b/${file}
${hunks}${more}-- 
2.47.0

`;
}

/** The function (its `{` and `}` lines at column 0, 0-based) around a line. */
function around(lines, l) {
  let a = l;
  while (a > 0 && lines[a] !== '{') a--;
  let b = l;
  while (b < lines.length && lines[b] !== '}') b++;
  return [a, b];
}

/** May a statement go right before line L (1-based) at its indentation? */
function insertable(lines, L) {
  const cur = lines[L - 1] ?? '';
  const prev = lines[L - 2] ?? '';
  if (!/^\t+\S/.test(cur) || /^\s*(else\b|\}|case\b|default\b|#|\w+:\s*$)/.test(cur)) return false;
  if (!(/[;{]\s*$/.test(prev) || /^\s*$/.test(prev) || /^\s*\}\s*$/.test(prev))) return false;
  // declarations stay first
  if (/^\t(const |struct |unsigned |int |long |char |bool |u\d+ |size_t |ssize_t |loff_t )/.test(cur) && /;\s*$/.test(prev) && /^\t(const |struct |unsigned |int |long |char |bool |u\d+ |size_t |ssize_t |loff_t )/.test(prev)) return false;
  return true;
}

function* edits(set, kernel, hits, read) {
  const seen = new Set();
  for (const [file, L] of hits) {
    const text = read(file);
    const lines = text.split('\n');
    if (set === 'insert' || set === 'touch' || set === 'spread') {
      let at = [L];
      if (set === 'spread') {
        const [a, b] = around(lines, L - 1);
        if (seen.has(`${file}:${a}`) || b - a > 400) continue;
        seen.add(`${file}:${a}`);
        const cand = [];
        for (let i = a + 2; i < b; i++) if (insertable(lines, i + 1)) cand.push(i + 1);
        const k = Math.min(6, cand.length);
        at = [...Array(k).keys()].map((j) => cand[Math.floor((j * cand.length) / k)]);
      }
      for (const x of at) {
        if (seen.has(`${file}:${x}`)) continue;
        seen.add(`${file}:${x}`);
        const cur = lines[x - 1];
        if (set === 'touch') {
          if (!/^\t+\S/.test(cur) || /\/\*|\/\/|\\$/.test(cur) || cur.length > 90) continue;
          yield { file, text, after: [...lines.slice(0, x - 1), `${cur} /* reviewed */`, ...lines.slice(x)].join('\n'), subject: `note that line ${x} was reviewed`, where: `${file}:${x}` };
        } else {
          if (!insertable(lines, x)) continue;
          const ind = /^\t+/.exec(cur)[0];
          yield { file, text, after: [...lines.slice(0, x - 1), `${ind}pr_debug("%s: here\\n", __func__);`, ...lines.slice(x - 1)].join('\n'), subject: `say where we are at line ${x}`, where: `${file}:${x}` };
        }
      }
    } else if (set === 'guard' || set === 'early' || set === 'leak') {
      const [a, b] = around(lines, L - 1);
      if (seen.has(`${file}:${a}`)) continue;
      seen.add(`${file}:${a}`);
      const one = oneSwitch(lines, a, b);
      if (!one) continue;
      const { S, R } = one;
      const ind = /^\t+/.exec(lines[S - 1])?.[0];
      if (!ind) continue;
      // the function's return type, for a return statement that compiles
      let h = a - 1;
      while (h > 0 && /^\s/.test(lines[h])) h--;
      const sig = lines.slice(h, a).join(' ');
      const value = /^(static\s+)?(inline\s+)?void\s/.test(sig) && !/\*/.test(sig.split('(')[0]) ? '' : /\*\s*\w+\s*\(/.test(sig.split('(')[0] + '(') ? ' ERR_PTR(-EINTR)' : ' -EINTR';
      const cond = `${ind}if (unlikely(fatal_signal_pending(current)))`;
      if (set === 'guard') {
        // a label after the switch, at or before the revert, with nothing but the revert path below it
        let lab;
        for (let i = S; i < R - 1; i++) if (/^[a-z_]\w*:\s*$/.test(lines[i])) lab = lines[i].replace(/:\s*$/, '');
        if (!lab || /;\s*$/.test(lines[S - 1]) === false) continue;
        yield { file, text, after: [...lines.slice(0, S), cond, `${ind}\tgoto ${lab};`, ...lines.slice(S)].join('\n'), subject: `bail out on a fatal signal (goto ${lab})`, where: `${file}:${S + 1}` };
      } else if (set === 'early') {
        if (!insertable(lines, S)) continue;
        yield { file, text, after: [...lines.slice(0, S - 1), cond, `${ind}\treturn${value};`, ...lines.slice(S - 1)].join('\n'), subject: 'bail out on a fatal signal first', where: `${file}:${S}` };
      } else {
        // right after the switch statement, at its level, before the revert
        if (!/;\s*$/.test(lines[S - 1]) || R <= S + 1) continue;
        yield { file, text, after: [...lines.slice(0, S), cond, `${ind}\treturn${value};`, ...lines.slice(S)].join('\n'), subject: 'bail out on a fatal signal', where: `${file}:${S + 1}` };
      }
    } else if (set === 'rename-ext') {
      const [a] = around(lines, L - 1);
      if (seen.has(`${file}:${a}`)) continue;
      seen.add(`${file}:${a}`);
      let s = a - 1;
      while (s > 0 && /^\s/.test(lines[s])) s--;
      const sig = lines.slice(s, a).join(' ');
      if (/^static\b/.test(sig) || /^#/.test(sig)) continue;
      const name = /^[a-z_][\w \t*]*?\b([a-z_]\w*)\s*\(/.exec(sig)?.[1];
      // (the VFS's own check renamed is a VFS-wide change every raw call's verdict rests on: not neutral)
      if (!name || name.length < 6 || /^(rw|remap)_verify_area$/.test(name)) continue;
      const dir = file.slice(0, file.lastIndexOf('/'));
      const users = execFileSync('git', ['-C', kernel, 'grep', '-l', '-w', name, '--', `${dir}/*.c`, `${dir}/*.h`], { encoding: 'utf8' }).trim().split('\n').filter((f) => f && f !== file && !f.slice(dir.length + 1).includes('/'));
      const others = users.map((f) => ({ file: f, text: read(f), after: read(f).replace(new RegExp(`\\b${name}\\b`, 'g'), `${name}_one`) }));
      yield { file, text, after: text.replace(new RegExp(`\\b${name}\\b`, 'g'), `${name}_one`), others, subject: `rename ${name}()`, where: `${file}:${s + 1} ${name}` };
    } else if (set === 'rename' || set === 'drop') {
      const [a, b] = around(lines, L - 1);
      if (seen.has(`${file}:${a}`)) continue;
      seen.add(`${file}:${a}`);
      if (set === 'rename') {
        let s = a - 1;
        while (s > 0 && /^\s/.test(lines[s])) s--;
        const name = /^static\b[^(]*?\b([a-z_]\w*)\s*\(/.exec(lines.slice(s, a).join(' '))?.[1];
        if (!name || name.length < 4) continue;
        const after = text.replace(new RegExp(`\\b${name}\\b`, 'g'), `${name}_one`);
        if (after !== text) yield { file, text, after, subject: `rename ${name}()`, where: `${file}:${s + 1} ${name}` };
      } else {
        const one = oneSwitch(lines, a, b);
        if (!one) continue;
        const { R } = one;
        yield { file, text, after: [...lines.slice(0, R - 1), ...lines.slice(R)].join('\n'), subject: 'drop a line', where: `${file}:${R} ${lines[R - 1].trim()}` };
      }
    }
  }
}

/**
 * A function (between lines a and b, 0-based) with one credential switch
 * and one revert after it, the switch a statement of its own: their 1-based lines.
 */
function oneSwitch(lines, a, b) {
  const body = lines.slice(a, b);
  const sws = body.map((l, i) => [l, i]).filter(([l]) => /\b(override_creds|ovl_override_creds|cachefiles_begin_secure)\s*\(/.test(l) && !/^\s*(\*|\/\/)/.test(l));
  const rvs = body.map((l, i) => [l, i]).filter(([l]) => /^\s*(revert_creds|ovl_revert_creds|cachefiles_end_secure)\s*\([^;]*\);\s*$/.test(l));
  if (sws.length !== 1 || rvs.length !== 1 || /return\s+.*override_creds/.test(sws[0][0])) return undefined;
  const S = a + sws[0][1] + 1;
  const R = a + rvs[0][1] + 1;
  return R > S ? { S, R } : undefined;
}

function runChecks(o, dir, names, mode) {
  const found = new Map();
  for (let i = 0; i < names.length; i += 60) {
    const batch = names.slice(i, i + 60).map((n) => join(dir, n));
    const r = spawnSync(process.execPath, [o.kreview, 'check', ...(mode === 'no-tree' ? ['--no-tree'] : []), '--format', 'json', ...batch], {
      cwd: mode === 'tree' ? o.kernel : dir,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      env: { ...process.env, HOME: join(o.out, 'home'), KREVIEW_CACHE_DIR: join(o.out, 'cache') },
    });
    let j;
    try {
      j = JSON.parse(r.stdout);
    } catch {
      die(`${dir}: kreview gave no JSON (exit ${r.status}): ${r.stderr.split('\n')[0]}`);
    }
    for (const inp of j.inputs) {
      if (inp.errors?.length) die(`${inp.input}: ${inp.errors[0].message}`);
      for (const p of inp.patches) for (const f of p.findings) if ((f.status === 'introduced' || f.status === 'moved') && f.level !== 'CHECK') {
        const k = inp.input.replace(/.*\//, '');
        found.set(k, [...(found.get(k) ?? []), f]);
      }
    }
  }
  return found;
}

const o = parseArgv(process.argv.slice(2));
rmSync(o.out, { recursive: true, force: true });
mkdirSync(join(o.out, 'home'), { recursive: true });
const tmp = join(o.out, 'tmp');
mkdirSync(tmp);
const grep = execFileSync('git', ['-C', o.kernel, 'grep', '-n', '-E', INTERESTING, '--', ...DIRS], { maxBuffer: 1 << 28, encoding: 'utf8' }).trim().split('\n');
const hits = grep.map((h) => /^([^:]+\.c):(\d+):/.exec(h)).filter(Boolean).map((m) => [m[1], +m[2]]);
const cache = new Map();
const read = (f) => cache.get(f) ?? (cache.set(f, readFileSync(join(o.kernel, f), 'utf8')), cache.get(f));
let bad = 0;
process.stdout.write(`kernel ${o.kernel}: ${hits.length} interesting lines\n`);
for (const set of o.sets) {
  for (const ctx of set === 'insert' || set === 'touch' ? o.contexts : [3]) {
    const dir = join(o.out, `${set}-U${ctx}`);
    mkdirSync(dir);
    const where = new Map();
    let n = 0;
    for (const e of edits(set, o.kernel, hits, read)) {
      const name = `${String(++n).padStart(5, '0')}.patch`;
      const more = (e.others ?? []).map((x) => `diff --git a/${x.file} b/${x.file}\nindex ${blob(x.text).slice(0, 12)}..${blob(x.after).slice(0, 12)} 100644\n--- a/${x.file}\n+++ b/${x.file}\n${hunksOf(x.text, x.after, ctx, tmp)}`).join('');
      writeFileSync(join(dir, name), patchText(e.file, e.text, e.after, hunksOf(e.text, e.after, ctx, tmp), e.subject, more));
      where.set(name, e.where);
    }
    for (const mode of o.modes) {
      const found = runChecks(o, dir, [...where.keys()], mode);
      if (set === 'drop' || set === 'leak') {
        const missed = [...where.keys()].filter((k) => !(found.get(k) ?? []).some((f) => f.type === 'BACKING_FILE_CREDS'));
        process.stdout.write(`${set}-U${ctx} ${mode}: ${n - missed.length} of ${n} reported\n`);
        for (const k of missed) process.stdout.write(`  missed ${k}: ${where.get(k)}\n`);
      } else {
        const wrong = [...found.keys()];
        bad += wrong.length;
        process.stdout.write(`${set}-U${ctx} ${mode}: ${n} patches, ${wrong.length} with a counted finding\n`);
        for (const k of wrong) for (const f of found.get(k)) process.stdout.write(`  ${k} (${where.get(k)}): ${f.type} ${f.file}:${f.line} ${f.message.slice(0, 140)}\n`);
      }
    }
  }
}
rmSync(tmp, { recursive: true, force: true });
process.exit(bad ? 1 : 0);
