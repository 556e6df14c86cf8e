// Terminal output without Node's stdio streams. Creating process.stdout or
// process.stderr on a pipe loads node:net and node:stream, and node:tty does
// too: ~3.5 ms of a 50 ms check. A check writes its report once, at the end,
// so plain synchronous writes to the file descriptors do.

import { fstatSync, writeSync } from 'node:fs';
import { nodeRequire } from '../src/runtime.js';

/** Is this descriptor a terminal? A pipe or file is told by fstat; only a character device needs node:tty. */
export function isTTY(fd: 1 | 2): boolean {
  try {
    const st = fstatSync(fd);
    if (!st.isCharacterDevice()) return false;
    // Linux: major 1 is /dev/null, /dev/zero, ... (`>/dev/null` in scripts and hooks)
    if (process.platform === 'linux' && ((st.rdev >> 8) & 0xfff) === 1) return false;
  } catch {
    return false;
  }
  return (nodeRequire()('node:tty') as typeof import('node:tty')).isatty(fd);
}

let pause: Int32Array | undefined;

/**
 * Thrown when stdout is closed under us (`kreview graph ... | head`): the
 * command unwinds (its `finally` blocks run) and the entry point ends the run
 * quietly with exit 0, as git does. A closed stderr is ignored.
 */
export const STDOUT_CLOSED = 'KREVIEW_STDOUT_CLOSED';

export function stdoutClosed(): Error {
  return Object.assign(new Error('stdout is closed'), { code: STDOUT_CLOSED });
}

/** Write all of `text` to stdout (1) or stderr (2). A closed pipe (`| head`) ends the output quietly. */
export function writeOut(fd: 1 | 2, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        // a non-blocking pipe that is full: wait a moment for the reader
        Atomics.wait((pause ??= new Int32Array(new SharedArrayBuffer(4))), 0, 0, 2);
        continue;
      }
      if (code === 'EPIPE') {
        if (fd === 1) throw stdoutClosed();
        return;
      }
      throw err;
    }
  }
}
