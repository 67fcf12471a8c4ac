/**
 * The explorer on textbook cases: real deadlocks it must confirm (with a schedule of one column
 * per task), and lockdep reports it must refute, each with the reason in words.
 */
import { describe, expect, it } from 'vitest';
import { formatExplore, formatExploreLine, formatSchedule } from '../../src/explore/format.js';
import { deadlocks } from '../../src/explore/machine.js';
import { compile } from '../../src/explore/program.js';
import { dynamicReason, staticVerdict, waitPoints } from '../../src/explore/reasons.js';
import { search } from '../../src/explore/search.js';
import { explore, nest, only, scen } from './helpers.js';

const mutexes = (...ids: string[]) => Object.fromEntries(ids.map((id) => [id, 'mutex']));

/** A k-cycle: task i takes L[i] then L[i+1]. */
function ring(k: number) {
  const ids = Array.from({ length: k }, (_, i) => `L${i}`);
  const tasks = Object.fromEntries(ids.map((id, i) => [`t${i}`, nest(id, ids[(i + 1) % k]!)]));
  return scen(mutexes(...ids), tasks);
}

describe('confirmed: real deadlocks', () => {
  it('ABBA over two tasks: both end blocked, each on the lock the other holds', () => {
    const r = only(explore(scen(mutexes('A', 'B'), { t1: nest('A', 'B'), t2: nest('B', 'A') })).results);
    expect(r.verdict).toBe('confirmed');
    const s = r.schedule!;
    expect(s.tasks.map((t) => [t.name, t.deadlocked])).toEqual([
      ['t1/100', true],
      ['t2/101', true],
    ]);
    expect(s.rows.map((x) => [x.column, x.text])).toEqual([
      [0, 'lock(A)'],
      [1, 'lock(B)'],
    ]);
    expect(s.blocked).toEqual([
      { column: 0, waitsFor: 'B', ref: { lock: 'B', instance: 0 }, mode: 'write', queued: false, spinning: false, heldBy: [{ task: 't2/101', mode: 'write' }], behind: [] },
      { column: 1, waitsFor: 'A', ref: { lock: 'A', instance: 0 }, mode: 'write', queued: false, spinning: false, heldBy: [{ task: 't1/100', mode: 'write' }], behind: [] },
    ]);
    expect(r.deadlockClasses!.sort()).toEqual(['A', 'B']);
  });

  it.each([3, 5, 10])('a %i-cycle over as many tasks: a table with one column per task', (k) => {
    const r = only(explore(ring(k)).results);
    expect(r.cycle).toHaveLength(k);
    expect(r.verdict).toBe('confirmed');
    const s = r.schedule!;
    expect(s.tasks).toHaveLength(k);
    expect(s.rows).toHaveLength(k);
    expect(s.blocked).toHaveLength(k);
    // Every task holds its first lock and waits for the next one, held by its neighbour.
    for (const b of s.blocked) {
      const i = s.tasks[b.column]!.index;
      expect(b.waitsFor).toBe(`L${(i + 1) % k}`);
      expect(b.heldBy).toEqual([{ task: `t${(i + 1) % k}/${100 + ((i + 1) % k)}`, mode: 'write' }]);
    }
    const table = formatSchedule(s).split('\n');
    expect(table[0]).toMatch(new RegExp(`^\\s+#\\s+\\| ${Array.from({ length: k }, (_, i) => `t${i}/${100 + i}\\s+\\|`).join(' ')} source$`));
    expect(table.filter((l) => l.includes('BLOCKED'))).toHaveLength(1);
    expect(table.join('\n').match(/BLOCKED/g)).toHaveLength(k);
  });

  it('rwsem readers deadlock once writers queue between them (four tasks)', () => {
    const s = scen(
      { X: 'rw_semaphore', Y: 'rw_semaphore' },
      { r1: ['read X', 'read Y', 'unlock Y', 'unlock X'], r2: ['read Y', 'read X', 'unlock X', 'unlock Y'], w1: ['lock X', 'unlock X'], w2: ['lock Y', 'unlock Y'] },
    );
    const r = only(explore(s).results);
    expect(r.verdict).toBe('confirmed');
    const sch = r.schedule!;
    expect(sch.tasks.filter((t) => t.deadlocked).map((t) => t.name)).toEqual(['r1/100', 'r2/101', 'w1/102', 'w2/103']);
    const readers = sch.blocked.filter((b) => b.mode === 'read');
    expect(readers).toHaveLength(2);
    for (const b of readers) expect(b.behind).toHaveLength(1);
    const writers = sch.blocked.filter((b) => b.mode === 'write');
    expect(writers.every((b) => b.queued && b.heldBy.length === 1 && b.heldBy[0]!.mode === 'read')).toBe(true);
  });

  it('a trylock that retries spins for ever: a deadlock lockdep cannot even see as such', () => {
    // t1 records both orders itself; t2 spins on a trylock of A while holding B.
    const s = scen(mutexes('A', 'B'), { t1: [...nest('A', 'B'), ...nest('B', 'A')], t2: ['lock B', 'trylock A retry', 'unlock A', 'unlock B'] });
    const r = only(explore(s).results);
    expect(r.verdict).toBe('confirmed');
    const spin = r.schedule!.blocked.find((b) => b.spinning);
    expect(spin).toMatchObject({ waitsFor: 'A', heldBy: [{ task: 't1/100' }] });
  });

  it('AA: a task that takes the same lock twice waits for itself', () => {
    const s = scen({ L: 'mutex' }, { t: ['lock L', 'lock L', 'unlock L', 'unlock L'] });
    const r = explore(s).results.find((x) => x.kind === 'recursive')!;
    expect(r.verdict).toBe('confirmed');
    expect(r.schedule!.blocked).toEqual([expect.objectContaining({ waitsFor: 'L', heldBy: [{ task: 't/100', mode: 'write' }] })]);
    expect(formatExploreLine(r)).toBe('explore: L -> L: confirmed (t/100 waits for itself on L; 1-step schedule)');
  });

  it('an interrupt handler runs on the task it interrupts: its lock waits block the task', () => {
    // lockdep reports this as an inconsistent irq state, which the explorer does not take up;
    // the machine itself sees the task wait for itself inside the handler.
    const c = compile(scen({ L: 'spinlock' }, { t: ['lock L', 'hardirq: [lock L; unlock L]', 'unlock L'] }));
    const found: number[][] = [];
    search(c, { maxStates: 100, seed: 0 }, (v) => {
      for (const d of deadlocks(c, v.state, v.waiting)) found.push(d.tasks);
    });
    expect(found).toEqual([[0]]);
  });

  it('class-level cycle on shared instances is confirmed (the contrast to the instance case below)', () => {
    const s = scen(mutexes('A', 'B'), { t1: nest('A@1', 'B@1'), t2: nest('B@1', 'A@1') });
    const r = only(explore(s).results);
    expect(r.verdict).toBe('confirmed');
    expect(r.schedule!.rows.map((x) => x.text)).toEqual(['lock(A@1)', 'lock(B@1)']);
  });
});

describe('refuted: lockdep reports that cannot deadlock', () => {
  it('a gate lock held around both orders, named', () => {
    const s = scen(mutexes('G', 'A', 'B'), { t1: nest('G', 'A', 'B'), t2: nest('G', 'B', 'A') });
    const r = only(explore(s).results);
    expect(r.verdict).toBe('refuted');
    expect(r.reason).toMatchObject({ kind: 'gate', lock: 'G', proof: true, tasks: ['t1/100', 't2/101'] });
    expect(r.reason!.text).toContain('G is held on every edge that could close the cycle');
  });

  it('a gate one side only trylocks, restarting when it is busy (the seed in miniature)', () => {
    const s = scen(mutexes('G', 'A', 'B'), {
      t1: ['lock A', 'trylock G restart', 'lock B', 'unlock B', 'unlock G', 'unlock A'],
      t2: nest('G', 'B', 'A'),
    });
    const r = only(explore(s).results);
    expect(r.verdict).toBe('refuted');
    expect(r.reason).toMatchObject({ kind: 'gate', lock: 'G' });
    expect(r.reason!.text).toContain('t1/100 (trylock, on_fail: restart)');
  });

  it('...but with on_fail: give-up the same trylock is no gate when the task keeps going', () => {
    // give-up skips to `unlock G`, so t1 goes on to take B without the gate.
    const s = scen(mutexes('G', 'A', 'B'), {
      t1: ['lock A', 'trylock G', 'unlock G', 'lock B', 'unlock B', 'unlock A'],
      t2: nest('G', 'B', 'A'),
    });
    expect(only(explore(s).results).verdict).toBe('confirmed');
  });

  it('a same-task cycle: all edges from one task', () => {
    const s = scen(mutexes('A', 'B'), { t1: [...nest('A', 'B'), ...nest('B', 'A')], t2: nest('A') });
    const r = only(explore(s).results);
    expect(r.verdict).toBe('refuted');
    expect(r.reason).toMatchObject({ kind: 'one-task', tasks: ['t1/100'], proof: true });
    expect(r.reason!.text).toMatch(/^All edges of the cycle come from one task, t1\/100/);
  });

  it('a trylock that can never wait (gives up) where the other order would need it to', () => {
    const s = scen(mutexes('A', 'B'), { t1: [...nest('A', 'B'), ...nest('B', 'A')], t2: ['lock B', 'trylock A', 'unlock A', 'unlock B'] });
    const r = only(explore(s).results);
    expect(r.verdict).toBe('refuted');
    expect(r.reason).toMatchObject({ kind: 'trylock', tasks: ['t2/101'] });
    expect(r.reason!.text).toContain('t2/101 takes A with a trylock (on_fail: give-up)');
  });

  it('...and restarting instead of giving up is just as safe', () => {
    const s = scen(mutexes('A', 'B'), { t1: [...nest('A', 'B'), ...nest('B', 'A')], t2: ['lock B', 'trylock A restart', 'unlock A', 'unlock B'] });
    expect(only(explore(s).results)).toMatchObject({ verdict: 'refuted', reason: { kind: 'trylock' } });
  });

  it('read-read on rwsems that cannot block: no writer anywhere', () => {
    const s = scen({ X: 'rw_semaphore', Y: 'rw_semaphore' }, { r1: ['read X', 'read Y', 'unlock Y', 'unlock X'], r2: ['read Y', 'read X', 'unlock X', 'unlock Y'] });
    const r = only(explore(s).results);
    expect(r.verdict).toBe('refuted');
    expect(r.reason!.kind).toBe('readers');
  });

  it('read-read with a writer on one side only: nothing can make the other reader wait', () => {
    // w may queue on X behind r1, and r2 then waits for X behind w; but r1 never waits for Y
    // (no writer of Y exists), so it finishes and the queue drains.
    const s = scen(
      { X: 'rw_semaphore', Y: 'rw_semaphore' },
      { r1: ['read X', 'read Y', 'unlock Y', 'unlock X'], r2: ['read Y', 'read X', 'unlock X', 'unlock Y'], w: ['lock X', 'unlock X'] },
    );
    const r = only(explore(s).results);
    expect(r.verdict).toBe('refuted');
    expect(r.reason!.kind).toBe('readers');
  });

  it('a seqcount writer does not wait for readers (they retry)', () => {
    const s = scen({ Q: 'seqcount', M: 'mutex' }, { reader: ['read Q', 'lock M', 'unlock M', 'unlock Q'], writer: nest('M', 'Q') });
    const r = only(explore(s).results);
    expect(r.verdict).toBe('refuted');
    expect(r.reason!.kind).toBe('readers');
    expect(r.reason!.text).toContain('a seqcount writer, writer/101: Q, never waits for readers');
  });

  it('a kernfs active reference is only ever trylocked, even when written as `read`', () => {
    // The drainer holds K and waits for M; the reader holds M: kernfs_get_active() fails.
    const s = scen({ K: 'kernfs_active', M: 'mutex' }, { writer: ['lock M', 'read K', 'unlock K', 'unlock M'], remover: nest('K', 'M') });
    const r = only(explore(s).results);
    expect(r).toMatchObject({ verdict: 'refuted', reason: { kind: 'trylock', tasks: ['writer/100'] } });
    expect(r.reason!.text).toContain('writer/100 takes K with a trylock (on_fail: give-up)');
  });

  it('class-level cycle, instance-level safe: each task has its own objects', () => {
    const s = scen(mutexes('A', 'B'), { t1: nest('A@0', 'B@0'), t2: nest('B@1', 'A@1') });
    const r = only(explore(s).results);
    expect(r.verdict).toBe('refuted');
    expect(r.reason!.kind).toBe('instances');
    expect(r.reason!.text).toContain('t1/100 uses A@0');
    expect(r.reason!.text).toContain('t2/101 uses A@1');
  });

  it('recursive locking on two objects of one class', () => {
    const s = scen(mutexes('N'), { t: nest('N@0', 'N@1') });
    const r = only(explore(s).results);
    expect(r.kind).toBe('recursive');
    expect(r.verdict).toBe('refuted');
    expect(r.reason!.text).toContain('t/100 takes N@1 while holding N@0');
  });

  it('recursive locking of two objects, taken in the other order by another task: confirmed', () => {
    const s = scen(mutexes('N'), { t1: nest('N@0', 'N@1'), t2: nest('N@1', 'N@0') });
    const r = explore(s).results.find((x) => x.kind === 'recursive')!;
    expect(r.verdict).toBe('confirmed');
  });
});

describe('repeat and budgets', () => {
  it('a task run twice still deadlocks (schedules carry the round)', () => {
    const s = scen(mutexes('A', 'B'), { t1: nest('A', 'B'), t2: nest('B', 'A') }, { repeat: { t1: 2 } });
    const r = only(explore(s).results);
    expect(r.verdict).toBe('confirmed');
    expect(r.schedule!.rows.every((x) => x.round >= 0)).toBe(true);
  });

  it('more rounds mean more states', () => {
    const one = explore(scen(mutexes('G', 'A', 'B'), { t1: nest('G', 'A', 'B'), t2: nest('G', 'B', 'A') })).results[0]!.search.states;
    const three = explore(scen(mutexes('G', 'A', 'B'), { t1: nest('G', 'A', 'B'), t2: nest('G', 'B', 'A') }, { repeat: { t1: 3, t2: 3 } })).results[0]!.search.states;
    expect(three).toBeGreaterThan(one);
  });

  it('a tiny state budget leaves an unproved cycle unknown, with the coverage reached', () => {
    const s = scen(mutexes('A', 'B', 'C'), { t1: nest('A', 'B'), t2: nest('B', 'C'), t3: [...nest('A'), ...nest('C', 'A')] });
    const full = explore(s).results;
    const cut = explore(s, { maxStates: 3 }).results;
    expect(full.map((r) => r.verdict)).toContain('confirmed');
    const u = cut.find((r) => r.verdict === 'unknown')!;
    expect(u.search).toMatchObject({ complete: false, stoppedBy: 'states', states: 3, maxStates: 3 });
    expect(formatExploreLine(u)).toMatch(/unknown \(state budget of 3 exhausted after 3 states/);
  });

  it('a static refutation holds even when the budget runs out', () => {
    const s = scen(mutexes('G', 'A', 'B'), { t1: nest('G', 'A', 'B'), t2: nest('G', 'B', 'A') });
    const r = only(explore(s, { maxStates: 1 }).results);
    expect(r).toMatchObject({ verdict: 'refuted', reason: { kind: 'gate', proof: true }, search: { complete: false } });
  });

  it('a deadline stops the search (the caller owns the clock)', () => {
    const s = scen(mutexes('A', 'B', 'C'), { t1: nest('A', 'B'), t2: nest('B', 'C'), t3: nest('C', 'A') }, { repeat: { t1: 4, t2: 4, t3: 4 } });
    let calls = 0;
    const r = only(explore(s, { deadline: () => ++calls > 0 }).results);
    // The deadline is only polled every 256 states; this search is small enough to finish or confirm first.
    expect(['confirmed', 'unknown']).toContain(r.verdict);
  });
});

describe('text output', () => {
  it('one line per cycle for `run --explore`', () => {
    const r = only(explore(scen(mutexes('G', 'A', 'B'), { t1: nest('G', 'A', 'B'), t2: nest('G', 'B', 'A') })).results);
    expect(formatExploreLine(r)).toBe('explore: A -> B -> A: refuted (gate: G; for every interleaving)');
  });

  it('the full report names the file, the search figures and each verdict', () => {
    const { results } = explore(scen(mutexes('A', 'B'), { t1: nest('A', 'B'), t2: nest('B', 'A') }));
    const text = formatExplore('case.yaml', results);
    expect(text).toContain('lockdep-sim explore: case.yaml\n');
    expect(text).toMatch(/searched \d+ states, \d+ transitions/);
    expect(text).toContain('cycle 1 (circular, finding #1): A -> B -> A');
    expect(text).toContain('CONFIRMED: 2 tasks wait for each other on');
    expect(text).toContain('| t1/100');
    expect(text).toContain('case.yaml:');
  });
});

describe('search order', () => {
  it('finds a long cycle in a few states, whatever the seed (least-advanced task first)', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `L${i}`);
    const s = scen(Object.fromEntries(ids.map((i) => [i, 'mutex'])), Object.fromEntries(ids.map((id, i) => [`t${i}`, nest(id, ids[(i + 1) % 10]!)])));
    for (const seed of [0, 1, 2, 3]) {
      const r = only(explore(s, { seed, maxStates: 5000 }).results);
      expect(r.verdict).toBe('confirmed');
      expect(r.search.states).toBeLessThan(5000);
    }
  });
});

describe('reasons that only the search can give', () => {
  // Random scenarios practically never need them (the static rules decide first), so the rule is
  // checked on its own: circles of wait points exist (ABBA), and the search reports which tasks
  // were seen holding the cycle's locks at the same time.
  const s = scen(mutexes('A', 'B'), { t1: nest('A', 'B'), t2: nest('B', 'A') });
  const c = compile(s);
  const { points } = waitPoints(c);
  const decls = new Set(['A', 'B']);
  const naming = { task: (t: number) => s.tasks[t]!.name, inst: (i: number) => c.instances[i]!.ref.lock, cls: (d: string) => d };
  const sv = staticVerdict(c, points, decls, 'circular', naming);

  it('no static rule applies to ABBA', () => {
    expect(sv.reason).toBeUndefined();
    expect(sv.circles.length).toBeGreaterThan(0);
  });

  it('no-overlap: the tasks were never seen holding the cycle\'s locks together', () => {
    const r = dynamicReason(c, sv, decls, new Set([0b00, 0b01, 0b10]), 42, naming);
    expect(r).toMatchObject({ kind: 'no-overlap', tasks: ['t1', 't2'], proof: false });
    expect(r.text).toBe('The tasks that could close it (t1 and t2) never hold locks of the cycle at the same time, in any interleaving: their order keeps them apart.');
  });

  it('no-schedule: they were, and still no circle formed', () => {
    expect(dynamicReason(c, sv, decls, new Set([0b11]), 42, naming)).toMatchObject({ kind: 'no-schedule', text: 'No interleaving closes it (all 42 states of the scenario searched).' });
  });
});
