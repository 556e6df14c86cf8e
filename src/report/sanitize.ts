// Patch text is untrusted: no control sequence from it may reach a terminal
// (or a mail header). Escapes are shown, not dropped, so a reviewer sees that
// something was there. Every string that came from a patch (file names,
// function names, subjects, witness text, notes) goes through sanitize()
// before a text format prints it, and the text formats pass their whole
// output through terminalSafe() as well; JSON and SARIF keep the strings as
// they are but escape the same characters (jsonSafe()).

/**
 * What must not reach a terminal raw: C0 controls except TAB and LF, DEL,
 * C1 controls (also what a raw 8-bit byte becomes: patches that are not
 * UTF-8 are read as Latin-1), the bidi overrides, isolates and marks that
 * can make code read differently from how it compiles ("Trojan Source",
 * CVE-2021-42574), and the zero-width and invisible characters that hide
 * text (U+200B-U+200F, U+2060-U+2064, U+FEFF, U+180E), and the Unicode line
 * and paragraph separators.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_ONE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

function shown(c: string): string {
  const n = c.charCodeAt(0);
  if (n === 0x1b) return '^[';
  if (n === 0x0d) return '^M';
  return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
}

export function sanitize(s: string): string {
  return UNSAFE_ONE.test(s) ? s.replace(UNSAFE, shown) : s;
}

/** For a single line (mail header values, terse output): also folds newlines. */
export function sanitizeLine(s: string): string {
  return sanitize(s.replace(/\r?\n/g, ' '));
}

/** Does `s` hold anything sanitize() would show escaped? */
export function unsafe(s: string): boolean {
  return UNSAFE_ONE.test(s);
}

/** The colours kreview's text output uses (src/report/checkpatch.ts), and nothing else. */
const OWN_SGR = /\x1b\[(?:0|3[1-4])m/g;

/**
 * A whole text report, made safe for a terminal: sanitize() over all of it
 * but, with `colour`, kreview's own colour codes. The fields were sanitized
 * as they went in; this is what makes a field that was missed harmless too.
 */
export function terminalSafe(text: string, colour: boolean): string {
  if (!unsafe(text)) return text;
  if (!colour) return sanitize(text);
  let out = '';
  let last = 0;
  OWN_SGR.lastIndex = 0;
  for (let m = OWN_SGR.exec(text); m; m = OWN_SGR.exec(text)) {
    out += sanitize(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + sanitize(text.slice(last));
}

// what JSON.stringify leaves raw: C1, bidi, zero-width, U+2028/2029 (C0 it escapes itself)
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Serialised JSON with the characters above written as `\uXXXX` escapes:
 * the same document for a parser, nothing raw for whoever cats it.
 */
export function jsonSafe(json: string): string {
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
