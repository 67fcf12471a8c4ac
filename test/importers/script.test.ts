/**
 * parseCaseScript(): every oracle case script parses; statements map to the steps the replay module
 * performs (including its implicit tasks, auto-releases, re-enables and skipped blocks); the frames are
 * the ones the oracle kernel printed; malformed scripts fail with a positioned `script-syntax` issue.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { LockdepSimError } from '../../src/diag/error.js';
import { formatFrame } from '../../src/model/frame.js';
import type { Scenario, Step } from '../../src/model/scenario.js';
import { parseCaseScript } from '../../src/importers/script.js';
import { probesDir, sharedOracle } from '../oracle/paths.js';

const replayDir = path.join(sharedOracle, 'replay');

const load = (name: string, dir = replayDir) => readFileSync(path.join(dir, `${name}.script`), 'utf8');
const parseCase = (name: string, opts = {}) => parseCaseScript(load(name), `${name}.script`, opts);

/** A step as a short string: `acquire B@1 r0 nest=N@0 :7`, `irq-enter hardirq :6`, ... */
function brief(s: Step): string {
  const ref = 'ref' in s ? ` ${s.ref.lock}${s.ref.instance ? `@${s.ref.instance}` : ''}` : '';
  let extra = '';
  if (s.op === 'acquire') {
    extra = ` r${s.read}${s.trylock ? ' try' : ''}${s.subclass ? ` sub=${s.subclass}` : ''}${s.check ? '' : ' nocheck'}`;
    if (s.nest) extra += ` nest=${s.nest.lock}@${s.nest.instance}`;
  }
  if (s.op === 'setsub') extra = ` ${s.subclass}`;
  if (s.op === 'irq-enter') extra = ` ${s.context}`;
  const auto = s.path ? ' (auto)' : '';
  return `${s.op}${ref}${extra}${auto} :${s.span.line}`;
}

const steps = (sc: Scenario, task: number) => sc.tasks[task]!.steps.map(brief);

function syntaxError(text: string): { message: string; line: number; col: number; hint?: string } {
  try {
    parseCaseScript(text, 't.script');
  } catch (e) {
    expect(e).toBeInstanceOf(LockdepSimError);
    const issue = (e as LockdepSimError).issues[0];
    expect(issue.code).toBe('script-syntax');
    expect(issue.span?.file).toBe('t.script');
    const r: { message: string; line: number; col: number; hint?: string } = {
      message: issue.message,
      line: issue.span!.line,
      col: issue.span!.col,
    };
    if (issue.hint) r.hint = issue.hint;
    return r;
  }
  throw new Error('expected a script-syntax error');
}

describe('parseCaseScript on the oracle cases', () => {
  const names = readdirSync(replayDir)
    .filter((f) => f.endsWith('.script'))
    .map((f) => f.slice(0, -'.script'.length));

  test.each(names)('%s parses', (name) => {
    const sc = parseCase(name);
    expect(sc.kernel).toBe('6.1.192 #2');
    expect(sc.taint).toBe('Tainted: G           O      ');
    expect(sc.config).toEqual({ debugLockdep: true, lockStat: true, proveRawLockNesting: false });
    expect(sc.tasks.length).toBeGreaterThan(0);
    sc.tasks.forEach((t, i) => expect(t.pid).toBe(38 + i));
    for (const t of sc.tasks) for (const s of t.steps) expect(s.stack.length).toBeGreaterThan(0);
    // The kernel's version line carries the same taint text.
    const dmesg = readFileSync(path.join(replayDir, `${name}.dmesg`), 'utf8');
    if (dmesg) expect(dmesg).toContain(` ${sc.taint}`);
  });

  test('023: classes in first-use order, one task per `task`, spans on every step', () => {
    const sc = parseCase('023-hold3-cycle-through-bottom');
    expect(sc.classes.map((c) => [c.id, c.kind, c.span.line, c.span.col])).toEqual([
      ['A', 'mutex', 3, 9],
      ['B', 'mutex', 4, 9],
      ['C', 'mutex', 10, 9],
      ['D', 'mutex', 11, 9],
    ]);
    expect(sc.tasks.map((t) => [t.name, t.pid, t.cpu, t.span.line])).toEqual([
      ['T1', 38, 1, 2],
      ['T2', 39, 1, 8],
    ]);
    expect(steps(sc, 0)).toEqual(['acquire A r0 :3', 'acquire B r0 :4', 'release B :5', 'release A :6']);
    expect(steps(sc, 1)).toEqual([
      'acquire B r0 :9',
      'acquire C r0 :10',
      'acquire D r0 :11',
      'acquire A r0 :12',
      'release A :13',
      'release D :14',
      'release C :15',
      'release B :16',
    ]);
    const a = sc.tasks[1]!.steps[3]!;
    expect(a.op === 'acquire' && a.qrwlockRead).toBeFalsy();
    expect(a.op === 'acquire' && formatFrame(a.ip)).toBe('rp_task_fn+0x9c/0x217 [lockdep_replay]');
    expect(a.stack.map(formatFrame)).toEqual([
      'rp_task_fn+0xa2/0x217 [lockdep_replay]',
      'kthread+0xb3/0xbb',
      'ret_from_fork+0x1f/0x30',
    ]);
    const r = sc.tasks[1]!.steps[4]!;
    expect(r.op === 'release' && formatFrame(r.ip)).toBe('rp_task_fn+0x56/0x217 [lockdep_replay]');
  });

  test('read, recursive, try and sub= map to lock_acquire arguments', () => {
    expect(steps(parseCase('012-abba-RR-RR'), 1)).toEqual(['acquire B r1 :9', 'acquire A r1 :10', 'release A :11', 'release B :12']);
    expect(steps(parseCase('005-aa-recursive-recursive'), 0).slice(0, 2)).toEqual(['acquire A r2 :3', 'acquire A r2 :4']);
    expect(steps(parseCase('021-trylock-abba-try-closes'), 1)[1]).toBe('acquire A r0 try :10');
    expect(steps(parseCase('010-aa-subclass'), 0).slice(0, 2)).toEqual(['acquire A r0 :3', 'acquire A r0 sub=1 :4']);
    expect(steps(parseCase('033-memory-hotremove-seed'), 1)[0]).toBe('acquire kn->count r1 try :11');
  });

  test('046: instances and nest=', () => {
    const sc = parseCase('046-nest-lock-many-same-class');
    expect(sc.classes.map((c) => c.id)).toEqual(['N', 'B']);
    expect(steps(sc, 0)).toEqual([
      'acquire N r0 :6',
      'acquire B r0 nest=N@0 :7',
      'acquire B@1 r0 nest=N@0 :8',
      'acquire B@2 r0 nest=N@0 :9',
      'acquire B@3 r0 nest=N@0 :10',
      'release B@3 :11',
      'release B@2 :12',
      'release B@1 :13',
      'release B :14',
      'release N :15',
    ]);
  });

  test('037: class kinds, hardirq blocks and their frames, irqoff/irqon', () => {
    const sc = parseCase('037-hardirq-safe-to-unsafe');
    expect(sc.classes.map((c) => [c.id, c.kind])).toEqual([
      ['H', 'spinlock'],
      ['U', 'spinlock'],
    ]);
    expect(steps(sc, 0)).toEqual(['irq-enter hardirq :7', 'acquire H r0 :8', 'release H :9', 'irq-exit :10']);
    expect(steps(sc, 2)).toEqual([
      'irqoff :17',
      'acquire H r0 :18',
      'acquire U r0 :19',
      'release U :20',
      'release H :21',
      'irqon :22',
    ]);
    // As the kernel printed "... which became HARDIRQ-irq-safe at:" (without lock_acquire).
    const dmesg = readFileSync(path.join(replayDir, '037-hardirq-safe-to-unsafe.dmesg'), 'utf8');
    const inIrq = sc.tasks[0]!.steps[1]!;
    expect(inIrq.op === 'acquire' && formatFrame(inIrq.ip)).toBe('rp_exec_lockop+0x74/0x186 [lockdep_replay]');
    const printed = dmesg
      .split('\n')
      .map((l) => l.replace(/^\[[^\]]*\]\s*/, ''))
      .join('\n');
    expect(printed).toContain(['lock_acquire+0x109/0x22f', ...inIrq.stack.map(formatFrame)].join('\n'));
  });

  test('038: softirq blocks run on the softirq frames; bhoff/bhon', () => {
    const sc = parseCase('038-softirq-safe-to-unsafe');
    expect(steps(sc, 0)).toEqual(['irq-enter softirq :7', 'acquire S r0 :8', 'release S :9', 'irq-exit :10']);
    expect(sc.tasks[0]!.steps[1]!.stack.map((f) => f.symbol).slice(0, 3)).toEqual([
      'rp_exec_lockop',
      'rp_block_body',
      'tasklet_action_common.constprop.0',
    ]);
    expect(steps(sc, 2)[0]).toBe('bhoff :17');
    expect(steps(sc, 2).at(-1)).toBe('bhon :22');
  });

  test('044: free', () => {
    const sc = parseCase('044-held-lock-freed');
    // after the free, the module allocates a fresh map: GFP_KERNEL takes and drops fs_reclaim (probe p39)
    expect(steps(sc, 0)).toEqual(['acquire L r0 :5', 'free L :6', 'acquire __fs_reclaim_map r0 :6', 'release __fs_reclaim_map :6', 'release L :7']);
    expect(sc.classes.find((c) => c.id === '__fs_reclaim_map')).toMatchObject({ name: 'fs_reclaim', kind: 'lockdep_map' });
    // As the kernel printed below debug_check_no_locks_freed().
    expect(sc.tasks[0]!.steps[1]!.stack.map(formatFrame)).toEqual([
      'free_unref_page_prepare+0x176/0x1d1',
      'free_unref_page+0x49/0x120',
      'rp_task_fn+0xc7/0x5c0 [lockdep_replay]',
      'kthread+0xb3/0xbb',
      'ret_from_fork+0x1f/0x30',
    ]);
  });

  test('074: setsub', () => {
    expect(steps(parseCase('074-setsub-then-same-class'), 0)).toEqual([
      'acquire A r0 :5',
      'setsub A 1 :6',
      'acquire A@1 r0 :7',
      'release A@1 :8',
      'release A :9',
    ]);
  });

  test('068: downgrade', () => {
    const sc = parseCase('068-downgrade-breaks-cycle');
    expect(sc.classes.map((c) => [c.id, c.kind])).toEqual([
      ['A', 'rw_semaphore'],
      ['B', 'rw_semaphore'],
    ]);
    expect(steps(sc, 0)).toEqual(['acquire A r0 :7', 'downgrade A :8', 'acquire B r0 :9', 'release B :10', 'release A :11']);
    expect(steps(sc, 1)[1]).toBe('acquire A r2 :15');
  });

  test('locks still held at the end of a task are released in reverse order', () => {
    expect(steps(parseCase('004-aa-write'), 0)).toEqual(['acquire A r0 :3', 'acquire A r0 :4', 'release A (auto) :5', 'release A (auto) :5']);
    expect(steps(parseCase('027-release-out-of-order'), 1)).toEqual([
      'acquire A r0 :9',
      'acquire B r0 :10',
      'release B (auto) :11',
      'release A (auto) :11',
    ]);
  });

  test('6.12: kernel version, pids and the 6.12 build frames', () => {
    const sc = parseCase('001-abba-2tasks', { kernel: '6.12.117' });
    expect(sc.kernel).toBe('6.12.117 #2');
    expect(sc.tasks.map((t) => [t.pid, t.cpu])).toEqual([
      [43, 0],
      [44, 0],
    ]);
    const a = sc.tasks[1]!.steps[0]!;
    expect(a.op === 'acquire' && formatFrame(a.ip)).toBe('rp_exec_lockop+0x74/0x186 [lockdep_replay]');
    expect(a.stack.map(formatFrame)).toEqual([
      'rp_exec_lockop+0xa7/0x186 [lockdep_replay]',
      'rp_task_fn+0x9c/0x5b2 [lockdep_replay]',
      'kthread+0xd0/0xd8',
      'ret_from_fork+0x1c/0x2e',
      'ret_from_fork_asm+0x11/0x20',
    ]);
    expect(parseCaseScript('acquire A\n', 'x', { kernel: '6.1.192 #7' }).kernel).toBe('6.1.192 #7');
  });

  test("moduleBuild 'current' gives the kit's rp_exec_lockop frames on 6.1", () => {
    const sc = parseCase('001-abba-2tasks', { moduleBuild: 'current' });
    const a = sc.tasks[0]!.steps[0]!;
    expect(a.op === 'acquire' && formatFrame(a.ip)).toBe('rp_exec_lockop+0x74/0x186 [lockdep_replay]');
    expect(a.stack.map(formatFrame).slice(0, 2)).toEqual([
      'rp_exec_lockop+0xa7/0x186 [lockdep_replay]',
      'rp_task_fn+0xa9/0x5c0 [lockdep_replay]',
    ]);
  });
});

describe('parseCaseScript: what the module does besides the statements', () => {
  test('steps outside a task start implicit tasks T<n>, numbered by task count', () => {
    const sc = parseCaseScript('acquire A\nend\ntask X\nrelease A\nend\nacquire B\n', 't.script');
    expect(sc.tasks.map((t) => [t.name, t.pid, t.span.line])).toEqual([
      ['T1', 38, 1],
      ['X', 39, 3],
      ['T3', 40, 6],
    ]);
    // No `end` for T3: its auto-release carries the span of its last statement.
    expect(steps(sc, 2)).toEqual(['acquire B r0 :6', 'release B (auto) :6']);
  });

  test('task names are truncated to 15 characters (TASK_COMM_LEN)', () => {
    expect(parseCaseScript('task a_very_long_task_name\n', 't').tasks[0]!.name).toBe('a_very_long_tas');
  });

  test('comments start at the line start or after a blank; class types and redeclaration', () => {
    const sc = parseCaseScript(
      '# header\nclass sb_writers#6 rwsem # the kernel name\nclass R raw_spin\nclass X inv\nclass R spin\nacquire sb_writers#6 read\n',
      't',
    );
    expect(sc.classes.map((c) => [c.id, c.kind])).toEqual([
      ['sb_writers#6', 'rw_semaphore'],
      ['R', 'spinlock'],
      ['X', 'lockdep_map'],
    ]);
    expect(steps(sc, 0)).toEqual(['acquire sb_writers#6 r1 :6', 'release sb_writers#6 (auto) :6']);
    expect(syntaxError('acquire A read#x\n')).toMatchObject({ line: 1, col: 11, message: "unknown acquire option 'read#x'" });
  });

  test('locks still held at endirq are released there, before irq-exit', () => {
    const sc = parseCaseScript(
      'class N mutex\nclass B spin\ntask T1\nacquire N\nhardirq\nacquire B@0 nest=N\nacquire B@1 nest=N\nrelease B@0\nrelease B@0\nendirq\nend\n',
      't',
    );
    expect(steps(sc, 0)).toEqual([
      'acquire N r0 :4',
      'irq-enter hardirq :5',
      'acquire B r0 nest=N@0 :6',
      'acquire B@1 r0 nest=N@0 :7',
      'release B :8',
      'release B :9',
      'release B@1 (auto) :10',
      'irq-exit :10',
      'release N (auto) :11',
    ]);
    const auto = sc.tasks[0]!.steps[6]!;
    expect(auto.op === 'release' && formatFrame(auto.ip)).toBe('rp_release_all+0x15/0x5a [lockdep_replay]');
    expect(auto.stack.map(formatFrame).slice(0, 3)).toEqual([
      'rp_release_all+0x50/0x5a [lockdep_replay]',
      'rp_block_body+0x9f/0xbb [lockdep_replay]',
      'irq_work_single+0x25/0x76',
    ]);
  });

  test('irqs and bh left disabled are re-enabled at the end of the task; unmatched bhon is a no-op', () => {
    const sc = parseCaseScript('task T\nbhon\nacquire A\nirqoff\nbhoff\nbhoff\nend\n', 't');
    expect(steps(sc, 0)).toEqual([
      'acquire A r0 :3',
      'irqoff :4',
      'bhoff :5',
      'bhoff :6',
      'release A (auto) :7',
      'irqon (auto) :7',
      'bhon (auto) :7',
      'bhon (auto) :7',
    ]);
  });

  test('blocks the module skips (irqs off; softirq with bh off) produce no steps', () => {
    const sc = parseCaseScript(load('p11-bhoff-in-task-then-softirq-skipped', probesDir), 't');
    expect(steps(sc, 0)).toEqual(['bhoff :5', 'bhon :10', 'irqoff :11', 'irqon :16']);
    expect(sc.classes.map((c) => c.id)).toEqual(['S']);
  });

  test('the module keeps at most 48 locks on its own list (RP_MAX_HELD)', () => {
    const text = Array.from({ length: 50 }, (_, i) => `acquire L${i}`).join('\n');
    const auto = parseCaseScript(text, 't').tasks[0]!.steps.filter((s) => s.path);
    expect(auto.length).toBe(48);
    expect(auto[0]!.op === 'release' && auto[0]!.ref.lock).toBe('L47');
  });
});

describe('frames are the ones the oracle kernel printed', () => {
  /** The `[<addr>] sym` line after "is trying to release lock (X) at:" of a bad-unlock probe. */
  function releaseIp(probe: string): string {
    const text = readFileSync(path.join(probesDir, `${probe}.dmesg`), 'utf8');
    return /is trying to release lock \(\S+\) at:\n\[[^\]]*\]\s*\[<[0-9a-f]+>\] (.*)\n/.exec(text)![1]!;
  }
  /** The probes ran on the kit's current module build. */
  const stepIp = (probe: string, task: number, index: number): string => {
    const s = parseCaseScript(load(probe, probesDir), probe, { moduleBuild: 'current' }).tasks[task]!.steps[index]!;
    return 'ip' in s ? formatFrame(s.ip) : '';
  };

  test('release, downgrade, setsub and both auto-releases', () => {
    expect(releaseIp('p03-release-not-held')).toBe(stepIp('p03-release-not-held', 0, 0));
    expect(releaseIp('p01-downgrade-not-held')).toBe(stepIp('p01-downgrade-not-held', 0, 1));
    expect(releaseIp('p02-setsub-not-held')).toBe(stepIp('p02-setsub-not-held', 0, 1));
    // p05: acquire A, irq-enter, release A, irq-exit, auto-release A
    expect(releaseIp('p05-end-autorelease')).toBe(stepIp('p05-end-autorelease', 0, 4));
    // p06: acquire N, irq-enter, 2 acquires, 2 releases, auto-release B@1
    expect(releaseIp('p06-endirq-autorelease')).toBe(stepIp('p06-endirq-autorelease', 0, 6));
  });

  test('irqoff, irqon, bhoff and bhon ips as print_irqtrace_events() showed them', () => {
    const p10 = readFileSync(path.join(probesDir, 'p10-irqoff-irqon-ips.dmesg'), 'utf8');
    expect(p10).toContain(`hardirqs last disabled at (22): [<ffffffffa0000eb6>] ${stepIp('p10-irqoff-irqon-ips', 1, 0)}`);
    expect(p10).toContain(`hardirqs last  enabled at (23): [<ffffffffa0000ec0>] ${stepIp('p10-irqoff-irqon-ips', 1, 1)}`);
    const p04 = readFileSync(path.join(probesDir, 'p04-irq-ips.dmesg'), 'utf8');
    expect(p04).toContain(`softirqs last disabled at (24): [<ffffffffa0000ed5>] ${stepIp('p04-irq-ips', 1, 2)}`);
    expect(p04).toContain(`softirqs last  enabled at (26): [<ffffffffa0000dbd>] ${stepIp('p04-irq-ips', 1, 3)}`);
  });
});

describe('parseCaseScript errors carry a position and a hint', () => {
  test.each([
    ['frob A\n', 1, 1, "unknown statement 'frob'"],
    ['task T\n  acquire A bogus\n', 2, 13, "unknown acquire option 'bogus'"],
    ['acquire A sub=8\n', 1, 15, "bad subclass '8'"],
    ['acquire A sub=x\n', 1, 15, "bad subclass 'x'"],
    ['acquire A@16\n', 1, 11, "bad instance '16' in 'A@16'"],
    ['acquire A nest=N@x\n', 1, 18, "bad instance 'x' in 'N@x'"],
    ['acquire\n', 1, 8, 'acquire: missing LOCK'],
    ['release A B\n', 1, 11, "unexpected 'B'"],
    ['setsub A\n', 1, 9, 'setsub: missing subclass'],
    ['setsub A 9\n', 1, 10, "bad subclass '9'"],
    ['class\n', 1, 6, 'class: missing NAME'],
    ['class A spinny\n', 1, 9, "unknown class type 'spinny'"],
    ['irqoff now\n', 1, 8, "unexpected 'now'"],
    ['endirq\n', 1, 1, "'endirq' without 'hardirq' or 'softirq'"],
    ['task T\nhardirq\nacquire A\n', 2, 1, 'hardirq/softirq block not closed by endirq'],
    ['hardirq\nhardirq\n', 2, 1, "'hardirq' inside a hardirq/softirq block (opened at line 1)"],
    ['softirq\nfree A\nendirq\n', 2, 1, "'free' inside a hardirq/softirq block (opened at line 1)"],
    ['softirq\nirqoff\nendirq\n', 2, 1, "'irqoff' inside a hardirq/softirq block (opened at line 1)"],
    ['hardirq\ntask T2\n', 2, 1, "'task' inside a hardirq/softirq block (opened at line 1)"],
    ['hardirq\nend\n', 2, 1, "'end' inside a hardirq/softirq block (opened at line 1)"],
    ['acquire A read try sub=1 nocheck write read try sub=2 nocheck\n', 1, 55, 'too many words (the module reads at most 10 per line)'],
  ])('%j', (text, line, col, message) => {
    const e = syntaxError(text);
    expect(e).toMatchObject({ line, col, message });
    expect(e.hint).toBeTruthy();
  });

  test('limits of the module', () => {
    const tasks = Array.from({ length: 65 }, (_, i) => `task T${i}`).join('\n');
    expect(syntaxError(tasks)).toMatchObject({ line: 65, message: 'too many tasks (the module allows 64)' });
    const ops = Array.from({ length: 257 }, () => 'irqon').join('\n');
    expect(syntaxError(ops)).toMatchObject({ line: 257, message: 'too many statements in task T1 (the module allows 256)' });
    expect(syntaxError(`acquire ${'x'.repeat(64)}`)).toMatchObject({ line: 1, col: 9 });
  });
});
