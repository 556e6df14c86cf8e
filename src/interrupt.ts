// Ctrl-C. Each bundle of the process (the CLI, a command) registers here what
// must happen before it exits 130: `stop` work that is running (worker threads
// parsing with tree-sitter: exiting under them aborts the process), then
// `cleanup` what is half done (temporary cache files). The registry lives on
// globalThis because every command is a separate bundle with its own copy of
// this module.

type Registry = { stop: Set<() => Promise<unknown> | void>; cleanup: Set<() => void> };

function registry(): Registry {
  const g = globalThis as { __kreviewInterrupt?: Registry };
  return (g.__kreviewInterrupt ??= { stop: new Set(), cleanup: new Set() });
}

/** Run `f` on Ctrl-C before the cleanups; returns the function that unregisters it. */
export function onInterruptStop(f: () => Promise<unknown> | void): () => void {
  registry().stop.add(f);
  return () => registry().stop.delete(f);
}

/** Run `f` on Ctrl-C after running work has stopped. */
export function onInterruptCleanup(f: () => void): () => void {
  registry().cleanup.add(f);
  return () => registry().cleanup.delete(f);
}

/**
 * The CLI's SIGINT and SIGTERM handler: stop, clean up, exit 130 (SIGINT) or
 * 143 (SIGTERM), as a shell reports a process those signals end; a second
 * signal exits at once. Long work lets the event loop turn often enough for
 * this to run within a second (between messages of an mbox, patches of a
 * series, files of an index).
 */
export function installInterruptHandler(): void {
  let interrupted = false;
  const on = (code: number) => () => {
    if (interrupted) process.exit(code);
    interrupted = true;
    const r = registry();
    const stopping = [...r.stop].map((f) => {
      try {
        return f();
      } catch {
        return undefined;
      }
    });
    const finish = (): never => {
      for (const f of r.cleanup) {
        try {
          f();
        } catch {
          // best effort: exiting anyway
        }
      }
      process.exit(code);
    };
    // workers stop between files; exiting under one inside tree-sitter would abort the process
    setTimeout(finish, 3000).unref();
    void Promise.allSettled(stopping).then(finish);
  };
  process.on('SIGINT', on(130));
  process.on('SIGTERM', on(143));
}
