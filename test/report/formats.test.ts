// Machine formats: JSON against our documented schema, SARIF against the
// official 2.1.0 schema (shipped in Microsoft's sarif-multitool package), b4's
// review-check array, and golden files of each for the demo patch.

import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/engine/run.js';
import type { CheckResult } from '../../src/engine/result.js';
import { formatB4 } from '../../src/report/b4.js';
import { formatJson } from '../../src/report/json.js';
import { formatSarif } from '../../src/report/sarif.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
const filter = { all: false, strict: false, types: new Set<string>(), ignore: new Set<string>() };

async function demo(extra: string[] = []): Promise<CheckResult> {
  return runCheck({
    inputs: ['examples/0001-loop-raw-read-iter.patch', 'test/fixtures/patch/format-patch.patch', ...extra],
    cwd: ROOT,
    git: false,
    noTree: true,
    types: new Set(),
    ignore: new Set(),
    allow: new Map(),
  });
}

/** The official SARIF 2.1.0 schema, from whichever platform package of @microsoft/sarif-multitool is installed. */
function sarifSchema(): object {
  const base = dirname(require.resolve('@microsoft/sarif-multitool/package.json'));
  const scope = join(base, '..');
  for (const d of readdirSync(scope)) {
    const p = join(scope, d, 'sarif-2.1.0.json');
    if (d.startsWith('sarif-multitool-') && existsSync(p)) return JSON.parse(readFileSync(p, 'utf8'));
  }
  throw new Error('no sarif-2.1.0.json in @microsoft/sarif-multitool-*');
}

/**
 * Ajv with the string formats the two schemas use, checked rather than
 * ignored (ajv knows none by itself, and said so in ~70 lines per run).
 */
function ajv(): InstanceType<typeof Ajv2020.default> {
  const Ajv = (Ajv2020 as unknown as { default: typeof Ajv2020.default }).default ?? Ajv2020;
  const a = new Ajv({ allErrors: true, strict: false });
  const parses = (s: string, base?: string): boolean => {
    try {
      new URL(s, base);
      return true;
    } catch {
      return false;
    }
  };
  a.addFormat('uri', (s: string) => parses(s));
  a.addFormat('uri-reference', (s: string) => parses(s, 'file:///'));
  a.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  a.addFormat('date-time', (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(s) && !Number.isNaN(Date.parse(s)));
  return a;
}

describe('--format json', () => {
  it('validates against docs/kreview-json.schema.json, keys in a stable order', async () => {
    const out = formatJson(await demo(['no-such.patch']), filter, 'WARNING');
    const doc = JSON.parse(out.stdout);
    const validate = ajv().compile(JSON.parse(readFileSync(join(ROOT, 'docs/kreview-json.schema.json'), 'utf8')));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(Object.keys(doc)).toEqual(['schemaVersion', 'tool', 'mode', 'tree', 'summary', 'inputs']);
    expect(doc.inputs[2].errors[0]).toEqual({ kind: 'unreadable', input: 'no-such.patch', message: 'no such file or directory' });
    expect(out.exit).toBe(1);
  });
  it('golden', async () => {
    const doc = JSON.parse(formatJson(await demo(), filter, 'WARNING').stdout);
    doc.tool.version = 'X';
    await expect(JSON.stringify(doc, null, 2) + '\n').toMatchFileSnapshot('./golden/demo.json');
  });
});

describe('--format sarif', () => {
  it('validates against the official SARIF 2.1.0 schema, with rule metadata and help', async () => {
    const out = await formatSarif(await demo(), filter, 'WARNING');
    const doc = JSON.parse(out.stdout);
    const validate = ajv().compile(sarifSchema());
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const driver = doc.runs[0].tool.driver;
    expect(driver.rules.map((r: { id: string }) => r.id).sort()).toEqual(['BACKING_FILE_CREDS', 'CROSS_LAYER_PAGECACHE', 'RAW_RW_ITER', 'VFS_INTERNAL_HELPER']);
    expect(driver.rules.every((r: { help: { markdown: string } }) => r.help.markdown.includes('## What it does'))).toBe(true);
    const res = doc.runs[0].results[0];
    expect(res).toMatchObject({ ruleId: 'RAW_RW_ITER', level: 'error' });
    expect(res.locations[0].physicalLocation).toMatchObject({ artifactLocation: { uri: 'drivers/block/loop.c' }, region: { startLine: 275 } });
    expect(res.codeFlows[0].threadFlows[0].locations.length).toBeGreaterThan(1);
  });
});

describe('findings hidden by a triage mark', () => {
  /** The demo with its finding marked as a false positive, as src/engine/run.ts records it. */
  async function marked(): Promise<CheckResult> {
    const r = await demo();
    const report = r.inputs[0]!.patches[0]!;
    const f = report.findings[0]!;
    report.hidden = [{ by: 'triage', count: 1, findings: [f], reasons: { [f.key]: 'the ioctl checks it' } }];
    report.findings = [];
    return r;
  }
  it('JSON and SARIF still validate, and say it', async () => {
    const json = JSON.parse(formatJson(await marked(), filter, 'WARNING').stdout);
    const v = ajv().compile(JSON.parse(readFileSync(join(ROOT, 'docs/kreview-json.schema.json'), 'utf8')));
    expect(v(json), JSON.stringify(v.errors)).toBe(true);
    expect(json.summary).toMatchObject({ failing: 0, hidden: 1 });
    const sarif = JSON.parse((await formatSarif(await marked(), filter, 'WARNING')).stdout);
    const vs = ajv().compile(sarifSchema());
    expect(vs(sarif), JSON.stringify(vs.errors?.slice(0, 3))).toBe(true);
    expect(sarif.runs[0].results[0].suppressions[0]).toMatchObject({ kind: 'external', status: 'accepted' });
    expect(formatB4(await marked(), filter, 'WARNING')).toMatchObject({ exit: 0 });
  });
  it('not said when the filter would not have shown them', async () => {
    const json = JSON.parse(formatJson(await marked(), { ...filter, ignore: new Set(['RAW_RW_ITER']) }, 'WARNING').stdout);
    expect(json.summary.hidden).toBe(0);
  });
});

describe('--format b4', () => {
  it('one result per finding, or a single pass', async () => {
    const r = await demo();
    const arr = JSON.parse(formatB4(r, filter, 'WARNING').stdout);
    expect(arr).toHaveLength(1);
    expect(arr[0]).toMatchObject({ tool: 'kreview', status: 'fail' });
    expect(arr[0].summary).toMatch(/^ERROR:RAW_RW_ITER: this patch drops vfs_iter_read/);
    const clean = await runCheck({ inputs: ['test/fixtures/patch/format-patch.patch'], cwd: ROOT, git: false, noTree: true, types: new Set(), ignore: new Set(), allow: new Map() });
    expect(JSON.parse(formatB4(clean, filter, 'WARNING').stdout)).toEqual([{ tool: 'kreview', status: 'pass', summary: 'no VFS layering problems found', url: '', details: '' }]);
  });
});
