// Public API of source trees.
export { safeRelPath, resolveInside } from './paths.js';
export { DiskTree, EmptyTree, GitTree, openTree, isTopOfKernelTree, type OpenTreeOptions } from './trees.js';
export { applyFileDiff, sparse } from './apply.js';
export { OverlayTree, type OverlayOptions, type PatchApplyResult } from './overlay.js';
export { chooseBase, type BaseInfo, type ThreadBase } from './base.js';
export * from './types.js';
