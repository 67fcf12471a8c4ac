/**
 * Properties of the explorer on random scenarios (2-4 tasks over a few mutexes and rwsems, with
 * reads, trylocks and every on_fail):
 *  - any schedule printed as confirmed, replayed step by step by the simple executor below (which
 *    shares no code with src/explore), really ends with all its deadlocked tasks blocked, each on
 *    a lock held by (or queued for by) another one of them;
 *  - a static refutation ("for every interleaving") never meets a deadlock found by the search;
 *  - the verdicts do not depend on the seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classNames } from '../../src/explore/names.js';
import { compile } from '../../src/explore/program.js';
import { staticVerdict, waitPoints } from '../../src/explore/reasons.js';
import type { ExploreResult } from '../../src/explore/explore.js';
import type { AcquireStep, Scenario } from '../../src/model/scenario.js';
import { explore, scen } from './helpers.js';

// ------------------------------------------------------------------ random scenarios

const LOCKS = ['A', 'B', 'C', 'S'];
const KINDS: Record<string, string> = { A: 'mutex', B: 'mutex', C: 'mutex', S: 'rw_semaphore', T: 'rw_semaphore' };

const acquisition = fc.record({
  lock: fc.constantFrom(...LOCKS),
  inst: fc.constantFrom(0, 0, 0, 0, 0, 1),
  how: fc.constantFrom('lock', 'lock', 'lock', 'read', 'recursive_read', 'trylock', 'read_trylock'),
  onFail: fc.constantFrom('', 'give-up', 'restart', 'retry'),
  // How many of the held locks to release right after this acquisition (innermost first).
  drop: fc.constantFrom(0, 0, 0, 1, 2),
});

/** One task: nested acquisitions, some released early, everything released at the end. */
const acquisitions = fc.oneof(
  { weight: 3, arbitrary: fc.uniqueArray(acquisition, { minLength: 1, maxLength: 4, selector: (a) => a.lock }) },
  { weight: 1, arbitrary: fc.array(acquisition, { minLength: 1, maxLength: 4 }) },
);
const taskSteps = acquisitions.map((acqs) => {
  const steps: string[] = [];
  const held: string[] = [];
  for (const a of acqs) {
    const ref = a.inst ? `${a.lock}@${a.inst}` : a.lock;
    const rw = KINDS[a.lock] === 'rw_semaphore';
    let op = a.how;
    if (!rw && (op === 'read' || op === 'recursive_read' || op === 'read_trylock')) op = op === 'read_trylock' ? 'trylock' : 'lock';
    steps.push(`${op} ${ref}${op.includes('trylock') && a.onFail ? ` ${a.onFail}` : ''}`);
    held.push(ref);
    for (let i = 0; i < a.drop && held.length; i++) steps.push(`unlock ${held.pop()}`);
  }
  while (held.length) steps.push(`unlock ${held.pop()}`);
  return steps;
});

const scenarios = fc.array(taskSteps, { minLength: 2, maxLength: 4 }).map((tasks) =>
  scen(KINDS, Object.fromEntries(tasks.map((t, i) => [`t${i}`, t]))),
);

// ------------------------------------------------------------------ an independent executor

type M = 'W' | 'r' | 'R';

interface ExecTask {
  pc: number;
  held: { key: string; mode: M }[];
  queued: string | undefined;
}

function modeOf(s: AcquireStep): M {
  return s.read === 0 ? 'W' : s.read === 1 ? 'r' : 'R';
}

/**
 * Replays a confirmed schedule on the scenario's own steps (repeat is 1 in these scenarios) and
 * checks every row against plain rwsem rules; returns the final per-task state.
 */
function execute(s: Scenario, r: ExploreResult): void {
  const sch = r.schedule!;
  const tasks: ExecTask[] = s.tasks.map(() => ({ pc: 0, held: [], queued: undefined }));
  const key = (ref: { lock: string; instance: number }) => `${ref.lock}@${ref.instance}`;
  const free = (k: string, m: M, self: number): boolean => {
    const holders = tasks.flatMap((t) => t.held.filter((h) => h.key === k));
    if (holders.some((h) => h.mode === 'W')) return false;
    if (m === 'W') return holders.length === 0;
    if (m === 'r') return !tasks.some((t, i) => i !== self && t.queued === k);
    return true;
  };
  for (const row of sch.rows) {
    const ti = sch.tasks[row.column]!.index;
    const t = tasks[ti]!;
    const steps = s.tasks[ti]!.steps;
    if (row.outcome === 'released by restart') continue; // the restart row itself did the releasing
    expect(row.step, `row ${row.text}: step`).toBe(t.pc);
    const st = steps[t.pc]!;
    const k = key(row.ref);
    if (row.op === 'unlock') {
      expect(st.op).toBe('release');
      const i = t.held.map((h) => h.key).lastIndexOf(k);
      expect(i, `${row.text}: not held`).toBeGreaterThanOrEqual(0);
      t.held.splice(i, 1);
      t.pc++;
      continue;
    }
    expect(st.op).toBe('acquire');
    const a = st as AcquireStep;
    expect(key(a.ref)).toBe(k);
    const m = modeOf(a);
    const ok = free(k, m, ti);
    switch (row.outcome) {
      case undefined:
        expect(ok, `${row.text} granted`).toBe(true);
        t.held.push({ key: k, mode: m });
        t.queued = undefined;
        t.pc++;
        break;
      case 'queued':
        expect(ok).toBe(false);
        expect(m).toBe('W');
        t.queued = k;
        break;
      case 'failed, gives up': {
        expect(ok).toBe(false);
        expect(a.trylock).toBe(true);
        const j = steps.findIndex((x, n) => n > t.pc && x.op === 'release' && key(x.ref) === k);
        t.pc = j < 0 ? t.pc + 1 : j + 1;
        break;
      }
      case 'failed, restarts':
        expect(ok).toBe(false);
        expect(a.onFail).toBe('restart');
        t.held = [];
        t.pc = 0;
        break;
      default:
        throw new Error(`unexpected outcome ${row.outcome}`);
    }
  }
  // Every deadlocked task now sits at an acquisition it cannot make, waiting for another
  // deadlocked task.
  const deadlocked = new Set(sch.tasks.filter((x) => x.deadlocked).map((x) => x.index));
  expect(sch.blocked.map((b) => sch.tasks[b.column]!.index).sort()).toEqual([...deadlocked].sort());
  for (const b of sch.blocked) {
    const ti = sch.tasks[b.column]!.index;
    const st = s.tasks[ti]!.steps[tasks[ti]!.pc]!;
    expect(st.op).toBe('acquire');
    const a = st as AcquireStep;
    expect(key(a.ref)).toBe(key(b.ref));
    expect(!a.trylock || a.onFail === 'retry', 'only blocking acquisitions and retrying trylocks wait').toBe(true);
    expect(free(key(a.ref), modeOf(a), ti), `${s.tasks[ti]!.name} is blocked`).toBe(false);
    const k = key(a.ref);
    const m = modeOf(a);
    const blockers = tasks.flatMap((t, i) =>
      t.held.some((h) => h.key === k && (m === 'W' || h.mode === 'W')) || (m === 'r' && i !== ti && t.queued === k) ? [i] : [],
    );
    expect(blockers.length).toBeGreaterThan(0);
    expect(blockers.some((i) => deadlocked.has(i)), 'waits for a deadlocked task').toBe(true);
    // Nobody outside the circle holds what it needs, or that one would release it eventually.
    expect(blockers.every((i) => deadlocked.has(i))).toBe(true);
  }
}

// ------------------------------------------------------------------ properties

describe('explorer properties', () => {
  it('confirmed schedules really end with their tasks blocked (independent executor)', () => {
    let confirmed = 0;
    fc.assert(
      fc.property(scenarios, (s) => {
        for (const r of explore(s).results) {
          if (r.verdict !== 'confirmed') continue;
          confirmed++;
          execute(s, r);
        }
      }),
      { numRuns: 300, seed: 4242 },
    );
    expect(confirmed).toBeGreaterThan(20);
  });

  it('a static refutation never contradicts the search', () => {
    fc.assert(
      fc.property(scenarios, (s) => {
        const { report, results } = explore(s);
        const c = compile(s);
        const names = classNames(s);
        const walk = waitPoints(c);
        const naming = { task: (t: number) => s.tasks[t]!.name, inst: (i: number) => String(i), cls: (d: string) => d };
        for (const r of results) {
          const f = report.findings[r.finding]!;
          const decls = new Set(r.cycle.map((n) => names.declOf(n)!));
          const sv = staticVerdict(c, walk.points, decls, f.kind === 'recursive' ? 'recursive' : 'circular', naming);
          if (sv.reason?.proof) expect(r.verdict, `${sv.reason.kind}: ${sv.reason.text}`).toBe('refuted');
        }
      }),
      { numRuns: 300, seed: 777 },
    );
  });

  it('verdicts do not depend on the seed', () => {
    fc.assert(
      fc.property(scenarios, fc.integer({ min: 1, max: 1000 }), (s, seed) => {
        const a = explore(s).results.map((r) => r.verdict);
        const b = explore(s, { seed }).results.map((r) => r.verdict);
        expect(b).toEqual(a);
      }),
      { numRuns: 150, seed: 99 },
    );
  });
});
