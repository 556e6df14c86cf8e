// `--format json`: one document per run. The schema is documented in
// docs/json.md and docs/kreview-json.schema.json; keys are written in a fixed order so output diffs well.

import type { Finding } from '../engine/finding.js';
import type { CheckResult, Filter } from '../engine/result.js';
import { failing, shownHidden, visibleFindings } from '../engine/result.js';
import type { Level } from '../engine/finding.js';
import { TOOL_NAME, toolVersion } from '../version.js';
import { jsonSafe } from './sanitize.js';

export const SCHEMA_VERSION = 1;

export function formatJson(result: CheckResult, f: Filter, failLevel: Level): { stdout: string; exit: 0 | 1 } {
  let errors = 0, warnings = 0, checks = 0, failingCount = 0, hiddenCount = 0;
  const inputs = result.inputs.map((inp) => ({
    input: inp.input,
    errors: inp.errors.map((e) => e.toJSON()),
    patches: inp.patches.map((r) => {
      const shown = visibleFindings(r, f);
      const hidden = shownHidden(r, f);
      failingCount += failing(r, f, failLevel).length;
      for (const h of hidden) hiddenCount += h.count;
      for (const x of shown) x.level === 'ERROR' ? errors++ : x.level === 'WARNING' ? warnings++ : checks++;
      const p = r.patch;
      return {
        subject: p.subject,
        messageId: p.messageId ?? null,
        series: { version: p.position.version, index: p.position.index, total: p.position.total, rfc: p.position.rfc },
        coverLetter: p.isCoverLetter,
        commit: p.commit ?? null,
        from: p.from ?? null,
        kernelFiles: r.kernelFiles,
        base: r.base ? { kind: r.base.kind, rev: r.base.rev ?? null, why: r.base.why } : null,
        notes: r.notes,
        doubts: r.doubts ?? [],
        findings: shown.map(findingJson),
        hidden: hidden.map((h) => ({ by: h.by, count: h.count, detail: h.detail ?? null, findings: h.findings.map((x) => ({ reason: h.reasons?.[x.key] || null, finding: findingJson(x) })) })),
        errors: r.errors.map((e) => e.toJSON()),
      };
    }),
  }));
  const doc = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: toolVersion() },
    mode: result.mode,
    tree: result.tree ?? null,
    summary: { errors, warnings, checks, failing: failingCount, hidden: hiddenCount },
    inputs,
  };
  return { stdout: jsonSafe(JSON.stringify(doc, null, 2)) + '\n', exit: failingCount ? 1 : 0 };
}

export function findingJson(x: Finding): Record<string, unknown> {
  return {
    type: x.type,
    rule: x.rule,
    level: x.level,
    message: x.message,
    file: x.file,
    line: x.line,
    patchLine: x.patchLine ?? null,
    function: x.function ?? null,
    lineText: x.lineText ?? null,
    confidence: x.confidence,
    status: x.status,
    fixedBy: x.fixedBy ?? null,
    fromPatchText: x.fromPatchText ?? false,
    witness: x.witness.map((w) => ({ kind: w.kind, text: w.text, file: w.file, line: w.line })),
    related: x.related.map((r) => ({ file: r.file, line: r.line, message: r.message })),
  };
}
