// Which code a thread of patches is checked against: the exact pre-image it
// was written for, wherever that can be had, and in words why.
//
// In order:
// - --base REV: that revision (the user said so);
// - --git: each commit against its own parent, read through git;
// - a base-commit: (patch or cover letter) the repository has: that commit;
// - index <pre>..<post> blob ids the repository has: each file's pre-image
//   from the object store, as `git am -3` does (the work tree's file when its
//   blob id is the pre-image's, so no git is asked for it);
// - else the work tree; a patch the work tree already holds (it
//   reverse-applies cleanly) is checked against its pre-image (overlay.ts).
// Without a tree: the embedded model.

import { existsSync } from 'node:fs';
import { blobId } from '../cgraph/hash.js';
import { join } from 'node:path';
import type { FileDiff, Patch } from '../patch/types.js';
import { GitTree, gitObjects } from './trees.js';
import type { SourceTree } from './types.js';

export type BaseKind = 'model' | 'worktree' | 'revision' | 'parent' | 'blobs';

/** What the notes and the JSON report say about the base. */
export interface BaseInfo {
  kind: BaseKind;
  /** The commit files were read at (revision, parent). */
  rev?: string;
  /** Why this base, in words. */
  why: string;
}

/** Where one file's pre-image came from, when it is not the thread's tree. */
export interface PreImage {
  text: string | null;
  /** In words, for a note: `blob 1a2b3c4`. */
  via: string;
}

export interface ThreadBase {
  /** The files a patch does not change, and the neighbourhood around it. */
  tree: SourceTree;
  info: BaseInfo;
  /**
   * The pre-image of a file the thread changes for the first time, when it is
   * not simply the tree's (blob ids). Undefined: read it from the tree.
   */
  preImage?(diff: FileDiff, rel: string): Promise<PreImage | undefined>;
  /** Is the tree's text of a file exact for this patch (a git revision), or a guess (the work tree)? */
  exact: boolean;
}

export interface BaseRequest {
  /** The tree the run opened: a disk tree, a git revision (--base), or none. */
  tree: SourceTree;
  /** --base was given: it wins. */
  explicit: boolean;
}

export { blobId };

const isRepo = (root: string): boolean => existsSync(join(root, '.git'));

/** The base of one thread (patches of one series version, in order). */
export async function chooseBase(patches: readonly Patch[], req: BaseRequest): Promise<ThreadBase> {
  const tree = req.tree;
  if (tree.kind === 'empty' || !tree.root) {
    return { tree, info: { kind: 'model', why: 'no kernel tree here: checked against the patch text and the embedded model of Linux 6.12' }, exact: false };
  }
  const root = tree.root;
  if (req.explicit && tree.kind === 'git') {
    return { tree, info: { kind: 'revision', rev: tree.rev!, why: `applied on --base ${tree.rev!.slice(0, 12)}` }, exact: true };
  }
  const shown = patches.filter((p) => !p.isCoverLetter);
  const first = shown[0];
  if (first && first.commit && first.parent !== undefined && shown.every((p) => p.commit)) {
    const t = first.parent ? await GitTree.open(root, first.parent) : GitTree.emptyTree(root);
    return { tree: t, info: { kind: 'parent', rev: t.rev!, why: `each commit checked against its parent (the first against ${t.rev!.slice(0, 12)})` }, exact: true };
  }
  // why the exact base could not be had, said with what was done instead
  let missing = '';
  const baseCommit = patches.find((p) => p.baseCommit)?.baseCommit;
  if (baseCommit) {
    const b = baseCommit.slice(0, 12);
    if (!isRepo(root)) {
      return { tree, info: { kind: 'worktree', why: `base-commit ${b}: ${root} is not a git repository; applied to its files as they are` }, exact: false };
    }
    if (await GitTree.hasCommit(root, baseCommit)) {
      const t = await GitTree.open(root, baseCommit);
      return { tree: t, info: { kind: 'revision', rev: t.rev!, why: `applied on base-commit ${t.rev!.slice(0, 12)} (from the series)` }, exact: true };
    }
    missing = `base-commit ${b} is not in ${root}; `;
  }
  if (isRepo(root) && shown.some((p) => p.files.some((f) => f.oldBlob))) {
    const objects = gitObjects(root);
    const found = new Map<string, Promise<PreImage | undefined>>();
    const preImage = (diff: FileDiff, rel: string): Promise<PreImage | undefined> => {
      const id = diff.oldBlob;
      if (!id) return Promise.resolve(undefined);
      let f = found.get(`${id}\0${rel}`);
      if (!f) {
        f = (async () => {
          const here = await tree.read(rel);
          // the work tree's own file is the pre-image: nothing to ask git
          if (here !== null && blobId(here).startsWith(id)) return { text: here, via: 'the work tree' };
          const b = await objects.blob(id);
          return b ? { text: b.toString('utf8'), via: `blob ${id}` } : undefined;
        })();
        found.set(`${id}\0${rel}`, f);
      }
      return f;
    };
    // what the first patch's files say decides the words; the overlay asks again per file
    const firstFiles = (first?.files ?? []).filter((f) => f.oldBlob && f.oldPath);
    const got = await Promise.all(firstFiles.map((f) => preImage(f, f.oldPath!).catch(() => undefined)));
    const fromBlobs = got.filter((g) => g && g.via !== 'the work tree').length;
    const fromWork = got.filter((g) => g?.via === 'the work tree').length;
    const why =
      fromBlobs > 0
        ? `${missing}pre-images read by the blob ids of the index lines, from the git objects of ${root}`
        : fromWork === firstFiles.length && fromWork > 0
          ? `${missing}the working tree of ${root} holds the pre-images (their blob ids are the index lines')`
          : `${missing}applied to the working tree of ${root} (the blob ids of the index lines are not in it)`;
    return { tree, info: { kind: fromBlobs > 0 ? 'blobs' : 'worktree', why }, exact: false, preImage };
  }
  return { tree, info: { kind: 'worktree', why: `${missing}applied to the ${isRepo(root) ? 'working tree' : 'files'} of ${root}` }, exact: false };
}
