// Triage decisions from `kreview review`, kept per patch (keyed by its
// Message-ID) under the user's state directory, so reopening a series shows
// them and `kreview check` leaves out findings marked as false positives.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from '../cgraph/cache.js';
import { sha1 } from '../cgraph/hash.js';
import { homeDir, nodeRequire } from '../runtime.js';
import type { Patch } from '../patch/types.js';

export interface TriageDecision {
  decision: 'accepted' | 'false-positive';
  reason?: string;
}

export interface TriageComment {
  file: string;
  line: number;
  text: string;
}

export interface PatchTriage {
  messageId: string;
  subject: string;
  decisions: Record<string, TriageDecision>;
  comments: TriageComment[];
}

/**
 * What triage is keyed by: the patch's Message-ID, or for a patch file
 * without one, a hash of its diff (like git patch-id: stable when re-sent).
 */
export function triageKey(p: Patch): string {
  if (p.messageId) return p.messageId;
  const h = (nodeRequire()('node:crypto') as typeof import('node:crypto')).createHash('sha1');
  for (const f of p.files) {
    h.update(`${f.oldPath ?? ''}\0${f.newPath ?? ''}\n`);
    for (const hk of f.hunks) for (const l of hk.lines) if (l.kind !== 'context') h.update(`${l.kind === 'add' ? '+' : '-'}${l.text.replace(/\s+/g, '')}\n`);
  }
  return `diff:${h.digest('hex')}`;
}

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KREVIEW_STATE_DIR) return env.KREVIEW_STATE_DIR;
  const base = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(homeDir(), '.local', 'state');
  return join(base, 'kreview');
}

export class TriageStore {
  /** Whether the store's directory exists: without it there is nothing to look up (and no need to hash a key). */
  private present: boolean | undefined;

  constructor(readonly dir: string = join(stateDir(), 'triage')) {}

  private path(messageId: string): string {
    return join(this.dir, `${sha1(messageId)}.json`);
  }

  load(messageId: string): PatchTriage | undefined {
    this.present ??= existsSync(this.dir);
    if (!this.present) return undefined;
    try {
      const t = JSON.parse(readFileSync(this.path(messageId), 'utf8')) as PatchTriage;
      return t.messageId === messageId ? t : undefined;
    } catch {
      return undefined;
    }
  }

  save(t: PatchTriage): void {
    mkdirSync(this.dir, { recursive: true });
    this.present = true;
    writeAtomic(this.path(t.messageId), JSON.stringify(t, null, 2) + '\n');
  }

  /** Finding keys marked as false positives for this patch, with the reason given (or ''). */
  falsePositives(patch: Patch): Map<string, string> {
    // most users never mark one: no store, no key to compute (node:crypto is 4 ms to load)
    this.present ??= existsSync(this.dir);
    if (!this.present) return new Map();
    const t = this.load(triageKey(patch));
    return new Map(Object.entries(t?.decisions ?? {}).filter(([, d]) => d.decision === 'false-positive').map(([k, d]) => [k, d.reason ?? '']));
  }

  /** Every patch with marks, in the order the files sort (for `kreview triage list`). */
  list(): PatchTriage[] {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((n) => n.endsWith('.json')).sort();
    } catch {
      return [];
    }
    const out: PatchTriage[] = [];
    for (const n of names) {
      try {
        const t = JSON.parse(readFileSync(join(this.dir, n), 'utf8')) as PatchTriage;
        if (typeof t?.messageId === 'string' && t.decisions && typeof t.decisions === 'object') out.push({ ...t, comments: Array.isArray(t.comments) ? t.comments : [] });
      } catch {
        // a damaged file is not a mark
      }
    }
    return out;
  }

  /** Drop a patch's marks and comments; false when it had none. */
  forget(messageId: string): boolean {
    const p = this.path(messageId);
    if (!existsSync(p)) return false;
    rmSync(p, { force: true });
    return true;
  }
}
