#!/usr/bin/env node
// Scores kreview on the generated set, as a user runs it: the built CLI,
// `check --format json`, in up to three modes per case:
//
//   no-tree  `check --no-tree PATCHES` (patch text + embedded model)
//   tree     `check PATCHES` with cwd a checkout of the scratch kernel at the
//            base commit (the patches' base-commit: is in that repository)
//   git      series only: `check --git BASE..TIP` with cwd at the case's tip
//
//   node eval/score.mjs --split tune|holdout|all [--out /work/ext/eval-out]
//        [--kreview dist/bin/kreview.cjs] [--modes no-tree,tree,git]
//        [--strip-base] [--details] [--json FILE] [--jobs N] [--only ID,...]
//
// --strip-base runs the tree mode on copies of the patches without their
// base-commit: line (written under OUT/stripped/). For the holdout half only
// aggregate tables are printed (no case ids, no finding text) unless
// --details is given; for tune every false positive and false negative is
// listed with its case and the finding's text.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aggregate, findingsFromJson, matchCase, exitAgrees } from './lib/match.mjs';
import { TYPES } from './lib/cases.mjs';
import { ensureWorktree, git, gitIn } from './lib/git.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
const MODES = ['no-tree', 'tree', 'git'];
const TIMEOUT_MS = 10 * 60 * 1000;

function die(msg) {
  process.stderr.write(`score: ${msg}\n`);
  process.exit(2);
}

function parseArgv(argv) {
  const o = {
    out: '/work/ext/eval-out',
    kreview: join(ROOT, 'dist/bin/kreview.cjs'),
    split: null,
    modes: MODES,
    stripBase: false,
    details: false,
    json: null,
    jobs: 2,
    only: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) die(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--out') o.out = resolve(val());
    else if (a === '--kreview') o.kreview = resolve(val());
    else if (a === '--split') o.split = val();
    else if (a === '--modes') o.modes = val().split(',');
    else if (a === '--strip-base') o.stripBase = true;
    else if (a === '--details') o.details = true;
    else if (a === '--json') o.json = resolve(val());
    else if (a === '--jobs') o.jobs = Math.max(1, parseInt(val(), 10) || 1);
    else if (a === '--only') o.only = new Set(val().split(','));
    else die(`unknown argument ${a}`);
  }
  if (!['tune', 'holdout', 'all'].includes(o.split)) die('--split tune|holdout|all is required');
  for (const m of o.modes) if (!MODES.includes(m)) die(`unknown mode ${m} (${MODES.join(', ')})`);
  if (!existsSync(o.kreview)) die(`${o.kreview}: no such file (build with npm ci, or pass --kreview)`);
  return o;
}

function runKreview(o, args, cwd) {
  return new Promise((res) => {
    const env = { ...process.env, KREVIEW_CACHE_DIR: join(o.out, 'cache'), HOME: join(o.out, 'home'), NO_COLOR: '1' };
    delete env.XDG_CACHE_HOME;
    const child = spawn(process.execPath, [o.kreview, 'check', '--format', 'json', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      res({ code: code ?? -1, signal, stdout, stderr });
    });
  });
}

/** A run's outcome: ok (a JSON report), no-output (nothing printed, exit 0), error. */
function classify(run) {
  if (run.signal) return { outcome: 'error', why: `killed by ${run.signal}`, findings: [] };
  if (run.stdout.trim() === '') return { outcome: run.code === 0 ? 'no-output' : 'error', why: run.stderr.trim().split('\n')[0] ?? '', findings: [] };
  let doc;
  try {
    doc = JSON.parse(run.stdout);
  } catch {
    return { outcome: 'error', why: 'stdout is not JSON', findings: [] };
  }
  if (run.code === 2 || run.code < 0) return { outcome: 'error', why: run.stderr.trim().split('\n')[0] ?? `exit ${run.code}`, findings: findingsFromJson(doc) };
  return { outcome: 'ok', why: '', findings: findingsFromJson(doc), reportMode: doc.mode ?? null };
}

function stripBaseCopy(o, x) {
  const dir = join(o.out, 'stripped', x.id);
  mkdirSync(dir, { recursive: true });
  const files = [x.cover, ...x.patches.map((p) => p.file)].filter(Boolean);
  for (const f of files) {
    const text = readFileSync(join(o.out, 'cases', x.id, f), 'utf8');
    writeFileSync(join(dir, f), text.replace(/^base-commit: [0-9a-f]+\n/m, '').replace(/^prerequisite-patch-id: [0-9a-f]+\n/gm, ''));
  }
  return files.map((f) => join(dir, f));
}

async function pool(items, n, fn) {
  let next = 0;
  const workers = Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  });
  await Promise.all(workers);
}

function pct(v) {
  return v === null ? '   -  ' : v.toFixed(3).padStart(6);
}

function table(title, rows, keyWidth = 30) {
  const lines = [`  ${title.padEnd(keyWidth)}  cases    tp    fp    fn  prec  recall`];
  for (const [k, b] of rows)
    lines.push(`  ${k.padEnd(keyWidth)} ${String(b.cases).padStart(6)} ${String(b.tp).padStart(5)} ${String(b.fp).padStart(5)} ${String(b.fn).padStart(5)} ${pct(b.precision)} ${pct(b.recall)}`);
  return lines.join('\n');
}

function report(mode, agg, label, results) {
  const t = agg.total;
  const w = agg.withOutput;
  const out = [];
  out.push(`== ${label}, mode ${mode}: ${t.cases} cases`);
  out.push(`  precision ${pct(t.precision)}   recall ${pct(t.recall)}   (tp ${t.tp}, fp ${t.fp}, fn ${t.fn}; duplicates ${t.dup}, optional matched ${t.opt})`);
  out.push(`  runs: ${agg.outcomes.ok} with a JSON report, ${agg.outcomes['no-output']} printed nothing and exited 0, ${agg.outcomes.error} errors`);
  const modes = {};
  for (const r of results) if (r.reportMode) modes[r.reportMode] = (modes[r.reportMode] ?? 0) + 1;
  const want = mode === 'no-tree' ? 'patch-only' : 'tree';
  const other = Object.entries(modes).filter(([m]) => m !== want);
  if (other.length) out.push(`  reports in another mode than ${want}: ${other.map(([m, n]) => `${n} ${m}`).join(', ')}`);
  if (agg.outcomes['no-output']) out.push(`  on the runs with a report only: precision ${pct(w.precision)}   recall ${pct(w.recall)}   (${w.cases} cases)`);
  out.push(`  exit status agrees with the labels: ${agg.exit.agree}/${agg.exit.of}`);
  out.push(`  negative cases with a false positive: ${t.negCasesWithFp}/${t.negCases}`);
  if (agg.statusMismatch) out.push(`  true positives with another status than labelled (moved/introduced): ${agg.statusMismatch}`);
  out.push(table('by class (TYPE)', TYPES.map((k) => [k, agg.byClass[k]])));
  out.push(table('by shape', Object.entries(agg.byShape)));
  out.push(table('by subsystem', Object.entries(agg.bySubsystem)));
  return out.join('\n');
}

function describeFinding(f) {
  return `${f.type} ${f.status} ${f.file}:${f.line} (patch ${f.patch}): ${f.message}${f.lineText ? `\n        | ${f.lineText}` : ''}`;
}

function detailLines(mode, results) {
  const out = [];
  for (const r of results) {
    const m = r.match;
    const head = `[${mode}] ${r.expected.id}`;
    if (r.outcome !== 'ok') out.push(`${head}: ${r.outcome} (exit ${r.status})${r.why ? `: ${r.why}` : ''}`);
    for (const fp of m.fps) out.push(`${head}: FP ${describeFinding(fp.finding)}${fp.negative ? `\n        look-alike: ${fp.negative}` : ''}${fp.note ? `\n        note: ${fp.note}` : ''}`);
    for (const fn of m.fns) {
      const pl = fn.label.alts.map((a) => `patch ${a.patch}: ${a.places.map((p) => `${p.file}:${p.lines.join(',')}`).join(' ')}`).join('; ');
      out.push(`${head}: FN ${fn.label.type} at ${pl}: ${fn.label.why}`);
    }
    for (const s of m.statusMismatch) out.push(`${head}: status ${s.finding.status}, labelled ${s.label.status}: ${describeFinding(s.finding)}`);
    if (!exitAgrees(r.expected.expectExit, r.status) && r.outcome === 'ok') out.push(`${head}: exit ${r.status}, labels say ${r.expected.expectExit}`);
  }
  return out;
}

async function main() {
  const o = parseArgv(process.argv.slice(2));
  const manifestPath = join(o.out, 'manifest.json');
  if (!existsSync(manifestPath)) die(`${manifestPath}: not found (run eval/generate.mjs first)`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const cases = manifest.cases
    .filter((c) => o.split === 'all' || c.split === o.split)
    .filter((c) => !o.only || o.only.has(c.id))
    .map((c) => JSON.parse(readFileSync(join(o.out, c.dir, 'expected.json'), 'utf8')));
  if (cases.length === 0) die('no cases selected');
  mkdirSync(join(o.out, 'home'), { recursive: true });
  const baseCo = ensureWorktree(manifest.repo, manifest.baseCheckout, manifest.base);
  if (gitIn(baseCo, ['rev-parse', 'HEAD']).trim() !== manifest.base) die(`${baseCo} is not at the base commit ${manifest.base}`);

  const results = Object.fromEntries(o.modes.map((m) => [m, []]));
  const started = Date.now();
  const jobs = [];
  for (const x of cases) {
    const dir = join(o.out, 'cases', x.id);
    const files = [x.cover, ...x.patches.map((p) => p.file)].filter(Boolean).map((f) => join(dir, f));
    if (o.modes.includes('no-tree')) jobs.push({ x, mode: 'no-tree', args: ['--no-tree', ...files], cwd: o.out });
    if (o.modes.includes('tree')) jobs.push({ x, mode: 'tree', args: o.stripBase ? stripBaseCopy(o, x) : files, cwd: baseCo });
  }
  let done = 0;
  const total = jobs.length + (o.modes.includes('git') ? cases.filter((x) => x.patches.length > 1).length : 0);
  const progress = () => {
    done++;
    if (process.stderr.isTTY) process.stderr.write(`\rscore: ${done}/${total} runs`);
  };
  const record = (job, run) => {
    const c = classify(run);
    results[job.mode].push({ expected: job.x, outcome: c.outcome, why: c.why, status: run.code, reportMode: c.reportMode ?? null, match: matchCase(job.x, c.findings) });
    progress();
  };
  await pool(jobs, o.jobs, async (job) => record(job, await runKreview(o, job.args, job.cwd)));
  if (o.modes.includes('git')) {
    // One checkout, moved to each series' tip in turn: sequential.
    const tipCo = ensureWorktree(manifest.repo, manifest.tipCheckout, manifest.base);
    for (const x of cases.filter((c) => c.patches.length > 1)) {
      gitIn(tipCo, ['checkout', '-q', '-f', '--detach', x.tip]);
      record({ x, mode: 'git' }, await runKreview(o, ['--git', `${x.base}..${x.tip}`], tipCo));
    }
    gitIn(tipCo, ['checkout', '-q', '-f', '--detach', manifest.base]);
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  const order = (a, b) => (a.expected.id < b.expected.id ? -1 : a.expected.id > b.expected.id ? 1 : 0);
  for (const m of o.modes) results[m].sort(order);

  const label = `split ${o.split}${o.stripBase ? ', tree mode on patches without base-commit:' : ''}`;
  const showDetails = o.split === 'tune' || o.details;
  const aggs = {};
  const text = [];
  text.push(`kreview: ${o.kreview}`);
  text.push(`set: ${o.out} (base ${manifest.base}), ${cases.length} cases (${cases.filter((x) => x.positive).length} positive), ${((Date.now() - started) / 1000).toFixed(0)} s`);
  for (const m of o.modes) {
    aggs[m] = aggregate(results[m]);
    text.push('', report(m, aggs[m], label, results[m]));
  }
  if (showDetails) {
    text.push('', '== every false positive, false negative and failed run');
    for (const m of o.modes) text.push(...detailLines(m, results[m]));
  }
  process.stdout.write(text.join('\n') + '\n');

  const json = {
    kreview: o.kreview,
    base: manifest.base,
    split: o.split,
    stripBase: o.stripBase,
    modes: o.modes,
    cases: cases.length,
    aggregate: aggs,
  };
  if (showDetails)
    json.results = Object.fromEntries(
      o.modes.map((m) => [
        m,
        results[m].map((r) => ({
          id: r.expected.id,
          outcome: r.outcome,
          why: r.why,
          exit: r.status,
          exitAgrees: exitAgrees(r.expected.expectExit, r.status),
          tp: r.match.tps.map((t) => t.finding),
          fp: r.match.fps,
          fn: r.match.fns.map((f) => ({ type: f.label.type, alts: f.label.alts, why: f.label.why })),
          duplicates: r.match.duplicates,
          optional: r.match.optional,
        })),
      ]),
    );
  const jsonPath = o.json ?? join(o.out, `results-${o.split}${o.stripBase ? '-stripped' : ''}.json`);
  writeFileSync(jsonPath, JSON.stringify(json, null, 2) + '\n');
  process.stdout.write(`results: ${jsonPath}\n`);
}

main().catch((err) => {
  process.stderr.write(`score: ${err.stack ?? err}\n`);
  process.exit(2);
});
