// Patch text is untrusted: no control sequence from it may reach a terminal
// (or a mail header). Escapes are shown, not dropped, so a reviewer sees that
// something was there.

// C0 controls except TAB and LF, DEL, C1 controls, and the bidi overrides and
// isolates that can make code read differently from how it compiles
// ("Trojan Source", CVE-2021-42574).
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function sanitize(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const n = c.charCodeAt(0);
    if (n === 0x1b) return '^[';
    if (n === 0x0d) return '^M';
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

/** For a single line (mail header values, terse output): also folds newlines. */
export function sanitizeLine(s: string): string {
  return sanitize(s.replace(/\r?\n/g, ' '));
}
