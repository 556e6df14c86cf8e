// The embedded model: one file a line in each shard, so the prefilter can
// read one file's facts without parsing a 2.6 MB shard.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest, modelDir, modelFileFacts } from '../../src/cgraph/model.js';
import type { FileFacts } from '../../src/cgraph/types.js';

describe('modelFileFacts', () => {
  it("finds every model file's facts on its own, the same as parsing the whole shard", () => {
    const m = loadManifest()!;
    let n = 0;
    for (const shard of m.shards) {
      const text = readFileSync(join(modelDir(), shard.file), 'utf8');
      expect(text.startsWith('[\n{"version":')).toBe(true);
      const all = JSON.parse(text) as FileFacts[];
      expect(all.length).toBe(shard.files);
      for (const f of all) {
        const one = modelFileFacts(f.path)!;
        expect(one.path).toBe(f.path);
        expect(one.functions.map((fn) => `${fn.name}:${fn.line}:${fn.calls.length}`)).toEqual(f.functions.map((fn) => `${fn.name}:${fn.line}:${fn.calls.length}`));
        n++;
      }
    }
    expect(n).toBeGreaterThan(100);
  });

  it('says no for a file the model does not have, in a shard it has and outside any', () => {
    expect(modelFileFacts('fs/erofs/no-such-file.c')).toBeUndefined();
    expect(modelFileFacts('fs/aio.c.orig')).toBeUndefined();
    expect(modelFileFacts('tools/perf/perf.c')).toBeUndefined();
  });
});
