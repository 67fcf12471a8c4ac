import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockdepSimError } from '../../src/diag/error.js';
import { ByteInterner } from '../../src/importers/trace/intern.js';
import { importTrace, type TraceImportOptions } from '../../src/importers/trace/importer.js';
import { IrqCtx, LineKind, TraceEvent, parseTraceLine, traceTimestamp } from '../../src/importers/trace/line-parser.js';
import { TraceRecordParser } from '../../src/importers/trace/records.js';

const HEADER = `# tracer: nop
#
# entries-in-buffer/entries-written: 6/6   #P:2
#
#                                _-----=> irqs-off/BH-disabled
#                               / _----=> need-resched
#                              | / _---=> hardirq/softirq
#                              || / _--=> preempt-depth
#                              ||| / _-=> migrate-disable
#                              |||| /     delay
#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
#              | |         |   |||||     |         |
`;

let ts = 1_000_000;
/** One trace line in the /sys/kernel/tracing/trace layout. */
function ln(task: string, cpu: number, flags: string, op: 'a' | 'r', addr: string, text: string): string {
  ts += 7;
  const secs = `${Math.floor(ts / 1e6)}.${String(ts % 1e6).padStart(6, '0')}`;
  const ev = op === 'a' ? 'lock_acquire' : 'lock_release';
  return `${task.padStart(16 + task.length - task.indexOf('-'))} [${String(cpu).padStart(3, '0')}] ${flags} ${secs.padStart(12)}: ${ev}: ${addr.padStart(16, '0')} ${text}\n`;
}

/** A task taking `locks` in order and releasing them in reverse (process context, irqs on). */
function nest(task: string, locks: [string, string][], flags = '...1.'): string {
  let out = '';
  for (const [a, n] of locks) out += ln(task, 0, flags, 'a', a, n);
  for (const [a, n] of [...locks].reverse()) out += ln(task, 0, flags, 'r', a, n);
  return out;
}

/** Every trace starts with one release so acquisitions count (see the first-release rule). */
const WARMUP = ln('swapper-1', 0, '...1.', 'r', 'ffff000000000001', 'warmup');

function run(text: string, o: Partial<TraceImportOptions> = {}) {
  return importTrace(text, { file: 't.trace', ...o });
}

function deps(r: ReturnType<typeof run>): string[] {
  return r.report.dependencies.map((d) => `${d.from} -> ${d.to}`).sort();
}

function parse(line: string) {
  const ev = new TraceEvent();
  const names = new ByteInterner();
  const comms = new ByteInterner();
  const b = Buffer.from(line);
  const kind = parseTraceLine(b, 0, b.length, ev, names, comms);
  const isEvent = kind === LineKind.Acquire || kind === LineKind.Release;
  return { kind, ev, name: isEvent ? names.str(ev.name) : undefined, comm: isEvent ? comms.str(ev.comm) : undefined };
}

describe('trace line parser', () => {
  it('reads the /sys/kernel/tracing/trace layout', () => {
    const r = parse('          <idle>-0       [001] d.h3.     0.450445: lock_acquire: ffffffff81a29c20 try read cpu_hotplug_lock');
    expect(r.kind).toBe(LineKind.Acquire);
    expect(r.name).toBe('cpu_hotplug_lock');
    expect(r.ev).toMatchObject({ pid: 0, cpu: 1, hasFlags: true, irqsOff: true, bhOff: false, ctx: IrqCtx.Hardirq, trylock: true, read: true, addrHi: 0xffffffff, addrLo: 0x81a29c20 });
    expect(traceTimestamp(r.ev.buf, r.ev.tsEnd)).toBeCloseTo(0.450445, 6);
  });

  it('keeps comms with spaces and dashes, and names with spaces and colons', () => {
    const r = parse('  kworker/u4:1-my thread-1234 [000] ..s2.    12.000001: lock_release: ffff888004296470 (work_completion)(&(&x)->w): a b');
    expect(r.kind).toBe(LineKind.Release);
    expect(r.ev.pid).toBe(1234);
    expect(r.comm).toBe('kworker/u4:1-my thread');
    expect(r.name).toBe('(work_completion)(&(&x)->w): a b');
    expect(r.ev.ctx).toBe(IrqCtx.Softirq);
  });

  it('reads trace-cmd report output, with and without latency flags, and 0x addresses', () => {
    const plain = parse('            bash-1337  [002]   127.240361: lock_acquire:         0xffff88800c0f1c30 &rq->__lock');
    expect(plain).toMatchObject({ kind: LineKind.Acquire, name: '&rq->__lock' });
    expect(plain.ev).toMatchObject({ cpu: 2, hasFlags: false, addrHi: 0xffff8880, addrLo: 0x0c0f1c30 });
    const lat = parse('            bash-1337    2dNh2. 127.240361: lock_release: ffff88800c0f1c30 &rq->__lock');
    expect(lat).toMatchObject({ kind: LineKind.Release, name: '&rq->__lock' });
    expect(lat.ev).toMatchObject({ cpu: 2, hasFlags: true, irqsOff: true, ctx: IrqCtx.Hardirq });
  });

  it('decodes the irqs-off/BH column and the hardirq/softirq column', () => {
    const f = (flags: string) => parse(`a-1 [000] ${flags} 1.000000: lock_acquire: 1 x`).ev;
    expect(f('D..1.')).toMatchObject({ irqsOff: true, bhOff: true });
    expect(f('b..1.')).toMatchObject({ irqsOff: false, bhOff: true });
    expect(f('d.H1.').ctx).toBe(IrqCtx.HardirqInSoftirq);
    expect(f('d.Z1.').ctx).toBe(IrqCtx.Nmi);
    expect(f('d..1').ctx).toBe(IrqCtx.Process); // 4-column flags of older kernels
  });

  it('tells headers, lost-event markers and other events apart', () => {
    expect(parse('# tracer: nop').kind).toBe(LineKind.Header);
    expect(parse('').kind).toBe(LineKind.Header);
    expect(parse('cpus=2').kind).toBe(LineKind.Header);
    const lost = parse('CPU:1 [LOST 123 EVENTS]');
    expect(lost.kind).toBe(LineKind.Lost);
    expect(lost.ev.lost).toBe(123);
    expect(parse('  bash-1 [000] d..1.  1.000000: sched_switch: prev_comm=bash').kind).toBe(LineKind.OtherEvent);
    expect(parse('  bash-1 [000] d..1.  1.000000: lock_contended: ffff888004296470 &x').kind).toBe(LineKind.OtherEvent);
  });

  it('says what is wrong with a malformed line, and where', () => {
    // [line, message, where (the column is that text's first character)]
    const cases: [string, RegExp, string][] = [
      ['hello world', /not an ftrace event line/, 'hello'],
      ['bash-1 [000] d..1. 1.000000: lock_acquire: zz x', /address/, 'zz'],
      ['bash-1 [000] d..1. 1.000000: lock_acquire: ffff!', /lock name/, '!'],
      ['bash-1 [000] d..1. 1.000000: lock_acquire: ffff \t', /lock name is missing/, '\t'],
      ['bash [000] d..1. 1.000000: lock_acquire: ffff x', /<comm>-<pid>/, 'bash'],
      ['bash-1 [0x0] d..1. 1.000000: lock_acquire: ffff x', /CPU column/, 'x0]'],
      ['bash-1 d..1. 1.000000: lock_acquire: ffff x', /CPU column/, 'bash'],
    ];
    for (const [line, msg, where] of cases) {
      const r = parse(line);
      expect(r.kind, line).toBe(LineKind.Bad);
      expect(r.ev.error, line).toMatch(msg);
      expect(r.ev.errorCol, line).toBe(line.indexOf(where));
    }
  });
});

describe('import trace: held-lock stacks and dependencies', () => {
  it('finds an ABBA inversion between two tasks (and names the trace line)', () => {
    const text = HEADER + WARMUP + nest('t1-10', [['a0', 'lock_a'], ['b0', 'lock_b']]) + nest('t2-11', [['b0', 'lock_b'], ['a0', 'lock_a']]);
    const r = run(text);
    expect(deps(r)).toEqual(['lock_a -> lock_b']);
    expect(r.report.findings.map((f) => f.kind)).toEqual(['circular']);
    const f = r.report.findings[0]!;
    expect(f.task).toMatchObject({ comm: 't2', pid: 11 });
    expect(f.at.line).toBe(12 + 1 + 4 + 2); // header, warmup, t1's four lines, t2's second line
    expect(r.stats).toMatchObject({ events: 9, acquires: 4, releases: 5, tasks: 3, classes: 2, dependencies: 1 });
  });

  it('keeps one stack per pid, interleaved, and one per CPU for the idle tasks (pid 0)', () => {
    const text =
      HEADER +
      WARMUP +
      ln('a-5', 0, '...1.', 'a', 'a0', 'A') +
      ln('<idle>-0', 0, 'd..1.', 'a', 'c0', 'C') +
      ln('b-6', 1, '...1.', 'a', 'b0', 'B') +
      ln('<idle>-0', 1, 'd..1.', 'a', 'd0', 'D') +
      ln('a-5', 1, '...1.', 'a', 'e0', 'E') + // a migrated to CPU 1: same task
      ln('<idle>-0', 0, 'd..1.', 'a', 'f0', 'F');
    expect(deps(run(text))).toEqual(['A -> E', 'C -> F']);
  });

  it('puts interrupt handlers on top of the interrupted task, in their own irq segment', () => {
    const text =
      HEADER +
      WARMUP +
      ln('t-7', 0, 'd..1.', 'a', 'a0', 'A') +
      ln('t-7', 0, 'd.h1.', 'a', 'b0', 'B') + // hardirq on t: no A -> B
      ln('t-7', 0, 'd.h2.', 'a', 'c0', 'C') + // B -> C inside the handler
      ln('t-7', 0, 'd.h2.', 'r', 'c0', 'C') +
      ln('t-7', 0, 'd.h1.', 'r', 'b0', 'B') +
      ln('t-7', 0, 'd..1.', 'a', 'd0', 'D'); // back in process context: A -> D
    const r = run(text);
    expect(deps(r)).toEqual(['A -> D', 'B -> C']);
    expect(r.report.classes.find((c) => c.name === 'B')!.usage).toBe('-...');
  });

  it('releases what a handler still holds when the trace shows it returned', () => {
    const text = HEADER + WARMUP + ln('t-7', 0, 'd.h1.', 'a', 'b0', 'B') + ln('t-7', 0, '...1.', 'a', 'a0', 'A') + ln('t-7', 0, '...1.', 'a', 'c0', 'C');
    const r = run(text);
    expect(r.stats.releasedAtIrqExit).toBe(1);
    expect(deps(r)).toEqual(['A -> C']);
  });

  it('reports a lock taken in hardirq context and elsewhere with irqs on (irq state from the flags)', () => {
    const text = HEADER + WARMUP + nest('t-7', [['a0', 'L']], 'd.h1.') + nest('u-8', [['a0', 'L']], '...1.');
    const r = run(text);
    expect(r.report.findings.map((f) => f.kind)).toEqual(['inconsistent']);
  });

  it('counts a release of a lock the task does not hold, and goes on', () => {
    const text = HEADER + WARMUP + ln('t-7', 0, '...1.', 'r', 'a0', 'A') + nest('t-7', [['b0', 'B'], ['c0', 'C']]);
    const r = run(text);
    expect(r.stats.unbalancedReleases).toBe(2); // the warm-up release, and A
    expect(r.report.findings).toEqual([]);
    expect(deps(r)).toEqual(['B -> C']);
  });

  it('takes a held lock taken again (not for read) as a lost release, not as recursive locking', () => {
    const text = HEADER + WARMUP + ln('t-7', 0, '...1.', 'a', 'a0', 'A') + ln('t-7', 0, '...1.', 'a', 'a0', 'A') + ln('t-7', 0, '...1.', 'a', 'b0', 'B');
    const r = run(text);
    expect(r.stats.lostReleases).toBe(1);
    expect(r.report.findings).toEqual([]);
    expect(deps(r)).toEqual(['A -> B']);
  });

  it('skips acquisitions before the first release, at the start and after a gap in lock_acquire events', () => {
    let text = HEADER + ln('t-7', 0, '...1.', 'a', 'a0', 'STALE') + WARMUP + ln('t-7', 0, '...1.', 'a', 'b0', 'B');
    // lock_acquire off: a burst of releases only, then acquisitions whose releases are lost too
    for (let i = 0; i < 25; i++) text += ln('u-8', 0, '...1.', 'r', `e${i}`, `E${i}`);
    text += ln('t-7', 0, '...1.', 'a', 'c0', 'STALE2') + WARMUP + ln('t-7', 0, '...1.', 'a', 'd0', 'D');
    const r = run(text);
    expect(r.stats.skippedBeforeFirstRelease).toBe(2);
    expect(deps(r)).toEqual(['B -> D']);
  });

  it('assumes the next subclass for a second lock of the same name, and a recursive read for nested readers', () => {
    const text =
      HEADER +
      WARMUP +
      nest('t-7', [['aa', '&type->i_mutex_dir_key'], ['c0', '&type->i_mutex_dir_key'], ['bb', 'X']]) +
      nest('t-7', [['cc', 'kn'], ['cd', 'kn']].map(([a, n]) => [a!, n!] as [string, string]), '...1.').replace(/ kn\n/g, ' read kn\n').replace(/release: (\w+) read kn/g, 'release: $1 kn');
    const r = run(text);
    expect(r.report.findings).toEqual([]);
    expect(deps(r)).toEqual(['&type->i_mutex_dir_key -> &type->i_mutex_dir_key/1', '&type->i_mutex_dir_key/1 -> X', 'kn -> kn']);
    expect(r.stats).toMatchObject({ subclassAssumed: 1, recursiveReadAssumed: 1 });
  });

  it('does not validate rcu_read_lock and other check=0 maps, and lets the user add some', () => {
    const text = HEADER + WARMUP + nest('t-7', [['a0', 'A'], ['dd', 'read rcu_read_lock'], ['b0', 'B'], ['ee', 'M'], ['c0', 'C']]);
    const fixed = text.replace(/release: (\w+) read rcu_read_lock/, 'release: $1 rcu_read_lock');
    expect(deps(run(fixed))).toEqual(['A -> B', 'B -> M', 'M -> C']);
    expect(deps(run(fixed, { rules: { novalidate: ['M'] } }))).toEqual(['A -> B', 'B -> C']);
  });

  it('skips the boot-time locking self-tests while the boot task is alone', () => {
    const st = (flags: string, op: 'a' | 'r', addr: string, n: string) => ln('<idle>-0', 0, flags, op, addr, n);
    const text =
      HEADER +
      WARMUP.replace('swapper-1', '<idle>-0') +
      st('...1.', 'a', 'ffffffff81ddf7f8', '&lock_A') +
      st('...1.', 'a', 'ffffffff81ddec38', 'lock') +
      st('...1.', 'a', 'ffffffff81ddf7f8', '&lock_A') + // recursive locking on purpose
      st('...1.', 'a', 'ffff888000000100', 'lock') + // a heap map called "lock": a real one
      st('...1.', 'a', 'ffff888000000200', 'Z') +
      ln('init-1', 0, '...1.', 'a', 'ffffffff81ddec38', 'lock'); // a self-test map stays ignored
    const r = run(text);
    expect(r.report.findings).toEqual([]);
    expect(deps(r)).toEqual(['lock -> Z']);
    expect(r.stats.selftestEvents).toBe(4);
    expect(run(text, { keepSelftests: true }).report.findings.length).toBeGreaterThan(0);
  });

  it('ignores NMI events and other trace events, and counts lost events', () => {
    const text = HEADER + WARMUP + ln('t-7', 0, 'd.Z1.', 'a', 'a0', 'A') + '  t-7 [000] d..1.  9.000000: sched_switch: x\nCPU:0 [LOST 3 EVENTS]\n';
    const r = run(text);
    expect(r.stats).toMatchObject({ nmiEvents: 1, otherEvents: 1, lostEvents: 3 });
    expect(r.notes.join('\n')).toMatch(/dropped 3 events/);
  });
});

describe('import trace: input errors', () => {
  it('stops at the first malformed line with file:line:col and a hint', () => {
    const text = HEADER + WARMUP + 'garbage here\n' + WARMUP;
    try {
      run(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(LockdepSimError);
      const i = (e as LockdepSimError).issues[0];
      expect(i.span).toEqual({ file: 't.trace', line: 14, col: 1 });
      expect(i.hint).toMatch(/--lenient/);
    }
  });

  it('skips malformed lines with lenient, and a truncated last line always', () => {
    const text = HEADER + WARMUP + 'garbage here\n' + nest('t-7', [['a0', 'A'], ['b0', 'B']]);
    const r = run(text, { lenient: true });
    expect(r.stats.badLines).toBe(1);
    expect(deps(r)).toEqual(['A -> B']);
    const cut = HEADER + WARMUP + nest('t-7', [['a0', 'A'], ['b0', 'B']]) + '   t-7 [000] ...1. 9.0';
    expect(run(cut).stats.badLines).toBe(1);
  });
});

describe('import trace: streaming', () => {
  const text =
    HEADER +
    WARMUP +
    nest('t1-10', [['a0', 'lock_a'], ['b0', 'lock_b'], ['c0', 'read sem']]).replace(/release: (\w+) read sem/, 'release: $1 sem') +
    nest('t2-11', [['b0', 'lock_b'], ['a0', 'lock_a']]) +
    ln('t1-10', 1, 'd.h1.', 'a', 'd0', 'D') +
    ln('t1-10', 1, 'd.h1.', 'r', 'd0', 'D');

  it('gives the same result however the input is cut into chunks', () => {
    const whole = run(text);
    const bytes = Buffer.from(text);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const imp = new (importTraceClass())({ file: 't.trace' });
        let prev = 0;
        for (const p of [...points, bytes.length]) {
          imp.push(bytes.subarray(prev, p));
          prev = p;
        }
        const r = imp.end();
        expect(r.stats).toEqual(whole.stats);
        expect(r.report.dependencies).toEqual(whole.report.dependencies);
        expect(r.report.findings).toEqual(whole.report.findings);
      }),
      { numRuns: 200 },
    );
  });
});

describe('import trace: parsed in batches (as the CLI does in a worker thread)', () => {
  it('gives the same result as parsing in place, however the input is cut', () => {
    const text = HEADER + WARMUP + nest('t1-10', [['a0', 'lock_a'], ['b0', 'lock_b']]) + nest('t2-11', [['b0', 'lock_b'], ['a0', 'lock_a']]) + ln('t-7', 0, 'd.h1.', 'a', 'd0', 'D') + 'bad line\n   t-7 [000] ...1. 9.0';
    const whole = run(text, { lenient: true });
    const bytes = Buffer.from(text);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 6 }), (cuts) => {
        const imp = new TraceImporter({ file: 't.trace', lenient: true });
        const parser = new TraceRecordParser((b) => imp.pushBatch(b));
        let prev = 0;
        for (const p of [...new Set(cuts)].sort((a, b) => a - b).concat(bytes.length)) {
          parser.push(bytes.subarray(prev, p));
          prev = p;
        }
        parser.end();
        const r = imp.end();
        expect(r.stats).toEqual(whole.stats);
        expect(r.report).toEqual(whole.report);
        expect(imp.badLineMessages).toEqual(['t.trace:23:1: not an ftrace event line (no "<secs>.<usecs>: <event>:" part)', 't.trace:24:4: not an ftrace event line (no "<secs>.<usecs>: <event>:" part)']);
      }),
      { numRuns: 50 },
    );
  });

  it('stops at a malformed line with its position, and tolerates a cut last line', () => {
    const imp = new TraceImporter({ file: 't.trace' });
    const parser = new TraceRecordParser((b) => imp.pushBatch(b));
    parser.push(Buffer.from(HEADER + WARMUP + 'oops\n'));
    expect(() => parser.end()).toThrow(/not an ftrace event line/); // errors surface when the batch is read
    const imp2 = new TraceImporter({ file: 't.trace' });
    const p2 = new TraceRecordParser((b) => imp2.pushBatch(b));
    p2.push(Buffer.from(HEADER + WARMUP + '  t-7 [000] ...1. 9.0'));
    p2.end();
    expect(imp2.end().stats.badLines).toBe(1);
  });
});

// The class, imported lazily so the streaming test uses exactly what the CLI uses.
import { TraceImporter } from '../../src/importers/trace/importer.js';
function importTraceClass() {
  return TraceImporter;
}
