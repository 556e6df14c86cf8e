// Apply one file's hunks in memory, the way GNU patch does: at the declared
// place, else the nearest place it matches (offset), else ignoring up to two
// context lines at each end (fuzz). A file whose hunks do not all apply gets
// a sparse image built from the patch's own text instead.

import type { FileDiff, Hunk } from '../patch/types.js';
import type { FileApplyResult, HunkApplyResult, PostLineOrigin } from './types.js';

const MAX_FUZZ = 2;

interface Split {
  lines: string[];
  /** The text ended with a newline (the last element of split() was ''). */
  finalNewline: boolean;
  crlf: boolean;
}

function splitText(text: string): Split {
  const crlf = /\r\n/.test(text.slice(0, 4096)) && !/[^\r]\n/.test(text.slice(0, 4096));
  const lines = text.split('\n');
  const finalNewline = lines.length > 1 && lines[lines.length - 1] === '';
  if (finalNewline) lines.pop();
  if (crlf) for (let i = 0; i < lines.length; i++) if (lines[i]!.endsWith('\r')) lines[i] = lines[i]!.slice(0, -1);
  if (text === '') return { lines: [], finalNewline: false, crlf };
  return { lines, finalNewline, crlf };
}

function joinText(lines: string[], s: Pick<Split, 'finalNewline' | 'crlf'>): string {
  if (!lines.length) return '';
  const eol = s.crlf ? '\r\n' : '\n';
  return lines.join(eol) + (s.finalNewline ? eol : '');
}

export function applyFileDiff(base: string | null, diff: FileDiff, _input: string): FileApplyResult {
  const path = diff.status === 'deleted' ? null : diff.newPath;
  const oldPath = diff.status === 'added' ? null : diff.oldPath;
  if (diff.binary || (!diff.hunks.length && base !== null)) {
    // binary, mode-only, pure rename/copy: the text does not change
    return done(path, oldPath, diff.status === 'renamed' ? 'renamed' : 'applied', [], base, diff.status === 'deleted' ? null : base, new Map(), identity);
  }
  if (diff.status === 'added' && (base === null || base === '')) {
    const post: string[] = [];
    const origins = new Map<number, PostLineOrigin>();
    for (const h of diff.hunks) for (const l of h.lines) if (l.kind !== 'del') { post.push(l.text); origins.set(post.length, { kind: l.kind === 'add' ? 'add' : 'context', patchLine: l.patchLine }); }
    const results = diff.hunks.map((_, i) => ({ hunkIndex: i, status: 'exact' as const, offset: 0, fuzz: 0, postStart: 1 }));
    return done(path, null, 'created', results, null, joinText(post, { finalNewline: true, crlf: false }), origins, () => undefined);
  }
  if (base === null) return sparse(diff, path, oldPath, diff.hunks.map((_, i) => ({ hunkIndex: i, status: 'failed' as const, offset: 0, fuzz: 0, reason: 'the file is not in the tree' })));

  const s = splitText(base);
  const out: string[] = [];
  const origins = new Map<number, PostLineOrigin>();
  const preMap = new Int32Array(s.lines.length + 1).fill(-1); // pre line (1-based) -> post line
  const results: HunkApplyResult[] = [];
  let cursor = 0; // next unconsumed base index
  let drift = 0; // where the previous hunk landed relative to its header
  let failed = false;
  for (const [hi, h] of diff.hunks.entries()) {
    const m = locate(s.lines, h, cursor, drift);
    if (!m) {
      results.push({ hunkIndex: hi, status: 'failed', offset: 0, fuzz: 0, reason: `context does not match near line ${h.oldStart}` });
      failed = true;
      continue;
    }
    drift = m.at - expectedIndex(h);
    // copy the untouched base lines before the hunk
    for (; cursor < m.at; cursor++) {
      out.push(s.lines[cursor]!);
      preMap[cursor + 1] = out.length;
    }
    const postStart = out.length + 1;
    const lines = h.lines.slice(m.skipHead, h.lines.length - m.skipTail);
    // fuzz: the skipped context lines stay as the base has them (they were not compared)
    for (const l of lines) {
      if (l.kind === 'context') {
        out.push(s.lines[cursor]!);
        preMap[cursor + 1] = out.length;
        origins.set(out.length, { kind: 'context', patchLine: l.patchLine });
        cursor++;
      } else if (l.kind === 'del') {
        cursor++;
      } else {
        out.push(l.text);
        origins.set(out.length, { kind: 'add', patchLine: l.patchLine });
      }
    }
    results.push({
      hunkIndex: hi,
      status: m.fuzz ? 'fuzz' : m.at === expectedIndex(h) + m.skipHeadContext ? 'exact' : 'offset',
      offset: m.at - m.skipHeadContext - expectedIndex(h),
      fuzz: m.fuzz,
      postStart,
    });
  }
  if (failed) return sparse(diff, path, oldPath, results);
  for (; cursor < s.lines.length; cursor++) {
    out.push(s.lines[cursor]!);
    preMap[cursor + 1] = out.length;
  }
  const status = diff.status === 'deleted' ? 'deleted' : diff.status === 'renamed' ? 'renamed' : 'applied';
  const postText = diff.status === 'deleted' ? null : joinText(out, s);
  return done(path, oldPath, status, results, base, postText, origins, (l) => (preMap[l] !== undefined && preMap[l]! > 0 ? preMap[l] : undefined));
}

function expectedIndex(h: Hunk): number {
  // `@@ -0,0` inserts at the top; `@@ -5,0` inserts after line 5
  return h.oldLines === 0 ? h.oldStart : Math.max(0, h.oldStart - 1);
}

interface Match {
  at: number;
  fuzz: number;
  skipHead: number;
  skipTail: number;
  skipHeadContext: number;
}

function locate(base: string[], h: Hunk, from: number, drift: number): Match | undefined {
  const ctxHead = leadingContext(h);
  const ctxTail = trailingContext(h);
  for (let fuzz = 0; fuzz <= MAX_FUZZ; fuzz++) {
    const skipHead = Math.min(fuzz, ctxHead);
    const skipTail = Math.min(fuzz, ctxTail);
    if (fuzz > 0 && skipHead === 0 && skipTail === 0) break; // nothing more to ignore
    const old = h.lines.slice(skipHead, h.lines.length - skipTail).filter((l) => l.kind !== 'add').map((l) => l.text);
    const guess = expectedIndex(h) + drift + skipHead;
    const at = search(base, old, guess, from);
    if (at !== undefined) return { at, fuzz, skipHead, skipTail, skipHeadContext: skipHead };
  }
  return undefined;
}

function leadingContext(h: Hunk): number {
  let n = 0;
  while (n < h.lines.length && h.lines[n]!.kind === 'context') n++;
  return n;
}
function trailingContext(h: Hunk): number {
  let n = 0;
  while (n < h.lines.length && h.lines[h.lines.length - 1 - n]!.kind === 'context') n++;
  return n;
}

/** Nearest position >= from where `old` matches, searching outward from `guess`. */
function search(base: string[], old: string[], guess: number, from: number): number | undefined {
  const last = base.length - old.length;
  if (last < from) return undefined;
  const g = Math.min(Math.max(guess, from), last);
  const matches = (at: number): boolean => {
    for (let k = 0; k < old.length; k++) if (base[at + k] !== old[k]) return false;
    return true;
  };
  for (let d = 0; ; d++) {
    const lo = g - d;
    const hi = g + d;
    if (lo < from && hi > last) return undefined;
    if (lo >= from && matches(lo)) return lo;
    if (d > 0 && hi <= last && matches(hi)) return hi;
  }
}

const identity = (l: number): number => l;

function done(
  path: string | null,
  oldPath: string | null,
  status: FileApplyResult['status'],
  hunks: HunkApplyResult[],
  preText: string | null,
  postText: string | null,
  postLines: Map<number, PostLineOrigin>,
  preToPost: (l: number) => number | undefined,
): FileApplyResult {
  return { path, oldPath, status, hunks, preText, postText, postLines, preToPost };
}

/**
 * The patch's own text as a sparse image: each hunk's lines at their
 * declared line numbers, and nothing else. A hunk header is the patch's
 * claim, not an allocation size: nothing here (or downstream) makes a line
 * per number between hunks, so `@@ -500000000` costs what its lines cost.
 */
export function sparse(diff: FileDiff, path: string | null, oldPath: string | null, results: HunkApplyResult[]): FileApplyResult {
  const post = new Map<number, string>();
  const pre = new Map<number, string>();
  const origins = new Map<number, PostLineOrigin>();
  const ctxMap = new Map<number, number>();
  const shifts: { from: number; shift: number }[] = [];
  let shift = 0;
  for (const h of diff.hunks) {
    for (const l of h.lines) {
      if (l.newLine !== undefined) {
        post.set(l.newLine, l.text);
        origins.set(l.newLine, { kind: l.kind === 'add' ? 'add' : 'context', patchLine: l.patchLine });
      }
      if (l.oldLine !== undefined) {
        pre.set(l.oldLine, l.text);
        if (l.kind === 'context' && l.newLine !== undefined) ctxMap.set(l.oldLine, l.newLine);
      }
    }
    shift += h.newLines - h.oldLines;
    shifts.push({ from: h.oldStart + h.oldLines, shift });
  }
  const inHunk = (l: number): boolean => diff.hunks.some((h) => l >= h.oldStart && l < h.oldStart + h.oldLines);
  const preToPost = (l: number): number | undefined => {
    if (ctxMap.has(l)) return ctxMap.get(l);
    if (inHunk(l)) return undefined; // a removed line
    let s = 0;
    for (const x of shifts) if (l >= x.from) s = x.shift;
    return l + s;
  };
  return {
    path,
    oldPath,
    status: 'fallback',
    hunks: results,
    preText: null,
    postText: null,
    sparse: { pre: diff.status === 'added' ? null : pre, post: diff.status === 'deleted' ? null : post },
    postLines: origins,
    preToPost,
  };
}

/**
 * The pre-image of a patch that `text` already holds: the patch undone (its
 * hunks reversed), when every hunk reverse-applies without fuzz; else
 * undefined. The caller applies the patch to it again for the line maps.
 */
export function reverseApply(text: string, diff: FileDiff, input: string): string | undefined {
  if (!diff.hunks.length || diff.binary) return undefined;
  const flip = (k: 'add' | 'del' | 'context'): 'add' | 'del' | 'context' => (k === 'add' ? 'del' : k === 'del' ? 'add' : k);
  const reversed: FileDiff = {
    ...diff,
    oldPath: diff.newPath,
    newPath: diff.oldPath,
    status: diff.status === 'added' ? 'deleted' : diff.status === 'deleted' ? 'added' : diff.status,
    hunks: diff.hunks.map((h) => ({
      ...h,
      oldStart: h.newStart,
      oldLines: h.newLines,
      newStart: h.oldStart,
      newLines: h.oldLines,
      lines: h.lines.map((l) => ({ ...l, kind: flip(l.kind), oldLine: l.newLine, newLine: l.oldLine })),
    })),
  };
  const r = applyFileDiff(text, { ...reversed, status: 'modified' }, input);
  if (r.status === 'fallback' || r.hunks.some((h) => h.status === 'fuzz' || h.status === 'failed')) return undefined;
  return r.postText ?? undefined;
}
