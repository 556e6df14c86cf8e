#!/usr/bin/env node
// Generates the labelled mutation set from a kernel tree:
//
//   node eval/generate.mjs --kernel /work/ext/linux-source-6.12 --out /work/ext/eval-out
//
// It makes its own scratch repository (a bare `git clone --shared` of the
// kernel in OUT/kernel.git; the kernel tree itself is only read), applies each
// case's edits (eval/cases/*.json) as commits on branch eval/<id> from the
// kernel's HEAD, writes the case with `git format-patch --base` into
// OUT/cases/<id>/, and writes OUT/cases/<id>/expected.json with every expected
// finding resolved to the post-image file:line the generator put it at.
// Then it checks that every case's patches apply with `git am` on the base
// and give the same tree as the case's branch.
//
// Options: --cases DIR (default eval/cases), --only ID[,ID...], --no-am-check,
// --assign-splits (write a split into every case file entry that has none),
// --list (print the cases and their splits, generate nothing).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyEdit, EditError, markLines, parseDoc, renderDoc, authorLine } from './lib/edit.mjs';
import { ensureWorktree, git, gitIn, identityEnv, IDENT } from './lib/git.mjs';
import { checkShapes } from './lib/shape-check.mjs';
import { assignSplits, readCaseFiles, validateCase, isPositive, splitBalance } from './lib/cases.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const BASE_DATE = Date.UTC(2026, 11, 1, 9, 0, 0) / 1000;

function parseArgv(argv) {
  const o = { cases: join(HERE, 'cases'), only: null, amCheck: true, assign: false, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) die(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--kernel') o.kernel = resolve(val());
    else if (a === '--out') o.out = resolve(val());
    else if (a === '--cases') o.cases = resolve(val());
    else if (a === '--only') o.only = new Set(val().split(','));
    else if (a === '--no-am-check') o.amCheck = false;
    else if (a === '--assign-splits') o.assign = true;
    else if (a === '--list') o.list = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 20).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
      process.exit(0);
    } else die(`unknown argument ${a}`);
  }
  return o;
}

function die(msg) {
  process.stderr.write(`generate: ${msg}\n`);
  process.exit(2);
}

/** The scratch repository: a bare shared clone, never the kernel tree itself. */
function scratchRepo(kernel, out) {
  const repo = join(out, 'kernel.git');
  if (!existsSync(repo)) {
    mkdirSync(out, { recursive: true });
    execFileSync('git', ['clone', '-q', '--bare', '--shared', '--no-tags', kernel, repo], { stdio: ['ignore', 'ignore', 'pipe'] });
    git(repo, ['config', 'core.abbrev', '12']);
    git(repo, ['config', 'gc.auto', '0']);
  }
  const base = execFileSync('git', ['-C', kernel, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  git(repo, ['cat-file', '-e', `${base}^{commit}`]);
  return { repo, base };
}

/** Build one case's commits; returns { tip, commits, resolved marks per patch }. */
function buildCase(repo, base, c, readBase) {
  const docs = new Map(); // path -> doc (state after the patches so far)
  const snapshots = []; // per patch: Map(mark -> [{file, line}])
  const postTexts = []; // per patch: Map(path -> text after the patch)
  const index = join(repo, `eval-index-${process.pid}`);
  const env = { GIT_INDEX_FILE: index };
  git(repo, ['read-tree', base], { env });
  let parent = base;
  const commits = [];
  c.patches.forEach((p, pi) => {
    const touched = new Set();
    for (const e of p.edits) {
      const where = `${c.id}: patch ${pi + 1}: ${e.file}: ${e.op}`;
      try {
        if (e.op === 'new-file') {
          if (docs.has(e.file) || readBase(e.file) !== null) throw new EditError('new-file: the file already exists');
          const doc = parseDoc('');
          doc.endsWithNewline = true;
          doc.lines = e.lines.map((s) => authorLine(s, ''));
          docs.set(e.file, doc);
        } else {
          if (!docs.has(e.file)) {
            const text = readBase(e.file);
            if (text === null) throw new EditError('the file is not in the base tree');
            docs.set(e.file, parseDoc(text));
          }
          applyEdit(docs.get(e.file), e);
        }
      } catch (err) {
        if (err instanceof EditError) throw new Error(`${where}: ${err.message}`);
        throw err;
      }
      touched.add(e.file);
    }
    const info = [];
    for (const f of touched) {
      const sha = git(repo, ['hash-object', '-w', '--stdin'], { input: renderDoc(docs.get(f)) }).trim();
      info.push(`100644 ${sha}\t${f}`);
    }
    git(repo, ['update-index', '--add', '--index-info'], { env, input: info.join('\n') + '\n' });
    const tree = git(repo, ['write-tree'], { env }).trim();
    const msg = `${p.subject}\n\n${(p.body ?? '').trim()}\n\nSigned-off-by: ${IDENT.name} <${IDENT.email}>\n`;
    const commit = git(repo, ['commit-tree', tree, '-p', parent, '-F', '-'], {
      input: msg,
      env: identityEnv(BASE_DATE + pi * 60),
    }).trim();
    commits.push(commit);
    parent = commit;
    const snap = new Map();
    for (const [f, doc] of docs)
      for (const [m, ls] of markLines(doc, { expand: true })) {
        if (!snap.has(m)) snap.set(m, []);
        for (const line of ls) snap.get(m).push({ file: f, line });
      }
    snapshots.push(snap);
    postTexts.push(new Map([...docs].map(([f, doc]) => [f, renderDoc(doc)])));
  });
  rmSync(index, { force: true });
  git(repo, ['update-ref', `refs/heads/eval/${c.id}`, parent]);
  return { tip: parent, commits, snapshots, postTexts };
}

/**
 * Where an expectation may be reported: for each patch it names (`patch`, a
 * number or a list; default the first patch where one of its marks is
 * placed), the post-image lines of its marks in that patch.
 */
function resolveAt(c, snapshots, x, what) {
  let patches = x.patch === undefined ? [] : Array.isArray(x.patch) ? x.patch : [x.patch];
  if (patches.length === 0) {
    const first = snapshots.findIndex((s) => x.at.some((m) => s.has(m))) + 1;
    if (first === 0) throw new Error(`${c.id}: ${what}: none of the marks ${x.at.join(', ')} is ever placed`);
    patches = [first];
  }
  const alts = [];
  for (const patch of patches) {
    if (!Number.isInteger(patch) || patch < 1 || patch > snapshots.length) throw new Error(`${c.id}: ${what}: no patch ${patch}`);
    const snap = snapshots[patch - 1];
    const present = x.at.filter((m) => snap.has(m));
    // With one patch named, every mark must be there; with several, each patch needs one.
    if (patches.length === 1 && present.length !== x.at.length) throw new Error(`${c.id}: ${what}: mark ${x.at.find((m) => !snap.has(m))} is not in the post-image of patch ${patch}`);
    if (present.length === 0) throw new Error(`${c.id}: ${what}: none of its marks is in the post-image of patch ${patch}`);
    const byFile = new Map();
    for (const m of present)
      for (const pl of snap.get(m)) {
        if (!byFile.has(pl.file)) byFile.set(pl.file, new Set());
        byFile.get(pl.file).add(pl.line);
      }
    alts.push({
      patch,
      places: [...byFile].map(([file, set]) => ({ file, lines: [...set].sort((a, b) => a - b) })).sort((a, b) => (a.file < b.file ? -1 : 1)),
    });
  }
  return alts;
}

function writeCase(repo, base, c, built, outDir) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const args = ['format-patch', '-q', `--base=${base}`, `-U${c.context ?? 3}`, '--signature=kreview-eval', '-o', outDir];
  if (c.cover) args.push('--cover-letter');
  if (c.patches.length === 1) args.push('-1', built.tip);
  else args.push(`${base}..${built.tip}`);
  git(repo, args, { env: identityEnv(BASE_DATE) });
  const files = readdirSync(outDir).filter((f) => f.endsWith('.patch')).sort();
  if (c.cover) {
    const cl = join(outDir, files[0]);
    const text = readFileSync(cl, 'utf8')
      .replace('*** SUBJECT HERE ***', c.cover.subject)
      .replace('*** BLURB HERE ***', (c.cover.body ?? '').trim());
    writeFileSync(cl, text);
  }
  const patchFiles = c.cover ? files.slice(1) : files;
  if (patchFiles.length !== c.patches.length) throw new Error(`${c.id}: format-patch wrote ${patchFiles.length} patches for ${c.patches.length}`);
  const post = (i, path) => (built.postTexts[i].get(path) ?? '').split('\n');
  const shapeProblems = checkShapes(c, patchFiles.map((f) => readFileSync(join(outDir, f), 'utf8')), post);
  if (shapeProblems.length) throw new Error(`${c.id}: ${shapeProblems.join('; ')}`);
  const findings = (c.expect ?? []).map((x, i) => {
    const alts = resolveAt(c, built.snapshots, x, `expect #${i + 1}`);
    return { type: x.type, required: x.required, status: x.status ?? null, alts, marks: x.at, why: x.why };
  });
  const negatives = (c.negatives ?? [])
    .filter((n) => n.at && n.at.length)
    .map((n, i) => {
      const alts = resolveAt(c, built.snapshots, n, `negative #${i + 1}`);
      return { alts, marks: n.at, why: n.why };
    });
  const expected = {
    id: c.id,
    split: c.split,
    subsystem: c.subsystem,
    classes: c.classes,
    shapes: c.shapes,
    positive: isPositive(c),
    description: c.description,
    base,
    tip: built.tip,
    commits: built.commits,
    context: c.context ?? 3,
    cover: c.cover ? files[0] : null,
    patches: patchFiles.map((f, i) => ({ index: i + 1, file: f, subject: c.patches[i].subject })),
    findings,
    negatives,
    expectExit: findings.some((f) => f.required) ? 1 : findings.length ? 'either' : 0,
  };
  writeFileSync(join(outDir, 'expected.json'), JSON.stringify(expected, null, 2) + '\n');
  return expected;
}

/** `git am` every case's patches on the base and compare the result with the case's branch. */
function amCheck(repo, base, out, expectedList) {
  const wt = ensureWorktree(repo, join(out, 'work', 'tip'), base);
  const bad = [];
  for (const x of expectedList) {
    gitIn(wt, ['checkout', '-q', '-f', '--detach', base]);
    gitIn(wt, ['reset', '-q', '--hard', base]);
    const dir = join(out, 'cases', x.id);
    try {
      gitIn(wt, ['am', '-q', '--keep-cr', ...x.patches.map((p) => join(dir, p.file))], { env: identityEnv(BASE_DATE) });
      const got = gitIn(wt, ['rev-parse', 'HEAD^{tree}']).trim();
      const want = git(repo, ['rev-parse', `${x.tip}^{tree}`]).trim();
      if (got !== want) bad.push(`${x.id}: git am gives tree ${got}, the branch has ${want}`);
    } catch (err) {
      bad.push(`${x.id}: git am failed: ${err.message.split('\n')[0]}`);
      try {
        gitIn(wt, ['am', '--abort']);
      } catch {
        /* nothing to abort */
      }
    }
  }
  gitIn(wt, ['checkout', '-q', '-f', '--detach', base]);
  return bad;
}

function main() {
  const o = parseArgv(process.argv.slice(2));
  const caseFiles = readCaseFiles(o.cases);
  const all = caseFiles.flatMap((f) => f.cases);
  const problems = all.flatMap(validateCase);
  const seen = new Set();
  for (const c of all) {
    if (seen.has(c.id)) problems.push(`duplicate case id ${c.id}`);
    seen.add(c.id);
  }
  if (problems.length) die(`${problems.length} problem(s) in the cases:\n  ${problems.join('\n  ')}`);

  if (o.assign) {
    const assigned = assignSplits(all);
    for (const f of caseFiles) writeFileSync(f.file, JSON.stringify({ subsystem: f.subsystem, cases: f.cases }, null, 2) + '\n');
    process.stdout.write(`assigned a split to ${assigned.length} case(s)\n`);
    for (const [k, v] of [...splitBalance(all)].sort()) process.stdout.write(`  ${k.padEnd(48)} tune ${v.tune}  holdout ${v.holdout}\n`);
    return;
  }
  // A case being written has no split yet: --only may build it (to check its
  // anchors and read its diff) before --assign-splits places it.
  const unsplit = all.filter((c) => !c.split && (!o.only || !o.only.has(c.id)));
  if (unsplit.length) die(`${unsplit.length} case(s) without a split (run with --assign-splits): ${unsplit.slice(0, 5).map((c) => c.id).join(', ')}`);
  if (o.list) {
    for (const c of all) process.stdout.write(`${(c.split ?? "-").padEnd(8)} ${c.subsystem.padEnd(12)} ${c.id}\n`);
    return;
  }
  if (!o.kernel || !o.out) die('usage: generate.mjs --kernel KERNEL --out OUT');

  const { repo, base } = scratchRepo(o.kernel, o.out);
  const cache = new Map();
  const readBase = (path) => {
    if (!cache.has(path)) {
      let text = null;
      try {
        text = git(repo, ['cat-file', 'blob', `${base}:${path}`]);
      } catch {
        text = null;
      }
      cache.set(path, text);
    }
    return cache.get(path);
  };
  const selected = all.filter((c) => !o.only || o.only.has(c.id));
  const failures = [];
  const expectedList = [];
  for (const c of selected) {
    try {
      const built = buildCase(repo, base, c, readBase);
      expectedList.push(writeCase(repo, base, c, built, join(o.out, 'cases', c.id)));
    } catch (err) {
      failures.push(err.message);
    }
  }
  if (failures.length) {
    process.stderr.write(`generate: ${failures.length} case(s) failed:\n  ${failures.join('\n  ')}\n`);
    process.exit(1);
  }
  if (!o.only) {
    // Drop cases that no longer exist, so the out dir is exactly the set.
    const dir = join(o.out, 'cases');
    for (const d of readdirSync(dir)) if (!seen.has(d)) rmSync(join(dir, d), { recursive: true, force: true });
  }
  ensureWorktree(repo, join(o.out, 'work', 'base'), base);
  if (o.amCheck) {
    const bad = amCheck(repo, base, o.out, expectedList);
    if (bad.length) {
      process.stderr.write(`generate: ${bad.length} case(s) do not apply with git am:\n  ${bad.join('\n  ')}\n`);
      process.exit(1);
    }
  }
  const manifest = {
    kernel: o.kernel,
    base,
    repo,
    baseCheckout: join(o.out, 'work', 'base'),
    tipCheckout: join(o.out, 'work', 'tip'),
    cases: expectedList.map((x) => ({ id: x.id, split: x.split, dir: join('cases', x.id) })),
  };
  // --only adds its cases to the manifest already there (or starts one), so
  // a new round can be generated and scored without rebuilding the rest
  const manifestPath = join(o.out, 'manifest.json');
  if (o.only && existsSync(manifestPath)) {
    const old = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (old.base === base) {
      const mine = new Set(manifest.cases.map((x) => x.id));
      manifest.cases = [...old.cases.filter((x) => !mine.has(x.id) && existsSync(join(o.out, x.dir))), ...manifest.cases];
    }
  }
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  const pos = expectedList.filter((x) => x.positive).length;
  process.stdout.write(`generated ${expectedList.length} case(s) (${pos} positive, ${expectedList.length - pos} negative) in ${o.out}${o.amCheck ? '; every case applies with git am' : ''}\n`);
}

main();
