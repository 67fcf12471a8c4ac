import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/check/check.js';
import { explain } from '../../src/check/explain.js';
import { parseGraphJson, toGraphJson } from '../../src/check/graph-json.js';
import { instanceScenario } from '../../src/check/instances.js';
import { mergeGraphs, observe } from '../../src/check/observe.js';
import { LockdepSimError } from '../../src/diag/error.js';
import { parseInput } from '../../src/input.js';
import { scenario, task } from '../helpers/build.js';

const load = (f: string) => parseInput(readFileSync(f, 'utf8'), f);

describe('the observed-dependency graph', () => {
  it('puts back the dependency the validator refused when it reported the cycle', () => {
    const o = observe(scenario([task('T1', ['A', 'B', '-B', '-A'], 1), task('T2', ['B', 'A', '-A', '-B'], 2)]));
    expect(o.report.dependencies.map((d) => `${d.from}>${d.to}`)).toEqual(['A>B']);
    expect(o.graph.edges.map((e) => `${e.from}>${e.to}${e.rejected ? ` (${e.rejected})` : ''}`)).toEqual(['A>B', 'B>A (circular)']);
    expect(o.graph.edges[1]!.witness).toMatchObject({ at: { line: 2 }, task: 'T2/2' });
  });

  it('merges inputs by class name: a cycle split across two files is found', () => {
    const a = observe(scenario([task('T1', ['A', 'B', '-B', '-A'], 1)]));
    const b = observe({ ...scenario([task('T2', ['B', 'A', '-A', '-B'], 2)]), file: 'other.yaml' });
    const r = runCheck([a.scenario, b.scenario]);
    expect(r.result.cycles.map((c) => c.id)).toEqual(['A -> B -> A']);
    expect(r.result.findings.filter((f) => f.ruleId.startsWith('lockdep/'))).toEqual([]);
  });
});

describe('class versus instance', () => {
  it('turns every (lock, instance) into its own class', () => {
    const s = scenario([task('T', ['X@0', 'X@1', '-X@1', '-X@0'], 1)]);
    const t = instanceScenario(s);
    expect(t.scenario.classes.map((c) => `${c.id}=${c.name}`)).toEqual(['X@0=X@0', 'X@1=X@1']);
    expect(t.scenario.tasks[0]!.steps.map((st) => ('ref' in st ? st.ref.lock : ''))).toEqual(['X@0', 'X@1', 'X@1', 'X@0']);
  });

  it('tells a cycle between the same objects from one that needs two instances of a class', () => {
    const r = runCheck([load('test/fixtures/check/instances.yaml')]);
    const byId = Object.fromEntries(r.result.cycles.map((c) => [c.id, c.instance]));
    expect(byId['&dir->d_lock -> name_lock -> &dir->d_lock']).toEqual({ survives: true, witness: ['&dir->d_lock@0', 'name_lock@0'], windings: 1 });
    expect(byId['&inode->i_lock -> &page->lock -> &inode->i_lock']).toEqual({ survives: false });
  });

  it('finds instance cycles that go round the class cycle more than once', () => {
    // A@0 -> B@0 -> A@1 -> B@1 -> A@0: four tasks, every pair of objects in a consistent... circle.
    const s = scenario([
      task('T1', ['A@0', 'B@0', '-B@0', '-A@0'], 1),
      task('T2', ['B@0', 'A@1', '-A@1', '-B@0'], 2),
      task('T3', ['A@1', 'B@1', '-B@1', '-A@1'], 3),
      task('T4', ['B@1', 'A@0', '-A@0', '-B@1'], 4),
    ]);
    const c = runCheck([s]).result.cycles[0]!;
    expect(c.instance).toEqual({ survives: true, witness: ['A@0', 'B@0', 'A@1', 'B@1'], windings: 2 });
  });
});

describe('baseline diff', () => {
  it('graph JSON round-trips, sorted by name', () => {
    const o = observe(scenario([task('T1', ['B', 'A', '-A', '-B'], 1), task('T2', ['A', 'C', '-C', '-A'], 2)]));
    const j = toGraphJson(o.graph);
    expect(j.dependencies.map((d) => `${d.from}>${d.to}`)).toEqual(['A>C', 'B>A']);
    expect(j.dependencies[0]).toMatchObject({ kinds: ['EN'], recordedAt: { file: 'test.yaml', line: 2, col: 1 }, recordedBy: 'T2/2', trace: ['take_C+0x10/0x100', 'task_fn+0x10/0x100'] });
    expect(parseGraphJson(JSON.stringify(j), 'g.json').dependencies.map((d) => `${d.from}>${d.to}:${d.kinds}`)).toEqual(['A>C:EN', 'B>A:EN']);
  });

  it('rejects a malformed baseline as bad input', () => {
    const bad = (t: string) => {
      try {
        parseGraphJson(t, 'g.json');
      } catch (e) {
        return e instanceof LockdepSimError ? e.issues[0]!.message : 'other';
      }
      return 'none';
    };
    expect(bad('{')).toMatch(/^not JSON/);
    expect(bad('{"version":2,"dependencies":[]}')).toBe('unsupported graph JSON version 2 (this lockdep-sim reads version 1)');
    expect(bad('{"version":1,"dependencies":[{"from":"A"}]}')).toBe('dependencies[0] needs string `from` and `to`');
    expect(bad('{"version":1,"dependencies":[{"from":"A","to":"B","kinds":["XX"]}]}')).toBe('dependencies[0].kinds must list SR, ER, SN, EN');
  });

  it('reports new and removed dependencies, new cycles and the new dependency that closes each', () => {
    const before = observe(scenario([task('T1', ['A', 'B', '-B', '-A'], 1), task('T2', ['B', 'C', '-C', '-B'], 2), task('T3', ['D', 'E', '-E', '-D'], 3)]));
    const baseline = { file: 'base.json', graph: toGraphJson(before.graph) };
    const now = scenario([task('T1', ['A', 'B', '-B', '-A'], 1), task('T2', ['B', 'C', '-C', '-B'], 2), task('T4', ['C', 'A', '-A', '-C'], 4)]);
    const r = runCheck([now], { baseline }).result;
    expect(r.baseline!.added.map((d) => `${d.from}>${d.to}`)).toEqual(['C>A']);
    expect(r.baseline!.removed.map((d) => `${d.from}>${d.to}`)).toEqual(['D>E']);
    expect(r.baseline!.newCycles).toEqual(['A -> B -> C -> A']);
    const nc = r.findings.find((f) => f.ruleId === 'lockdep-sim/new-cycle')!;
    expect(nc.message).toMatch(/closed by the new dependency `C` -> `A`/);
    expect(nc.location).toMatchObject({ line: 2 });
    expect(r.cycles[0]!.closedBy).toMatchObject({ from: 'C', to: 'A', task: 'T4/4' });
    const nd = r.findings.filter((f) => f.ruleId === 'lockdep-sim/new-dependency');
    expect(nd.map((f) => [f.level, f.message])).toEqual([['warning', 'new dependency `C` -> `A` (EN): not in the baseline']]);
  });

  it('a cycle already in the baseline is unchanged and does not count', () => {
    const s = scenario([task('T1', ['A', 'B', '-B', '-A'], 1), task('T2', ['B', 'A', '-A', '-B'], 2)]);
    const baseline = { file: 'base.json', graph: toGraphJson(observe(s).graph) };
    const r = runCheck([s], { baseline }).result;
    expect(r.findings.map((f) => [f.ruleId, f.baselineState, f.cycle])).toEqual([['lockdep/circular', 'unchanged', 'A -> B -> A']]);
    expect(r.cycles[0]!.baselineState).toBe('unchanged');
    expect(r.summary).toMatchObject({ error: 0, unchanged: 1 });
  });
});

describe('explain', () => {
  it('lists every path both ways with kinds, witnesses and strength', () => {
    const s = scenario([
      task('T1', ['A', 'B', '-B', '-A'], 1),
      task('T2', ['B', 'C', '-C', '-B'], 2),
      task('T3', ['A', 'C', '-C', '-A'], 3),
      task('T4', ['C:R', 'A:R', '-A', '-C'], 4),
    ], { kinds: { A: 'rwlock', C: 'rwlock' } });
    const g = mergeGraphs([observe(s).graph]);
    const e = explain(g, 'A', 'C');
    expect(e.forward.paths.map((p) => [p.classes.join('>'), p.strong])).toEqual([
      ['A>C', true],
      ['A>B>C', true],
    ]);
    expect(e.backward.paths.map((p) => [p.classes.join('>'), p.dependencies[0]!.kinds])).toEqual([['C>A', ['SR']]]);
    expect(e.forward.paths[1]!.dependencies[1]).toMatchObject({ from: 'B', to: 'C', at: { line: 2 }, task: 'T2/2' });
    expect(e.cycle).toEqual({ strong: true });
  });

  it('resolves class names like a policy (without #N) and rejects unknown ones with a suggestion', () => {
    const g = observe(scenario([task('T1', ['alpha', 'beta', '-beta', '-alpha'], 1)])).graph;
    expect(explain(g, 'alpha', 'beta').forward.paths).toHaveLength(1);
    expect(() => explain(g, 'alpha', 'betta')).toThrow(/no lock class `betta` in the inputs/);
  });
});
