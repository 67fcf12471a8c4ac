import { describe, expect, it } from 'vitest';
import { replay } from '../../src/validator/replay.js';
import { scenario, task } from '../helpers/build.js';

const kinds = (r: ReturnType<typeof replay>) => r.findings.map((f) => f.kind);

describe('validator', () => {
  it('reports ABBA across two tasks as circular, naming both classes', () => {
    const r = replay(scenario([task('T1', ['A', 'B', '-B', '-A']), task('T2', ['B', 'A', '-A', '-B'], 101)]));
    expect(kinds(r)).toEqual(['circular']);
    const f = r.findings[0]!;
    if (f.kind !== 'circular') throw new Error('kind');
    expect(f.next.cls.name).toBe('A');
    expect(f.prev.cls.name).toBe('B');
    expect(f.chain.map((e) => e.cls.name)).toEqual(['B', 'A']);
    expect(f.held.map((h) => h.cls.name)).toEqual(['B']);
  });

  it('adds no edge into a trylock, so a reversed trylock closes no cycle', () => {
    const r = replay(scenario([task('T1', ['A', 'B', '-B', '-A']), task('T2', ['B', 'A:t', '-A', '-B'])]));
    expect(kinds(r)).toEqual([]);
    expect(r.dependencies.map((d) => `${d.from}->${d.to}`)).toEqual(['A->B']);
  });

  it('still records edges out of a held trylock (it is a prev)', () => {
    const r = replay(scenario([task('T1', ['A:t', 'B', '-B', '-A']), task('T2', ['B', 'A', '-A', '-B'])]));
    expect(kinds(r)).toEqual(['circular']);
  });

  it('connects only the top of the stack: holding B, C, D and taking A adds D->A only', () => {
    const r = replay(scenario([task('T1', ['A', 'B', '-B', '-A']), task('T2', ['B', 'C', 'D', 'A'])]));
    const f = r.findings[0]!;
    if (f.kind !== 'circular') throw new Error(`got ${f.kind}`);
    expect(f.chain.map((e) => e.cls.name)).toEqual(['D', 'C', 'B', 'A']);
    expect(f.scenario).toEqual({ source: 'A', parent: 'C', target: 'D' });
  });

  it('reports the same class taken twice as recursive, but not recursive reads after a read', () => {
    expect(kinds(replay(scenario([task('T1', ['A', 'A'])])))).toEqual(['recursive']);
    expect(kinds(replay(scenario([task('T1', ['A:r', 'A:R'])])))).toEqual([]);
    expect(kinds(replay(scenario([task('T1', ['A:r', 'A:r'])])))).toEqual(['recursive']);
  });

  it('keeps going after a report and reports each distinct cycle once', () => {
    const abba = (x: string, y: string, pid: number) => [task(`T${pid}`, [x, y, `-${y}`, `-${x}`], pid), task(`U${pid}`, [y, x, `-${x}`, `-${y}`], pid + 1)];
    const r = replay(scenario([...abba('A', 'B', 1), ...abba('C', 'D', 3), ...abba('A', 'B', 5)]));
    expect(kinds(r)).toEqual(['circular', 'circular']);
    expect(r.findings.map((f) => f.count)).toEqual([1, 1]);
  });

  it('stops at the first report when asked to behave like the kernel', () => {
    const r = replay(scenario([task('T1', ['A', 'B', '-B', '-A']), task('T2', ['B', 'A', '-A', '-B']), task('T3', ['C', 'D', '-D', '-C']), task('T4', ['D', 'C'])]), {
      stopAfterFirst: true,
    });
    expect(kinds(r)).toEqual(['circular']);
    expect(r.dependencies.map((d) => `${d.from}->${d.to}`)).toEqual(['A->B']);
  });

  it('validates a chain once: the chain cache hides a cycle closed by a later edge', () => {
    // T1 caches chain [B, A]; the edge A->B appears later; T3 repeats [B, A]: cache hit, no report.
    const r = replay(scenario([task('T1', ['B', 'A', '-A', '-B']), task('T2', ['A', 'B', '-B', '-A'])]));
    expect(kinds(r)).toEqual(['circular']); // T2's chain [A, B] is new and closes it
    const r2 = replay(scenario([task('T1', ['B', 'A', '-A', '-B']), task('T2', ['A', 'C', '-C', '-A']), task('T3', ['B', 'A'])]));
    expect(r2.stats.chainHits).toBeGreaterThan(0);
  });

  it('reports a bad unlock of a lock that is not held', () => {
    expect(kinds(replay(scenario([task('T1', ['A', '-A', '-A'])])))).toEqual(['bad-unlock']);
  });

  it('in 5.1 stores no dependency touching a recursive reader', () => {
    const tasks = [task('T1', ['A:R', 'B', '-B', '-A']), task('T2', ['B:R', 'A', '-A', '-B'])];
    expect(kinds(replay(scenario(tasks, { kernel: '5.1.0 #1' })))).toEqual([]);
    expect(replay(scenario(tasks, { kernel: '5.1.0 #1' })).dependencies).toEqual([]);
    expect(kinds(replay(scenario(tasks, { kernel: '6.1.0 #1' })))).toEqual(['circular']);
  });

  it('follows strong paths only (modern): R then S is not a wait chain', () => {
    const tasks = [task('T1', ['A:R', 'B:R', '-B', '-A']), task('T2', ['B:R', 'A:R', '-A', '-B'])];
    expect(kinds(replay(scenario(tasks)))).toEqual([]);
  });

  it('counts usage: a mutex taken with irqs on prints +.+.', () => {
    const r = replay(scenario([task('T1', ['A', '-A'])]));
    expect(r.classes.map((c) => [c.name, c.usage])).toEqual([['A', '+.+.']]);
  });
});
