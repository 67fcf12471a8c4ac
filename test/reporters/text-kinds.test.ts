/**
 * Text reporter behaviour beyond the oracle captures: report kinds the oracle never produced
 * (lock held at user return, DEBUG_LOCKS_WARN_ON, other limits), older output eras, overrides.
 */
import { describe, expect, it } from 'vitest';
import type {
  CircularFinding,
  ClassBlockDesc,
  Finding,
  IrqInversionFinding,
  IrqSafeUnsafeFinding,
  LimitFinding,
  LockHeldUserFinding,
  MisuseFinding,
  RecursiveFinding,
} from '../../src/model/findings.js';
import type { Frame } from '../../src/model/frame.js';
import {
  fnv1a32,
  hashedPointer,
  kernelBuildInfo,
  renderFinding,
  renderFindings,
  type TextContext,
} from '../../src/reporters/text/index.js';
import { base, cls, fr, frames, lock, oracleContext } from '../fixtures/text/finding-builder.js';

const STACK = frames(`
  do_thing+0x10/0x80 [mymod]
  kthread+0xb3/0xbb
  ret_from_fork+0x1f/0x30
`);
const task = { comm: 'worker', pid: 77, cpu: 2 };
const A = lock('ffff888000a00000', 'A', '+.+.', { at: 'do_thing+0x8/0x80 [mymod]' });
const B = lock('ffff888000a01000', 'B', '+.+.', { at: 'do_thing+0x8/0x80 [mymod]' });

function abba(): CircularFinding {
  return {
    ...base(task, STACK, { held: [B] }),
    kind: 'circular',
    next: A,
    prev: B,
    chain: [
      { cls: B.cls, trace: STACK, current: false },
      { cls: A.cls, trace: STACK, current: true },
    ],
    scenario: { source: 'A', parent: 'A', target: 'B' },
  };
}

describe('lock held when returning to user space', () => {
  it('prints the held locks and no stack backtrace', () => {
    const f: LockHeldUserFinding = { ...base(task, STACK, { held: [A, B] }), kind: 'lock-held-user' };
    expect(renderFinding(f, oracleContext())).toMatchInlineSnapshot(`
      "
      ================================================
      WARNING: lock held when returning to user space!
      6.1.192 #2 Tainted: G           O      
      ------------------------------------------------
      worker/77 is leaving the kernel with locks still held!
      2 locks held by worker/77:
       #0: ffff888000a00000 (A){+.+.}-{3:3}, at: do_thing+0x8/0x80 [mymod]
       #1: ffff888000a01000 (B){+.+.}-{3:3}, at: do_thing+0x8/0x80 [mymod]
      "
    `);
  });
});

describe('DEBUG_LOCKS_WARN_ON misuse', () => {
  it('prints a WARN splat with the condition, the WARN site and the caller stack', () => {
    const f: MisuseFinding = {
      ...base(task, STACK),
      kind: 'misuse',
      condition: 'depth <= 0',
      message: 'release with an empty held-lock stack',
    };
    expect(renderFinding(f, oracleContext())).toMatchInlineSnapshot(`
      "------------[ cut here ]------------
      DEBUG_LOCKS_WARN_ON(depth <= 0)
      WARNING: CPU: 2 PID: 77 at lock_acquire+0x109/0x22f
      Modules linked in: mymod
      CPU: 2 PID: 77 Comm: worker Tainted: G           O       6.1.192 #2 
      RIP: 0010:lock_acquire+0x109/0x22f
      Call Trace:
       <TASK>
       do_thing+0x10/0x80 [mymod]
       kthread+0xb3/0xbb
       ret_from_fork+0x1f/0x30
       </TASK>
      ---[ end trace 0000000000000000 ]---
      "
    `);
  });

  it('takes the WARN site from the misuse kernel frames', () => {
    const f: MisuseFinding = { ...base(task, STACK), kind: 'misuse', condition: '1', message: '' };
    const out = renderFinding(
      f,
      oracleContext('6.1.192 #2', { kernelFrames: { misuse: frames('lock_release+0x107/0x25d') } }),
    );
    expect(out).toContain('\nWARNING: CPU: 2 PID: 77 at lock_release+0x107/0x25d\n');
    expect(out).toContain('\nRIP: 0010:lock_release+0x107/0x25d\n');
  });
});

describe('limits', () => {
  function limit(name: string, value: number): LimitFinding {
    return { ...base(task, STACK, { held: [A] }), kind: 'limit', limit: name, value };
  }

  it('prints print_lockdep_off() then dump_stack(), without rulers or held locks', () => {
    expect(renderFinding(limit('MAX_LOCKDEP_KEYS', 8192), oracleContext())).toMatchInlineSnapshot(`
      "BUG: MAX_LOCKDEP_KEYS too low!
      turning off the locking correctness validator.
      Please attach the output of /proc/lock_stat to the bug report
      CPU: 2 PID: 77 Comm: worker Tainted: G           O       6.1.192 #2 
      Call Trace:
       <TASK>
       dump_stack_lvl+0x6a/0x9b
       __lock_acquire+0x11d6/0x120f
       lock_acquire+0x109/0x22f
       do_thing+0x10/0x80 [mymod]
       kthread+0xb3/0xbb
       ret_from_fork+0x1f/0x30
       </TASK>
      "
    `);
  });

  it('omits the lock_stat line without CONFIG_LOCK_STAT', () => {
    const ctx = oracleContext();
    ctx.profile.config.lockStat = false;
    const out = renderFinding(limit('MAX_LOCKDEP_ENTRIES', 32768), ctx);
    expect(out.startsWith('BUG: MAX_LOCKDEP_ENTRIES too low!\nturning off the locking correctness validator.\nCPU: 2 ')).toBe(
      true,
    );
  });

  it('prints the invalid-subclass message for MAX_LOCKDEP_SUBCLASSES', () => {
    const out = renderFinding({ ...limit('MAX_LOCKDEP_SUBCLASSES', 8), depth: 9 }, oracleContext());
    expect(out.split('\n').slice(0, 3)).toEqual([
      'BUG: looking up invalid subclass: 9',
      'turning off the locking correctness validator.',
      'CPU: 2 PID: 77 Comm: worker Tainted: G           O       6.1.192 #2 ',
    ]);
  });

  it('uses a limit:<NAME> override before the generic limit frames', () => {
    const ctx = oracleContext('6.1.192 #2', {
      kernelFrames: { 'limit:MAX_STACK_TRACE_ENTRIES': frames('save_trace+0x1/0x2') },
    });
    const out = renderFinding(limit('MAX_STACK_TRACE_ENTRIES', 524288), ctx);
    expect(out).toContain(' <TASK>\n save_trace+0x1/0x2\n do_thing+0x10/0x80 [mymod]\n');
  });
});

describe('output eras', () => {
  const ipOf = (frame: string) =>
    `ffffffffa0${(fnv1a32(frame) & 0xffffff).toString(16).padStart(6, '0')}`;

  it('prints pre-4.14 bracketed titles between their own rulers, 6-char usage, no instance, raw ips and addressed frames (4.9)', () => {
    const out = renderFinding(abba(), oracleContext('4.9.65-gea83e4a #95', { taint: 'Not tainted' })).split('\n');
    const ip = ipOf('do_thing+0x8/0x80 [mymod]');
    // Rulers of print_circular_bug_header() 3.x … 4.13: 54 `=`, 55 `-` (corpus 016).
    expect(out.slice(0, 7)).toEqual([
      '',
      '======================================================',
      '[ INFO: possible circular locking dependency detected ]',
      '4.9.65-gea83e4a #95 Not tainted',
      '-------------------------------------------------------',
      'worker/77 is trying to acquire lock:',
      ` (A){+.+...}, at: [<${ip}>] do_thing+0x8/0x80 [mymod]`,
    ]);
    expect(out).toContain(` #0:  (B){+.+...}, at: [<${ip}>] do_thing+0x8/0x80 [mymod]`);
    expect(out).toContain('-> #1 (B){+.+...}:');
    // print_stack_trace() and the x86 unwinder put the address before the symbol (corpus 053, 073).
    expect(out).toContain(`       [<${ipOf('do_thing+0x10/0x80 [mymod]')}>] do_thing+0x10/0x80 [mymod]`);
    expect(out).toContain(` [<${ipOf('do_thing+0x10/0x80 [mymod]')}>] do_thing+0x10/0x80 [mymod]`);
    expect(out).not.toContain(' <TASK>');
  });

  it('prints the other pre-4.14 rulers as those kernels did', () => {
    const ctx = oracleContext('4.9.65-gea83e4a #95', { taint: 'Not tainted' });
    const rulers = (f: Finding) => renderFinding(f, ctx).split('\n').slice(1, 5);
    expect(rulers({ ...base(task, STACK, { held: [A] }), kind: 'recursive', next: A, prev: A })).toEqual([
      '='.repeat(45),
      '[ INFO: possible recursive locking detected ]',
      '4.9.65-gea83e4a #95 Not tainted',
      '-'.repeat(45),
    ]);
    expect(rulers({ ...base(task, STACK), kind: 'bad-unlock', mapName: 'A', ip: fr('do_thing+0x20/0x80 [mymod]') })[0]).toBe('='.repeat(37));
  });

  it('prints 2.6 idents without the taint, 55-long circular rulers and the old usage characters', () => {
    const out = renderFinding(abba(), oracleContext('2.6.27-06509-g2515ddc-dirty #190', { taint: 'Not tainted' })).split('\n');
    expect(out.slice(1, 5)).toEqual([
      '='.repeat(55),
      '[ INFO: possible circular locking dependency detected ]',
      '2.6.27-06509-g2515ddc-dirty #190',
      '-'.repeat(55),
    ]);
    // {+.+.} (hardirq-on-W, softirq-on-W) was {--..}: hardirq-W, softirq-W, hardirq-R, softirq-R,
    // `-` for irqs on and `+` for used in irq (corpus 017: `(events){--..}`).
    expect(out[6]).toMatch(/^ \(A\)\{--\.\.\}, at: /);
    // 2.6 has no dump_stack_print_info(): x86 printed `Pid: …, comm: …`.
    expect(out).toContain('Pid: 77, comm: worker Not tainted 2.6.27-06509-g2515ddc-dirty #190');
  });

  it('prints %p-hashed ips in lock lines on 4.15 … 4.16', () => {
    const out = renderFinding(abba(), oracleContext('4.15.0+ #221', { taint: 'Not tainted' })).split('\n');
    expect(out[2]).toBe('WARNING: possible circular locking dependency detected');
    expect(out[6]).toBe(` (A){+.+.}, at: [<${hashedPointer(ipOf('do_thing+0x8/0x80 [mymod]'))}>] do_thing+0x8/0x80 [mymod]`);
  });

  it('hashes instances deterministically on 4.17 … 5.2 and keeps already-hashed ones', () => {
    const ctx = oracleContext('5.1.0 #1', { taint: 'Not tainted' });
    const f = abba();
    f.prev = { ...f.prev, instance: '000000002aa52a9f' };
    const out = renderFinding(f, ctx);
    const hashed = hashedPointer('ffff888000a00000');
    expect(hashed).toMatch(/^00000000[0-9a-f]{8}$/);
    expect(hashed).toBe(`00000000${fnv1a32('ffff888000a00000').toString(16).padStart(8, '0')}`);
    expect(out).toContain(`\n${hashed} (A){+.+.}, at: do_thing+0x8/0x80 [mymod]\n`);
    expect(out).toContain('\n000000002aa52a9f (B){+.+.}, at: do_thing+0x8/0x80 [mymod]\n');
    // 5.1: `#0` starts at lock_acquire, the report path is the seed's.
    expect(out).toContain('\n-> #0 (A){+.+.}:\n       lock_acquire+0x9e/0x180\n       do_thing+0x10/0x80 [mymod]\n');
    expect(out).toContain('\nCall Trace:\n dump_stack+0x85/0xc0\n print_circular_bug.isra.41.cold.60+0x15c/0x195\n');
  });

  it('prints lock( for reader prev/next before the rlock( change (6.0)', () => {
    const f = abba();
    f.prev = { ...f.prev, read: 1 };
    f.next = { ...f.next, read: 1 };
    const out = renderFinding(f, oracleContext('6.0.0 #1'));
    expect(out).toContain('\n  lock(B);\n');
    expect(out).toContain('\n  lock(A);\n');
    expect(out).not.toContain('rlock(');
    expect(renderFinding(f, oracleContext('6.4.0 #1'))).toContain('\n  rlock(B);\n');
  });

  it('prints {4:4} wait types as given and outer-if-nonzero for rcu-like classes', () => {
    const f = abba();
    f.next = { ...f.next, cls: cls('rcu_read_lock', '....', '1:3') };
    f.next.cls.wait = { outer: 1, inner: 3 };
    expect(renderFinding(f, oracleContext('6.13.0 #1'))).toContain('\nffff888000a00000 (rcu_read_lock){....}-{1:3}, at: ');
  });
});

describe('safe -> unsafe: the printer of the first half', () => {
  const EDGE = frames('take_p_under_s+0x10/0x40 [mymod]\nkthread+0xb3/0xbb');
  const S = lock('ffff888000a03000', 'S', '-...', { wait: '2:2' });
  const P = lock('ffff888000a04000', 'P', '....', { wait: '2:2' });
  const U = lock('ffff888000a05000', 'U', '+.+.', { wait: '2:2' });
  const blk = (c: typeof S, depth: number, acquired?: Frame[], current = false): ClassBlockDesc => ({
    cls: c.cls,
    depth,
    ops: 1,
    usageTraces: [],
    keyAddr: 'ffffc90000017040',
    ...(acquired ? { acquiredAt: acquired } : {}),
    ...(current ? { acquiredAtCurrent: true } : {}),
  });
  /** S → P → U: S is two hops behind U, one behind prev P. */
  function finding(backwards: ClassBlockDesc[]): IrqSafeUnsafeFinding {
    return {
      ...base(task, STACK, { held: [P] }),
      kind: 'irq-safe-unsafe',
      stateWord: 'HARDIRQ',
      irqState: { hardirqContext: 0, hardirqCount: 0, softirqContext: 0, softirqCount: 0, hardirqsEnabled: 1, softirqsEnabled: 1 },
      next: U,
      prev: P,
      safe: S.cls,
      safeTrace: STACK,
      unsafe: U.cls,
      unsafeTrace: STACK,
      scenario: { safe: 'S', middle: 'P', unsafe: 'U' },
      backwards,
      forwards: [blk(U, 0, STACK, true)],
    };
  }
  /** What the validator hands over for the two printers. */
  const backwardsForm = [blk(S, 1), blk(P, 0, EDGE)];
  const forwardForm = [blk(S, 1, EDGE), blk(P, 0, STACK, true)];
  const half = (out: string) => {
    const lines = out.split('\n');
    const from = lines.findIndex((l) => l.startsWith('the dependencies between HARDIRQ-irq-safe'));
    const to = lines.indexOf('the dependencies between the lock to be acquired');
    return lines.slice(from + 1, to);
  };
  const BACKWARDS = [
    ' -> (S){-...}-{2:2} {',
    '  }',
    '  ... key      at: [<ffffc90000017040>] 0xffffc90000017040',
    '-> (P){....}-{2:2} {',
    ' }',
    ' ... key      at: [<ffffc90000017040>] 0xffffc90000017040',
    ' ... acquired at:',
    '   take_p_under_s+0x10/0x40 [mymod]',
    '   kthread+0xb3/0xbb',
    '',
    '',
  ];
  const FORWARD = [
    ' -> (S){-...}-{2:2} {',
    '  }',
    '  ... key      at: [<ffffc90000017040>] 0xffffc90000017040',
    '  ... acquired at:',
    '   take_p_under_s+0x10/0x40 [mymod]',
    '   kthread+0xb3/0xbb',
    '',
    '-> (P){....}-{2:2} {',
    ' }',
    ' ... key      at: [<ffffc90000017040>] 0xffffc90000017040',
    ' ... acquired at:',
    '   lock_acquire+0x109/0x22f',
    '   do_thing+0x10/0x80 [mymod]',
    '   kthread+0xb3/0xbb',
    '   ret_from_fork+0x1f/0x30',
    '',
    '',
  ];
  const ctx = (k: string) => oracleContext(k, { taint: 'Not tainted', profile: { ...oracleContext(k).profile, config: { ...oracleContext(k).profile.config, debugLockdep: false } } });

  it('uses print_shortest_lock_dependencies_backwards() from 5.14 on, whatever form it gets', () => {
    for (const k of ['5.14.0 #1', '6.1.192 #2', '6.12.0 #1']) {
      expect(half(renderFinding(finding(backwardsForm), ctx(k))), k).toEqual(BACKWARDS);
      expect(half(renderFinding(finding(forwardForm), ctx(k))), k).toEqual(BACKWARDS);
    }
  });

  it('uses the forward printer for both halves before 5.14 (the root block shows the current stack)', () => {
    for (const k of ['5.11.0-rc1 #1', '5.13.0 #1']) {
      expect(half(renderFinding(finding(backwardsForm), ctx(k))), k).toEqual(FORWARD);
      expect(half(renderFinding(finding(forwardForm), ctx(k))), k).toEqual(FORWARD);
    }
  });

  it('follows the stable backports (5.4.132, 5.10.50, 5.12.17, 5.13.2)', () => {
    const printer = (k: string) => (half(renderFinding(finding(backwardsForm), ctx(k)))[3] === '  ... acquired at:' ? 'forward' : 'backwards');
    expect(printer('4.19.121 #0')).toBe('forward');
    expect(['5.4.131', '5.4.132', '5.10.49', '5.10.50', '5.12.16', '5.12.17', '5.13.1', '5.13.2'].map((v) => printer(`${v} #1`))).toEqual([
      'forward',
      'backwards',
      'forward',
      'backwards',
      'forward',
      'backwards',
      'forward',
      'backwards',
    ]);
  });
});

describe('dump_stack() per architecture and era', () => {
  const rec: RecursiveFinding = { ...base(task, STACK, { held: [A] }), kind: 'recursive', next: A, prev: A };
  const trace = (kernel: string, extra: Partial<TextContext>) => {
    const out = renderFinding(rec, oracleContext(kernel, { taint: 'Not tainted', ...extra })).split('\n');
    return out.slice(out.indexOf('stack backtrace:') + 1, -1);
  };

  it('x86-64 (default): Call Trace: with <TASK> markers from 5.16', () => {
    expect(trace('6.1.192 #2', {})).toEqual([
      'CPU: 2 PID: 77 Comm: worker Not tainted 6.1.192 #2 ',
      'Call Trace:',
      ' <TASK>',
      ' dump_stack_lvl+0x6a/0x9b',
      ' __lock_acquire+0xd19/0x120f',
      ' lock_acquire+0x109/0x22f',
      ' do_thing+0x10/0x80 [mymod]',
      ' kthread+0xb3/0xbb',
      ' ret_from_fork+0x1f/0x30',
      ' </TASK>',
    ]);
  });

  it('prints the build text after the build tag (6.15+ preempt model, build IDs)', () => {
    const ctx = { buildInfo: 'PREEMPT(full)', hardware: 'QEMU' };
    expect(trace('6.15.0-rc7-dirty #2', ctx).slice(0, 2)).toEqual([
      'CPU: 2 UID: 0 PID: 77 Comm: worker Not tainted 6.15.0-rc7-dirty #2 PREEMPT(full)',
      'Hardware name: QEMU',
    ]);
    expect(kernelBuildInfo('6.15.0-rc7-dirty #2 PREEMPT(full)')).toBe('PREEMPT(full)');
    expect(kernelBuildInfo('5.10.136-syzkaller #0 8f0771607702f5ef7184d2ee33bd0acd70219fc4')).toBe('8f0771607702f5ef7184d2ee33bd0acd70219fc4');
    expect(kernelBuildInfo('6.1.192 #2')).toBeUndefined();
    expect(kernelBuildInfo('6.1.192')).toBeUndefined();
  });

  it('prints print_worker_info() for a task running a work item (corpus 076)', () => {
    const WQ = lock('ffff888000a06000', '(wq_completion)events', '+.+.', { wait: '0:0', at: 'process_one_work+0x12cd/0x1b30' });
    const stack = frames(`
      remove_vm_area+0x128/0x3f0
      bpf_prog_free_deferred+0x539/0x6f0
      process_one_work+0x958/0x1b30
      worker_thread+0x6c8/0xf00
      kthread+0x2c1/0x3a0
    `);
    const f: RecursiveFinding = { ...base(task, stack, { held: [WQ, A] }), kind: 'recursive', next: A, prev: A };
    const out = renderFinding(f, oracleContext('6.13.0 #1', { taint: 'Not tainted', hardware: 'QEMU' })).split('\n');
    expect(out.slice(out.indexOf('Hardware name: QEMU'), out.indexOf('Hardware name: QEMU') + 3)).toEqual([
      'Hardware name: QEMU',
      'Workqueue: events bpf_prog_free_deferred',
      'Call Trace:',
    ]);
    // Not a worker: no line.
    expect(renderFinding({ ...f, stack: STACK }, oracleContext('6.13.0 #1'))).not.toContain('Workqueue:');
  });

  it('arm64: Call trace:, no markers, the unwinder frames first', () => {
    expect(trace('5.10.2 #24', { arch: 'arm64' }).slice(0, 6)).toEqual([
      'CPU: 2 PID: 77 Comm: worker Not tainted 5.10.2 #24',
      'Call trace:',
      ' dump_backtrace+0x0/0x1e0',
      ' show_stack+0x18/0x24',
      ' dump_stack_lvl+0x6a/0x9b',
      ' __lock_acquire+0xd19/0x120f',
    ]);
    expect(trace('6.12.0 #1', { arch: 'arm64' })[2]).toBe(' show_stack+0x18/0x24');
    expect(trace('6.12.0 #1', { arch: 'arm64' })).not.toContain(' <TASK>');
  });

  it('arm: callee from caller lines, with addresses before 5.13 and a Call trace: line from 6.9', () => {
    const old = trace('5.10.2 #14', { arch: 'arm' });
    expect(old[1]).toMatch(/^\[<c0[0-9a-f]{6}>\] \(unwind_backtrace\) from \[<c0[0-9a-f]{6}>\] \(show_stack\+0x10\/0x14\)$/);
    expect(old[old.length - 1]).toMatch(/^\[<c0[0-9a-f]{6}>\] \(kthread\) from \[<c0[0-9a-f]{6}>\] \(ret_from_fork\+0x1f\/0x30\)$/);
    expect(old[5]).toMatch(/\(lock_acquire\) from \[<bf[0-9a-f]{6}>\] \(do_thing\+0x10\/0x80 \[mymod\]\)$/);
    expect(trace('6.1.0 #1', { arch: 'arm' }).slice(0, 3)).toEqual([
      'CPU: 2 PID: 77 Comm: worker Not tainted 6.1.0 #1 ',
      ' unwind_backtrace from show_stack+0x10/0x14',
      ' show_stack from dump_stack_lvl+0x6a/0x9b',
    ]);
    expect(trace('6.12.0 #1', { arch: 'arm' })[1]).toBe('Call trace: ');
  });

  it('s390: Call Trace: with [<addr>] frames, the first in parentheses before 5.2', () => {
    const modern = trace('6.1.0 #1', { arch: 's390' });
    expect(modern[1]).toBe('Call Trace:');
    expect(modern[2]).toMatch(/^ \[<0000000000[0-9a-f]{6}>\] dump_stack_lvl\+0x6a\/0x9b$/);
    const old = trace('4.19.0 #1', { arch: 's390' });
    expect(old[2]).toMatch(/^\(\[<0000000000[0-9a-f]{6}>\] show_stack\+0x8a\/0xd0\)$/);
  });

  it('s390 before 3.10: its own CPU line, the Process line and raw stack words (corpus 016)', () => {
    const out = trace('3.3.0-rc2 #8', { arch: 's390' });
    expect(out[0]).toBe('CPU: 2 Not tainted 3.3.0-rc2 #8');
    expect(out[1]).toMatch(/^Process worker \(pid: 77, task: [0-9a-f]{16}, ksp: [0-9a-f]{16}\)$/);
    expect(out[2]).toMatch(/^([0-9a-f]{16} ){4}$/);
    expect(out[3]).toMatch(/^ {7}([0-9a-f]{16} ){4}$/);
    expect(out[7]).toBe('Call Trace:');
    expect(out[8]).toMatch(/^\(\[<[0-9a-f]{16}>\] show_trace\+0xee\/0x144\)$/);
    expect(out[9]).toMatch(/^ \[<[0-9a-f]{16}>\] dump_stack\+0x85\/0xc0$/);
  });

  it('ppc64: [sp] [ip] frames, the first one unreliable', () => {
    const out = trace('5.14.10 #1', { arch: 'ppc64' });
    expect(out[1]).toBe('Call Trace:');
    expect(out[2]).toMatch(/^\[c[0-9a-f]{15}\] \[c000000000[0-9a-f]{6}\] dump_stack_lvl\+0x6a\/0x9b \(unreliable\)$/);
    expect(out[5]).toMatch(/^\[c[0-9a-f]{15}\] \[c008000000[0-9a-f]{6}\] do_thing\+0x10\/0x80 \[mymod\]$/);
  });

  it('x86 before 4.15: [<addr>] frames; before 3.10: the Pid: line', () => {
    const out = trace('3.5.0-rc1+ #50', {});
    expect(out[0]).toBe('Pid: 77, comm: worker Not tainted 3.5.0-rc1+ #50');
    expect(out[1]).toBe('Call Trace:');
    expect(out[2]).toMatch(/^ \[<ffffffff81[0-9a-f]{6}>\] dump_stack\+0x85\/0xc0$/);
  });
});

describe('kernel frame overrides', () => {
  it('replaces the #0 prefix and derives the usage prefix from it', () => {
    const ctx = oracleContext('6.1.192 #2', {
      kernelFrames: { lock_acquire: frames('__lock_acquire+0x1/0x2\nlock_acquire+0x3/0x4') },
    });
    const out = renderFinding(abba(), ctx);
    expect(out).toContain('\n-> #0 (A){+.+.}-{3:3}:\n       __lock_acquire+0x1/0x2\n       lock_acquire+0x3/0x4\n');
  });

  it('prints a class key as the symbol given for it (key:<class>), else as its address', () => {
    const S = lock('ffff888000a03000', 'S', '-...', { wait: '2:2' });
    const f: IrqInversionFinding = {
      ...base(task, STACK, { context: 'hardirq' }),
      kind: 'irq-inversion',
      lock: S,
      forwards: true,
      stateWord: 'HARDIRQ',
      other: cls('U', '+.+.', '2:2'),
      scenario: { safe: 'S', middle: 'U', unsafe: 'U' },
      path: [{ cls: S.cls, depth: 0, ops: 1, usageTraces: [], keyAddr: 'ffffffff85b8e600', acquiredAt: STACK, acquiredAtCurrent: true }],
    };
    expect(renderFinding(f, oracleContext())).toContain('\n ... key      at: [<ffffffff85b8e600>] 0xffffffff85b8e600\n');
    const ctx = oracleContext('6.1.192 #2', { kernelFrames: { 'key:S': frames('__key.49807+0x0/0x40') } });
    expect(renderFinding(f, ctx)).toContain('\n ... key      at: [<ffffffff85b8e600>] __key.49807+0x0/0x40\n');
  });

  it('replaces the report-path frames of a kind', () => {
    const ctx = oracleContext('6.1.192 #2', { kernelFrames: { recursive: frames('dump_stack+0x1/0x2') } });
    const f: RecursiveFinding = { ...base(task, STACK, { held: [A] }), kind: 'recursive', next: A, prev: A };
    expect(renderFinding(f, ctx)).toContain('\nCall Trace:\n <TASK>\n dump_stack+0x1/0x2\n do_thing+0x10/0x80 [mymod]\n');
  });
});

describe('irq contexts and scenarios', () => {
  it('keeps a softirq report without an interrupt entry frame in <TASK>', () => {
    const f: RecursiveFinding = {
      ...base(task, STACK, { held: [A], context: 'softirq' }),
      kind: 'recursive',
      next: A,
      prev: A,
    };
    expect(renderFinding(f, oracleContext())).toContain('\nCall Trace:\n <TASK>\n dump_stack_lvl+0x6a/0x9b\n');
  });

  it('prints the backward inversion line and "Chain exists of:" when the middle lock is not the unsafe one', () => {
    const f: IrqInversionFinding = {
      ...base(task, STACK, { context: 'process' }),
      kind: 'irq-inversion',
      lock: lock('ffff888000a02000', 'U', '+.+.', { wait: '2:2' }),
      forwards: false,
      stateWord: 'SOFTIRQ',
      other: cls('S', '..-.', '2:2'),
      scenario: { safe: 'S', middle: 'M', unsafe: 'U' },
      path: [],
    };
    const out = renderFinding(f, oracleContext()).split('\n');
    const i = out.indexOf('other info that might help us debug this:');
    expect(out.slice(i - 7, i + 5)).toEqual([
      'but this lock was taken by another, SOFTIRQ-safe lock in the past:',
      ' (S){..-.}-{2:2}',
      '',
      '',
      'and interrupts could create inverse lock ordering between them.',
      '',
      '',
      'other info that might help us debug this:',
      'Chain exists of:',
      '  S --> M --> U',
      '',
      ' Possible interrupt unsafe locking scenario:',
    ]);
    // ENABLED bit set in a task: mark_lock() call site of HARDIRQ-ON-W style bits.
    expect(out).toContain(' __lock_acquire+0x5c7/0x120f');
  });
});

describe('every kind', () => {
  const all: Finding[] = [
    abba(),
    { ...base(task, STACK, { held: [A] }), kind: 'recursive', next: A, prev: A },
    { ...base(task, STACK), kind: 'bad-unlock', mapName: 'A', ip: fr('do_thing+0x20/0x80 [mymod]') },
    { ...base(task, STACK, { held: [A] }), kind: 'wait-context', next: B, contextWait: 4 },
    { ...base(task, STACK, { held: [A] }), kind: 'held-lock-freed', from: 'ffff888000a00000', to: 'ffff888000a00fff', lock: A },
    { ...base(task, STACK, { held: [A] }), kind: 'lock-held-user' },
    { ...base(task, STACK), kind: 'nested-not-taken', next: B, nestName: 'N' },
  ];

  it('starts each report with the empty record and ends it with a newline', () => {
    for (const f of all) {
      const out = renderFinding(f, oracleContext());
      expect(out.startsWith('\n=')).toBe(true);
      expect(out.endsWith('\n')).toBe(true);
      expect(out.endsWith('\n\n')).toBe(false);
    }
  });

  it('concatenates reports in order', () => {
    const ctx = oracleContext();
    expect(renderFindings(all, ctx)).toBe(all.map((f) => renderFinding(f, ctx)).join(''));
  });

  it('uses a deterministic made-up address for print_ip_sym() without ipAddresses', () => {
    const out = renderFinding(all[2]!, oracleContext());
    expect(out).toMatch(/\n\[<ffffffffa0[0-9a-f]{6}>\] do_thing\+0x20\/0x80 \[mymod\]\n/);
    expect(renderFinding(all[2]!, oracleContext())).toBe(out);
  });
});
