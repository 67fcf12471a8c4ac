/**
 * The seed and its variants (reference §6.4): lockdep's cycle is refuted on the real code (the
 * device_hotplug_lock gate), confirmed without the gate, and refuted again when the two paths
 * work on different memory blocks (one lockdep class, different objects).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exploreAll, exploreReport } from '../../src/explore/explore.js';
import { formatExplore, formatUnreportedLine } from '../../src/explore/format.js';
import { deadlocks } from '../../src/explore/machine.js';
import { compile } from '../../src/explore/program.js';
import { search } from '../../src/explore/search.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { replay } from '../../src/validator/replay.js';

const ROOT = path.resolve(__dirname, '../..');
const load = (name: string, edit?: (text: string) => string) => {
  const text = readFileSync(path.join(ROOT, 'scenarios', name), 'utf8');
  return parseScenario(edit ? edit(text) : text, `scenarios/${name}`);
};
const CYCLE = ['kn->count#424', 'cpu_hotplug_lock.rw_sem', 'mem_hotplug_lock.rw_sem', 'mem_sysfs_mutex'];

describe('mm-hotremove-2019 (the seed)', () => {
  const s = load('mm-hotremove-2019.yaml');
  const results = exploreReport(s, replay(s));

  it('is refuted: device_hotplug_lock gates both ends of the cycle, as the maintainers said', () => {
    expect(results).toHaveLength(1);
    const r = results[0]!;
    expect(r.cycle).toEqual(CYCLE);
    expect(r.verdict).toBe('refuted');
    expect(r.reason).toMatchObject({ kind: 'gate', lock: 'device_hotplug_lock', proof: true });
    expect(r.reason!.text).toBe(
      'device_hotplug_lock is held on every edge that could close the cycle, by daxctl/22950 (lock) and bash/22688 (trylock, on_fail: restart): ' +
        'only one of them can hold it at a time, so they never wait for each other.',
    );
  });

  it('and the exhaustive search agrees: no reachable state has tasks waiting in a circle', () => {
    const r = results[0]!;
    expect(r.search.complete).toBe(true);
    expect(r.search.states).toBeGreaterThan(10_000);
    const c = compile(s);
    let found = 0;
    search(c, { maxStates: 1_000_000, seed: 0 }, (v) => {
      found += deadlocks(c, v.state, v.waiting).length;
    });
    expect(found).toBe(0);
  });

  it('prints the refutation', async () => {
    await expect(formatExplore(s.file, results)).toMatchFileSnapshot('./__snapshots__/mm-hotremove-2019.txt');
  });

  it('needs the restart: spinning on the gate (on_fail: retry) while holding the state file deadlocks, and lockdep cannot see it', () => {
    const s2 = load('mm-hotremove-2019.yaml', (t) => t.replace('        on_fail: restart\n', '        on_fail: retry\n'));
    const x = exploreAll(s2, replay(s2));
    // The reported cycle is still gated...
    expect(x.results[0]).toMatchObject({ verdict: 'refuted', reason: { kind: 'gate', lock: 'device_hotplug_lock' } });
    // ...but bash now spins on device_hotplug_lock holding kn->count, which daxctl drains.
    expect(x.unreported).toHaveLength(1);
    const u = x.unreported[0]!;
    expect([...u.classes].sort()).toEqual(['device_hotplug_lock', 'kn->count#424']);
    expect(u.schedule.blocked).toEqual([
      expect.objectContaining({ waitsFor: 'device_hotplug_lock', spinning: true, heldBy: [{ task: 'daxctl/22950', mode: 'write' }] }),
      expect.objectContaining({ waitsFor: 'kn->count#424', heldBy: [{ task: 'bash/22688', mode: 'read' }] }),
    ]);
    expect(formatUnreportedLine(u)).toBe('explore: unreported deadlock on device_hotplug_lock, kn->count#424: bash/22688, daxctl/22950 wait for each other (12-step schedule)');
    // With the restart there is no deadlock of any kind.
    expect(exploreAll(s, replay(s)).unreported).toEqual([]);
  });
});

describe('mm-hotremove-2019-no-gate (the counterfactual)', () => {
  const s = load('mm-hotremove-2019-no-gate.yaml');
  const report = replay(s);
  const results = exploreReport(s, report);

  it('lockdep reports the same cycle', () => {
    expect(results.map((r) => r.cycle)).toEqual([CYCLE]);
  });

  it('is confirmed: bash holds the state file and waits for mem_hotplug_lock, daxctl drains the file holding it', () => {
    const r = results[0]!;
    expect(r.verdict).toBe('confirmed');
    const sch = r.schedule!;
    expect(sch.tasks.map((t) => t.name)).toEqual(['bash/22688', 'daxctl/22950']);
    expect(sch.blocked).toEqual([
      expect.objectContaining({ waitsFor: 'mem_hotplug_lock.rw_sem', mode: 'write', heldBy: [{ task: 'daxctl/22950', mode: 'write' }] }),
      expect.objectContaining({ waitsFor: 'kn->count#424', mode: 'write', heldBy: [{ task: 'bash/22688', mode: 'read' }] }),
    ]);
    const bash = sch.rows.filter((x) => x.column === 0).map((x) => x.text);
    expect(bash).toContain('read_trylock(kn->count#424)');
    const dax = sch.rows.filter((x) => x.column === 1).map((x) => x.text);
    expect(dax).toEqual(expect.arrayContaining(['lock(device_hotplug_lock)', 'lock(mem_hotplug_lock.rw_sem)', 'lock(mem_sysfs_mutex)']));
    expect(r.deadlockClasses!.sort()).toEqual(['kn->count#424', 'mem_hotplug_lock.rw_sem']);
  });

  it('prints the schedule', async () => {
    await expect(formatExplore(s.file, results)).toMatchFileSnapshot('./__snapshots__/mm-hotremove-2019-no-gate.txt');
  });
});

describe('mm-hotremove-2019-two-blocks (one class, two objects)', () => {
  const s = load('mm-hotremove-2019-two-blocks.yaml');
  const results = exploreReport(s, replay(s));

  it('lockdep still reports the cycle, the explorer refutes it: different instances', () => {
    expect(results.map((r) => r.cycle)).toEqual([CYCLE]);
    expect(results[0]).toMatchObject({ verdict: 'refuted', reason: { kind: 'instances', proof: true } });
    expect(results[0]!.reason!.text).toContain('bash/22688 uses kn->count#424@1; daxctl/22950 uses kn->count#424@0');
  });
});

describe('the 2020 fix', () => {
  it('leaves nothing to explore', () => {
    const s = load('mm-hotremove-2020-fixed.yaml');
    expect(exploreReport(s, replay(s))).toEqual([]);
  });
});
