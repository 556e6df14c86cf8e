// The series applied in memory, patch after patch, over a read-only base
// tree. Nothing is ever written to disk.

import { InputError, type Patch } from '../patch/types.js';
import { applyFileDiff } from './apply.js';
import { safeRelPath } from './paths.js';
import type { FileApplyResult, SourceTree } from './types.js';

export interface PatchApplyResult {
  files: FileApplyResult[];
  /** Hunks that did not apply (kind 'apply') and refused paths (kind 'path'). */
  errors: InputError[];
}

export class OverlayTree implements SourceTree {
  readonly kind = 'overlay' as const;
  /** path -> text after the patches so far; null = deleted. */
  private files = new Map<string, string | null>();
  constructor(readonly base: SourceTree) {}
  get root(): string | undefined {
    return this.base.root;
  }
  get rev(): string | undefined {
    return this.base.rev;
  }

  async read(path: string): Promise<string | null> {
    const rel = safeRelPath(path, this.describe());
    if (this.files.has(rel)) return this.files.get(rel)!;
    return this.base.read(rel);
  }
  async exists(path: string): Promise<boolean> {
    return (await this.read(path)) !== null;
  }
  async list(dirs: string[], exts?: string[]): Promise<string[]> {
    const base = await this.base.list(dirs, exts);
    const set = new Set(base);
    for (const [p, t] of this.files) {
      const inDir = dirs.some((d) => d === '' || d === '.' || p === d || p.startsWith(d.replace(/\/?$/, '/')));
      const ext = !exts || exts.some((e) => p.endsWith(e));
      if (t === null) set.delete(p);
      else if (inDir && ext) set.add(p);
    }
    return [...set].sort();
  }
  describe(): string {
    return `${this.base.describe()} + patches`;
  }

  /** Apply one patch on top of what came before. Paths that escape the tree are refused; the rest still apply. */
  async applyPatch(patch: Patch): Promise<PatchApplyResult> {
    const files: FileApplyResult[] = [];
    const errors: InputError[] = [];
    const input = patch.source;
    for (const diff of patch.files) {
      let oldRel: string | null = null;
      let newRel: string | null = null;
      try {
        oldRel = diff.oldPath !== null ? safeRelPath(diff.oldPath, input) : null;
        newRel = diff.newPath !== null ? safeRelPath(diff.newPath, input) : null;
      } catch (err) {
        if (err instanceof InputError) {
          errors.push(new InputError(input, 'path', err.message, diff.patchLine));
          continue;
        }
        throw err;
      }
      const d = { ...diff, oldPath: oldRel, newPath: newRel };
      const base = oldRel !== null ? await this.read(oldRel) : diff.status === 'added' && newRel ? await this.read(newRel) : null;
      const r = applyFileDiff(base, d, input);
      for (const h of r.hunks) {
        if (h.status !== 'failed' || base === null) continue;
        const hunk = diff.hunks[h.hunkIndex]!;
        errors.push(new InputError(input, 'apply', `${newRel ?? oldRel}: hunk #${h.hunkIndex + 1} does not apply (${h.reason}); checking it from the patch text`, hunk.patchLine));
      }
      // a file that fell back to the patch text keeps its old text for later patches (never the sparse image)
      if (r.status !== 'fallback') {
        if (diff.status === 'deleted' && oldRel) this.files.set(oldRel, null);
        if (diff.status === 'renamed' && oldRel && oldRel !== newRel) this.files.set(oldRel, null);
        if (newRel && diff.status !== 'deleted') this.files.set(newRel, r.postText);
      }
      files.push(r);
    }
    return { files, errors };
  }
}
