// Public API of source trees.
export { safeRelPath, resolveInside } from './paths.js';
export { DiskTree, EmptyTree, GitTree, openTree, baseForSeries, isTopOfKernelTree, type OpenTreeOptions } from './trees.js';
export { applyFileDiff, sparse } from './apply.js';
export { OverlayTree, type PatchApplyResult } from './overlay.js';
export * from './types.js';
