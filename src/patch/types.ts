// The patch model: what every later stage (tree, cgraph, engine, report) reads.
// Produced only by src/patch; everything here is plain data so it can be
// serialised for the JSON report and for the TUI.

/** Why an input could not be read (or part of it). One line, names the input. */
export type InputErrorKind =
  | 'unreadable' // file missing, permission denied, a directory where a file was expected
  | 'empty' // nothing that looks like a message or a diff
  | 'not-a-patch' // a message with no diff (a reply, a cover letter is NOT this)
  | 'mail' // broken mail structure (bad MIME, undecodable transfer encoding)
  | 'diff' // a malformed diff: bad hunk header, hunk line counts that do not match
  | 'path' // a path that escapes the tree (.., absolute, through a symlink)
  | 'git' // a git range that cannot be read
  | 'apply' // a hunk that does not apply to the tree (reported, not fatal)
  | 'internal'; // a bug in kreview (a rule that threw, ...)

export class InputError extends Error {
  readonly input: string;
  readonly kind: InputErrorKind;
  /** 1-based line in the input (patch) when known. */
  readonly line: number | undefined;
  constructor(input: string, kind: InputErrorKind, message: string, line?: number) {
    super(message);
    this.name = 'InputError';
    this.input = input;
    this.kind = kind;
    this.line = line;
  }
  /** The one line printed on stderr: `INPUT[:LINE]: message`. */
  oneLine(): string {
    return `${this.input}${this.line !== undefined ? `:${this.line}` : ''}: ${this.message}`;
  }
  toJSON(): { kind: InputErrorKind; input: string; line?: number; message: string } {
    return { kind: this.kind, input: this.input, ...(this.line !== undefined ? { line: this.line } : {}), message: this.message };
  }
}

export type LineKind = 'context' | 'add' | 'del';

export interface DiffLine {
  kind: LineKind;
  /** The line without its one-character prefix, without line terminator. */
  text: string;
  /** Line number in the pre-image (context and del lines). */
  oldLine?: number;
  /** Line number in the post-image as the hunk header declares it (context and add lines). */
  newLine?: number;
  /**
   * 1-based line number in the patch as checkpatch.pl counts it (`#N`): the
   * line of this message's text, counting its headers, after transfer decoding.
   */
  patchLine: number;
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** Text after the closing `@@` (git's function context), trimmed. */
  section: string;
  /** Patch line of the `@@` header. */
  patchLine: number;
  lines: DiffLine[];
}

export type FileStatus = 'modified' | 'added' | 'deleted' | 'renamed' | 'copied';

export interface FileDiff {
  /** Path before, without `a/`; null for a new file. */
  oldPath: string | null;
  /** Path after, without `b/`; null for a deleted file. */
  newPath: string | null;
  status: FileStatus;
  /** `similarity index N%` for renames and copies. */
  similarity?: number;
  binary: boolean;
  oldMode?: string;
  newMode?: string;
  /** Blob ids from the `index <pre>..<post>` line (abbreviated as git wrote them). */
  oldBlob?: string;
  newBlob?: string;
  hunks: Hunk[];
  /** Patch line of the `diff --git` (or `---`) line that starts this file. */
  patchLine: number;
}

export interface Trailer {
  /** Canonical case: `Signed-off-by`, `Fixes`, `Reviewed-by`, ... */
  key: string;
  value: string;
  patchLine: number;
}

/** What the `[...]` prefix of a subject says. */
export interface SeriesPosition {
  /** 1 when no `vN` is given. */
  version: number;
  /** 0 for a cover letter; 1 for a single patch. */
  index: number;
  /** 1 for a single patch. */
  total: number;
  rfc: boolean;
  /** Other words in the brackets, in order: `net-next`, `Linux-cachefs`, `RESEND`, ... */
  tags: string[];
}

export interface Patch {
  /** The input this came from (a path, `-`, or `git:REV`). */
  source: string;
  /** Position of this message inside its input (0-based; an mbox holds many). */
  indexInSource: number;
  /** 1-based line of the input where this message starts (an mbox holds many); `patchLine`s count from here. */
  startLine?: number;
  /** Subject as sent, decoded (RFC 2047), unfolded. */
  rawSubject: string;
  /** Subject with `Re:`-less `[PATCH ...]` prefixes removed: `erofs: fix foo`. */
  subject: string;
  position: SeriesPosition;
  /** A `0/N` message, or a message with no diff that starts a thread of patches. */
  isCoverLetter: boolean;
  from?: string;
  date?: string;
  messageId?: string;
  inReplyTo?: string;
  references: string[];
  /** Lower-case header name -> decoded values, in order. */
  headers: Record<string, string[]>;
  /** The commit message body (after the headers, before the `---` line). */
  commitMessage: string;
  trailers: Trailer[];
  /** Text between `---` and the first diff (diffstat, changelog, notes). */
  notes: string;
  /** `base-commit:` from the notes or the signature area. */
  baseCommit?: string;
  /** The git commit when the patch came from `--git`. */
  commit?: string;
  /** With `--git`: the commit's first parent (null for a root commit), which it is checked against. */
  parent?: string | null;
  files: FileDiff[];
  /**
   * The message as the rest of kreview sees it (headers, then the decoded
   * body), with `\n` line ends. `patchLine` numbers index into this text.
   */
  text: string;
  /** Number of lines in `text` (checkpatch's "lines checked"). */
  lineCount: number;
  /** Problems found in this patch that did not stop it being read. */
  errors: InputError[];
}

export interface PatchSeries {
  /** Patches in series order (cover letter, if any, first). */
  patches: Patch[];
  /** Inputs or messages that could not be read at all. */
  errors: InputError[];
}

/** Paths kreview does not check (they are read and reported as "nothing to check"). */
export function isKernelC(path: string): boolean {
  if (!/\.(c|h)$/.test(path)) return false;
  // userspace and test code that lives in the kernel tree
  return !/^(tools|scripts|samples|Documentation|usr)\//.test(path) && !/(^|\/)selftests\//.test(path);
}

/** Userspace projects whose patches share the kernel lists (their lib/, include/ are not the kernel's). */
const USERSPACE = /^(erofs-utils|fstests|xfstests|e2fsprogs|xfsprogs|btrfs-progs|libfuse|fuse-overlayfs|squashfs-tools|util-linux|mtools|composefs|lcfs)\b/i;

/** The name of the userspace project a patch is for, from its subject or `[PATCH project]` tag. */
export function userspaceProject(p: { subject: string; position: { tags: string[] } }): string | undefined {
  const tag = p.position.tags.find((t) => USERSPACE.test(t));
  if (tag) return tag;
  return USERSPACE.exec(p.subject)?.[1];
}
