// Rule documentation in the terminal: marked + marked-terminal on a TTY,
// the Markdown itself otherwise (it reads fine, and pipes stay plain).
// Loaded only by `kreview explain` and `kreview review`, which render the
// same way: the TUI's detail pane shows what `explain` prints.

import { sanitize } from '../src/report/sanitize.js';

const sgr =
  (open: string, close: string) =>
  (s: string): string =>
    `\x1b[${open}m${s}\x1b[${close}m`;
const bold = sgr('1', '22');
const plain = (s: string): string => s;

/**
 * marked-terminal's own styles, written out: its default chalk decides
 * colour once, when first imported, from chalk's view of the environment
 * (CI set: none; NO_COLOR: ignored), so explain and the TUI disagreed with
 * each other and with --color. Here the caller decides.
 */
function styles(color: boolean): Record<string, (s: string) => string> {
  const names = ['code', 'blockquote', 'html', 'heading', 'firstHeading', 'hr', 'listitem', 'table', 'paragraph', 'strong', 'em', 'codespan', 'del', 'link', 'href'];
  if (!color) return Object.fromEntries(names.map((n) => [n, plain]));
  return {
    code: sgr('33', '39'),
    blockquote: (s) => sgr('90', '39')(sgr('3', '23')(s)),
    html: sgr('90', '39'),
    heading: (s) => bold(sgr('32', '39')(s)),
    firstHeading: (s) => bold(sgr('4', '24')(sgr('35', '39')(s))),
    hr: plain,
    listitem: plain,
    table: plain,
    paragraph: plain,
    strong: bold,
    em: sgr('3', '23'),
    codespan: sgr('33', '39'),
    del: sgr('9', '29'),
    link: sgr('34', '39'),
    href: sgr('4', '24'),
  };
}

export async function renderMarkdown(md: string, opts: { tty: boolean; width?: number; color?: boolean }): Promise<string> {
  if (!opts.tty) return md.endsWith('\n') ? md : md + '\n';
  const color = opts.color ?? true;
  const { Marked } = await import('marked');
  const { markedTerminal } = await import('marked-terminal');
  const m = new Marked();
  // a terminal that reports no size (0 columns: a serial console, script(1)) is 80 wide
  m.use(markedTerminal({ width: Math.min(opts.width || 80, 100), reflowText: true, tab: 2, ...styles(color) }, { ignoreIllegals: true }));
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
  const out = sanitizeKeepingStyle(await m.parse(md));
  // code blocks are highlighted through cli-highlight's own chalk: without colour, no escape at all
  // eslint-disable-next-line no-control-regex
  return color ? out : out.replace(/\x1b\[[0-9;]*m/g, '');
}

/** marked-terminal emits its own colour codes; patch text never reaches here, but keep only SGR sequences. */
function sanitizeKeepingStyle(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.split(/(\x1b\[[0-9;]*m)/).map((part, i) => (i % 2 ? part : sanitize(part))).join('');
}
