// Nothing from a patch reaches a terminal raw. A patch whose every field
// (file names in `diff --git`/`---`/`+++`, the function in a hunk header,
// added lines and so the witness, Subject, From, Message-ID, a broken hunk's
// error) carries escape sequences, C1 controls (as UTF-8 and as raw 8-bit
// bytes), bidi overrides and isolates, zero-width marks, backspace and CR is
// checked and printed in every format: the text ones (with and without
// colour, terse, showfile, emacs, quiet), reply drafts, b4's array and the
// TUI's frames must show them escaped; JSON and SARIF must escape them.

import fc from 'fast-check';
import { render } from 'ink-testing-library';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../src/engine/run.js';
import type { CheckResult } from '../src/engine/result.js';
import { formatB4 } from '../src/report/b4.js';
import { formatText, type TextOptions } from '../src/report/checkpatch.js';
import { formatJson } from '../src/report/json.js';
import { draftReply } from '../src/report/reply.js';
import { sanitizeLine } from '../src/report/sanitize.js';
import { formatSarif } from '../src/report/sarif.js';
import { App } from './tui/App.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const EXAMPLE = readFileSync(`${ROOT}examples/0001-loop-raw-read-iter.patch`, 'latin1');

/** What a terminal must never get raw (C0 but TAB and LF, DEL, C1, bidi, zero-width, separators). */
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;
/** The same, minus what JSON.stringify escapes by itself: in JSON text none of these may stand raw. */
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

const PAYLOADS = [
  '\x1b[2J', // CSI: clear the screen
  '\x1b[31m', // CSI: a colour kreview itself uses
  '\x1b]0;PWNED\x07', // OSC 0: retitle the terminal
  '\x1b]8;;https:evil.example\x1b\\link\x1b]8;;\x1b\\', // OSC 8: a hyperlink (no slash: a path with one is another path)
  '\x1b]52;c;cm0gLXJmIH4=\x07', // OSC 52: set the clipboard
  '\u009b2J', // C1 CSI, as UTF-8
  '\u009d0;PWNED\u009c', // C1 OSC, as UTF-8
  '\u202e', // RIGHT-TO-LEFT OVERRIDE
  '\u2066x\u2069', // isolates
  '\u200b\u200f\u2060\ufeff', // zero-width and directional marks
  'ab\b\bcd', // backspace
  'ok\rEVIL', // carriage return
];
/** Raw 8-bit C1 bytes (CSI, OSC): a patch that is not UTF-8 is read as Latin-1, where they are U+009B, U+009D. */
const RAW8 = '\u009b2J\u009d0;x\u0007';

interface Evil {
  file: string;
  fn: string;
  line: string;
  subject: string;
  from: string;
  id: string;
  raw8: boolean;
}

// a CR in a raw line ends it (kreview reads CRLF and CR as LF): it reaches a field through an encoded header
const IN_LINES = PAYLOADS.filter((p) => !p.includes('\r'));
const evil: fc.Arbitrary<Evil> = fc.record({
  file: fc.constantFrom(...IN_LINES),
  fn: fc.constantFrom(...IN_LINES),
  line: fc.constantFrom(...IN_LINES),
  subject: fc.constantFrom(...PAYLOADS),
  from: fc.constantFrom(...PAYLOADS),
  id: fc.constantFrom(...IN_LINES),
  raw8: fc.boolean(),
});
const encoded = (p: string): string => `=?UTF-8?B?${Buffer.from(p, 'utf8').toString('base64')}?=`;

/** The example patch with every field carrying a payload, and a second file whose hunk is broken (an error that names it). */
function hostilePatch(e: Evil): Buffer {
  const nasty = (p: string): string => (e.raw8 ? p + RAW8 : p);
  const path = `drivers/block/lo${nasty(e.file)}op.c`;
  const text = EXAMPLE.replaceAll('drivers/block/loop.c', path)
    .replace('static int lo_write_bvec(', `static int lo_write${nasty(e.fn)}_bvec(`)
    .replace('read_iter(&kiocb, &i);', `read_iter(&kiocb, &i); /* ${nasty(e.line)} */`)
    .replace('Subject: [PATCH] loop:', `Subject: [PATCH] loop ${encoded(e.subject)} ${nasty('')}:`)
    .replace('From: Example Developer', `Message-ID: <id${nasty(e.id)}@example.org>\nFrom: Example ${encoded(e.from)} Developer`)
    .replace('-- \n2.47.0', `diff --git a/fs/b${nasty(e.file)}.c b/fs/b${nasty(e.file)}.c\n--- a/fs/b${nasty(e.file)}.c\n+++ b/fs/b${nasty(e.file)}.c\n@@ -1,3 +1,3 @@\n a\n-b\n+c\n-- \n2.47.0`);
  // UTF-8 payloads as UTF-8; with raw8, the latin1 payload bytes stand raw and the message is not valid UTF-8
  return e.raw8 ? Buffer.from(Buffer.from(text, 'utf8').toString('latin1'), 'latin1') : Buffer.from(text, 'utf8');
}

async function check(e: Evil): Promise<CheckResult> {
  const dir = mkdtempSync(join(tmpdir(), 'kreview-evil-'));
  const file = join(dir, `in${e.raw8 ? RAW8 : ''}.patch`);
  writeFileSync(file, hostilePatch(e));
  return runCheck({ inputs: [file], cwd: ROOT, git: false, noTree: true, types: new Set(), ignore: new Set(), allow: new Map() });
}

const base: TextOptions = { all: true, strict: true, types: new Set(), ignore: new Set(), quiet: false, terse: false, showfile: false, emacs: false, summary: true, mailback: false, showTypes: true, color: false, witness: true, failLevel: 'WARNING', summaryFile: true };
const TEXT_MODES: Partial<TextOptions>[] = [{}, { color: true }, { terse: true }, { showfile: true }, { emacs: true }, { quiet: true }, { terse: true, emacs: true, color: true }];

/** The raw characters of `s`, named, or [] (with kreview's own colour codes allowed when `colour`). */
function rawIn(s: string, colour = false, re = RAW): string[] {
  const t = colour ? s.replace(/\x1b\[(?:0|3[1-4])m/g, '') : s;
  return [...t].filter((c) => re.test(c)).map((c) => `U+${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

describe('nothing from a patch reaches a terminal raw', () => {
  it('in every output format, whatever each field carries', async () => {
    await fc.assert(
      fc.asyncProperty(evil, async (e) => {
        const result = await check(e);
        const reports = result.inputs.flatMap((i) => i.patches);
        // the payloads made it into what is printed, or this proves nothing
        const finding = reports.flatMap((r) => r.findings).find((f) => f.type === 'RAW_RW_ITER');
        expect(finding?.file).toContain('drivers/block/lo');
        expect(rawIn(finding!.file).length + rawIn(reports[0]!.patch.subject).length).toBeGreaterThan(0);
        const errors = [...result.inputs.flatMap((i) => i.errors), ...reports.flatMap((r) => r.errors)];
        expect(errors.length).toBeGreaterThan(0);

        for (const mode of TEXT_MODES) {
          const o = { ...base, ...mode };
          expect(rawIn(formatText(result, o).stdout, o.color), JSON.stringify(mode)).toEqual([]);
        }
        // stderr: one line per error, as cli/options.ts emit() writes it
        for (const err of errors) expect(rawIn(`kreview: ${sanitizeLine(err.oneLine())}\n`)).toEqual([]);
        for (const r of reports) {
          const mail = draftReply(r, { me: { name: `Rev${e.from}`, email: 'r@example.org' }, questions: () => undefined });
          if (mail) expect(rawIn(mail)).toEqual([]);
        }
        const b4 = formatB4(result, base, 'WARNING').stdout;
        expect(rawIn(b4, false, RAW_IN_JSON)).toEqual([]);
        // b4 prints summary and details to the terminal: not even escaped controls in them
        for (const x of JSON.parse(b4) as { summary: string; details: string }[]) expect(rawIn(x.summary + x.details)).toEqual([]);

        // JSON and SARIF keep the strings (escaped): a parser gets them back exactly
        const json = formatJson(result, base, 'WARNING').stdout;
        expect(rawIn(json, false, RAW_IN_JSON)).toEqual([]);
        const doc = JSON.parse(json) as { inputs: { patches: { subject: string; findings: { file: string }[] }[] }[] };
        expect(doc.inputs[0]!.patches[0]!.subject).toBe(reports[0]!.patch.subject);
        expect(doc.inputs[0]!.patches[0]!.findings.map((f) => f.file)).toContain(finding!.file);
        const sarif = (await formatSarif(result, base, 'WARNING')).stdout;
        expect(rawIn(sarif, false, RAW_IN_JSON)).toEqual([]);
        expect(sarif).toContain(JSON.stringify(finding!.file).slice(1, -1).replace(RAW_IN_JSON, '').slice(0, 16));

        // the TUI, at a size where the evidence shows: every frame
        const ui = render(<App width={120} height={40} check={async () => result} docs={() => undefined} triage={{ load: () => undefined, save: () => {} }} writeReply={async () => 'ok'} />);
        try {
          for (let i = 0; i < 200 && !ui.lastFrame()?.includes('RAW_RW_ITER'); i++) await new Promise((r) => setImmediate(r));
          expect(ui.lastFrame()).toContain('RAW_RW_ITER');
          for (const keys of ['', '\t', 'j', '\t', 'n']) {
            if (keys) ui.stdin.write(keys);
            await new Promise((r) => setImmediate(r));
          }
          for (const f of ui.frames) expect(rawIn(f, true)).toEqual([]);
        } finally {
          ui.unmount();
        }
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});
