// Which functions are under review? The answer to that one question, used by
// the engine over a patch's facts (images.ts) and by the prefilter over the
// skeletons of the touched files before anything is parsed (prefilter.ts).
//
// A function is under review when the patch changes it (the `seed` test), or
// when a changed function calls it, up to three calls deep, in the touched
// files: a patch that re-routes I/O to an existing raw call changes the
// caller, not the function that holds the raw call, and a new caller can
// change the credentials an unchanged callee runs under.

/** What the question needs of a function: its name, file and callees (FunctionFacts and FunctionSkeleton both have them). */
export interface FunctionView {
  name: string;
  /** The callees, direct names first-class (member paths never resolve). */
  callees: Iterable<string>;
}

/** How far calls are followed from a changed function. */
export const REVIEW_DEPTH = 3;

/**
 * How far a rule follows a call the patch adds, down to the access it
 * reaches (the credentials rule's new callers: overlayfs'
 * ovl_validate_verity() reads its digest four calls down); the prefilter
 * follows the changed lines' calls as far.
 */
export const NEW_CALL_DEPTH = 4;

/**
 * The functions under review: every function `seed` accepts, then what they
 * call (as `resolve` finds it, in the touched files) up to `depth` calls
 * deep. Seeds first, in order, then the others in the order they are reached.
 */
export function underReview<F extends FunctionView>(fns: Iterable<F>, seed: (f: F) => boolean, resolve: (callee: string, from: F) => F | F[] | undefined, depth = REVIEW_DEPTH): { seeds: F[]; reached: F[] } {
  const seeds = [...fns].filter(seed);
  const seen = new Set<F>(seeds);
  const reached: F[] = [];
  let frontier = seeds;
  for (let d = 0; d < depth && frontier.length; d++) {
    const next: F[] = [];
    for (const f of frontier) {
      for (const c of f.callees) {
        const r = resolve(c, f);
        for (const t of r === undefined ? [] : Array.isArray(r) ? r : [r]) {
          if (seen.has(t)) continue;
          seen.add(t);
          next.push(t);
          reached.push(t);
        }
      }
    }
    frontier = next;
  }
  return { seeds, reached };
}
