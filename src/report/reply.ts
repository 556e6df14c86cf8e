// The review email a maintainer would send: threaded headers, only the
// hunks that carry findings quoted with "> ", cuts marked "[...]" as on the
// lists, each finding asked in a sentence or two that name the call, the
// file and the fix (the evidence stays in kreview's report), wrapped at 78
// columns, no line numbers, never a Reviewed-by. Findings a later patch of
// the series fixes are left out. Header values from the patch cannot inject
// headers, and long ones are folded (RFC 5322 2.2.3, RFC 2047).

import type { Finding } from '../engine/finding.js';
import type { PatchReport } from '../engine/result.js';
import type { Hunk, Patch } from '../patch/types.js';
import { sanitize, sanitizeLine, terminalSafe } from './sanitize.js';

export interface ReplyIdentity {
  name: string;
  email: string;
}

export interface ReplyComment {
  /** Post-image file and line the comment is about. */
  file: string;
  line: number;
  text: string;
}

export interface ReplyOptions {
  me: ReplyIdentity;
  /** Question templates per rule id and messageId; `{{message}}` and the finding's data fill them. */
  questions: (rule: string, messageId: string) => string | undefined;
  /** Free-text comments from `kreview review`. */
  comments?: ReplyComment[];
  /** Findings to leave out (marked false positives in `kreview review`), by finding key. */
  skip?: ReadonlySet<string>;
  date?: Date;
}

const WIDTH = 78;
/** The list's mark for quoted text left out. */
const CUT = '[...]';

/** One reply per patch that has something to say; undefined when there is nothing. */
export function draftReply(r: PatchReport, o: ReplyOptions): string | undefined {
  const p = r.patch;
  const findings = r.findings.filter((f) => (f.status === 'introduced' || f.status === 'moved') && !o.skip?.has(f.key));
  const comments = o.comments ?? [];
  if (!findings.length && !comments.length) return undefined;
  const head = headers(p, o);
  const body: string[] = [];
  const who = p.from ? displayName(p.from) : 'you';
  body.push(wrap(`On ${p.date ? sanitizeLine(p.date) : 'an earlier day'}, ${who} wrote:`));
  body.push('');

  // findings and comments grouped by the hunk they fall in, in patch order
  type Note = { file: string; patchLine: number; line: number; text: string };
  const notes: Note[] = [];
  for (const f of findings) {
    if (f.patchLine === undefined) {
      notes.push({ file: f.file, patchLine: Number.MAX_SAFE_INTEGER, line: f.line, text: question(f, o) });
    } else notes.push({ file: f.file, patchLine: f.patchLine, line: f.line, text: question(f, o) });
  }
  for (const c of comments) {
    const pl = patchLineOf(p, c.file, c.line);
    notes.push({ file: c.file, patchLine: pl ?? Number.MAX_SAFE_INTEGER, line: c.line, text: c.text });
  }
  notes.sort((a, b) => a.patchLine - b.patchLine);
  const lines = p.text.split('\n');
  let quotedUpTo = 0; // patch line quoted last
  let lastFile: string | undefined;
  for (const n of notes) {
    const hunk = n.patchLine === Number.MAX_SAFE_INTEGER ? undefined : hunkAt(p, n.patchLine);
    if (hunk) {
      const { file, h } = hunk;
      if (file !== lastFile) {
        const d = p.files.find((f) => (f.newPath ?? f.oldPath) === file)!;
        if (quotedUpTo) body.push(CUT);
        body.push(`> diff --git a/${sanitizeLine(d.oldPath ?? file)} b/${sanitizeLine(d.newPath ?? file)}`);
        body.push(CUT);
        lastFile = file;
        quotedUpTo = 0;
      }
      // the hunk header once, then up to eight lines before the note's line
      if (quotedUpTo < h.patchLine) {
        if (quotedUpTo) body.push(CUT);
        body.push(`> ${sanitize(lines[h.patchLine - 1] ?? '')}`);
        quotedUpTo = h.patchLine;
      }
      const from = Math.max(n.patchLine - 8, quotedUpTo + 1);
      if (from > quotedUpTo + 1) body.push(CUT);
      for (let l = from; l <= n.patchLine; l++) body.push(quote(lines[l - 1] ?? ''));
      quotedUpTo = n.patchLine;
    } else if (quotedUpTo) {
      body.push(CUT);
      quotedUpTo = 0;
      lastFile = undefined;
    }
    body.push('');
    body.push(...wrap(n.text).split('\n'));
    body.push('');
  }
  if (quotedUpTo) {
    body.push(CUT);
    body.push('');
  }
  body.push('Thanks,');
  body.push(sanitizeLine(o.me.name.split(' ')[0] || o.me.name));
  // every line was made safe as it went in; the whole draft once more, for any that was not
  return terminalSafe(`${head}\n\n${body.join('\n')}\n`, false);
}

function quote(line: string): string {
  const s = sanitize(line);
  return s ? `> ${s}` : '>';
}

/** A Message-ID no header line can carry (RFC 5322's 998 characters): it cannot thread the reply. */
const MAX_ID = 900;

/** Why a draft cannot thread, or undefined: the patch has no usable Message-ID. */
export function threadingProblem(p: Patch): string | undefined {
  if (!p.messageId) return 'the patch has no Message-ID: the draft has no In-Reply-To and will not thread under it';
  if (p.messageId.length > MAX_ID) return 'the patch\'s Message-ID is too long for a header: the draft has no In-Reply-To and will not thread under it';
  return undefined;
}

function headers(p: Patch, o: ReplyOptions): string {
  const me = `${o.me.name} <${o.me.email}>`;
  const to = p.from ? [p.from] : [];
  const cc = [...(p.headers.to ?? []), ...(p.headers.cc ?? [])].flatMap(splitAddresses).filter((a) => !sameAddress(a, me) && !to.some((t) => sameAddress(t, a)));
  const id = threadingProblem(p) ? undefined : p.messageId;
  const refs = [...p.references, ...(id ? [id] : [])].filter((r) => r.length <= MAX_ID);
  const subject = /^re:/i.test(p.rawSubject) ? p.rawSubject : `Re: ${p.rawSubject}`;
  const h: [string, string, FoldKind][] = [
    ['From', me, 'words'],
    ['To', to.join(', '), 'words'],
    ['Cc', [...new Set(cc)].join(', '), 'words'],
    ['Subject', subject, 'text'],
    ['Date', (o.date ?? new Date()).toUTCString().replace('GMT', '+0000'), 'words'],
    ...(id ? ([['In-Reply-To', `<${id}>`, 'words']] as [string, string, FoldKind][]) : []),
    ...(refs.length ? ([['References', refs.map((r) => `<${r}>`).join(' '), 'words']] as [string, string, FoldKind][]) : []),
    ['MIME-Version', '1.0', 'words'],
    ['Content-Type', 'text/plain; charset=utf-8', 'words'],
    ['Content-Transfer-Encoding', '8bit', 'words'],
  ];
  return h
    .filter(([, v]) => v !== '')
    .map(([k, v, kind]) => fold(k, oneLine(v), kind))
    .join('\n');
}

/** A header value from patch text: one line (a CR or LF would start a new, attacker-chosen header), no control characters. */
function oneLine(v: string): string {
  // C1, bidi and zero-width characters too: a mail client shows the decoded header
  // eslint-disable-next-line no-control-regex
  return v.replace(/[\r\n]+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g, '').trim();
}

/**
 * A header value from patch text, unfolded: one line, no control
 * characters, non-ASCII words as RFC 2047 encoded-words.
 */
export function headerValue(v: string): string {
  return fold('X', oneLine(v), 'text').slice(3).replace(/\n /g, ' ');
}

/** words: fold only between words (addresses, ids, dates); text: an unstructured value (Subject), where long words may be encoded. */
type FoldKind = 'words' | 'text';

/** Longer ASCII words are encoded so that they can fold (998 minus room for a header name). */
const LONGEST_WORD = 900;

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/;

/**
 * `Name: value`, folded at white space into lines of at most 78 characters
 * (RFC 5322 2.2.3; continuation lines start with a space) where the words
 * allow. Runs of non-ASCII words become RFC 2047 encoded-words of at most 75
 * characters, split on character boundaries; in unstructured text a word
 * that would break RFC 5322's 998-character line limit is encoded the same
 * way, so it folds without changing what a reader decodes (a long
 * identifier stays readable on a line of its own).
 * Consecutive encoded words are one run: the space between them survives.
 */
function fold(name: string, value: string, kind: FoldKind): string {
  const tokens: string[] = [];
  let run: string[] = [];
  const flush = (): void => {
    if (run.length) tokens.push(...encodedWords(run.join(' ')));
    run = [];
  };
  for (const w of value.split(/ +/).filter(Boolean)) {
    if (NON_ASCII.test(w) || (kind === 'text' && w.length > LONGEST_WORD)) run.push(w);
    else {
      flush();
      tokens.push(w);
    }
  }
  flush();
  const lines: string[] = [];
  let line = `${name}:`;
  for (const t of tokens) {
    if (line.length + 1 + t.length > WIDTH && line.trim() !== `${name}:`) {
      lines.push(line);
      line = ` ${t}`;
    } else line += ` ${t}`;
  }
  lines.push(line);
  return lines.join('\n');
}

/** UTF-8 text as `=?UTF-8?B?...?=` words of at most 75 characters (45 bytes each), never splitting a character. */
function encodedWords(text: string): string[] {
  const out: string[] = [];
  let chunk: Buffer[] = [];
  let size = 0;
  const push = (): void => {
    if (size) out.push(`=?UTF-8?B?${Buffer.concat(chunk).toString('base64')}?=`);
    chunk = [];
    size = 0;
  };
  for (const ch of text) {
    const b = Buffer.from(ch, 'utf8');
    if (size + b.length > 45) push();
    chunk.push(b);
    size += b.length;
  }
  push();
  return out;
}

function splitAddresses(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  let angle = 0;
  for (const ch of s) {
    if (ch === '"') q = !q;
    else if (ch === '<') angle++;
    else if (ch === '>') angle--;
    if (ch === ',' && !q && angle <= 0) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function sameAddress(a: string, b: string): boolean {
  const addr = (x: string): string => (/<([^<>]+)>/.exec(x)?.[1] ?? x).trim().toLowerCase();
  return addr(a) === addr(b);
}

/** `"A. Person" <a@b>` -> `A. Person`: the name part of an address, when it has one. */
function displayName(from: string): string {
  // read by hand: `/^\s*"?([^"<]*?)"?\s*<[^>]+>\s*$/` said the same in cubic time
  const t = from.trim();
  const lt = t.indexOf('<');
  let name = '';
  if (lt >= 0 && t.endsWith('>') && t.length - lt > 2 && !t.slice(lt + 1, -1).includes('>')) {
    name = t.slice(0, lt).trim();
    if (name.startsWith('"')) name = name.slice(1);
    if (name.endsWith('"')) name = name.slice(0, -1);
    name = name.trim();
    if (/["<]/.test(name)) name = '';
  }
  return sanitizeLine(name || from);
}

function hunkAt(p: Patch, patchLine: number): { file: string; h: Hunk } | undefined {
  for (const f of p.files) {
    for (const h of f.hunks) {
      const last = h.lines[h.lines.length - 1]?.patchLine ?? h.patchLine;
      if (patchLine >= h.patchLine && patchLine <= last) return { file: f.newPath ?? f.oldPath ?? '', h };
    }
  }
  return undefined;
}

function patchLineOf(p: Patch, file: string, line: number): number | undefined {
  const d = p.files.find((f) => (f.newPath ?? f.oldPath) === file);
  for (const h of d?.hunks ?? []) for (const l of h.lines) if (l.newLine === line && l.kind !== 'del') return l.patchLine;
  return undefined;
}

function question(f: Finding, o: ReplyOptions): string {
  const t = o.questions(f.rule, f.messageId);
  const data: Record<string, string> = { ...f.data, message: f.message };
  const text = t ? t.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => data[k] ?? '') : `${f.message}. Is that intended?`;
  // the question alone: the witness (origins, scopes, call paths) is the tool's report, not the mail
  return sanitizeLine(text);
}

/** Wrap at 78 columns, keeping words whole. */
export function wrap(s: string, width = WIDTH): string {
  const out: string[] = [];
  for (const para of s.split('\n')) {
    let line = '';
    for (const w of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + w.length > width) {
        out.push(line);
        line = w;
      } else line = line ? `${line} ${w}` : w;
    }
    out.push(line);
  }
  return out.join('\n');
}
