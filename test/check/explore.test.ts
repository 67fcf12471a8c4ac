/**
 * check --explore: the explorer's verdict on each cycle finding (docs/check.md, "Real or false
 * positive: --explore"), the deadlocks lockdep did not report, --explore-refuted-pass, and the
 * JSON / SARIF shapes (validated against their schemas).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCheck, type CheckOptions } from '../../src/check/check.js';
import { parsePolicy } from '../../src/check/policy.js';
import type { CheckFinding, CheckResult } from '../../src/check/result.js';
import { parseInput } from '../../src/input.js';
import type { Scenario } from '../../src/model/scenario.js';
import { renderCheckJson } from '../../src/reporters/check/json.js';
import { renderSarif } from '../../src/reporters/check/sarif.js';
import { renderCheckText } from '../../src/reporters/check/text.js';
import { scenario, task } from '../helpers/build.js';
import { cli } from './cli-helper.js';
import { errorsOf, projectSchema, sarifValidator } from './schemas.js';

const load = (f: string) => parseInput(readFileSync(f, 'utf8'), f);
const SEED = 'scenarios/mm-hotremove-2019.yaml';
const NO_GATE = 'scenarios/mm-hotremove-2019-no-gate.yaml';

const sarif = sarifValidator();
const json = projectSchema('check-result');

function check(scenarios: Scenario[], opts: CheckOptions = {}): CheckResult {
  const r = runCheck(scenarios, { toolVersion: '0.0.0-test', ...opts }).result;
  const log = JSON.parse(renderSarif(r));
  expect(sarif(log), errorsOf(sarif)).toBe(true);
  expect(json(JSON.parse(renderCheckJson(r))), errorsOf(json)).toBe(true);
  return r;
}

const byRule = (r: CheckResult, rule: string) => r.findings.filter((f) => f.ruleId === rule);
const only = (r: CheckResult, rule: string): CheckFinding => {
  const fs = byRule(r, rule);
  expect(fs).toHaveLength(1);
  return fs[0]!;
};

/** The hidden-cycle fixture with every task under one gate mutex: nothing can deadlock. */
const gated = () =>
  scenario([
    task('writer', ['G', 'A', 'B', '-B', '-A', '-G'], 300),
    task('flusher', ['G', 'B', 'A', '-A', '-B', '-G'], 301),
    task('alloc', ['G', 'A', 'C', '-C', '-A', '-G'], 302),
    task('reclaim', ['G', 'C', 'B', '-B', '-C', '-G'], 303),
  ]);

describe('check --explore', () => {
  it('the seed: the circular report is refuted for every interleaving, gate device_hotplug_lock', () => {
    const plain = check([load(SEED)]);
    const r = check([load(SEED)], { explore: {} });
    const f = only(r, 'lockdep/circular');
    expect(f.level).toBe('error');
    expect(f.explore).toMatchObject({ verdict: 'refuted', input: 0, basis: 'report', reason: { kind: 'gate', lock: 'device_hotplug_lock', proof: true } });
    expect(f.explore!.summary).toBe('refuted for every interleaving (gate: `device_hotplug_lock`)');
    // Exploring adds, it does not change: same findings, messages and levels as without --explore.
    expect(r.findings.map((x) => [x.ruleId, x.level, x.message])).toEqual(plain.findings.map((x) => [x.ruleId, x.level, x.message]));
    expect(r.summary).toEqual(plain.summary);
    expect(r.explore).toMatchObject({ maxStates: 1_000_000, seed: 0, refutedPass: false, refuted: 1, confirmed: 0, unknown: 0, unreported: 0 });
    expect(r.explore!.inputs[0]).toMatchObject({ complete: true, cycles: 1, unreported: 0 });
    expect(plain.explore).toBeUndefined();
    const text = renderCheckText(r);
    expect(text).toContain('\n  explore: refuted for every interleaving (gate: `device_hotplug_lock`): device_hotplug_lock is held on every edge');
    expect(text).toContain('; explore: 0 confirmed, 1 refuted, 0 unknown, 0 unreported deadlocks (56118 states searched)\n');
  });

  it('--explore-refuted-pass lowers a refuted cycle to a note (JSON, SARIF, summary), with the reason', () => {
    const r = check([load(SEED)], { explore: { refutedPass: true } });
    const f = only(r, 'lockdep/circular');
    expect(f.level).toBe('note');
    expect(f.explore!.demotedFrom).toBe('error');
    expect(r.summary).toMatchObject({ error: 0, note: 1 });
    const res = JSON.parse(renderSarif(r)).runs[0].results[0];
    expect(res.level).toBe('note');
    expect(res.message.text).toContain('; explore: refuted for every interleaving (gate: `device_hotplug_lock`): device_hotplug_lock is held on every edge');
    expect(res.message.text).toMatch(/Lowered from error to note by --explore-refuted-pass\.$/);
    expect(res.properties.explore).toMatchObject({ verdict: 'refuted', demotedFrom: 'error', reason: { kind: 'gate' } });
  });

  it('the seed without its gate: confirmed, with a schedule whose blocked tasks wait at real acquisitions', () => {
    const s = load(NO_GATE);
    const r = check([s], { explore: { refutedPass: true } });
    const f = only(r, 'lockdep/circular');
    expect(f.level).toBe('error');
    const x = f.explore!;
    expect(x).toMatchObject({ verdict: 'confirmed', basis: 'report', deadlockClasses: ['mem_hotplug_lock.rw_sem', 'kn->count#424'] });
    const sch = x.schedule!;
    expect(sch.tasks.filter((t) => t.deadlocked).map((t) => t.name)).toEqual(['bash/22688', 'daxctl/22950']);
    expect(sch.blocked).toHaveLength(2);
    for (const b of sch.blocked) {
      const steps = s.tasks[sch.tasks[b.column]!.index]!.steps;
      const st = steps.find((t) => t.span.line === b.at!.line && t.span.col === b.at!.col);
      expect(st).toMatchObject({ op: 'acquire', ref: b.ref });
    }
    expect(sch.blocked.map((b) => `${b.waitsFor}@${b.at!.line}`)).toEqual(['mem_hotplug_lock.rw_sem@129', 'kn->count#424@281']);
    // SARIF: the schedule as a second code flow, one thread flow per task, in schedule order.
    const res = JSON.parse(renderSarif(r)).runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'lockdep/circular');
    const flow = res.codeFlows[1];
    expect(flow.message.text).toMatch(/^deadlocking schedule: confirmed: bash\/22688 and daxctl\/22950 wait for each other/);
    const orders = flow.threadFlows.flatMap((t: { locations: { executionOrder: number }[] }) => t.locations.map((l) => l.executionOrder));
    expect(orders.sort((a: number, b: number) => a - b)).toEqual([...Array.from({ length: sch.rows.length }, (_, i) => i + 1), sch.rows.length + 1, sch.rows.length + 1]);
    for (const t of flow.threadFlows) {
      const last = t.locations[t.locations.length - 1];
      expect(last.kinds).toEqual(['acquire', 'danger']);
      expect(last.location.message.text).toMatch(/^BLOCKED: waits for /);
    }
  });

  it('deadlocks lockdep did not report become lockdep-sim/unreported-deadlock errors, located where the circle closes', () => {
    const r = check([load(NO_GATE)], { explore: {} });
    const u = byRule(r, 'lockdep-sim/unreported-deadlock');
    expect(u.map((f) => f.fingerprint)).toEqual([
      'lockdep-sim/unreported-deadlock|&dev->mutex,mem_hotplug_lock.rw_sem',
      'lockdep-sim/unreported-deadlock|&dev->mutex,cpu_hotplug_lock.rw_sem',
      'lockdep-sim/unreported-deadlock|&dev->mutex,cpu_hotplug_lock.rw_sem,mem_hotplug_lock.rw_sem',
    ]);
    expect(u[0]).toMatchObject({ level: 'error', task: 'bash/22688', location: { line: 129 }, explore: { verdict: 'confirmed', basis: 'deadlock', input: 0 } });
    expect(u[0]!.message).toMatch(/^deadlock lockdep did not report: bash\/22688 and daxctl\/22950 wait for each other on `mem_hotplug_lock.rw_sem`, `&dev->mutex`/);
    expect(u[0]!.related!.map((x) => x.message)).toEqual([
      'bash/22688 waits for mem_hotplug_lock.rw_sem (write), held by daxctl/22950 (write)',
      'daxctl/22950 waits for &dev->mutex@3 (write), held by bash/22688 (write)',
    ]);
    expect(r.explore).toMatchObject({ confirmed: 1, unreported: 3 });
    expect(r.summary.error).toBe(4);
    const log = JSON.parse(renderSarif(r));
    const rules = log.runs[0].tool.driver.rules.map((x: { id: string }) => x.id);
    expect(rules[rules.length - 1]).toBe('lockdep-sim/unreported-deadlock');
    const res = log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'lockdep-sim/unreported-deadlock');
    expect(rules[res.ruleIndex]).toBe('lockdep-sim/unreported-deadlock');
    expect(res.codeFlows).toHaveLength(1);
    // Without --explore the rule is not listed, so the other rules keep their indices.
    expect(JSON.parse(renderSarif(check([load(NO_GATE)]))).runs[0].tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(rules.slice(0, -1));
  });

  it('a policy exception (held -> waited for, in the circle) suppresses an unreported deadlock', () => {
    const policy = parsePolicy(
      'exceptions:\n  - { from: mem_hotplug_lock.rw_sem, to: "&dev->mutex", rules: [lockdep-sim/unreported-deadlock], reason: "hypothetical: the real code takes device_hotplug_lock" }\n',
      'p.yaml',
    );
    const r = check([load(NO_GATE)], { explore: {}, policy });
    const u = byRule(r, 'lockdep-sim/unreported-deadlock');
    expect(u.map((f) => f.suppressed?.reason !== undefined)).toEqual([true, false, true]);
  });

  it('a cycle lockdep never reports: confirmed by a deadlock on some of its classes, or refuted by the complete search', () => {
    const hidden = check([load('test/fixtures/check/hidden-cycle.yaml')], { explore: {} });
    expect(only(hidden, 'lockdep-sim/cycle').explore).toMatchObject({ verdict: 'confirmed', basis: 'deadlock', deadlockClasses: ['buf_lock', 'ctx_lock'] });
    expect(only(hidden, 'lockdep-sim/cycle').explore!.summary).toContain("a shortcut through 2 of the cycle's 3 classes");
    expect(byRule(hidden, 'lockdep-sim/unreported-deadlock')).toEqual([]);

    const r = check([gated()], { explore: {} });
    expect(only(r, 'lockdep/circular').explore).toMatchObject({ verdict: 'refuted', basis: 'report', reason: { kind: 'gate', lock: 'G' } });
    const c = only(r, 'lockdep-sim/cycle');
    expect(c.cycle).toBe('A -> C -> B -> A');
    expect(c.explore).toMatchObject({ verdict: 'refuted', basis: 'search', input: 0 });
    expect(c.explore!.summary).toMatch(/^refuted within bounds \(all \d+ states searched\)$/);
    const pass = check([gated()], { explore: { refutedPass: true } });
    expect(pass.findings.map((f) => f.level)).toEqual(['note', 'note']);
    expect(pass.summary.error).toBe(0);
  });

  it('a cycle across inputs is not searched (unknown, basis none); unknown never passes', () => {
    const a = { ...scenario([task('t1', ['A', 'B', '-B', '-A'], 1)]), file: 'a.yaml' };
    const b = { ...scenario([task('t2', ['B', 'A', '-A', '-B'], 2)]), file: 'b.yaml' };
    const r = check([a, b], { explore: { refutedPass: true } });
    const c = only(r, 'lockdep-sim/cycle');
    expect(c.level).toBe('error');
    expect(c.explore).toEqual({
      verdict: 'unknown',
      basis: 'none',
      summary: 'unknown (its dependencies come from several inputs and the explorer searches one scenario at a time)',
      note: 'its dependencies come from several inputs and the explorer searches one scenario at a time',
    });
    expect(r.explore!.inputs.map((i) => i.cycles)).toEqual([0, 0]);
  });

  it('a state budget too small leaves a cycle unknown (and failing), but not a static refutation', () => {
    const r = check([load(NO_GATE)], { explore: { maxStates: 10, refutedPass: true } });
    const f = only(r, 'lockdep/circular');
    expect(f.level).toBe('error');
    expect(f.explore).toMatchObject({ verdict: 'unknown', basis: 'report' });
    expect(f.explore!.summary).toBe('unknown (state budget of 10 exhausted after 10 states (' + `${r.explore!.inputs[0]!.pending} branches still open); raise --explore-states)`);
    expect(r.explore!.inputs[0]).toMatchObject({ states: 10, complete: false, stoppedBy: 'states' });
    const seed = check([load(SEED)], { explore: { maxStates: 10 } });
    expect(only(seed, 'lockdep/circular').explore).toMatchObject({ verdict: 'refuted', reason: { kind: 'gate', proof: true } });
  });

  it('recursive findings get a verdict too (a cycle of one class)', () => {
    const r = check([load('scenarios/aa-recursive.yaml')], { explore: {} });
    expect(only(r, 'lockdep/recursive').explore).toMatchObject({ verdict: 'refuted', basis: 'report', reason: { kind: 'instances', proof: true } });
  });

  it('is deterministic', () => {
    const run = () => renderCheckJson(runCheck([load(NO_GATE)], { toolVersion: 'x', explore: {} }).result);
    expect(run()).toBe(run());
  });
});

describe('lockdep-sim check --explore (CLI)', () => {
  it('exits 1 on a refuted cycle unless --explore-refuted-pass; the stderr summary counts the verdicts', async () => {
    const r = await cli('check', SEED, '--explore');
    expect(r.code).toBe(1);
    expect(r.err).toBe('lockdep-sim check: 1 error(s), 0 warning(s), 0 note(s); explore: 0 confirmed, 1 refuted, 0 unknown, 0 unreported deadlock(s): failing (--fail-on error)\n');
    const p = await cli('check', SEED, '--explore-refuted-pass', '--format', 'json');
    expect(p.code).toBe(0);
    const j = JSON.parse(p.out);
    expect(json(j), errorsOf(json)).toBe(true);
    expect(j.findings[0].level).toBe('note');
    expect(j.explore.refutedPass).toBe(true);
  });

  it('a confirmed cycle still fails with --explore-refuted-pass; SARIF carries the verdict', async () => {
    const r = await cli('check', NO_GATE, '--explore-refuted-pass', '--format', 'sarif');
    expect(r.code).toBe(1);
    const log = JSON.parse(r.out);
    expect(sarif(log), errorsOf(sarif)).toBe(true);
    expect(log.runs[0].results[0].properties.explore.verdict).toBe('confirmed');
  });

  it('--explore-states must be a positive integer', async () => {
    const r = await cli('check', SEED, '--explore', '--explore-states', '0');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--explore-states must be a positive integer');
  });

  it('the schema documents the explore objects (additionalProperties: false catches drift)', () => {
    const schema = parse(readFileSync('schema/check-result.schema.json', 'utf8'));
    expect(schema.properties.version.const).toBe(1);
    expect(Object.keys(schema.definitions.explore.properties)).toEqual(['verdict', 'input', 'basis', 'summary', 'reason', 'deadlockClasses', 'schedule', 'note', 'demotedFrom']);
  });
});
