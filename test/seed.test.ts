import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli.js';
import { normSeed } from './oracle/norm.js';

const ROOT = path.resolve(__dirname, '..');
const SEED_SPLAT = path.resolve(ROOT, '../shared/corpus/splats/001-circular-pmem-hotremove-mem-sysfs-seed.txt');

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('the seed: 2019 pmem hot-remove', () => {
  it('prints the real 5.1.0-rc7 splat line for line (timestamps, addresses, whitespace, ? frames and registers aside)', async () => {
    const r = await run('run', path.join(ROOT, 'scenarios/mm-hotremove-2019.yaml'));
    expect(r.code).toBe(1);
    const want = normSeed(readFileSync(SEED_SPLAT, 'utf8'));
    expect(want.length).toBeGreaterThan(100);
    expect(normSeed(r.out)).toEqual(want);
  });

  it('still finds the cycle under modern (6.1) semantics, as the real 6.1 kernel did (oracle case 033)', async () => {
    const r = await run('run', path.join(ROOT, 'scenarios/mm-hotremove-2019.yaml'), '--kernel', '6.1.192');
    expect(r.code).toBe(1);
    expect(r.out).toContain('  kn->count#424 --> mem_hotplug_lock.rw_sem --> mem_sysfs_mutex');
    expect(r.out).toContain('7 locks held by daxctl/22950:');
  });

  it('after the fix (f1037ec0cc8a) there is no report and the exit code is 0', async () => {
    const r = await run('run', path.join(ROOT, 'scenarios/mm-hotremove-2020-fixed.yaml'));
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
  });
});
