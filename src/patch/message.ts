// One mail message (or a bare diff) -> Patch: headers, commit message,
// trailers, notes below the `---`, base-commit, and the diff.

import { decodeWords, multipartParts, parseHeaders, splitHeaderBody, type MimePart } from './mime.js';
import { findDiffStart, parseDiffLines } from './diff.js';
import { parseSubject } from './subject.js';
import { InputError, type Patch, type Trailer } from './types.js';

const TRAILER_KEYS = new Map(
  [
    'Signed-off-by', 'Fixes', 'Reviewed-by', 'Acked-by', 'Tested-by', 'Reported-by', 'Suggested-by',
    'Co-developed-by', 'Cc', 'Link', 'Closes', 'Reported-and-tested-by', 'Message-ID', 'Requested-by', 'Debugged-by',
  ].map((k) => [k.toLowerCase(), k]),
);

export interface MessageParse {
  /** undefined when the message is not a patch (a reply without a diff). */
  patch?: Patch;
  /** Why it is not a patch, or what was wrong with it. */
  error?: InputError;
}

/**
 * @param bin the message as a binary string (latin1, one char per byte), LF line ends
 * @param startLine where the message starts in its input (1-based)
 */
export function parseMessage(bin: string, source: string, indexInSource: number, startLine: number): MessageParse {
  const looksLikeMail = /^[!-9;-~]+:/.test(bin) || bin.startsWith('From ');
  let headersText = '';
  let mail = bin;
  if (bin.startsWith('From ')) {
    // the mbox "From " line of a format-patch file
    const nl = bin.indexOf('\n');
    mail = nl < 0 ? '' : bin.slice(nl + 1);
    headersText = bin.slice(0, nl + 1);
  }
  const firstDiff = /^(diff --git |--- |Index: )/.test(mail);
  if (!looksLikeMail || firstDiff) return bareDiff(bin, source, indexInSource, startLine);

  const { head, body, bodyLine } = splitHeaderBody(mail);
  const h = parseHeaders(head);
  const headerLineOffset = headersText ? 1 : 0;
  const parts = multipartParts(h, body, bodyLine + headerLineOffset);
  const decodedHeaders: Record<string, string[]> = {};
  for (const [k, vs] of h.raw) decodedHeaders[k] = vs.map((v) => decodeWords(v));
  const rawSubject = (decodedHeaders.subject?.[0] ?? '').replace(/\s+/g, ' ').trim();
  const subj = parseSubject(rawSubject);

  // pick the text part that carries the commit message, and the part that holds the diff
  const textParts = parts.filter((p) => p.type.startsWith('text/') && p.type !== 'text/html' || isPatchAttachment(p));
  const diffPart = textParts.find((p) => findDiffStart(p.text.split('\n'), 0) >= 0);
  const messagePart = textParts.find((p) => p.type === 'text/plain' && !p.filename) ?? textParts[0];

  // the text kreview shows and counts lines in: headers, then the decoded body
  const bodyText = diffPart && messagePart && diffPart !== messagePart ? `${messagePart.text}\n${diffPart.text}` : (diffPart ?? messagePart)?.text ?? '';
  const text = `${decodeUtf8OrLatin1(headersText + head)}\n${bodyText}`;
  const bodyStart = headerLineOffset + bodyLine;
  const lines = bodyText.split('\n');

  // the commit message ends at the first `---` line (git am's rule)
  let sep = lines.findIndex((l) => /^---\s*$/.test(l));
  const diffStart = findDiffStart(lines, sep >= 0 ? sep + 1 : 0);
  if (sep >= 0 && diffStart >= 0 && sep > diffStart) sep = -1;
  const msgEnd = sep >= 0 ? sep : diffStart >= 0 ? diffStart : lines.length;
  const commitMessage = trimBlank(lines.slice(0, msgEnd)).join('\n');
  const notesEnd = diffStart >= 0 ? diffStart : lines.length;
  const notes = sep >= 0 ? trimBlank(lines.slice(sep + 1, notesEnd)).join('\n') : '';
  const trailers = parseTrailers(lines.slice(0, msgEnd), bodyStart);
  // the id's length is checked apart: a bounded repeat makes the expression too big to prove linear
  const baseCommit = /^base-commit:[ \t]*([0-9a-f]+)[ \t]*$/m.exec(lines.slice(sep >= 0 ? sep : 0).join('\n'))?.[1];
  const baseCommitOk = baseCommit !== undefined && baseCommit.length >= 7 && baseCommit.length <= 40;

  const patchErrors: InputError[] = [];
  const files = diffStart >= 0 ? parseDiffLines(lines, bodyStart, source, diffStart, startLine - 1) : { files: [], errors: [] };
  patchErrors.push(...files.errors);

  const isCover = !files.files.length && subj.isPatch && subj.position.index === 0;
  if (!files.files.length && !isCover && !files.errors.length) {
    return {
      error: new InputError(source, 'not-a-patch', subj.reply ? `"${rawSubject}" is a reply with no diff` : `"${rawSubject || '(no subject)'}" has no diff`),
    };
  }
  // `[^<>]`: an id holds neither, and a run of `<` is read once, not from each of them (a 1 MB one was quadratic)
  const refs = (decodedHeaders.references ?? []).join(' ').match(/<[^<>]+>/g) ?? [];
  const patch: Patch = {
    source,
    indexInSource,
    startLine,
    rawSubject,
    subject: subj.subject,
    position: subj.position,
    isCoverLetter: isCover,
    ...opt('from', decodedHeaders.from?.[0]),
    ...opt('date', decodedHeaders.date?.[0]),
    ...opt('messageId', msgId(decodedHeaders['message-id']?.[0])),
    ...opt('inReplyTo', msgId(decodedHeaders['in-reply-to']?.[0])),
    references: refs.map((r) => r.slice(1, -1)),
    headers: decodedHeaders,
    commitMessage,
    trailers,
    notes,
    ...opt('baseCommit', baseCommitOk ? baseCommit : undefined),
    ...opt('commit', /^From ([0-9a-f]{40}) /.exec(headersText)?.[1]),
    files: files.files,
    text,
    lineCount: countLines(text),
    errors: patchErrors,
  };
  return { patch };
}

function isPatchAttachment(p: MimePart): boolean {
  return (
    /\.(patch|diff)$/i.test(p.filename ?? '') ||
    p.type === 'text/x-patch' ||
    p.type === 'text/x-diff' ||
    (p.type === 'application/octet-stream' && /\.(patch|diff|txt)$/i.test(p.filename ?? ''))
  );
}

function bareDiff(bin: string, source: string, indexInSource: number, startLine: number): MessageParse {
  const text = decodeUtf8OrLatin1(bin);
  const lines = text.split('\n');
  const start = findDiffStart(lines, 0);
  if (start < 0) return { error: new InputError(source, 'empty', 'no mail headers and no diff found') };
  const parsed = parseDiffLines(lines, 1, source, start, startLine - 1);
  if (!parsed.files.length && !parsed.errors.length) return { error: new InputError(source, 'empty', 'no diff found') };
  return {
    patch: {
      source,
      indexInSource,
      startLine,
      rawSubject: '',
      subject: '',
      position: { version: 1, index: 1, total: 1, rfc: false, tags: [] },
      isCoverLetter: false,
      references: [],
      headers: {},
      commitMessage: trimBlank(lines.slice(0, start)).join('\n'),
      trailers: [],
      notes: '',
      files: parsed.files,
      text,
      lineCount: countLines(text),
      errors: parsed.errors,
    },
  };
}

function decodeUtf8OrLatin1(bin: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\u0080-\u00ff]/.test(bin)) return bin;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(bin, 'latin1'));
  } catch {
    return bin;
  }
}

function parseTrailers(msg: string[], firstLine: number): Trailer[] {
  // the last paragraph(s) of `Key: value` lines (checkpatch and git interpret-trailers agree on this shape)
  let end = msg.length;
  while (end > 0 && !msg[end - 1]!.trim()) end--;
  let start = end;
  while (start > 0 && msg[start - 1]!.trim()) start--;
  const out: Trailer[] = [];
  for (let i = start; i < end; i++) {
    // `s`: the value runs to the end of the line whatever it holds, so `.*` never backtracks into the white space before it
    const m = /^([A-Za-z][A-Za-z0-9-]*)\s*:(.*)$/s.exec(msg[i]!);
    if (!m) continue;
    const key = TRAILER_KEYS.get(m[1]!.toLowerCase()) ?? (/-by$/i.test(m[1]!) ? m[1]! : undefined);
    if (!key) continue;
    out.push({ key, value: m[2]!.trim(), patchLine: firstLine + i });
  }
  return out;
}

function msgId(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const m = /<([^<>]+)>/.exec(v);
  return m ? m[1] : v.trim() || undefined;
}

function trimBlank(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && !lines[a]!.trim()) a++;
  while (b > a && !lines[b - 1]!.trim()) b--;
  return lines.slice(a, b);
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n : n + 1;
}

function opt<K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };
}
