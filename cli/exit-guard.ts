// How kreview ends: with the status its report decided, or with 2.
//
// Should the event loop run dry while a command is still waiting (a child
// process or pipe that nothing keeps alive, a promise nobody settles), Node
// would end with status 0 and no output: a gate saying "all clear" without
// having checked. That is reported as the internal error it is, status 2.

import { writeSync } from 'node:fs';
import { STDOUT_CLOSED } from './io.js';

export function finish(main: Promise<number>): void {
  let settled = false;
  process.on('exit', (code) => {
    if (settled || code !== 0) return;
    try {
      writeSync(2, 'kreview: internal error: stopped before the report was written (nothing was checked)\n');
    } catch {
      // stderr is closed: the status still says it
    }
    process.exitCode = 2;
  });
  main.then(
    (code) => {
      settled = true;
      process.exitCode = code;
    },
    (err: unknown) => {
      settled = true;
      // a closed stdout (`| head`) ends any command quietly, as git does
      if ((err as { code?: string })?.code === STDOUT_CLOSED) return void (process.exitCode = 0);
      process.stderr.write(`kreview: internal error: ${(err as Error)?.message ?? String(err)}\n`);
      if (process.argv.includes('--debug') && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
      process.exitCode = 2;
    },
  );
}
