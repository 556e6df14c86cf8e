// --model DIR / KREVIEW_MODEL, shared by the commands that read the model
// (check, audit, reply, review through cli/options.ts, and graph).

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { modelProblem } from '../src/cgraph/model/read.js';
import { writeOut } from './io.js';

/**
 * --model DIR, else KREVIEW_MODEL: a model `kreview model build` wrote, used
 * instead of the embedded one. It is checked once here (a directory that is
 * no model, or one this kreview cannot read, is a usage error, exit 2) and
 * handed on in KREVIEW_MODEL, as an absolute path, so every phase and
 * worker thread reads the same one. Returns the exit status on a problem.
 */
export function useModel(cmd: string, dir: string | undefined, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const want = dir ?? env.KREVIEW_MODEL;
  if (!want) return undefined;
  const abs = resolve(want);
  // the same judgement (and words) as a check that finds the shipped model unreadable
  const problem = modelProblem(abs);
  if (problem) {
    const why = existsSync(join(abs, 'manifest.json'))
      ? `${problem}: rebuild it with 'kreview model build --tree KERNEL -o ${want}'`
      : `not a kreview model (${problem}): 'kreview model build --tree KERNEL -o ${want}' writes one`;
    writeOut(2, `kreview ${cmd}: ${dir !== undefined ? '--model' : 'KREVIEW_MODEL'} ${want}: ${why}\n`);
    return 2;
  }
  env.KREVIEW_MODEL = abs;
  return undefined;
}
