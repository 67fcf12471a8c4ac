import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding, Step } from '../../src/model/index.js';
import { replay } from '../../src/validator/replay.js';
import { scenario, task } from '../helpers/build.js';

const span = { file: 'p.yaml', line: 1, col: 1 };
const f = { symbol: 'fn', offset: 0x10, size: 0x100 };

type Gen = { op: 'lock'; cls: number; read: 0 | 1 | 2 } | { op: 'irqoff' } | { op: 'irqon' } | { op: 'bhoff' } | { op: 'bhon' } | { op: 'hardirq'; cls: number } | { op: 'softirq'; cls: number };

const genOp: fc.Arbitrary<Gen> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('lock' as const), cls: fc.integer({ min: 0, max: 4 }), read: fc.constantFrom(0 as const, 1 as const, 2 as const) }) },
  fc.constant({ op: 'irqoff' as const }),
  fc.constant({ op: 'irqon' as const }),
  fc.constant({ op: 'bhoff' as const }),
  fc.constant({ op: 'bhon' as const }),
  fc.record({ op: fc.constant('hardirq' as const), cls: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ op: fc.constant('softirq' as const), cls: fc.integer({ min: 0, max: 4 }) }),
);

/** Turns generated ops into balanced steps: locks nest, each is released at the end; irq handlers take one lock. */
function toSteps(ops: Gen[]): Step[] {
  const steps: Step[] = [];
  const held: string[] = [];
  let bh = 0;
  const acq = (name: string, read: 0 | 1 | 2): Step => ({ op: 'acquire', ref: { lock: name, instance: 0 }, read, trylock: false, subclass: 0, check: true, ip: f, stack: [f], span });
  const rel = (name: string): Step => ({ op: 'release', ref: { lock: name, instance: 0 }, ip: f, stack: [f], span });
  for (const o of ops) {
    if (o.op === 'lock') {
      const name = `L${o.cls}`;
      if (held.includes(name)) continue;
      steps.push(acq(name, o.read));
      held.push(name);
    } else if (o.op === 'hardirq' || o.op === 'softirq') {
      const name = `L${o.cls}`;
      if (held.includes(name)) continue;
      steps.push({ op: 'irq-enter', context: o.op, stack: [f], span }, acq(name, 0), rel(name), { op: 'irq-exit', stack: [f], span });
    } else if (o.op === 'bhoff') {
      bh++;
      steps.push({ op: 'bhoff', ip: f, stack: [f], span });
    } else if (o.op === 'bhon') {
      if (!bh) continue;
      bh--;
      steps.push({ op: 'bhon', ip: f, stack: [f], span });
    } else steps.push({ op: o.op, ip: f, stack: [f], span });
  }
  while (held.length) steps.push(rel(held.pop()!));
  while (bh-- > 0) steps.push({ op: 'bhon', ip: f, stack: [f], span });
  steps.push({ op: 'irqon', ip: f, stack: [f], span });
  return steps;
}

const genScenario = fc.array(fc.array(genOp, { maxLength: 14 }), { minLength: 1, maxLength: 4 }).map((ts) => scenario(ts.map((ops, i) => task(`T${i}`, toSteps(ops), 100 + i))));

/** Decodes a usage string into usage-bit names (inverse of get_usage_chars). */
function usageBits(u: string): Set<string> {
  const slots = [
    ['IN-HARDIRQ-W', 'HARDIRQ-ON-W'],
    ['IN-HARDIRQ-R', 'HARDIRQ-ON-R'],
    ['IN-SOFTIRQ-W', 'SOFTIRQ-ON-W'],
    ['IN-SOFTIRQ-R', 'SOFTIRQ-ON-R'],
  ] as const;
  const out = new Set<string>();
  [...u].forEach((c, i) => {
    const [usedIn, enabled] = slots[i]!;
    if (c === '-' || c === '?') out.add(usedIn);
    if (c === '+' || c === '?') out.add(enabled);
  });
  return out;
}

const hasState = (bits: Set<string>, state: string, dir: 'IN' | 'ON') => [...bits].some((b) => b.includes(state) && (dir === 'IN' ? b.startsWith('IN-') : b.includes('-ON-')));

const IRQ_KINDS = new Set(['inconsistent', 'irq-inversion', 'irq-safe-unsafe']);

describe('irq usage properties', () => {
  it('marking is monotonic: a class never loses a usage bit', () => {
    fc.assert(
      fc.property(genScenario, (sc) => {
        const r = replay(sc, { timeline: true });
        const last = new Map<string, Set<string>>();
        for (const e of r.timeline!) {
          if (e.type !== 'usage') continue;
          const now = usageBits(e.usage);
          for (const b of last.get(e.cls) ?? []) expect(now.has(b)).toBe(true);
          last.set(e.cls, now);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('classes used only in process context with irqs enabled never produce an irq report', () => {
    const processOnly = fc.array(fc.array(fc.record({ op: fc.constant('lock' as const), cls: fc.integer({ min: 0, max: 4 }), read: fc.constantFrom(0 as const, 1 as const, 2 as const) }), { maxLength: 10 }), {
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(processOnly, (ts) => {
        const r = replay(scenario(ts.map((ops, i) => task(`T${i}`, toSteps(ops), 100 + i))));
        expect(r.findings.filter((x) => IRQ_KINDS.has(x.kind))).toEqual([]);
        for (const c of r.classes) expect(c.usage).not.toMatch(/[-?]/);
      }),
      { numRuns: 200 },
    );
  });

  it('every irq report names a class whose usage string shows both conflicting bits', () => {
    let seen = 0;
    fc.assert(
      fc.property(genScenario, (sc) => {
        const r = replay(sc);
        for (const x of r.findings as Finding[]) {
          if (x.kind === 'inconsistent') {
            const bits = usageBits(x.lock.cls.usage);
            expect(bits.has(x.oldUsage)).toBe(true);
            expect(bits.has(x.newUsage)).toBe(true);
            seen++;
          } else if (x.kind === 'irq-safe-unsafe') {
            // The two classes carry a conflicting pair (USED_IN vs ENABLED) of that state. Usually the
            // "safe" one has USED_IN; but find_exclusive_match() scans every bit of the backward lock in
            // order, so an ENABLED bit can come first and the kernel then names the pair the other way.
            const state = x.stateWord.replace('-READ', '');
            const s = usageBits(x.safe.usage);
            const u = usageBits(x.unsafe.usage);
            expect((hasState(s, state, 'IN') && hasState(u, state, 'ON')) || (hasState(s, state, 'ON') && hasState(u, state, 'IN'))).toBe(true);
            seen++;
          } else if (x.kind === 'irq-inversion') {
            const state = x.stateWord.replace('-READ', '');
            const [safe, unsafe] = x.forwards ? [x.lock.cls.usage, x.other.usage] : [x.other.usage, x.lock.cls.usage];
            expect(hasState(usageBits(safe), state, 'IN')).toBe(true);
            expect(hasState(usageBits(unsafe), state, 'ON')).toBe(true);
            seen++;
          }
        }
      }),
      { numRuns: 300 },
    );
    expect(seen).toBeGreaterThan(0); // the generator does reach irq reports
  });
});
