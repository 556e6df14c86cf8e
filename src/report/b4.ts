// `--format b4`: the JSON array `b4 review` reads from a
// b4.review-perpatch-check-cmd: [{tool, status, summary, url, details}].
import type { Level } from '../engine/finding.js';
import type { CheckResult, Filter } from '../engine/result.js';
import { failing, fixedLaterNote, HIDDEN_BY, shownHidden, visibleFindings } from '../engine/result.js';
import { TOOL_NAME } from '../version.js';
import { jsonSafe, sanitize, sanitizeLine } from './sanitize.js';

export function formatB4(result: CheckResult, f: Filter, failLevel: Level): { stdout: string; exit: 0 | 1 } {
  // b4 (src/b4/review/checks.py _run_external_cmd) keeps tool/status/summary/url/details as text
  const out: { tool: string; status: 'pass' | 'warn' | 'fail'; summary: string; url: string; details: string }[] = [];
  let exit: 0 | 1 = 0;
  const hidden: string[] = [];
  for (const inp of result.inputs) {
    const problems = [...inp.errors, ...inp.patches.flatMap((r) => r.errors)].filter((e) => e.kind !== 'apply' && e.kind !== 'not-a-patch');
    for (const e of problems) {
      out.push({ tool: TOOL_NAME, status: 'warn', summary: `not fully checked: ${sanitizeLine(e.message)}`, url: '', details: sanitizeLine(e.oneLine()) });
    }
    for (const r of inp.patches) {
      if (failing(r, f, failLevel).length) exit = 1;
      for (const d of r.doubts ?? []) out.push({ tool: TOOL_NAME, status: 'warn', summary: `not fully checked: ${sanitizeLine(d)}`, url: '', details: '' });
      for (const h of shownHidden(r, f)) hidden.push(`${h.count} finding${h.count > 1 ? 's' : ''} hidden, ${HIDDEN_BY[h.by]}: ${sanitizeLine(h.detail ?? '')}`);
      const later = fixedLaterNote(r, f);
      if (later) hidden.push(sanitizeLine(later));
      for (const x of visibleFindings(r, f)) {
        out.push({
          tool: TOOL_NAME,
          // as b4's own checkpatch runner maps them: ERROR fails, WARNING and CHECK warn
          status: x.level === 'ERROR' ? 'fail' : 'warn',
          summary: `${x.level}:${x.type}: ${sanitizeLine(x.message)}`,
          url: '',
          // b4 prints details to the terminal: every line of it is the patch's text
          details: [`${x.file}:${x.line}${x.function ? ` (${x.function})` : ''}`, ...x.witness.map((w) => `${w.kind}: ${w.text} (${w.file}:${w.line})`), `confidence: ${x.confidence}; ${x.status}`].map(sanitizeLine).join('\n'),
        });
      }
    }
  }
  // findings left out are said, as a pass of their own (a mark is the reviewer's decision, not a problem)
  if (!out.length) out.push({ tool: TOOL_NAME, status: 'pass', summary: ['no VFS layering problems found', ...hidden].join('; '), url: '', details: hidden.join('\n') });
  else if (hidden.length) out.push({ tool: TOOL_NAME, status: 'pass', summary: hidden.join('; '), url: '', details: hidden.join('\n') });
  return { stdout: jsonSafe(JSON.stringify(out.map((o) => ({ ...o, summary: sanitize(o.summary), details: sanitize(o.details) })))) + '\n', exit };
}
