// Long output on a terminal goes through a pager, as git does: KREVIEW_PAGER,
// else PAGER, else `less -FRX` (quit when it fits one screen, keep colours,
// leave the text on the screen). LESS=FRX and LV=-c are set when unset, as
// git sets them, for a PAGER=less. Never when stdout is not a terminal; an
// empty pager or `cat` means none.

import { spawn } from 'node:child_process';
import { isTTY, writeOut } from './io.js';

export async function page(text: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const cmd = (env.KREVIEW_PAGER ?? env.PAGER ?? 'less -FRX').trim();
  if (!isTTY(1) || !cmd || cmd === 'cat') return writeOut(1, text);
  // Ctrl-C belongs to the pager while it runs (git ignores it in the meantime too)
  const saved = process.listeners('SIGINT');
  process.removeAllListeners('SIGINT');
  process.on('SIGINT', () => {});
  try {
    const status = await new Promise<number | null>((resolve) => {
      const child = spawn('sh', ['-c', cmd], { stdio: ['pipe', 'inherit', 'inherit'], env: { ...env, LESS: env.LESS ?? 'FRX', LV: env.LV ?? '-c' } });
      child.on('error', () => resolve(127));
      child.on('close', (code) => resolve(code));
      // the user quit the pager before reading it all: that is fine
      child.stdin.on('error', () => {});
      child.stdin.end(text);
    });
    // no such pager: the text, unpaged, rather than nothing
    if (status === 127) writeOut(1, text);
  } finally {
    process.removeAllListeners('SIGINT');
    for (const l of saved) process.on('SIGINT', l as () => void);
  }
}
