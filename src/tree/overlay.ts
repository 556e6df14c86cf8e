// The series applied in memory, patch after patch, over a read-only base
// tree. Nothing is ever written to disk.

import { InputError, type FileDiff, type Patch } from '../patch/types.js';
import { applyFileDiff, reverseApply } from './apply.js';
import type { PreImage } from './base.js';
import { safeRelPath } from './paths.js';
import type { FileApplyResult, SourceTree } from './types.js';

export interface PatchApplyResult {
  files: FileApplyResult[];
  /** Hunks that did not apply (kind 'apply') and refused paths (kind 'path'). */
  errors: InputError[];
  /** How pre-images were found, when that is worth saying (a blob id, the patch already applied). */
  notes: string[];
  /** What could not be applied as the patch says (a new file that exists): checked from the patch text instead. */
  doubts: string[];
}

/** How the overlay finds the pre-image of a file the series changes for the first time. */
export interface OverlayOptions {
  /** A pre-image other than the base tree's (blob ids of the index lines). */
  preImage?(diff: FileDiff, rel: string): Promise<PreImage | undefined>;
  /**
   * The base tree holds exactly the code the series was written against (a
   * git revision). When it does not (a work tree), a patch it already holds
   * is recognised (it reverse-applies) and checked against its pre-image.
   */
  exact?: boolean;
}

export class OverlayTree implements SourceTree {
  readonly kind = 'overlay' as const;
  /** path -> text after the patches so far; null = deleted. */
  private files = new Map<string, string | null>();
  constructor(
    readonly base: SourceTree,
    private readonly opts: OverlayOptions = {},
  ) {}
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

  /** The text a file had before this patch, and where it came from when that is worth saying. */
  private async before(diff: FileDiff, rel: string): Promise<{ text: string | null; via?: string; fromSeries: boolean }> {
    if (this.files.has(rel)) return { text: this.files.get(rel)!, fromSeries: true };
    const other = await this.opts.preImage?.(diff, rel);
    if (other) return { text: other.text, via: other.via, fromSeries: false };
    return { text: await this.base.read(rel), fromSeries: false };
  }

  /** Apply one patch on top of what came before. Paths that escape the tree are refused; the rest still apply. */
  async applyPatch(patch: Patch): Promise<PatchApplyResult> {
    const files: FileApplyResult[] = [];
    const errors: InputError[] = [];
    const notes: string[] = [];
    const doubts: string[] = [];
    const input = patch.source;
    // errors name a line of the input (an mbox holds many messages); patchLine counts in the message
    const inInput = (patchLine: number): number => patchLine + (patch.startLine ?? 1) - 1;
    for (const diff of patch.files) {
      let oldRel: string | null = null;
      let newRel: string | null = null;
      try {
        oldRel = diff.oldPath !== null ? safeRelPath(diff.oldPath, input) : null;
        newRel = diff.newPath !== null ? safeRelPath(diff.newPath, input) : null;
      } catch (err) {
        if (err instanceof InputError) {
          errors.push(new InputError(input, 'path', err.message, inInput(diff.patchLine)));
          continue;
        }
        throw err;
      }
      const name = newRel ?? oldRel ?? '?';
      const d = { ...diff, oldPath: oldRel, newPath: newRel };
      let base: string | null;
      let fromSeries = false;
      try {
        if (oldRel !== null) {
          const b = await this.before(diff, oldRel);
          base = b.text;
          fromSeries = b.fromSeries;
          if (b.via && b.via !== 'the work tree') notes.push(`${name}: pre-image from ${b.via}`);
        } else base = null;
        if (diff.status === 'added' && newRel) {
          const existing = await this.read(newRel);
          if (existing !== null && existing !== '') {
            if (!this.opts.exact && existing === createdText(diff)) notes.push(`${name}: already in the work tree (this patch creates it): checked as the patch creates it`);
            else doubts.push(`${name}: this patch creates it, but the tree already has it (git apply would refuse the patch); checked as the patch creates it`);
          }
        }
      } catch (err) {
        // a path the tree refuses to read (through a symlink, unreadable): this file only
        if (err instanceof InputError) {
          errors.push(new InputError(input, err.kind === 'unreadable' ? 'unreadable' : 'path', err.message, inInput(diff.patchLine)));
          continue;
        }
        throw err;
      }
      let r = applyFileDiff(base, d, input);
      // a patch the work tree already holds: check it against the pre-image it was written for
      if (r.status === 'fallback' && base !== null && !fromSeries && !this.opts.exact) {
        const pre = reverseApply(base, d, input);
        if (pre !== undefined) {
          const again = applyFileDiff(pre, d, input);
          if (again.status !== 'fallback') {
            r = again;
            notes.push(`${name}: already applied to the work tree; checked against its pre-image`);
          }
        }
      }
      for (const h of r.hunks) {
        if (h.status !== 'failed' || base === null) continue;
        const hunk = diff.hunks[h.hunkIndex]!;
        errors.push(new InputError(input, 'apply', `${name}: hunk #${h.hunkIndex + 1} does not apply (${h.reason}); checking it from the patch text`, inInput(hunk.patchLine)));
      }
      // a file that fell back to the patch text keeps its old text for later patches (never the sparse image)
      if (r.status !== 'fallback') {
        if (diff.status === 'deleted' && oldRel) this.files.set(oldRel, null);
        if (diff.status === 'renamed' && oldRel && oldRel !== newRel) this.files.set(oldRel, null);
        if (newRel && diff.status !== 'deleted') this.files.set(newRel, r.postText);
      }
      files.push(r);
    }
    return { files, errors, notes, doubts };
  }
}

/** The text a new-file diff creates. */
function createdText(diff: FileDiff): string {
  const lines: string[] = [];
  for (const h of diff.hunks) for (const l of h.lines) if (l.kind !== 'del') lines.push(l.text);
  return lines.length ? lines.join('\n') + '\n' : '';
}
