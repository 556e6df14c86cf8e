// Loading, validating and splitting the labelled cases (eval/cases/*.json).
// A case file is { "subsystem": "...", "cases": [ case, ... ] }; the README
// describes a case's fields.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const TYPES = ['RAW_RW_ITER', 'VFS_INTERNAL_HELPER', 'BACKING_FILE_CREDS', 'CROSS_LAYER_PAGECACHE'];

/**
 * The shape vocabulary: every tag a case may carry, with what it means. The
 * "main" shapes are the ones the split balances between the halves.
 */
export const SHAPES = {
  // how the patch is written
  single: 'one patch',
  series: 'a series of 2-4 patches',
  'cover-letter': 'a series with a cover letter (the base-commit is in the cover)',
  U1: 'written with -U1 (one line of context)',
  U10: 'written with -U10',
  'new-file': 'the finding (or the look-alike) is in a file the patch adds',
  'mixed-doc': 'the patch also changes Documentation/ or another non-C file',
  'doc-only': 'the patch touches only Documentation or comments',
  'sig-multiline-hunk': 'a hunk starts inside a multi-line function signature',
  'two-hunks-one-function': 'one function shown in two hunks with lines between',
  'helpers-across-hunks': 'the hazard is assembled from helpers in different hunks',
  'helpers-across-files': 'the hazard is assembled from helpers in different files',
  'fixed-later': 'a later patch of the series fixes what an earlier one broke',
  'moved-code': 'existing code moved into a new helper',
  // raw calls and where the file comes from
  'raw-call-added': 'a new direct ->read_iter/->write_iter/->splice_* call',
  'checked-to-raw': 'a checked call replaced by a raw one',
  'reroute-to-existing-raw': 'the checked call removed, the I/O re-routed onto an existing raw call',
  'raw-one-helper-deeper': 'the raw call is in a helper the patched function now calls',
  'origin-helper-return': 'the file or mapping comes from a helper\'s return value',
  'origin-open-local': 'the file is an *_open()/filp_open() result kept in a local',
  'origin-kiocb': 'the file reaches the call through a kiocb (init_sync_kiocb/kiocb_clone)',
  'kernel-rw-foreign': '__kernel_read/__kernel_write(_iter) on another filesystem\'s file',
  'read-folio-hand': 'a hand ->read_folio() call',
  'verify-removed': 'the rw_verify_area() that dominated an existing raw call is removed',
  // credentials
  'cred-value': 'credentials passed as a value (cred = current_cred(), .cred = cred)',
  'cred-captured-open': 'credentials captured at open and used later',
  'new-caller-outside-override': 'a new caller of an existing helper outside any override',
  'override-removed-helper': 'an override removed from inside a backing_file_*() helper',
  'override-removed': 'an override removed around an access',
  'early-return-skips-revert': 'an early return between override and revert',
  'goto-skips-revert': 'a goto that jumps past the revert',
  'no-override': 'a backing-file access with no override on its path',
  'wrong-principal': 'an override with the wrong credentials',
  // VFS internals
  'rw-verify-area': 'a call of rw_verify_area()/remap_verify_area()',
  'internal-h': 'fs/internal.h included or one of its functions called',
  // page cache
  'foreign-mapping': 'a page-cache API on another filesystem\'s mapping',
  // look-alike negatives
  'lookalike-args-changed': 'a checked call whose arguments change',
  'lookalike-rename': 'a checked call whose function is renamed or wrapped',
  'lookalike-verified': 'a raw call dominated by rw_verify_area() on the same file',
  'lookalike-self-forward': 'a method forwarding to its own iocb->ki_filp',
  'lookalike-vfs-core': 'the VFS itself (read_write.c, splice.c, backing-file.c)',
  'lookalike-syscall-submitter': 'aio or io_uring after rw_verify_area()',
  'lookalike-device-setup': 'a device setup path run by the administrator',
  'lookalike-unreachable-branch': 'a raw branch the changed path cannot reach',
  'lookalike-cachefiles-design': 'cachefiles data I/O under the netfs caller\'s creds, as upstream does',
  'lookalike-balanced-override': 'an override reverted on every path',
  'lookalike-ovl-put-cred': 'overlayfs put_cred(override_creds(...)) inside an outer override',
  'lookalike-scoped-early-return': 'a scoped credential form with an early return',
  'lookalike-own-mapping': 'a page-cache API on the filesystem\'s own mapping',
  'lookalike-context-only': 'a change next to a pre-existing hazard that it does not touch',
  'lookalike-comment-only': 'only comments change',
  'lookalike-checked-entry': 'the I/O goes through a checked entry point',
  'lookalike-kernel-creds': 'the access runs from a kworker with kernel credentials',
  'lookalike-own-file': 'a file the code opened for its own private use',
};

export const MAIN_SHAPES = [
  'series', 'cover-letter', 'U1', 'U10', 'new-file', 'mixed-doc', 'doc-only', 'sig-multiline-hunk', 'two-hunks-one-function',
  'helpers-across-hunks', 'helpers-across-files', 'fixed-later', 'moved-code', 'raw-call-added', 'checked-to-raw',
  'reroute-to-existing-raw', 'verify-removed', 'raw-one-helper-deeper', 'origin-helper-return', 'origin-open-local',
  'origin-kiocb', 'kernel-rw-foreign', 'read-folio-hand', 'cred-value', 'cred-captured-open', 'new-caller-outside-override',
  'override-removed', 'override-removed-helper', 'early-return-skips-revert', 'goto-skips-revert', 'no-override',
  'wrong-principal', 'rw-verify-area', 'internal-h', 'foreign-mapping',
  // the look-alikes issue 13 lists, and the others: each half needs some of every one
  'lookalike-args-changed', 'lookalike-rename', 'lookalike-verified', 'lookalike-self-forward', 'lookalike-vfs-core',
  'lookalike-syscall-submitter', 'lookalike-device-setup', 'lookalike-unreachable-branch', 'lookalike-cachefiles-design',
  'lookalike-balanced-override', 'lookalike-ovl-put-cred', 'lookalike-scoped-early-return', 'lookalike-own-mapping',
  'lookalike-context-only', 'lookalike-comment-only', 'lookalike-checked-entry', 'lookalike-kernel-creds', 'lookalike-own-file',
];

const ID_RE = /^[a-z0-9][a-z0-9-]{2,80}$/;
const MARK_RE = /^[A-Za-z0-9_.-]+$/;

export class CaseError extends Error {
  constructor(message) {
    super(message);
    this.name = 'CaseError';
  }
}

/** Read every case file in `dir`; returns [{ file, subsystem, cases }]. */
export function readCaseFiles(dir) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  return files.map((f) => {
    const path = join(dir, f);
    let data;
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new CaseError(`${path}: not valid JSON (${err.message})`);
    }
    if (typeof data.subsystem !== 'string' || !Array.isArray(data.cases)) throw new CaseError(`${path}: needs "subsystem" and "cases"`);
    for (const c of data.cases) c.subsystem ??= data.subsystem;
    return { file: path, subsystem: data.subsystem, cases: data.cases };
  });
}

/** Every problem with one case, as strings (empty: the case is well formed). */
export function validateCase(c) {
  const p = [];
  const where = `case ${c.id ?? '(no id)'}`;
  if (typeof c.id !== 'string' || !ID_RE.test(c.id)) p.push(`${where}: id must match ${ID_RE}`);
  if (typeof c.description !== 'string' || !c.description) p.push(`${where}: needs a description`);
  if (!Array.isArray(c.classes) || c.classes.some((t) => !TYPES.includes(t))) p.push(`${where}: classes must be a list of ${TYPES.join(', ')}`);
  if (!Array.isArray(c.shapes) || c.shapes.length === 0) p.push(`${where}: needs shapes`);
  else for (const s of c.shapes) if (!(s in SHAPES)) p.push(`${where}: unknown shape ${s}`);
  if (c.split !== undefined && c.split !== 'tune' && c.split !== 'holdout') p.push(`${where}: split must be tune or holdout`);
  if (c.context !== undefined && ![1, 3, 10].includes(c.context)) p.push(`${where}: context must be 1, 3 or 10`);
  if (!Array.isArray(c.patches) || c.patches.length < 1 || c.patches.length > 4) p.push(`${where}: needs 1-4 patches`);
  else
    c.patches.forEach((pt, i) => {
      if (typeof pt.subject !== 'string' || !pt.subject) p.push(`${where}: patch ${i + 1} needs a subject`);
      if (!Array.isArray(pt.edits) || pt.edits.length === 0) p.push(`${where}: patch ${i + 1} needs edits`);
      else for (const e of pt.edits) if (typeof e.file !== 'string' || !e.file || e.file.startsWith('/') || e.file.includes('..')) p.push(`${where}: patch ${i + 1}: edit without a relative file`);
    });
  if (c.cover !== undefined && (c.patches?.length ?? 0) < 2) p.push(`${where}: a cover letter needs a series`);
  const expect = c.expect ?? [];
  if (!Array.isArray(expect)) p.push(`${where}: expect must be a list`);
  for (const x of expect) {
    if (!TYPES.includes(x.type)) p.push(`${where}: expect type ${x.type}`);
    if (!Array.isArray(x.at) || x.at.length === 0 || x.at.some((m) => !MARK_RE.test(m))) p.push(`${where}: expect.at must list marks`);
    if (typeof x.required !== 'boolean') p.push(`${where}: expect.required must be true or false`);
    if (typeof x.why !== 'string' || x.why.length < 20) p.push(`${where}: every expected finding needs its why`);
    if (x.status !== undefined && x.status !== 'introduced' && x.status !== 'moved') p.push(`${where}: expect.status must be introduced or moved`);
  }
  for (const n of c.negatives ?? []) {
    if (!Array.isArray(n.at) || n.at.some((m) => !MARK_RE.test(m))) p.push(`${where}: negatives.at must list marks`);
    if (typeof n.why !== 'string' || n.why.length < 20) p.push(`${where}: every negative needs its why`);
  }
  const required = new Set(expect.filter((x) => x.required).map((x) => x.type));
  if (required.size > 0) {
    for (const t of required) if (!c.classes?.includes(t)) p.push(`${where}: required type ${t} missing from classes`);
  } else if (!(c.negatives ?? []).length && !expect.length) p.push(`${where}: a negative case needs a look-alike in negatives or an optional finding`);
  if (c.shapes?.includes('series') !== ((c.patches?.length ?? 0) > 1)) p.push(`${where}: shape "series" iff more than one patch`);
  if (c.shapes?.includes('single') !== ((c.patches?.length ?? 0) === 1)) p.push(`${where}: shape "single" iff one patch`);
  if (c.shapes?.includes('U1') !== (c.context === 1)) p.push(`${where}: shape "U1" iff context 1`);
  if (c.shapes?.includes('U10') !== (c.context === 10)) p.push(`${where}: shape "U10" iff context 10`);
  if (c.shapes?.includes('cover-letter') !== (c.cover !== undefined)) p.push(`${where}: shape "cover-letter" iff a cover`);
  return p;
}

export function isPositive(c) {
  return (c.expect ?? []).some((x) => x.required);
}

/** A stable number from a case id (the first 8 hex digits of its SHA-256). */
export function idHash(id) {
  return parseInt(createHash('sha256').update(id).digest('hex').slice(0, 8), 16);
}

/** The attributes the split keeps balanced: polarity, each class, subsystem, each main shape. */
function strata(c) {
  const out = [isPositive(c) ? 'positive' : 'negative', `subsystem:${c.subsystem}`];
  for (const t of c.classes) out.push(`class:${t}:${isPositive(c) ? 'pos' : 'neg'}`);
  for (const s of c.shapes) if (MAIN_SHAPES.includes(s)) out.push(`shape:${s}`);
  return out;
}

/**
 * Assign tune/holdout to every case without a split. Cases that already have
 * one keep it (the recorded split is the authority); new ones go, in order of
 * the hash of their id, to the side that leaves the attributes best balanced,
 * ties broken by the hash's lowest bit. Deterministic for a given set of cases.
 */
export function assignSplits(cases) {
  const count = { tune: new Map(), holdout: new Map() };
  const add = (side, c) => {
    for (const k of strata(c)) count[side].set(k, (count[side].get(k) ?? 0) + 1);
  };
  for (const c of cases) if (c.split) add(c.split, c);
  const todo = cases.filter((c) => !c.split).sort((a, b) => idHash(a.id) - idHash(b.id) || (a.id < b.id ? -1 : 1));
  const assigned = [];
  for (const c of todo) {
    const ks = strata(c);
    const cost = (side) => {
      let s = 0;
      for (const k of ks) {
        const t = (count.tune.get(k) ?? 0) + (side === 'tune' ? 1 : 0);
        const h = (count.holdout.get(k) ?? 0) + (side === 'holdout' ? 1 : 0);
        s += (t - h) * (t - h);
      }
      return s;
    };
    const ct = cost('tune');
    const ch = cost('holdout');
    const side = ct < ch ? 'tune' : ch < ct ? 'holdout' : idHash(c.id) & 1 ? 'holdout' : 'tune';
    c.split = side;
    add(side, c);
    assigned.push(c.id);
  }
  // Then swap pairs of the newly assigned cases (tune <-> holdout) while a
  // swap lowers the total imbalance, in hash order: still deterministic, and
  // it evens out the attributes the greedy pass left lopsided.
  const total = () => {
    let s = 0;
    for (const k of new Set([...count.tune.keys(), ...count.holdout.keys()])) {
      const d = (count.tune.get(k) ?? 0) - (count.holdout.get(k) ?? 0);
      s += d * d;
    }
    return s;
  };
  const move = (c, to) => {
    const from = c.split;
    for (const k of strata(c)) {
      count[from].set(k, count[from].get(k) - 1);
      count[to].set(k, (count[to].get(k) ?? 0) + 1);
    }
    c.split = to;
  };
  let best = total();
  for (let pass = 0; pass < 20; pass++) {
    let improved = false;
    for (const a of todo)
      for (const b of todo) {
        if (a.split !== 'tune' || b.split !== 'holdout') continue;
        move(a, 'holdout');
        move(b, 'tune');
        const t = total();
        if (t < best) {
          best = t;
          improved = true;
        } else {
          move(a, 'tune');
          move(b, 'holdout');
        }
      }
    if (!improved) break;
  }
  return assigned;
}

/** Balance report: attribute -> { tune, holdout }. */
export function splitBalance(cases) {
  const out = new Map();
  for (const c of cases)
    for (const k of strata(c)) {
      const v = out.get(k) ?? { tune: 0, holdout: 0 };
      v[c.split ?? 'unassigned'] = (v[c.split] ?? 0) + 1;
      out.set(k, v);
    }
  return out;
}
