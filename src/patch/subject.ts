// Series metadata from a subject: `[PATCH v3 2/5]`, `[RFC PATCH]`,
// `[PATCH net-next]`, `[Linux-cachefs] [PATCH ...]`, `Re: [PATCH 2/5 v3]`.

import type { SeriesPosition } from './types.js';

export interface ParsedSubject {
  position: SeriesPosition;
  /** Subject without reply prefixes and bracketed tags. */
  subject: string;
  /** A `Re:`/`Fwd:` reply. */
  reply: boolean;
  /** The brackets held PATCH (or RFC): this subject announces a patch. */
  isPatch: boolean;
}

export function parseSubject(raw: string): ParsedSubject {
  let s = raw.replace(/\s+/g, ' ').trim();
  let reply = false;
  const tags: string[] = [];
  let version = 1;
  let index = 1;
  let total = 1;
  let rfc = false;
  let isPatch = false;
  let sawCounter = false;
  for (let guard = 0; guard < 20; guard++) {
    const re = /^(re|fwd?|aw|sv|antw)\s*:\s*/i.exec(s);
    if (re) {
      reply = true;
      s = s.slice(re[0].length);
      continue;
    }
    const br = /^\[([^\]]*)\]\s*/.exec(s);
    if (!br) break;
    s = s.slice(br[0].length);
    const words = br[1]!.trim().split(/[\s,]+/).filter(Boolean);
    const hasPatchWord = words.some((w) => /^(patch|rfc|patchv\d+)$/i.test(w));
    for (const w of words) {
      let m: RegExpExecArray | null;
      if (/^patch$/i.test(w)) isPatch = true;
      else if (/^rfc$/i.test(w)) {
        rfc = true;
        isPatch = true;
      } else if ((m = /^(?:patch)?v(\d+)$/i.exec(w))) {
        version = Number(m[1]);
        if (/^patch/i.test(w)) isPatch = true;
      } else if ((m = /^(\d+)\/(\d+)$/.exec(w))) {
        index = Number(m[1]);
        total = Number(m[2]);
        sawCounter = true;
      } else if (hasPatchWord || !isPatch) tags.push(w);
    }
  }
  if (!sawCounter) {
    index = 1;
    total = 1;
  }
  return { position: { version, index, total, rfc, tags }, subject: s.trim(), reply, isPatch };
}
