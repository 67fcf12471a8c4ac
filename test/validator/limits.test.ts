import { describe, expect, it } from 'vitest';
import type { LimitFinding } from '../../src/model/index.js';
import { replay } from '../../src/validator/replay.js';
import { scenario, task } from '../helpers/build.js';

const limits = (r: ReturnType<typeof replay>) => r.findings.filter((f): f is LimitFinding => f.kind === 'limit').map((f) => f.limit);
const nest = (n: number) => {
  const names = Array.from({ length: n }, (_, i) => `L${i}`);
  return [...names, ...[...names].reverse().map((x) => `-${x}`)];
};

describe('capacity limits', () => {
  it('MAX_LOCK_DEPTH fires when the 48th lock is pushed, with it in the held list', () => {
    const r = replay(scenario([task('T', nest(49))]));
    expect(limits(r)).toEqual(['MAX_LOCK_DEPTH']);
    const f = r.findings.find((x) => x.kind === 'limit')!;
    expect(f.held).toHaveLength(48);
    expect(f.held[47]!.cls.name).toBe('L47');
  });

  it('MAX_LOCKDEP_KEYS fires on the class that does not fit, once', () => {
    const r = replay(scenario([task('T', nest(6))]), { limits: { maxClasses: 4 } });
    expect(limits(r)).toEqual(['MAX_LOCKDEP_KEYS']);
  });

  it('MAX_LOCKDEP_ENTRIES counts two list entries per dependency', () => {
    expect(limits(replay(scenario([task('T', nest(4))]), { limits: { maxEntries: 6 } }))).toEqual([]);
    expect(limits(replay(scenario([task('T', nest(5))]), { limits: { maxEntries: 6 } }))).toEqual(['MAX_LOCKDEP_ENTRIES']);
  });

  it('MAX_LOCKDEP_CHAINS and CHAIN_HLOCKS', () => {
    expect(limits(replay(scenario([task('T', nest(5))]), { limits: { maxChains: 3 } }))).toEqual(['MAX_LOCKDEP_CHAINS']);
    // chains of depth 1..4 store 1+2+3+4 = 10 class ids
    expect(limits(replay(scenario([task('T', nest(4))]), { limits: { maxChainHlocks: 10 } }))).toEqual([]);
    expect(limits(replay(scenario([task('T', nest(4))]), { limits: { maxChainHlocks: 9 } }))).toEqual(['MAX_LOCKDEP_CHAIN_HLOCKS']);
  });

  it('keeps validating after a limit (unlike the kernel) unless asked to stop', () => {
    const tasks = [task('A', ['X', 'Y', '-Y', '-X']), task('B', ['Y', 'X', '-X', '-Y'])];
    expect(replay(scenario(tasks), { limits: { maxClasses: 1 } }).findings.map((f) => f.kind)).toEqual(['limit', 'circular']);
    const more = replay(scenario(tasks), { limits: { maxChains: 1 } }).findings.map((f) => f.kind);
    expect(more).toEqual(['limit', 'circular']);
    expect(replay(scenario(tasks), { limits: { maxChains: 1 }, stopAfterFirst: true }).findings.map((f) => f.kind)).toEqual(['limit']);
  });
});
