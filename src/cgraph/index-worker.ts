// Worker thread for indexTree(): extracts facts for a batch of files, posts
// them back one by one, then exits (its native trees go with it).
import { parentPort, workerData } from 'node:worker_threads';
import { extractFileFacts } from './extract.js';

for (const { path, text } of workerData as { path: string; text: string }[]) {
  try {
    parentPort!.postMessage(extractFileFacts(path, text));
  } catch (err) {
    parentPort!.postMessage({ error: String((err as Error)?.message ?? err), path });
  }
}
