// When kreview colours its output: the --color word, the environment, the terminal.

export type ColorWhen = 'always' | 'never' | 'auto';

/**
 * Colour on stdout: the text report, --list-types, explain and the TUI's
 * rule docs. --color=always/never decide; auto (the default) colours a
 * terminal, as checkpatch.pl does, and follows the Node
 * ecosystem's variables (supports-color, Node's own tty): FORCE_COLOR=0 or
 * false turns it off, any other FORCE_COLOR on (pipes too), and a non-empty
 * NO_COLOR (no-color.org) turns it off. FORCE_COLOR wins over NO_COLOR, as
 * in Node.
 */
export function useColor(when: ColorWhen | undefined, env: NodeJS.ProcessEnv, tty: () => boolean): boolean {
  if (when === 'always') return true;
  if (when === 'never') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR) return false;
  return tty();
}
