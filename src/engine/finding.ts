// What the engine hands to the formatters. Rules never build these
// themselves: they report Detections (src/engine/rule-api.ts) and the engine
// adds status, patch position and level.

export type Level = 'ERROR' | 'WARNING' | 'CHECK';
export type Confidence = 'high' | 'medium' | 'low';

/**
 * - introduced: the patch adds the hazard (an added line, or it removed what made an existing line safe)
 * - moved: the hazard was already there and the patch moves the code carrying it into another function
 *   (re-indented or reordered within its own function, it stays pre-existing)
 * - preexisting: on lines the patch does not touch, or already present before it
 * - fixed-later: introduced here, gone by the end of the series
 */
export type FindingStatus = 'introduced' | 'moved' | 'preexisting' | 'fixed-later';

export interface WitnessStep {
  /** call: one edge of the call path; scope: credential state; origin: where a file/mapping came from; note: anything else. */
  kind: 'call' | 'scope' | 'origin' | 'note';
  text: string;
  file: string;
  line: number;
}

export interface Related {
  file: string;
  line: number;
  message: string;
}

export interface Finding {
  /** Rule id (folder name under rules/). */
  rule: string;
  /** checkpatch-style TYPE, e.g. RAW_RW_ITER. */
  type: string;
  level: Level;
  messageId: string;
  /** Rendered message (src/report renders it from the rule's templates). */
  message: string;
  data: Record<string, string>;
  /** Post-image path and line (pre-image for findings only a removal explains). */
  file: string;
  line: number;
  /** checkpatch's `#N`: the line in the patch, when the finding sits on a line of a hunk. */
  patchLine?: number;
  /** The source line as it reads in the patch (`+\tret = file->f_op->read_iter(...)`), or in the tree. */
  lineText?: string;
  /** Enclosing function, when there is one. */
  function?: string;
  confidence: Confidence;
  status: FindingStatus;
  /** For fixed-later: which patch of the series removed it. */
  fixedBy?: { index: number; subject: string };
  /** The post-image of this file was rebuilt from the patch text (its hunks did not apply, or no tree). */
  fromPatchText?: boolean;
  witness: WitnessStep[];
  related: Related[];
  /** Identity across images and patches. */
  key: string;
}

export const LEVEL_ORDER: Record<Level, number> = { ERROR: 0, WARNING: 1, CHECK: 2 };

/** Deterministic order: (file, line, rule, message). Patches are kept apart by the caller. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    cmp(a.file, b.file) ||
    a.line - b.line ||
    cmp(a.type, b.type) ||
    cmp(a.message, b.message) ||
    cmp(a.key, b.key)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
