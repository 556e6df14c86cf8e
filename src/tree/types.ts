// Source trees: where the pre-image of a patch comes from, and the in-memory
// overlay the series is applied to. Nothing here ever writes to a user's tree.

export type TreeKind = 'disk' | 'git' | 'empty' | 'overlay';

/** A read-only view of a kernel source tree. Paths are tree-relative, `/`-separated. */
export interface SourceTree {
  readonly kind: TreeKind;
  /** Absolute path of the tree on disk, when there is one. */
  readonly root: string | undefined;
  /** The git revision files are read at (for `git` trees). */
  readonly rev: string | undefined;
  /** File text, or null when the file does not exist. Throws InputError('path') for paths that escape the tree. */
  read(path: string): Promise<string | null>;
  exists(path: string): Promise<boolean>;
  /** Every file below the given tree-relative directories whose name ends with one of `exts` (default `.c`, `.h`). */
  list(dirs: string[], exts?: string[]): Promise<string[]>;
  /** Human description for messages: `/src/linux (git 1a2b3c4)`. */
  describe(): string;
}

export type HunkApplyStatus = 'exact' | 'offset' | 'fuzz' | 'failed';

export interface HunkApplyResult {
  hunkIndex: number;
  status: HunkApplyStatus;
  /** Lines the hunk moved from where its header said (post-image numbering). */
  offset: number;
  /** Context lines ignored at each end (0..2). */
  fuzz: number;
  /** First post-image line this hunk's lines landed on (1-based), when applied. */
  postStart?: number;
  /** Why it failed, in words (`context does not match at line 120`). */
  reason?: string;
}

export type FileApplyStatus =
  | 'applied' // every hunk applied to the base text
  | 'created' // new file
  | 'deleted'
  | 'renamed' // (possibly with hunks, all applied)
  | 'fallback'; // base missing or some hunk failed: the post-image is rebuilt from the patch's own text

/**
 * How one line of the post-image relates to the patch: added by it (with the
 * patch line), context in one of its hunks, or untouched.
 */
export interface PostLineOrigin {
  kind: 'add' | 'context';
  patchLine: number;
}

export interface FileApplyResult {
  /** Path after the patch (null when deleted). */
  path: string | null;
  oldPath: string | null;
  status: FileApplyStatus;
  hunks: HunkApplyResult[];
  /** Text before this patch (null when new, or for `fallback`: see `sparse`). */
  preText: string | null;
  /** Text after this patch (null when deleted, or for `fallback`: see `sparse`). */
  postText: string | null;
  /**
   * For `fallback`: the lines the hunks show, at their declared line numbers
   * (null for the side that does not exist: a new or deleted file). Nothing
   * is made for the lines between: a hunk header's numbers are a claim.
   */
  sparse?: { pre: ReadonlyMap<number, string> | null; post: ReadonlyMap<number, string> | null };
  /** Post-image line (1-based) -> origin, for lines inside hunks. */
  postLines: Map<number, PostLineOrigin>;
  /** Pre-image line -> post-image line for lines the patch kept (context and untouched). */
  preToPost(line: number): number | undefined;
}
