// `--format sarif`: SARIF 2.1.0 for GitHub code scanning and IDEs, with the
// rules' metadata and help (their README.md) and each finding's witness as
// a code flow.

import type { Finding, Level } from '../engine/finding.js';
import { loadRules, ruleDoc } from '../engine/registry.js';
import type { CheckResult, Filter } from '../engine/result.js';
import { failing, HIDDEN_BY, shownHidden, visibleFindings } from '../engine/result.js';
import { TOOL_NAME, toolHomepage, toolVersion } from '../version.js';
import { jsonSafe } from './sanitize.js';

const SARIF_LEVEL: Record<Level, 'error' | 'warning' | 'note'> = { ERROR: 'error', WARNING: 'warning', CHECK: 'note' };

export async function formatSarif(result: CheckResult, f: Filter, failLevel: Level): Promise<{ stdout: string; exit: 0 | 1 }> {
  const rules = await loadRules();
  const ruleIndex = new Map(rules.map((r, i) => [r.meta.type, i]));
  const results: unknown[] = [];
  // input problems and doubts: the run did not check everything as asked
  const notifications: unknown[] = [];
  let exit: 0 | 1 = 0;
  for (const inp of result.inputs) {
    for (const e of [...inp.errors, ...inp.patches.flatMap((r) => r.errors)]) {
      if (e.kind === 'apply' || e.kind === 'not-a-patch') continue;
      notifications.push({ level: 'error', message: { text: e.oneLine() } });
    }
    for (const r of inp.patches) {
      for (const d of r.doubts ?? []) notifications.push({ level: 'warning', message: { text: `${r.patch.subject}: ${d}` } });
      if (failing(r, f, failLevel).length) exit = 1;
      for (const x of visibleFindings(r, f)) results.push(sarifResult(x, ruleIndex.get(x.type), r.patch.subject));
      // hidden findings are results with a suppression (SARIF 3.35), as code scanning shows dismissed alerts
      for (const h of shownHidden(r, f)) {
        for (const x of h.findings) {
          const reason = h.reasons?.[x.key];
          results.push({ ...sarifResult(x, ruleIndex.get(x.type), r.patch.subject), suppressions: [{ kind: 'external', status: 'accepted', justification: `${HIDDEN_BY[h.by]}${reason ? `: ${reason}` : ''}` }] });
        }
      }
    }
  }
  const doc = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: toolVersion(),
            // the package's homepage when it names one; no made-up address otherwise (the property is optional)
            ...(toolHomepage() ? { informationUri: toolHomepage() } : {}),
            rules: rules.map((r) => ({
              id: r.meta.type,
              name: r.id,
              // the rule's first cited source a reader can open (the lore message its reasoning comes from)
              ...(r.meta.references.find((x) => x.url) ? { helpUri: r.meta.references.find((x) => x.url)!.url } : {}),
              shortDescription: { text: r.meta.description },
              fullDescription: { text: r.meta.description },
              help: { text: ruleDoc(r.id) ?? r.meta.description, markdown: ruleDoc(r.id) ?? r.meta.description },
              defaultConfiguration: { level: SARIF_LEVEL[r.meta.level] },
              properties: { tags: ['linux-kernel', 'vfs'], confidence: r.meta.confidence },
            })),
          },
        },
        ...(result.tree ? { originalUriBaseIds: { SRCROOT: { description: { text: result.tree } } } } : {}),
        invocations: [{ executionSuccessful: !notifications.some((n) => (n as { level: string }).level === 'error'), toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
  return { stdout: jsonSafe(JSON.stringify(doc, null, 2)) + '\n', exit };
}

function loc(file: string, line: number, message?: string): Record<string, unknown> {
  return {
    physicalLocation: { artifactLocation: { uri: file, uriBaseId: 'SRCROOT' }, region: { startLine: Math.max(1, line) } },
    ...(message ? { message: { text: message } } : {}),
  };
}

function sarifResult(x: Finding, ruleIndex: number | undefined, subject: string): Record<string, unknown> {
  return {
    ruleId: x.type,
    ...(ruleIndex !== undefined ? { ruleIndex } : {}),
    level: SARIF_LEVEL[x.level],
    message: { text: x.message },
    locations: [{ ...loc(x.file, x.line), ...(x.function ? { logicalLocations: [{ name: x.function, kind: 'function' }] } : {}) }],
    ...(x.witness.length
      ? { codeFlows: [{ threadFlows: [{ locations: x.witness.map((w) => ({ location: loc(w.file, w.line, `${w.kind}: ${w.text}`) })) }] }] }
      : {}),
    partialFingerprints: { kreviewKey: x.key },
    properties: { confidence: x.confidence, status: x.status, patch: subject, ...(x.patchLine !== undefined ? { patchLine: x.patchLine } : {}) },
  };
}
