/**
 * `lockdep-sim explore`, in process. The command module is registered on a yargs instance the
 * way run-cli.ts registers every command.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { registerExplore } from '../../src/cli/commands/explore.js';
import { formatIssue, LockdepSimError } from '../../src/diag/error.js';
import { nest, scenYaml } from './helpers.js';

const ROOT = path.resolve(__dirname, '../..');
const scenario = (name: string) => path.join(ROOT, 'scenarios', name);

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  let code = 0;
  const ctx = { io: { stdout: (s: string) => (out += s), stderr: (s: string) => (err += s) }, setExit: (c: number) => (code = c) };
  try {
    await registerExplore(
      yargs(argv)
        .strict()
        .exitProcess(false)
        .fail((msg, e) => {
          throw e ?? new Error(msg);
        }),
      ctx,
    ).parseAsync();
  } catch (e) {
    if (!(e instanceof LockdepSimError)) throw e;
    err += e.issues.map((i) => `${formatIssue(i)}\n`).join('');
    code = 2;
  }
  return { code, out, err };
}

describe('lockdep-sim explore', () => {
  it('refutes the seed (exit 0) and says why', async () => {
    const r = await cli('explore', scenario('mm-hotremove-2019.yaml'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('REFUTED for every interleaving: device_hotplug_lock is held on every edge');
    expect(r.err).toMatch(/^lockdep-sim explore: .*mm-hotremove-2019\.yaml: 1 cycle \(1 refuted\); \d+ states in \d+\.\d s\n$/);
  });

  it('confirms the no-gate variant (exit 1) with the schedule table', async () => {
    const r = await cli('explore', scenario('mm-hotremove-2019-no-gate.yaml'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('CONFIRMED: 2 tasks wait for each other on mem_hotplug_lock.rw_sem, kn->count#424');
    expect(r.out).toMatch(/\| bash\/22688\s+\| daxctl\/22950\s+\| source\n/);
    expect(r.out).toContain('waits for kn->count#424 (write)');
  });

  it('writes JSON: the file and one result per cycle', async () => {
    const r = await cli('explore', scenario('abba.yaml'), '--format', 'json');
    const data = JSON.parse(r.out);
    expect(data.file).toBe(scenario('abba.yaml'));
    expect(data.results).toHaveLength(1);
    expect(data.results[0]).toMatchObject({ finding: 0, kind: 'circular', verdict: 'confirmed', cycle: ['&foo->dev_lock', 'foo_list_lock'] });
    expect(data.results[0].schedule.rows.map((x: { text: string }) => x.text)).toEqual(['lock(&foo->dev_lock)', 'lock(foo_list_lock)']);
  });

  it('several files give a JSON array', async () => {
    const r = await cli('explore', scenario('abba.yaml'), scenario('abba-gate.yaml'), '--format', 'json');
    expect(JSON.parse(r.out).map((d: { results: { verdict: string }[] }) => d.results[0]!.verdict)).toEqual(['confirmed', 'refuted']);
    expect(r.code).toBe(1);
  });

  it('reports the coverage when the state budget runs out (exit 1: not proven safe)', async () => {
    const r = await cli('explore', scenario('mm-hotremove-2019-no-gate.yaml'), '--budget-states', '50');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/UNKNOWN: state budget of 50 exhausted after 50 states \(\d+ transitions, schedules up to \d+ moves, \d+ branches still open\)/);
  });

  it('is deterministic: same input and seed, same output', async () => {
    for (const seed of ['0', '17']) {
      const a = await cli('explore', scenario('mm-hotremove-2019-no-gate.yaml'), '--seed', seed, '--format', 'json');
      const b = await cli('explore', scenario('mm-hotremove-2019-no-gate.yaml'), '--seed', seed, '--format', 'json');
      expect(a.out).toBe(b.out);
    }
    const t1 = await cli('explore', scenario('abba.yaml'), '--seed', '3');
    const t2 = await cli('explore', scenario('abba.yaml'), '--seed', '3');
    expect(t1.out).toBe(t2.out);
  });

  it('a generous time budget does not change the result', async () => {
    const a = await cli('explore', scenario('mm-hotremove-2019.yaml'), '--format', 'json');
    const b = await cli('explore', scenario('mm-hotremove-2019.yaml'), '--format', 'json', '--budget-ms', '600000');
    expect(b.out).toBe(a.out);
  });

  it('with no cycle reported, still looks for deadlocks (the 2020 fix has none)', async () => {
    const r = await cli('explore', scenario('mm-hotremove-2020-fixed.yaml'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^lockdep-sim explore: .*mm-hotremove-2020-fixed\.yaml: no cycles reported, and no deadlock found \(searched \d+ states, .*complete; seed 0\)\)\n$/);
    expect(r.err).toMatch(/: no cycles; \d+ states in/);
  });

  it('lists deadlocks lockdep did not report, and fails on them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'explore-'));
    const file = path.join(dir, 'spin.yaml');
    writeFileSync(file, scenYaml({ A: 'mutex', B: 'mutex' }, { t1: ['lock A', 'trylock B retry', 'unlock B', 'unlock A'], t2: nest('B', 'A') }));
    const r = await cli('explore', file, '--format', 'json');
    const data = JSON.parse(r.out);
    expect(data.results).toEqual([]);
    expect(data.unreported).toHaveLength(1);
    expect(data.unreported[0].classes).toEqual(['B', 'A']);
    expect(r.code).toBe(1);
    const t = await cli('explore', file);
    expect(t.out).toContain('deadlock 1 that lockdep did not report: on B, A');
    expect(t.err).toMatch(/: no cycles, 1 deadlock lockdep did not report; \d+ states in/);
  });

  it('a file lockdep finds nothing in and nothing deadlocks: exit 0', async () => {
    const r = await cli('explore', scenario('trylock-no-cycle.yaml'), '--format', 'json');
    expect(JSON.parse(r.out)).toMatchObject({ results: [], unreported: [], search: { complete: true } });
    expect(r.code).toBe(0);
  });

  it.each([
    [['--budget-states', '0'], '--budget-states must be a positive integer'],
    [['--budget-ms', '-5'], '--budget-ms must be a positive number'],
    [['--seed', '1.5'], '--seed must be a non-negative integer'],
  ])('rejects %j', async (flags, msg) => {
    const r = await cli('explore', scenario('abba.yaml'), ...flags);
    expect(r.code).toBe(2);
    expect(r.err).toContain(msg);
  });
});
