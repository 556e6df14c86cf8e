// `--format b4`: the JSON array `b4 review` reads from a
// b4.review-perpatch-check-cmd: [{tool, status, summary, url, details}].
import type { Level } from '../engine/finding.js';
import type { CheckResult, Filter } from '../engine/result.js';
import { failing, visibleFindings } from '../engine/result.js';
import { TOOL_NAME } from '../version.js';

export function formatB4(result: CheckResult, f: Filter, failLevel: Level): { stdout: string; exit: 0 | 1 } {
  const out: { tool: string; status: 'pass' | 'warn' | 'fail'; summary: string; url: string | null; details: string | null }[] = [];
  let exit: 0 | 1 = 0;
  for (const inp of result.inputs) {
    for (const r of inp.patches) {
      const fails = new Set(failing(r, f, failLevel));
      if (fails.size) exit = 1;
      for (const x of visibleFindings(r, f)) {
        out.push({
          tool: TOOL_NAME,
          status: fails.has(x) ? 'fail' : 'warn',
          summary: `${x.level}:${x.type}: ${x.message}`,
          url: null,
          details: [`${x.file}:${x.line}${x.function ? ` (${x.function})` : ''}`, ...x.witness.map((w) => `${w.kind}: ${w.text} (${w.file}:${w.line})`), `confidence: ${x.confidence}; ${x.status}`].join('\n'),
        });
      }
    }
  }
  if (!out.length) out.push({ tool: TOOL_NAME, status: 'pass', summary: 'no VFS layering problems found', url: null, details: null });
  return { stdout: JSON.stringify(out) + '\n', exit };
}
