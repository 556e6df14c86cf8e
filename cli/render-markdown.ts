// Rule documentation in the terminal: marked + marked-terminal on a TTY,
// the Markdown itself otherwise (it reads fine, and pipes stay plain).
// Loaded only by `kreview explain` and `kreview review`.

import { sanitize } from '../src/report/sanitize.js';

export async function renderMarkdown(md: string, opts: { tty: boolean; width?: number }): Promise<string> {
  if (!opts.tty) return md.endsWith('\n') ? md : md + '\n';
  const { Marked } = await import('marked');
  const { markedTerminal } = await import('marked-terminal');
  const m = new Marked();
  m.use(markedTerminal({ width: Math.min(opts.width ?? 80, 100), reflowText: true, tab: 2 }));
  // marked >= 13 hands list-item text to the text renderer with its inline
  // tokens unparsed, so `code` and **bold** printed raw (marked-terminal #304)
  m.use({
    renderer: {
      text(token) {
        if (typeof token === 'object' && 'tokens' in token && token.tokens?.length) return this.parser.parseInline(token.tokens);
        return false;
      },
    },
  });
  return sanitizeKeepingStyle(await m.parse(md));
}

/** marked-terminal emits its own colour codes; patch text never reaches here, but keep only SGR sequences. */
function sanitizeKeepingStyle(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.split(/(\x1b\[[0-9;]*m)/).map((part, i) => (i % 2 ? part : sanitize(part))).join('');
}
