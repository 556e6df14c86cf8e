// Runs the check for `kreview review` in a worker thread, so the UI keeps
// drawing and reading keys while the tree is indexed and the series checked.
import { parentPort, workerData } from 'node:worker_threads';
import { runCheck, type RunOptions } from '../../src/engine/run.js';

const o = workerData as Omit<RunOptions, 'progress' | 'stdin' | 'types' | 'ignore' | 'allow' | 'triage'> & { types: string[]; ignore: string[]; allow: [string, string[]][] };
runCheck({ ...o, types: new Set(o.types), ignore: new Set(o.ignore), allow: new Map(o.allow), progress: (m) => parentPort!.postMessage({ progress: m }) }).then(
  (result) => {
    // errors are classes: send their data (structured clone keeps only Error's own fields)
    const plain = JSON.parse(JSON.stringify(result));
    parentPort!.postMessage({ result: plain });
  },
  (err: unknown) => parentPort!.postMessage({ error: (err as Error)?.message ?? String(err) }),
);
