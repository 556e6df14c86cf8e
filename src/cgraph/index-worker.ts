// Worker thread for indexTree(): extracts facts for a batch of files, posts
// them back one by one, then exits (its native trees go with it). It stops
// between files when the main thread raises `stop` (Ctrl-C): terminating a
// worker inside tree-sitter aborts the whole process.
import { parentPort, workerData } from 'node:worker_threads';
import { extractFileFacts } from './extract/index.js';

const { batch, stop } = workerData as { batch: { path: string; text: string }[]; stop: Int32Array };
for (const { path, text } of batch) {
  if (Atomics.load(stop, 0)) break;
  try {
    parentPort!.postMessage(extractFileFacts(path, text));
  } catch (err) {
    parentPort!.postMessage({ error: String((err as Error)?.message ?? err), path });
  }
}
