/**
 * Warming the trace parser up before the trace: V8 optimizes the parser's hot functions from the
 * type feedback of what they have run so far, and when a branch first runs later in the trace (a new
 * task, a BH-disabled flag, a line split between two chunks, a recycled buffer) the optimized code
 * is thrown away and the whole parser compiled again, on the same two cores that parse and validate.
 * Parsing a few hundred synthetic lines that take every branch first spares those recompilations:
 * ~0.02 s of the ~0.4 s a whole-boot import takes (bench W1). Few enough lines that V8 does not
 * optimize the parser before they are all through (growing the tables past 1,024 locks would take
 * that many). The lines go to a parser of their own, whose records are dropped: nothing of them
 * reaches the import.
 */
import { TraceRecordParser } from './records.js';

const FLAGS = ['...1.', '.N.1.', '...2.', 'd..2.', '.N.2.', 'dN.2.', 'd..3.', 'd.h3.', 'd..1.', '..s1.', 'd.s2.', 'dNh2.', 'd.H2.', '...0.', 'dnS1.', 'b..1.', 'D.s2.', 'dNz1.'];
const TASKS = ['<idle>-0', 'swapper/0-1', 'kworker/u4:0-8', 'systemd-udevd-123', 'bash-1337', '<...>-4321', 'ksoftirqd/1-19', 'a-2'];
const NAMES = ['&rq->__lock', 'rcu_read_lock', '&sig->lock', 'event_mutex', '(wq_completion)events', '&(&zone->lock)->rlock', 'cpu_hotplug_lock', 'fs_reclaim'];

/** Lines in the exact layout of /sys/kernel/tracing/trace, through every branch of the fast path. */
export function warmUpText(lines = 600): string {
  let out = '# tracer: nop\n#\n#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n';
  let t = 0;
  for (let i = 0; i < lines; i++) {
    const task = TASKS[i % TASKS.length]!;
    const dash = task.lastIndexOf('-');
    const op = i % 3 === 2 ? 'release' : 'acquire';
    const how = op === 'acquire' ? ['', 'read ', 'try ', 'try read '][i % 4] : '';
    t += 1 + (i % 5) * 250_000; // the whole seconds change now and then
    const ts = `${Math.floor(t / 1e6)}.${String(t % 1e6).padStart(6, '0')}`.padStart(12);
    const addr = (0xffff888000000000n + BigInt(i % 37) * 0x40n).toString(16).padStart(16, '0');
    out += `${task.slice(0, dash).padStart(16)}-${task.slice(dash + 1).padEnd(7)} [00${i % 2}] ${FLAGS[(i * 7) % FLAGS.length]} ${ts}: lock_${op}: ${addr} ${how}${NAMES[i % NAMES.length]}\n`;
  }
  return out;
}

/** Runs a throwaway parser over warmUpText(): in small batches, recycled, split mid-line, no last newline. */
export function warmUpParser(): void {
  const text = Buffer.from(warmUpText().trimEnd());
  const p = new TraceRecordParser((b) => p.recycle(b.records), 64);
  const cut = text.indexOf(10, text.length >> 1) - 7;
  p.push(text.subarray(0, cut));
  p.push(text.subarray(cut));
  p.end();
}
