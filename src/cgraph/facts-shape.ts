// The cache is on disk, where anything can be written to it (an older or
// newer kreview, a crash, another program, a hostile local user): an entry is
// used only when it has the shape the engine reads. Anything else is a miss.

import type { FileFacts, FileSummary } from './types.js';

type Check = (v: unknown) => boolean;

const str: Check = (v) => typeof v === 'string';
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const bool: Check = (v) => typeof v === 'boolean';
const opt =
  (c: Check): Check =>
  (v) =>
    v === undefined || c(v);
const arr =
  (c: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(c);
const obj =
  (shape: Record<string, Check>): Check =>
  (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const o = v as Record<string, unknown>;
    for (const k in shape) if (!shape[k]!(o[k])) return false;
    return true;
  };
const record =
  (c: Check): Check =>
  (v) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(c);

const variable = obj({ name: str, type: str, line: num });
const call = obj({ callee: str, kind: (v) => v === 'direct' || v === 'member' || v === 'pointer', receiver: opt(str), args: arr(str), line: num, block: str, creds: arr(num), guard: opt(str), guardLine: opt(num) });
const leak = obj({ line: num, kind: (v) => v === 'return' || v === 'goto' || v === 'end' || v === 'break' || v === 'continue', text: str });
const credScope = obj({
  api: str,
  kind: (v) => v === 'override' || v === 'scoped' || v === 'paired',
  cred: str,
  startLine: num,
  endLine: num,
  revertLine: opt(num),
  saved: opt(str),
  nested: opt(bool),
  leaks: arr(leak),
  exitLabels: opt(arr(str)),
  block: str,
});
const assignment = obj({ lhs: str, rhs: str, line: num, declType: opt(str) });
const fn = obj({
  name: str,
  file: str,
  line: num,
  endLine: num,
  static: bool,
  returns: str,
  params: arr(variable),
  locals: arr(variable),
  calls: arr(call),
  credScopes: arr(credScope),
  assigns: arr(assignment),
  rets: opt(arr(obj({ expr: str, line: num }))),
  exits: opt(arr((v) => typeof v === 'number' || (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'string'))),
  labels: opt(arr((v) => Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'number')),
  partial: opt(bool),
  headSeen: opt(bool),
  hidden: opt(arr(obj({ from: num, to: num }))),
  filled: opt(bool),
  credsKnown: opt(bool),
});
const facts = obj({
  version: num,
  path: str,
  hash: str,
  blob: opt(str),
  functions: arr(fn),
  includes: arr(obj({ path: str, system: bool, line: num })),
  exports: arr(obj({ name: str, macro: str, line: num })),
  opsTables: arr(obj({ struct: str, name: str, line: num, slots: record(str) })),
  workFns: arr(obj({ fn: str, api: str, line: num, in: opt(str) })),
  parseErrors: num,
});
const summary = obj({
  path: str,
  defs: arr(str),
  callees: arr(str),
  fields: arr(str),
  slots: arr(str),
  work: arr(str),
  localIncludes: arr(str),
  exports: arr(str),
  credScopes: bool,
  lines: num,
  functions: num,
});

/** Has this value (read from a cache file) the shape of FileFacts? */
export function isFileFacts(v: unknown): v is FileFacts {
  return facts(v);
}

/** Has this value the shape of a FileSummary? */
export function isFileSummary(v: unknown): v is FileSummary {
  return summary(v);
}
