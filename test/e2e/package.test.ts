// The package as a user gets it: `npm pack`, a global install of the tarball
// into a scratch prefix with the command the README gives, then the
// installed kreview run on a patch. `npm test` has built dist/ already, so
// the pack runs no scripts (a rebuild under the other test files would pull
// dist/ from under them).

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function duBytes(dir: string): number {
  let n = 0;
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) n += duBytes(p);
    else if (d.isFile()) n += statSync(p).size;
  }
  return n;
}

describe('npm pack, a global install, the installed kreview', () => {
  it('ships what a user needs and nothing else, installs quietly, and checks a patch', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'kreview-pack-'));
    const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: ROOT, encoding: 'utf8' })) as { filename: string; files: { path: string }[] }[];
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).toContain('LICENSE');
    expect(files).toContain('dist/bin/kreview.cjs');
    expect(files).toContain('model/manifest.json');
    expect(files).toContain('rules/raw-rw-iter/README.md');
    // no developer scripts, no tsc output, no tests
    expect(files.filter((f) => /bench|corpus|sweep|^dist\/(dev|cli|src|scripts|rules)\/|test/.test(f))).toEqual([]);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^\s*GNU GENERAL PUBLIC LICENSE\s+Version 2, June 1991/);
    // the lock file names the bin the package has
    expect(JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).packages[''].bin).toEqual(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).bin);

    // the README's command: no install script needs to run (see README, "Install")
    const prefix = join(scratch, 'prefix');
    const install = spawnSync('npm', ['install', '-g', '--ignore-scripts', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', join(scratch, packed[0]!.filename)], { encoding: 'utf8' });
    expect(install.status, install.stderr).toBe(0);
    expect(install.stderr).not.toMatch(/install-scripts|allow-scripts/);
    const lib = join(prefix, 'lib', 'node_modules', 'kreview');
    // Ink and React are bundled into the review command: none of their dependency tree is installed
    for (const gone of ['es-toolkit', 'ink', 'react', 'react-reconciler', 'type-fest']) expect(readdirSync(join(lib, 'node_modules')), gone).not.toContain(gone);
    const size = duBytes(lib);
    expect(size).toBeLessThan(40 * 1024 * 1024);

    const env = { ...process.env, HOME: scratch, KREVIEW_CACHE_DIR: join(scratch, 'cache'), KREVIEW_STATE_DIR: join(scratch, 'state'), NO_COLOR: '1' };
    const bin = join(prefix, 'bin', 'kreview');
    const demo = join(lib, 'examples', '0001-loop-raw-read-iter.patch');
    const r = spawnSync(bin, ['check', demo], { cwd: scratch, env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('ERROR: this patch drops vfs_iter_read() on lo->lo_backing_file');
    expect(spawnSync(bin, ['--version'], { env, encoding: 'utf8' }).stdout).toMatch(/^kreview \d+\.\d+\.\d+\n$/);
    expect(spawnSync(bin, ['explain', 'RAW_RW_ITER'], { env, encoding: 'utf8' }).stdout).toContain('## Why is this bad?');
    // the installed kreview uses a model built with it
    const model = join(scratch, 'model');
    expect(spawnSync(bin, ['model', 'build', '--tree', join(ROOT, 'test/fixtures/ktree'), '-o', model], { env, encoding: 'utf8' }).status).toBe(0);
    expect(spawnSync(bin, ['check', '--model', model, join(ROOT, 'test/fixtures/patch/reroute.patch')], { env, encoding: 'utf8' }).status).toBe(1);
    expect(spawnSync(bin, ['check', join(ROOT, 'test/fixtures/patch/reroute.patch')], { env, encoding: 'utf8' }).status).toBe(0);
  }, 120_000);
});
