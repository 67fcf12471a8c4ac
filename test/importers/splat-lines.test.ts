/**
 * The tolerant line reader of `import splat` (src/importers/splat/lines.ts) and the report reader
 * on top of it: log prefixes of every kind come off, wrapped lines are joined again, foreign
 * printk callers are dropped, and the lock lines come out the same however the report was pasted.
 */
import { describe, expect, it } from 'vitest';
import { formatFrame } from '../../src/model/frame.js';
import { parseSplat, readLogLines, stripPrefixes } from '../../src/importers/splat/index.js';
import { parseFrameLine } from '../../src/importers/splat/frames.js';

const texts = (s: string) => readLogLines(s).map((l) => l.text);

/** A small circular report, printed as the kernel prints it (no prefixes). */
const REPORT = [
  '======================================================',
  'WARNING: possible circular locking dependency detected',
  '6.1.0 #1 Not tainted',
  '------------------------------------------------------',
  'kworker/u16:3/8175 is trying to acquire lock:',
  'ffff8882f19556a0 (&b->lock){+.+.}-{3:3}, at: b_fn+0x37/0x550',
  '',
  'but task is already holding lock:',
  'ffffc900087c7e68 (&a->lock){+.+.}-{3:3}, at: a_fn+0x23/0x620',
  '',
  'which lock already depends on the new lock.',
  '',
  '',
  'the existing dependency chain (in reverse order) is:',
  '',
  '-> #1 (&a->lock){+.+.}-{3:3}:',
  '       __mutex_lock+0x93/0x9c0',
  '       a_path+0x10/0x20',
  '',
  '-> #0 (&b->lock){+.+.}-{3:3}:',
  '       __lock_acquire+0x11f9/0x1aa0',
  '       lock_acquire+0x9e/0x380',
  '       __mutex_lock+0x93/0x9c0',
  '       b_fn+0x37/0x550',
  '',
  'other info that might help us debug this:',
  '',
  '1 lock held by kworker/u16:3/8175:',
  ' #0: ffffc900087c7e68 (&a->lock){+.+.}-{3:3}, at: a_fn+0x23/0x620',
  '',
  'stack backtrace:',
];

function summary(text: string) {
  const r = parseSplat(readLogLines(text), 'x');
  return {
    kind: r.kind,
    task: r.task && `${r.task.comm}/${r.task.pid}`,
    next: r.next && `${r.next.cls.printed} ${r.next.at ? formatFrame(r.next.at) : ''}`,
    prev: r.prev && `${r.prev.cls.printed} ${r.prev.at ? formatFrame(r.prev.at) : ''}`,
    chain: r.chain.map((e) => `${e.index} ${e.cls.printed} ${e.trace.frames.map(formatFrame).join(',')}`),
    held: r.held?.map((h) => `${h.cls.printed} ${h.at ? formatFrame(h.at) : ''}`),
  };
}

describe('stripPrefixes', () => {
  it.each([
    ['[  254.403407] text', 'text'],
    ['[ +0.004886] text', 'text'],
    ['[17179587.988810] text', 'text'],
    ['[  492.198014][T24950] text', 'text'],
    ['[ 2718.379077][ T3699] text', 'text'],
    ['[    0.000000][    C0] text', 'text'],
    ['<4>[   13.815380] text', 'text'],
    ['> text', 'text'],
    ['>> text', 'text'],
    ['> >> text', 'text'],
    [' > text', 'text'],
    ['> [17179587.988810] text', 'text'],
    ['Jan  3 10:00:01 host kernel: [  254.4] text', 'text'],
    ['kern  :warn  : [  254.403407] text', 'text'],
    ['2024-01-03T10:00:01.123456+00:00 host kernel: text', 'text'],
    ['[Jun10 10:00] text', 'text'],
  ])('%j → %j', (raw, text) => {
    expect(stripPrefixes(raw).text).toBe(text);
  });

  it('keeps the caller id and the quote depth', () => {
    expect(stripPrefixes('[  492.198014][T24950] x')).toMatchObject({ caller: 'T24950', stamped: true, quote: 0 });
    expect(stripPrefixes('> >> x')).toMatchObject({ quote: 3, stamped: false });
  });

  it('leaves report text alone', () => {
    for (const line of REPORT) expect(stripPrefixes(line).text).toBe(line);
  });
});

describe('readLogLines', () => {
  it('joins a quoted line the mailer wrapped (the continuation lost its "> ")', () => {
    const t = texts(' > ffff88801ed2ecf8 (team->team_lock_key#2){+.+.}-{3:3}, at: \nteam_del_slave+0x31/0x1c0 drivers/net/team/team.c:1998\n > next line');
    expect(t[0]).toBe('ffff88801ed2ecf8 (team->team_lock_key#2){+.+.}-{3:3}, at: team_del_slave+0x31/0x1c0 drivers/net/team/team.c:1998');
    expect(t[1]).toBe('next line');
  });

  it('joins a timestamped line wrapped by the mailer', () => {
    const t = texts('<4>[    8.197440] 6.19.0-rc1 #1 Not \ntainted\n<4>[    8.197444] ----');
    expect(t).toEqual(['6.19.0-rc1 #1 Not tainted', '----']);
  });

  it('keeps an indented printk continuation line apart', () => {
    const t = texts('[12453.456896]\n               but task is already holding lock:\n[12453.456938] ffff (A){....}-{2:2}, at: f+0x1/0x2');
    expect(t.map((x) => x.trim())).toEqual(['', 'but task is already holding lock:', 'ffff (A){....}-{2:2}, at: f+0x1/0x2']);
  });

  it('completes a lock line cut after `at:` or inside the class name, without prefixes', () => {
    const t = texts(
      '  #0: ffff80000a5f39e0 ((&ndev->rs_timer)){+.-.}-{0:0}, at: \ncall_timer_fn+0x0/0x3b0\n  #4: ffff0000246cd258 (dev->qdisc_tx_busylock ?: \n&qdisc_tx_busylock){+...}-{2:2}, at: __dev_queue_xmit+0x9a4/0xec8',
    );
    expect(t.map((x) => x.trim())).toEqual([
      '#0: ffff80000a5f39e0 ((&ndev->rs_timer)){+.-.}-{0:0}, at: call_timer_fn+0x0/0x3b0',
      '#4: ffff0000246cd258 (dev->qdisc_tx_busylock ?: &qdisc_tx_busylock){+...}-{2:2}, at: __dev_queue_xmit+0x9a4/0xec8',
    ]);
  });

  it('keeps line numbers of the input', () => {
    const ls = readLogLines('> a\n> b \nc\n> d');
    expect(ls.map((l) => [l.text, l.line, l.span])).toEqual([
      ['a', 1, 1],
      ['b c', 2, 2],
      ['d', 4, 1],
    ]);
  });

  it('never throws, whatever the input', () => {
    for (const s of ['', '\n', '\r\n\r\n', '>', '[', '[ 1.0]', '(', '((((((', '\u0000\uffff', 'x'.repeat(10000)]) expect(() => readLogLines(s)).not.toThrow();
  });
});

describe('the same report, however it was pasted', () => {
  const plain = REPORT.join('\n');
  const base = summary(plain);

  it('reads the plain report', () => {
    expect(base).toEqual({
      kind: 'circular',
      task: 'kworker/u16:3/8175',
      next: '&b->lock b_fn+0x37/0x550',
      prev: '&a->lock a_fn+0x23/0x620',
      chain: ['1 &a->lock __mutex_lock+0x93/0x9c0,a_path+0x10/0x20', '0 &b->lock __lock_acquire+0x11f9/0x1aa0,lock_acquire+0x9e/0x380,__mutex_lock+0x93/0x9c0,b_fn+0x37/0x550'],
      held: ['&a->lock a_fn+0x23/0x620'],
    });
  });

  const variants: [string, (l: string, i: number) => string][] = [
    ['absolute timestamps', (l, i) => `[  ${100 + i}.000123] ${l}`],
    ['relative timestamps', (l) => `[ +0.000123] ${l}`],
    ['caller ids', (l, i) => `[  ${100 + i}.000123][ T8175] ${l}`],
    ['log levels', (l, i) => `<4>[  ${100 + i}.000123] ${l}`],
    ['mail quoting', (l) => `> ${l}`],
    ['nested quoting', (l) => `> >> ${l}`],
    ['quoting with a leading space', (l) => ` > ${l}`],
    ['indentation', (l) => `    ${l}`],
    ['collapsed white space (mail archives)', (l) => l.replace(/\s+/g, ' ').trim()],
  ];
  it.each(variants)('with %s', (_name, f) => {
    expect(summary(REPORT.map(f).join('\n'))).toEqual(base);
  });

  it('with lines of another printk caller interleaved', () => {
    const lines = REPORT.flatMap((l, i) => [`[  ${100 + i}.000123][ T8175] ${l}`, `[  ${100 + i}.000200][ T9807] usb 3-1: New USB device found`]);
    expect(summary(lines.join('\n'))).toEqual(base);
  });

  it('with the lock lines wrapped by a mailer', () => {
    const wrapped = REPORT.map((l) => `> ${l}`)
      .join('\n')
      .replace(/, at: /g, ', at: \n');
    expect(summary(wrapped)).toEqual(base);
  });

  it('with syzbot inline-frame lines and file:line suffixes', () => {
    const syz = REPORT.map((l) =>
      l.startsWith(' #0:') ? `${l.replace(/at: .*/, 'at: a_inline include/linux/x.h:12 [inline]')}\n${l} kernel/a.c:10` : /^\s+b_fn/.test(l) ? `       b_inl kernel/b.c:3 [inline]\n${l} kernel/b.c:5` : l,
    );
    expect(summary(syz.join('\n'))).toEqual(base);
  });
});

describe('frame lines of every architecture', () => {
  it.each([
    ['__mutex_lock+0x82/0x9a0', '__mutex_lock+0x82/0x9a0'],
    ['dev_dax_kmem_remove+0x29/0x57 [kmem]', 'dev_dax_kmem_remove+0x29/0x57 [kmem]'],
    ['[<ffffffff81230867>] dump_stack+0x4e/0x79', 'dump_stack+0x4e/0x79'],
    ['__mutex_lock+0x12f/0x1360 kernel/locking/mutex.c:747', '__mutex_lock+0x12f/0x1360'],
    ['([<0000000000100a06>] show_trace+0xee/0x144)', 'show_trace+0xee/0x144'],
    ['[c0000000f6d7b20] [c0000000001b3a8c] .lock_acquire+0x8c/0x130', '.lock_acquire+0x8c/0x130'],
    ['[<80de054c>] (show_stack) from [<80de7c10>] (dump_stack+0x154/0x1a8)', 'show_stack+0x0/0x0'],
    ['dump_backtrace from show_stack+0x18/0x1c', 'dump_backtrace+0x0/0x0'],
  ])('%s', (line, frame) => {
    const fl = parseFrameLine(line);
    expect(fl?.frame && formatFrame(fl.frame)).toBe(frame);
  });

  it('marks unreliable and inlined frames, skips raw addresses', () => {
    expect(parseFrameLine('? call_rcu_zapped+0x80/0x80')).toMatchObject({ unreliable: true });
    expect(parseFrameLine('wiphy_lock include/net/cfg80211.h:5633 [inline]')).toMatchObject({ inline: true });
    expect(parseFrameLine('[<000003fffcfa46c0>] 0x3fffcfa46c0')?.frame).toBeUndefined();
    expect(parseFrameLine('other info that might help us debug this:')).toBeUndefined();
  });
});
