// Public API of patch ingestion.
export { parseInputText, readInputs, splitMbox, seriesOrder, type ReadOptions } from './input.js';
export { parseMessage } from './message.js';
export { parseSubject } from './subject.js';
export * from './types.js';
