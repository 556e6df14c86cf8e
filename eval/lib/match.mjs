// Matching kreview's findings against a case's labels, and adding up the
// results. Pure functions: the scorer feeds them kreview's JSON and the
// generator's expected.json.

import { TYPES } from './cases.mjs';

/** Findings that count: the default output (introduced and moved). */
export const COUNTED = new Set(['introduced', 'moved']);

/**
 * kreview's JSON -> the list of findings, each with the number of the patch
 * (1-based, cover letters not counted) it was reported under.
 */
export function findingsFromJson(doc) {
  const out = [];
  let n = 0;
  for (const input of doc.inputs ?? [])
    for (const p of input.patches ?? []) {
      if (p.coverLetter) continue;
      n++;
      for (const f of p.findings ?? [])
        out.push({
          patch: n,
          type: f.type,
          file: f.file,
          line: f.line,
          status: f.status,
          level: f.level,
          message: f.message,
          lineText: f.lineText,
          function: f.function,
        });
    }
  return out;
}

/** Is finding f at one of the places an expectation (or look-alike) allows? */
export function isAt(x, f, anyPatch = false) {
  return x.alts.some((a) => (anyPatch || a.patch === f.patch) && a.places.some((pl) => pl.file === f.file && pl.lines.includes(f.line)));
}

/**
 * Match one run's findings against one case's labels.
 *
 * - A counted finding matches an expected finding of its type, in its patch,
 *   at one of the acceptable lines. The first match of a required label is a
 *   true positive; more findings on the same label are duplicates (neither).
 *   A match of an optional label is neither.
 * - Any other counted finding is a false positive; `negative` names the
 *   look-alike it landed on, when it did.
 * - A required label with no match is a false negative.
 */
export function matchCase(expected, findings) {
  const labels = expected.findings.map((x, i) => ({ ...x, i, hits: [] }));
  const fps = [];
  const optional = [];
  const duplicates = [];
  const ignored = [];
  for (const f of findings) {
    if (!COUNTED.has(f.status)) {
      ignored.push(f);
      continue;
    }
    const lab = labels.find((x) => x.type === f.type && isAt(x, f));
    if (!lab) {
      const neg = (expected.negatives ?? []).find((n) => isAt(n, f));
      const elsewhere = labels.find((x) => x.type === f.type && isAt(x, f, true));
      const other = labels.find((x) => x.type !== f.type && isAt(x, f));
      const note = elsewhere
        ? `at expected #${elsewhere.i + 1} but under patch ${f.patch}, not ${elsewhere.alts.map((a) => a.patch).join('/')}`
        : other
          ? `at expected #${other.i + 1}, which is a ${other.type}`
          : null;
      fps.push({ finding: f, negative: neg ? neg.why : null, note });
      continue;
    }
    lab.hits.push(f);
    if (!lab.required) optional.push(f);
    else if (lab.hits.length > 1) duplicates.push(f);
  }
  const tps = labels.filter((x) => x.required && x.hits.length).map((x) => ({ label: x, finding: x.hits[0] }));
  const fns = labels.filter((x) => x.required && !x.hits.length).map((x) => ({ label: x }));
  const statusMismatch = tps.filter((t) => t.label.status && t.label.status !== t.finding.status);
  return { tps, fps, fns, optional, duplicates, ignored, statusMismatch };
}

/** Does the exit status agree with the labels? */
export function exitAgrees(expectExit, status) {
  if (expectExit === 'either') return status === 0 || status === 1;
  return status === expectExit;
}

function blank() {
  return { cases: 0, tp: 0, fp: 0, fn: 0, dup: 0, opt: 0, negCases: 0, negCasesWithFp: 0 };
}

function addTo(b, r) {
  b.tp += r.tp;
  b.fp += r.fp;
  b.fn += r.fn;
  b.dup += r.dup;
  b.opt += r.opt;
}

export function ratio(a, b) {
  return b === 0 ? null : a / b;
}

/**
 * Add up per-case results of one mode. Each result:
 *   { expected, outcome: ok|no-output|error, status, match }
 * Returns totals and breakdowns by class, shape, subsystem.
 */
export function aggregate(results) {
  const total = blank();
  const byClass = Object.fromEntries(TYPES.map((t) => [t, blank()]));
  const byShape = {};
  const bySubsystem = {};
  const outcomes = { ok: 0, 'no-output': 0, error: 0 };
  let exitAgree = 0;
  let statusMismatch = 0;
  const withOutput = blank();
  for (const r of results) {
    const x = r.expected;
    outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
    if (exitAgrees(x.expectExit, r.status)) exitAgree++;
    const m = r.match;
    const c = { tp: m.tps.length, fp: m.fps.length, fn: m.fns.length, dup: m.duplicates.length, opt: m.optional.length };
    statusMismatch += m.statusMismatch.length;
    addTo(total, c);
    total.cases++;
    if (r.outcome === 'ok') {
      addTo(withOutput, c);
      withOutput.cases++;
    }
    if (!x.positive) {
      total.negCases++;
      if (c.fp) total.negCasesWithFp++;
    }
    for (const t of m.tps) byClass[t.label.type].tp++;
    for (const t of m.fns) byClass[t.label.type].fn++;
    for (const t of m.fps) if (byClass[t.finding.type]) byClass[t.finding.type].fp++;
    for (const t of m.duplicates) if (byClass[t.type]) byClass[t.type].dup++;
    for (const s of x.shapes) {
      byShape[s] ??= blank();
      addTo(byShape[s], c);
      byShape[s].cases++;
      if (!x.positive) {
        byShape[s].negCases++;
        if (c.fp) byShape[s].negCasesWithFp++;
      }
    }
    bySubsystem[x.subsystem] ??= blank();
    addTo(bySubsystem[x.subsystem], c);
    bySubsystem[x.subsystem].cases++;
  }
  for (const t of TYPES) byClass[t].cases = results.filter((r) => r.expected.findings.some((f) => f.type === t && f.required)).length;
  const pr = (b) => ({ ...b, precision: ratio(b.tp, b.tp + b.fp), recall: ratio(b.tp, b.tp + b.fn) });
  return {
    total: pr(total),
    withOutput: pr(withOutput),
    outcomes,
    exit: { agree: exitAgree, of: results.length },
    statusMismatch,
    byClass: Object.fromEntries(Object.entries(byClass).map(([k, v]) => [k, pr(v)])),
    byShape: Object.fromEntries(Object.entries(byShape).sort().map(([k, v]) => [k, pr(v)])),
    bySubsystem: Object.fromEntries(Object.entries(bySubsystem).sort().map(([k, v]) => [k, pr(v)])),
  };
}
