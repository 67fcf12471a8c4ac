/**
 * Robustness of the event-log reader and the validator behind it: random bytes, random JSON, and
 * random well-formed event sequences (any order of acquire/release/irq events across tasks) give a
 * report or a LockdepSimError naming a line and column — never another exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockdepSimError } from '../../src/diag/error.js';
import { parseEventsJsonl } from '../../src/importers/events/parse.js';
import { importEvents } from '../../src/importers/events/stream.js';
import { replay } from '../../src/validator/replay.js';

function located(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch (e) {
    expect(e).toBeInstanceOf(LockdepSimError);
    const i = (e as LockdepSimError).issues[0];
    expect(i.span?.file).toBe('e.jsonl');
    expect(i.span!.line).toBeGreaterThanOrEqual(1);
    expect(i.span!.col).toBeGreaterThanOrEqual(1);
    expect(i.hint).toBeTruthy();
    return false;
  }
}

const event = fc.oneof(
  fc.record({
    v: fc.constant(1),
    type: fc.constantFrom('acquire', 'release', 'downgrade', 'free'),
    task: fc.constantFrom('a', 'b', 'c'),
    lock: fc.constantFrom('A', 'B', 'C', 'D'),
    instance: fc.integer({ min: 0, max: 2 }),
  }),
  fc.record({
    v: fc.constant(1),
    type: fc.constant('acquire'),
    task: fc.constantFrom('a', 'b'),
    lock: fc.constantFrom('A', 'B', 'C'),
    read: fc.constantFrom(0, 1, 2),
    try: fc.boolean(),
    subclass: fc.integer({ min: 0, max: 9 }),
    nest: fc.constantFrom('A', 'B'),
    check: fc.boolean(),
    irq: fc.constantFrom('process', 'softirq', 'hardirq', 'hardirq-in-softirq'),
  }),
  fc.record({ v: fc.constant(1), type: fc.constantFrom('irqoff', 'irqon', 'bhoff', 'bhon', 'sysexit'), task: fc.constantFrom('a', 'b') }),
  fc.record({ v: fc.constant(1), type: fc.constant('irq-enter'), task: fc.constantFrom('a', 'b'), context: fc.constantFrom('hardirq', 'softirq') }),
  fc.record({ v: fc.constant(1), type: fc.constant('setsub'), task: fc.constantFrom('a', 'b'), lock: fc.constantFrom('A', 'B'), subclass: fc.integer({ min: 0, max: 9 }) }),
);

describe('import events: robustness', () => {
  it('random bytes and random JSON values', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      located(() => importEvents(b, { file: 'e.jsonl' }));
    }), { numRuns: 400 });
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 5 }), (vs) => {
        located(() => parseEventsJsonl(vs.map((v) => JSON.stringify(v)).join('\n'), 'e.jsonl'));
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.constantFrom('v', 'type', 'task', 'lock', 'read', 'nest', 'frames', 'irq'), fc.jsonValue()), { maxLength: 5 }), (vs) => {
        located(() => parseEventsJsonl(vs.map((v) => JSON.stringify(v)).join('\n'), 'e.jsonl'));
      }),
      { numRuns: 400 },
    );
  });

  it('random well-formed event sequences validate, streamed or as a scenario, with the same reports', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 80 }), (evs) => {
        const text = evs.map((e) => JSON.stringify(e)).join('\n');
        let s;
        // irq-exit without enter is the one ordering error a generator can make; the others must pass
        if (!located(() => (s = parseEventsJsonl(text, 'e.jsonl')))) return;
        const a = replay(s!);
        const b = importEvents(text, { file: 'e.jsonl' }).report;
        expect(b.findings.map((f) => f.kind)).toEqual(a.findings.map((f) => f.kind));
        expect(b.dependencies.map((d) => [d.from, d.to])).toEqual(a.dependencies.map((d) => [d.from, d.to]));
      }),
      { numRuns: 300 },
    );
  });
});
