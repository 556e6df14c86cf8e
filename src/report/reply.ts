// The review email a maintainer would send: threaded headers, only the
// hunks that carry findings quoted with "> ", cuts marked "[ ... ]", each
// finding asked as a question with its reasoning, wrapped at 78 columns, no
// line numbers, never a Reviewed-by. Findings a later patch of the series
// fixes are left out. Header values from the patch cannot inject headers.

import type { Finding } from '../engine/finding.js';
import type { PatchReport } from '../engine/result.js';
import type { Hunk, Patch } from '../patch/types.js';
import { sanitize, sanitizeLine } from './sanitize.js';

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
        if (quotedUpTo) body.push('> [ ... ]');
        body.push(`> diff --git a/${sanitizeLine(d.oldPath ?? file)} b/${sanitizeLine(d.newPath ?? file)}`);
        body.push('> [ ... ]');
        lastFile = file;
        quotedUpTo = 0;
      }
      // the hunk header once, then up to eight lines before the note's line
      if (quotedUpTo < h.patchLine) {
        if (quotedUpTo) body.push('> [ ... ]');
        body.push(`> ${sanitize(lines[h.patchLine - 1] ?? '')}`);
        quotedUpTo = h.patchLine;
      }
      const from = Math.max(n.patchLine - 8, quotedUpTo + 1);
      if (from > quotedUpTo + 1) body.push('> [ ... ]');
      for (let l = from; l <= n.patchLine; l++) body.push(quote(lines[l - 1] ?? ''));
      quotedUpTo = n.patchLine;
    } else if (quotedUpTo) {
      body.push('> [ ... ]');
      quotedUpTo = 0;
      lastFile = undefined;
    }
    body.push('');
    body.push(...wrap(n.text).split('\n'));
    body.push('');
  }
  if (quotedUpTo) {
    body.push('> [ ... ]');
    body.push('');
  }
  body.push('Thanks,');
  body.push(sanitizeLine(o.me.name.split(' ')[0] || o.me.name));
  return `${head}\n\n${body.join('\n')}\n`;
}

function quote(line: string): string {
  const s = sanitize(line);
  return s ? `> ${s}` : '>';
}

function headers(p: Patch, o: ReplyOptions): string {
  const me = `${o.me.name} <${o.me.email}>`;
  const to = p.from ? [p.from] : [];
  const cc = [...(p.headers.to ?? []), ...(p.headers.cc ?? [])].flatMap(splitAddresses).filter((a) => !sameAddress(a, me) && !to.some((t) => sameAddress(t, a)));
  const refs = [...p.references, ...(p.messageId ? [p.messageId] : [])];
  const subject = /^re:/i.test(p.rawSubject) ? p.rawSubject : `Re: ${p.rawSubject}`;
  const h: [string, string][] = [
    ['From', me],
    ['To', to.join(', ')],
    ['Cc', [...new Set(cc)].join(', ')],
    ['Subject', subject],
    ['Date', (o.date ?? new Date()).toUTCString().replace('GMT', '+0000')],
    ...(p.messageId ? ([['In-Reply-To', `<${p.messageId}>`]] as [string, string][]) : []),
    ...(refs.length ? ([['References', refs.map((r) => `<${r}>`).join(' ')]] as [string, string][]) : []),
    ['MIME-Version', '1.0'],
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Transfer-Encoding', '8bit'],
  ];
  return h
    .filter(([, v]) => v !== '')
    .map(([k, v]) => fold(`${k}: ${headerValue(v)}`))
    .join('\n');
}

/**
 * A header value from patch text: one line (a CR or LF would start a new,
 * attacker-chosen header), no control characters, non-ASCII as RFC 2047.
 */
export function headerValue(v: string): string {
  // eslint-disable-next-line no-control-regex
  const one = v.replace(/[\r\n]+/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  // eslint-disable-next-line no-control-regex
  if (!/[^\u0000-\u007f]/.test(one)) return one;
  return one
    .split(' ')
    .map((w) => (/[^\u0000-\u007f]/.test(w) ? `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=` : w))
    .join(' ');
}

/** Fold a long header after commas or spaces (RFC 5322 2.2.3), continuation lines indented. */
function fold(h: string): string {
  if (h.length <= WIDTH) return h;
  const out: string[] = [];
  let line = '';
  for (const part of h.split(/(?<=,) /)) {
    if (line && line.length + 1 + part.length > WIDTH) {
      out.push(line);
      line = ` ${part}`;
    } else line = line ? `${line} ${part}` : part;
  }
  out.push(line);
  return out.join('\n');
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
  const addr = (x: string): string => (/<([^>]+)>/.exec(x)?.[1] ?? x).trim().toLowerCase();
  return addr(a) === addr(b);
}

function displayName(from: string): string {
  const m = /^\s*"?([^"<]*?)"?\s*<[^>]+>\s*$/.exec(from);
  return sanitizeLine(m && m[1] ? m[1] : from);
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
  // where the file came from and the credential state: the part of the evidence the question does not say
  const why = f.witness.filter((w) => w.kind === 'origin' || (w.kind === 'scope' && f.rule !== 'backing-file-creds')).slice(0, 3).map((w) => w.text);
  // the evidence in words, without line numbers
  return sanitizeLine(why.length ? `${text} (${why.join('; ')}.)` : text);
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
