// Just enough RFC 5322/2045/2047/3676 to read what kernel mailing lists
// carry: folded headers, encoded words, quoted-printable, base64, 8bit in
// any charset, format=flowed, and multipart messages with the patch as an
// attachment. Own code rather than mailparser: ~10x faster and no 140 ms
// import on the `check` path (shared/ENGINEERING-NOTES.md, "Mail").
//
// Text is handled as "binary strings" (one char per byte, latin1) until a
// part's charset is known; decodeBytes() turns them into real strings.

import { TextDecoder } from 'node:util';

export interface Headers {
  /** Lower-case name -> raw (still encoded) values, in order. */
  raw: Map<string, string[]>;
}

/** Split a message into header block and body at the first empty line. */
export function splitHeaderBody(msg: string): { head: string; body: string; bodyLine: number } {
  // headers end at the first empty line
  let i = 0;
  let line = 1;
  for (;;) {
    const nl = msg.indexOf('\n', i);
    if (nl < 0) return { head: msg, body: '', bodyLine: line + 1 };
    if (nl === i) return { head: msg.slice(0, i), body: msg.slice(nl + 1), bodyLine: line + 1 };
    i = nl + 1;
    line++;
  }
}

/** Parse a header block with folded lines. A line that is not a header ends it. */
export function parseHeaders(head: string): Headers {
  const raw = new Map<string, string[]>();
  let name: string | undefined;
  let value = '';
  const flush = (): void => {
    if (name === undefined) return;
    const list = raw.get(name);
    if (list) list.push(value);
    else raw.set(name, [value]);
    name = undefined;
  };
  for (const line of head.split('\n')) {
    if (/^[ \t]/.test(line) && name !== undefined) {
      value += ' ' + line.trim();
      continue;
    }
    flush();
    const m = /^([!-9;-~]+):[ \t]?(.*)$/.exec(line);
    if (m) {
      name = m[1]!.toLowerCase();
      value = m[2]!.trim();
    }
  }
  flush();
  return { raw };
}

export function header(h: Headers, name: string): string | undefined {
  return h.raw.get(name)?.[0];
}

/** `text/plain; charset="utf-8"; format=flowed` -> { type, params } */
export function parseContentType(v: string | undefined): { type: string; params: Record<string, string> } {
  if (!v) return { type: 'text/plain', params: {} };
  const parts = splitParams(v);
  const type = (parts.shift() ?? 'text/plain').trim().toLowerCase();
  const params: Record<string, string> = {};
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const k = p.slice(0, eq).trim().toLowerCase().replace(/\*$/, '');
    let val = p.slice(eq + 1).trim();
    if (val.startsWith('"') && val.endsWith('"') && val.length >= 2) val = val.slice(1, -1).replace(/\\(.)/g, '$1');
    // RFC 2231 extended value: utf-8''name.patch
    const ext = /^([\w-]*)'[\w-]*'(.*)$/.exec(val);
    if (ext && p.slice(0, eq).trim().endsWith('*')) val = decodeURIComponentSafe(ext[2]!);
    params[k] = val;
  }
  return { type, params };
}

function splitParams(v: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '"' && v[i - 1] !== '\\') q = !q;
    if (c === ';' && !q) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const decoders = new Map<string, TextDecoder | null>();

/** Decode a binary string in a charset; unknown labels fall back to latin1, invalid UTF-8 to latin1 (8bit mail often lies). */
export function decodeBytes(bin: string, charset: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\u0080-\u00ff]/.test(bin)) return bin; // pure ASCII: nothing to do
  const label = (charset ?? 'utf-8').toLowerCase().trim();
  if (label === 'iso-8859-1' || label === 'latin1' || label === 'us-ascii' || label === 'ascii') return bin;
  let dec = decoders.get(label);
  if (dec === undefined) {
    try {
      dec = new TextDecoder(label, { fatal: label === 'utf-8' || label === 'utf8' });
    } catch {
      dec = null;
    }
    decoders.set(label, dec);
  }
  if (!dec) return bin;
  const bytes = Buffer.from(bin, 'latin1');
  try {
    return dec.decode(bytes);
  } catch {
    return bin; // not valid UTF-8 after all: keep bytes as latin1
  }
}

/** RFC 2047 encoded words in a header value; adjacent encoded words are joined without the space between them. */
export function decodeWords(v: string): string {
  if (!v.includes('=?')) return v;
  return joinEncodedWords(v)
    .replace(/=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g, (_, cs: string, enc: string, text: string) => {
      const star = cs.indexOf('*');
      const charset = star < 0 ? cs : cs.slice(0, star); // RFC 2231 language suffix
      const bin = enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('latin1') : qpWord(text);
      return decodeBytes(bin, charset);
    });
}

/** Drop the white space between adjacent encoded words (RFC 2047 6.2), in one pass over them. */
function joinEncodedWords(v: string): string {
  const word = /=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=/g;
  let out = '';
  let last = 0;
  let prevEnd = -1;
  for (let m = word.exec(v); m; m = word.exec(v)) {
    const gap = v.slice(last, m.index);
    out += prevEnd === last && gap !== '' && /^\s+$/.test(gap) ? '' : gap;
    out += m[0];
    last = prevEnd = m.index + m[0].length;
  }
  return out + v.slice(last);
}

function qpWord(s: string): string {
  return s.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Quoted-printable body -> binary string. */
export function decodeQuotedPrintable(s: string): string {
  // trailing white space added in transport (RFC 2045 6.7 (3))
  return s
    .split('\n')
    .map(trimBlanksEnd)
    .join('\n')
    .replace(/=\n/g, '') // soft line breaks
    .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/**
 * A line without its trailing spaces and tabs. A loop: `/[ \t]+$/` retries
 * from every blank of a run that is not at the end, quadratic on a long one.
 */
function trimBlanksEnd(l: string): string {
  let e = l.length;
  while (e > 0 && (l[e - 1] === ' ' || l[e - 1] === '\t')) e--;
  return e === l.length ? l : l.slice(0, e);
}

export function decodeBase64(s: string): string {
  return Buffer.from(s.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('latin1');
}

/**
 * RFC 3676 format=flowed: a line ending in a space continues on the next
 * (with DelSp=yes that space is removed). Quoted lines (`>`) flow only with
 * lines of the same quote depth; the signature separator never flows.
 */
export function unflow(text: string, delsp: boolean): string {
  const out: string[] = [];
  let pending: string | undefined;
  let pendingDepth = 0;
  for (const raw of text.split('\n')) {
    const depth = /^>*/.exec(raw)![0].length;
    let line = raw.slice(depth);
    if (line.startsWith(' ')) line = line.slice(1); // space-stuffing
    // a line that is only white space (a diff's empty context line) is never a soft break
    const flowed = line.endsWith(' ') && line !== '-- ' && line.trim() !== '';
    if (pending !== undefined && depth === pendingDepth) {
      line = pending + line;
    } else if (pending !== undefined) {
      out.push('>'.repeat(pendingDepth) + pending);
    }
    pending = undefined;
    if (flowed) {
      pending = delsp ? line.slice(0, -1) : line;
      pendingDepth = depth;
    } else out.push('>'.repeat(depth) + line);
  }
  if (pending !== undefined) out.push('>'.repeat(pendingDepth) + pending);
  return out.join('\n');
}

export interface MimePart {
  headers: Headers;
  type: string;
  params: Record<string, string>;
  /** Decoded text (transfer encoding and charset undone). */
  text: string;
  /** Line in the message where this part's body starts. */
  bodyLine: number;
  filename?: string;
}

/** Decode a (non-multipart) entity's body: transfer encoding, charset, format=flowed. */
export function decodeEntity(h: Headers, body: string): { text: string; type: string; params: Record<string, string>; changedLines: boolean } {
  const { type, params } = parseContentType(header(h, 'content-type'));
  const cte = (header(h, 'content-transfer-encoding') ?? '7bit').toLowerCase().trim();
  let bin = body;
  let changedLines = false;
  if (cte === 'quoted-printable') {
    bin = decodeQuotedPrintable(body);
    changedLines = true;
  } else if (cte === 'base64') {
    bin = decodeBase64(body);
    changedLines = true;
  }
  let text = decodeBytes(bin, params.charset);
  if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
  if ((params.format ?? '').toLowerCase() === 'flowed') {
    text = unflow(text, (params.delsp ?? '').toLowerCase() === 'yes');
    changedLines = true;
  }
  return { text, type, params, changedLines };
}

/** Split a multipart body into its parts (recursively flattened), decoded. */
export function multipartParts(h: Headers, body: string, bodyLine: number, depth = 0): MimePart[] {
  const { type, params } = parseContentType(header(h, 'content-type'));
  if (!type.startsWith('multipart/') || !params.boundary || depth > 5) {
    const d = decodeEntity(h, body);
    const disp = parseContentType(header(h, 'content-disposition'));
    const filename = disp.params.filename ?? params.name;
    return [{ headers: h, type: d.type, params: d.params, text: d.text, bodyLine, ...(filename ? { filename } : {}) }];
  }
  const delim = '--' + params.boundary;
  const out: MimePart[] = [];
  const lines = body.split('\n');
  let start = -1;
  for (let i = 0; i <= lines.length; i++) {
    const l = i < lines.length ? trimBlanksEnd(lines[i]!) : delim + '--';
    if (l === delim || l === delim + '--') {
      if (start >= 0) {
        const partText = lines.slice(start, i).join('\n');
        const { head, body: pb, bodyLine: pbl } = splitHeaderBody(partText);
        out.push(...multipartParts(parseHeaders(head), pb, bodyLine + start + pbl - 1, depth + 1));
      }
      if (l === delim + '--') break;
      start = i + 1;
    }
  }
  return out;
}
