// Public API of patch ingestion.
export { parseInputText, readInputs, splitMbox, seriesOrder, threadsOf, type ReadOptions, type Thread } from './input.js';
export { parseMessage } from './message.js';
export { parseSubject } from './subject.js';
export * from './types.js';
