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

/** The CLI's SIGINT handler: stop, clean up, exit 130; a second Ctrl-C exits at once. */
export function installInterruptHandler(): void {
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
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
      process.exit(130);
    };
    setTimeout(finish, 3000).unref();
    void Promise.allSettled(stopping).then(finish);
  });
}
