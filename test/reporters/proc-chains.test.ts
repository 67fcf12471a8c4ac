import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCaseScript } from '../../src/importers/script.js';
import { renderProcChains, renderProcStats } from '../../src/reporters/proc-chains.js';
import { profileFor, replay } from '../../src/validator/replay.js';

const BOOT = path.resolve(__dirname, '../../../shared/oracle/boot');
const REPLAY = path.resolve(__dirname, '../../../shared/oracle/replay');

function run(caseName: string) {
  const sc = parseCaseScript(readFileSync(path.join(REPLAY, `${caseName}.script`), 'utf8'), `${caseName}.script`);
  return { report: replay(sc, { kernel: '6.1.192', stopAfterFirst: true }), profile: profileFor(sc, '6.1.192') };
}

describe('/proc/lockdep_stats and /proc/lockdep_chains', () => {
  it('prints the same labels, in the same order and columns, as the real 6.1 kernel', () => {
    const real = readFileSync(path.join(BOOT, 'boot-lockdep_stats.txt'), 'utf8').split('\n');
    const { report, profile } = run('001-abba-2tasks');
    const ours = renderProcStats(report, profile).split('\n');
    const label = (l: string) => l.replace(/\s+\d+( \[max: \d+\])?$/, '');
    expect(ours.map(label)).toEqual(real.map(label));
    for (const l of ours.filter((x) => x.trim())) expect(l).toMatch(/^ [^:]+:\s+\d+( \[max: \d+\])?$/);
    // the value ends in column 43, as %11lu after a 32-wide label
    for (const l of ours.filter((x) => x.trim())) expect(l.replace(/ \[max: \d+\]$/, '').length).toBe(43);
  });

  it('counts what the run did: classes, two list entries per dependency, chains per irq context', () => {
    const { report, profile } = run('037-hardirq-safe-to-unsafe');
    const stats = renderProcStats(report, profile);
    expect(stats).toMatch(/^ lock-classes: +2 \[max: 8192\]$/m);
    expect(stats).toMatch(/^ in-hardirq chains: +1$/m);
    expect(stats).toMatch(/^ hardirq-safe locks: +1$/m);
    expect(stats).toMatch(/^ debug_locks: +0$/m);
    const chains = renderProcChains(report, profile);
    expect(chains.startsWith('all lock chains:\nirq_context: hardirq\n[')).toBe(true);
    expect(chains).toContain('irq_context: 0\n[ffffc90000015040] H\n[ffffc900000150c8] U\n\n');
  });

  it('keeps debug_locks at 1 when nothing was reported', () => {
    const { report, profile } = run('029-abba-after-release');
    expect(renderProcStats(report, profile)).toMatch(/^ debug_locks: +1$/m);
    expect(report.dependencies.map((d) => `${d.from}->${d.to}`)).toEqual(['B->A']);
    expect(renderProcStats(report, profile)).toMatch(/^ direct dependencies: +2 \[max: 32768\]$/m); // two list entries per dependency
  });
});
