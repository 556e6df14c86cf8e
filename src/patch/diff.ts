// Unified diffs, through parse-diff behind a wrapper that fixes what it gets
// wrong (shared/ENGINEERING-NOTES.md, "parse-diff pitfalls"):
// - we split files ourselves, starting at the first `diff --git` (or
//   `--- a/`) after the commit message, so a diff quoted in the message is
//   not a phantom file;
// - we scan the extended headers (rename/copy, similarity, modes, binary);
// - we validate every hunk's lines against its header counts, so a wrong
//   count is a clear error and never swallows the next file's header;
// - `\ No newline at end of file` is a marker, not a change;
// - every line keeps its line number in the patch (checkpatch's `#N`).
// parse-diff then classifies the validated hunk lines.

import parseDiff from 'parse-diff';
import { InputError, type DiffLine, type FileDiff, type Hunk } from './types.js';

const HUNK_RE = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;
/** The largest line number a hunk header may name (git keeps them in an int too). */
const MAX_LINE_NUMBER = 2 ** 31 - 1;

export interface DiffParse {
  files: FileDiff[];
  errors: InputError[];
}

/**
 * Parse the diff part of a message. `lines[i]` is patch line `firstLine + i`.
 * Only lines from `start` on are looked at. Errors name lines of the input,
 * which start `inputOffset` lines before the message's (an mbox holds many).
 */
export function parseDiffLines(lines: string[], firstLine: number, input: string, start = 0, inputOffset = 0): DiffParse {
  const files: FileDiff[] = [];
  const errors: InputError[] = [];
  let cur: FileDiff | undefined;
  let i = start;
  const pl = (idx: number): number => firstLine + idx;
  const el = (idx: number): number => firstLine + idx + inputOffset;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.startsWith('diff --git ') || line.startsWith('diff --cc ')) {
      cur = newFile(pl(i));
      files.push(cur);
      gitPaths(line.slice(line.indexOf(' ', 5) + 1), cur);
      i = extendedHeaders(lines, i + 1, cur);
      continue;
    }
    if (line.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ')) {
      // a plain diff (or the ---/+++ of a git diff whose header we already read)
      if (!cur || cur.hunks.length || cur.patchLine < pl(i) - 12 || cur.binary) {
        cur = newFile(pl(i));
        files.push(cur);
      }
      const from = stripPrefix(line.slice(4));
      const to = stripPrefix(lines[i + 1]!.slice(4));
      if (from === null) cur.status = 'added';
      if (to === null) cur.status = 'deleted';
      cur.oldPath = cur.status === 'added' ? null : from ?? cur.oldPath;
      cur.newPath = cur.status === 'deleted' ? null : to ?? cur.newPath;
      i += 2;
      continue;
    }
    const hm = HUNK_RE.exec(line);
    if (hm && cur) {
      const r = readHunk(lines, i, hm, pl, el, cur, input);
      if (r.error) {
        errors.push(r.error);
        // skip to the next file header: this file's hunks cannot be trusted
        i = r.next;
        while (i < lines.length && !lines[i]!.startsWith('diff --git ')) i++;
        cur.hunks = [];
        files.pop();
        cur = undefined;
        continue;
      }
      cur.hunks.push(r.hunk!);
      i = r.next;
      continue;
    }
    i++;
  }
  const named = files.filter((f) => f.oldPath !== null || f.newPath !== null);
  // a header that changes nothing (no hunk, mode, rename, copy or binary data) is not a diff: git apply rejects it too
  for (const f of named) {
    if (!f.hunks.length && f.status === 'modified' && !f.binary && f.oldMode === undefined && f.newMode === undefined) {
      errors.push(new InputError(input, 'diff', `${f.newPath ?? f.oldPath}: a diff header with no hunks`, f.patchLine + inputOffset));
    }
  }
  return { files: named.filter((f) => f.hunks.length || f.status !== 'modified' || f.binary || f.oldMode !== undefined || f.newMode !== undefined), errors };
}

function newFile(patchLine: number): FileDiff {
  return { oldPath: null, newPath: null, status: 'modified', binary: false, hunks: [], patchLine };
}

/** `a/x b/x` (possibly quoted) from a `diff --git` line. Renames are corrected by the extended headers. */
function gitPaths(rest: string, f: FileDiff): void {
  let a: string | null = null;
  let b: string | null = null;
  if (rest.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\.)*)" (.*)$/.exec(rest);
    if (m) {
      a = unquote(m[1]!);
      b = rest.slice(m[0].length - m[2]!.length);
    }
  } else {
    // `a/foo b/foo`: with spaces in names, the split is at the middle when both sides are equal
    const half = (rest.length - 1) / 2;
    if (Number.isInteger(half) && rest.slice(2, half) === rest.slice(half + 3)) {
      a = rest.slice(0, half);
      b = rest.slice(half + 1);
    } else {
      const sp = rest.indexOf(' b/');
      if (sp > 0) {
        a = rest.slice(0, sp);
        b = rest.slice(sp + 1);
      }
    }
  }
  if (b?.startsWith('"')) b = unquote(b.slice(1, -1));
  f.oldPath = a !== null ? strip1(a) : null;
  f.newPath = b !== null ? strip1(b) : null;
}

function strip1(p: string): string {
  return p.replace(/^[ab]\//, '');
}

function unquote(s: string): string {
  // git's C-style quoting with octal escapes for bytes
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = s[++i];
    if (n && /[0-7]/.test(n)) {
      bytes.push(parseInt(s.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(({ n: 10, t: 9, '"': 34, '\\': 92 } as Record<string, number>)[n ?? ''] ?? n?.charCodeAt(0) ?? 0);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `--- a/x` / `+++ /dev/null` path, or null for /dev/null. */
function stripPrefix(p: string): string | null {
  const tab = p.indexOf('\t');
  let s = (tab < 0 ? p : p.slice(0, tab)).trim();
  if (s === '/dev/null') return null;
  if (s.startsWith('"') && s.endsWith('"')) s = unquote(s.slice(1, -1));
  return strip1(s);
}

function extendedHeaders(lines: string[], i: number, f: FileDiff): number {
  for (; i < lines.length; i++) {
    const l = lines[i]!;
    let m: RegExpExecArray | null;
    if ((m = /^new file mode (\d+)/.exec(l))) {
      f.status = 'added';
      f.newMode = m[1]!;
      f.oldPath = null;
    } else if ((m = /^deleted file mode (\d+)/.exec(l))) {
      f.status = 'deleted';
      f.oldMode = m[1]!;
      f.newPath = null;
    } else if ((m = /^old mode (\d+)/.exec(l))) f.oldMode = m[1]!;
    else if ((m = /^new mode (\d+)/.exec(l))) f.newMode = m[1]!;
    else if ((m = /^(rename|copy) from (.*)$/.exec(l))) {
      f.status = m[1] === 'rename' ? 'renamed' : 'copied';
      f.oldPath = maybeQuoted(m[2]!);
    } else if ((m = /^(rename|copy) to (.*)$/.exec(l))) f.newPath = maybeQuoted(m[2]!);
    else if ((m = /^(?:dis)?similarity index (\d+)%/.exec(l))) f.similarity = Number(m[1]);
    else if ((m = /^index ([0-9a-f]{4,64})\.\.([0-9a-f]{4,64})/.exec(l))) {
      // the blob ids of the pre- and post-image (all zeros: no file on that side)
      if (!/^0+$/.test(m[1]!)) f.oldBlob = m[1]!;
      if (!/^0+$/.test(m[2]!)) f.newBlob = m[2]!;
    }
    else if (/^Binary files .* differ$/.test(l) || l === 'GIT binary patch') {
      f.binary = true;
      if (l === 'GIT binary patch') {
        // skip the base85 payload up to the next file
        while (i + 1 < lines.length && !lines[i + 1]!.startsWith('diff --git ')) i++;
      }
    } else return i;
  }
  return i;
}

function maybeQuoted(s: string): string {
  return s.startsWith('"') && s.endsWith('"') ? unquote(s.slice(1, -1)) : s;
}

function readHunk(
  lines: string[],
  at: number,
  hm: RegExpExecArray,
  pl: (i: number) => number,
  el: (i: number) => number,
  file: FileDiff,
  input: string,
): { hunk?: Hunk; next: number; error?: InputError } {
  const oldStart = Number(hm[1]);
  const oldLines = hm[2] === undefined ? 1 : Number(hm[2]);
  const newStart = Number(hm[3]);
  const newLines = hm[4] === undefined ? 1 : Number(hm[4]);
  // a line number is a claim of the patch: one no source file can have is a broken header (git apply refuses it too)
  if ([oldStart, oldLines, newStart, newLines].some((n) => !(n <= MAX_LINE_NUMBER))) {
    return { next: at + 1, error: new InputError(input, 'diff', `${file.newPath ?? file.oldPath ?? '?'}: hunk header '${lines[at]!.slice(0, 60)}' claims a line past ${MAX_LINE_NUMBER}`, el(at)) };
  }
  let o = 0;
  let n = 0;
  let i = at + 1;
  const body: { prefix: string; text: string; idx: number }[] = [];
  const name = file.newPath ?? file.oldPath ?? '?';
  while ((o < oldLines || n < newLines) && i < lines.length) {
    const l = lines[i]!;
    const c = l[0];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === ' ' || l === '') {
      // mailers strip the single space of an empty context line
      o++;
      n++;
    } else if (c === '-') o++;
    else if (c === '+') n++;
    else break;
    body.push({ prefix: c ?? ' ', text: l.slice(1), idx: i });
    i++;
  }
  if (o !== oldLines || n !== newLines || o > oldLines || n > newLines) {
    return {
      next: i,
      error: new InputError(
        input,
        'diff',
        `${name}: hunk at line ${el(at)} says ${oldLines} old and ${newLines} new lines, found ${o} and ${n}`,
        el(at),
      ),
    };
  }
  // a `\ No newline at end of file` right after the last line belongs to it
  if (lines[i]?.startsWith('\\')) i++;
  // lines that still look like hunk lines mean the counts were too small
  const after = lines[i];
  if (after !== undefined && /^[+ ]/.test(after) && !HUNK_RE.test(after) && !after.startsWith('+++ ') && after !== ' ') {
    const nextIsHeader = lines[i + 1]?.startsWith('+++ ');
    if (!nextIsHeader) {
      return {
        next: i,
        error: new InputError(input, 'diff', `${name}: hunk at line ${el(at)} has more lines than its header says (${oldLines} old, ${newLines} new)`, el(at)),
      };
    }
  }
  return { hunk: classify(body, oldStart, oldLines, newStart, newLines, hm[5] ?? '', pl(at), pl), next: i };
}

/** Classify the validated hunk lines with parse-diff, keeping our patch line numbers. */
function classify(
  body: { prefix: string; text: string; idx: number }[],
  oldStart: number,
  oldLines: number,
  newStart: number,
  newLines: number,
  section: string,
  patchLine: number,
  pl: (i: number) => number,
): Hunk {
  const text =
    `--- a/x\n+++ b/x\n@@ -${oldStart},${oldLines} +${newStart},${newLines} @@\n` +
    body.map((b) => (b.prefix === '' ? ' ' : b.prefix) + b.text).join('\n');
  const changes = parseDiff(text)[0]?.chunks[0]?.changes ?? [];
  const out: DiffLine[] = [];
  let oldLine = oldStart;
  let newLine = newStart;
  for (let k = 0; k < body.length; k++) {
    const b = body[k]!;
    const ch = changes[k];
    // parse-diff agrees with our prefixes on validated input; if not, trust the prefix
    const kind = ch && ch.type === prefixKind(b.prefix) ? ch.type : prefixKind(b.prefix);
    const line: DiffLine =
      kind === 'add'
        ? { kind: 'add', text: b.text, newLine: newLine++, patchLine: pl(b.idx) }
        : kind === 'del'
          ? { kind: 'del', text: b.text, oldLine: oldLine++, patchLine: pl(b.idx) }
          : { kind: 'context', text: b.text, oldLine: oldLine++, newLine: newLine++, patchLine: pl(b.idx) };
    out.push(line);
  }
  return { oldStart, oldLines, newStart, newLines, section: section.trim(), patchLine, lines: out };
}

function prefixKind(p: string): 'add' | 'del' | 'normal' {
  return p === '+' ? 'add' : p === '-' ? 'del' : 'normal';
}

/** Index of the line where the diff of a message body starts, or -1. */
export function findDiffStart(lines: string[], from: number): number {
  for (let i = from; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith('diff --git ')) return i;
    if (l.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ') && HUNK_RE.test(lines[i + 2] ?? '')) return i;
    if (l.startsWith('Index: ') && lines[i + 1]?.startsWith('====')) return i;
  }
  return -1;
}
