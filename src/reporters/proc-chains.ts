/**
 * Report → `/proc/lockdep_chains` and `/proc/lockdep_stats` text (lc_show() and
 * lockdep_stats_show() in kernel/locking/lockdep_proc.c; reference §5.3, §5.4).
 */
import type { Report } from '../model/findings.js';
import type { KernelProfile } from '../model/kernel.js';

const IRQ_STRS = ['0', 'softirq', 'hardirq', 'hardirq|softirq'];

/** `/proc/lockdep_chains`: every cached chain, bottom class first. */
export function renderProcChains(report: Report, profile: KernelProfile): string {
  let out = 'all lock chains:\n';
  for (const c of report.chains ?? []) {
    out += `irq_context: ${profile.era === 'modern' ? IRQ_STRS[c.irqContext] : String(c.irqContext)}\n`;
    for (const k of c.classes) out += `[${k.key}] ${k.name}\n`;
    out += '\n';
  }
  return out;
}

/** One stats line: ` <label>` left-justified in 32 columns, the value as %11lu, optional max. */
function line(label: string, value: number, max?: number): string {
  return `${` ${label}:`.padEnd(32, ' ')}${String(value).padStart(11, ' ')}${max !== undefined ? ` [max: ${max}]` : ''}\n`;
}

const bit = (m: number, b: number) => (m >> b) & 1;

/** `/proc/lockdep_stats` for the simulated run. */
export function renderProcStats(report: Report, profile: KernelProfile, limits = { classes: profile.maxKeys, entries: 32768, chains: 65536, hlocks: 327680 }): string {
  const c = report.counters;
  if (!c) return '';
  const masks = c.usageMasks;
  const count = (f: (m: number) => boolean) => masks.filter(f).length;
  // usage bits: 0 IN-HARDIRQ-W, 1 IN-HARDIRQ-R, 2 HARDIRQ-ON-W, 3 HARDIRQ-ON-R, 4..7 the same for SOFTIRQ, 8 USED, 9 USED_READ
  const hardirqSafe = count((m) => !!bit(m, 0));
  const hardirqUnsafe = count((m) => !!bit(m, 2));
  const softirqSafe = count((m) => !!bit(m, 4));
  const softirqUnsafe = count((m) => !!bit(m, 6));
  const irqSafe = count((m) => !!(bit(m, 0) || bit(m, 4)));
  const irqUnsafe = count((m) => !!(bit(m, 2) || bit(m, 6)));
  const hardirqReadSafe = count((m) => !!bit(m, 1));
  const hardirqReadUnsafe = count((m) => !!bit(m, 3));
  const softirqReadSafe = count((m) => !!bit(m, 5));
  const softirqReadUnsafe = count((m) => !!bit(m, 7));
  const irqReadSafe = count((m) => !!(bit(m, 1) || bit(m, 5)));
  const irqReadUnsafe = count((m) => !!(bit(m, 3) || bit(m, 7)));
  const uncategorized = count((m) => (m & 0xff) === 0 && m !== 0);
  const unused = count((m) => m === 0);
  const listEntries = report.dependencies.length * 2;
  const indirect = report.classes.reduce((s, k) => s + k.fd, 0);
  const modern = profile.era === 'modern';
  let out = '';
  out += line('lock-classes', report.classes.length, limits.classes);
  out += line('direct dependencies', listEntries, limits.entries);
  out += line('indirect dependencies', indirect);
  out += line('all direct dependencies', irqUnsafe * irqSafe + hardirqUnsafe * hardirqSafe + listEntries);
  out += line('dependency chains', report.chains?.length ?? 0, limits.chains);
  if (modern) {
    out += line('dependency chain hlocks used', c.chainHlocks, limits.hlocks);
    out += line('dependency chain hlocks lost', 0);
  } else out += line('dependency chain hlocks', c.chainHlocks, limits.hlocks);
  out += line('in-hardirq chains', c.hardirqChains);
  out += line('in-softirq chains', c.softirqChains);
  out += line('in-process chains', c.processChains);
  out += line('stack-trace entries', c.stackTraceEntries, 524288);
  if (modern) {
    out += line('number of stack traces', c.stackTraces);
    out += line('number of stack hash chains', c.stackTraces);
  }
  out += line('combined max dependencies', (c.hardirqChains + 1) * (c.softirqChains + 1) * (c.processChains + 1));
  out += line('hardirq-safe locks', hardirqSafe);
  out += line('hardirq-unsafe locks', hardirqUnsafe);
  out += line('softirq-safe locks', softirqSafe);
  out += line('softirq-unsafe locks', softirqUnsafe);
  out += line('irq-safe locks', irqSafe);
  out += line('irq-unsafe locks', irqUnsafe);
  out += line('hardirq-read-safe locks', hardirqReadSafe);
  out += line('hardirq-read-unsafe locks', hardirqReadUnsafe);
  out += line('softirq-read-safe locks', softirqReadSafe);
  out += line('softirq-read-unsafe locks', softirqReadUnsafe);
  out += line('irq-read-safe locks', irqReadSafe);
  out += line('irq-read-unsafe locks', irqReadUnsafe);
  out += line('uncategorized locks', uncategorized);
  out += line('unused locks', unused);
  out += line('max locking depth', c.maxLockDepth);
  out += line('max bfs queue depth', c.maxBfsQueueDepth);
  if (modern) out += line('max lock class index', report.classes.length);
  if (profile.config.debugLockdep) {
    out += line('chain lookup misses', report.stats.chainMisses);
    out += line('chain lookup hits', report.stats.chainHits);
    out += line('cyclic checks', c.cyclicChecks);
    out += line('redundant checks', 0);
    out += line('redundant links', 0);
    out += line('find-mask forwards checks', c.findMaskForwards);
    out += line('find-mask backwards checks', c.findMaskBackwards);
    out += line('hardirq on events', c.hardirqOnEvents);
    out += line('hardirq off events', c.hardirqOffEvents);
    out += line('redundant hardirq ons', c.redundantHardirqOns);
    out += line('redundant hardirq offs', c.redundantHardirqOffs);
    out += line('softirq on events', c.softirqOnEvents);
    out += line('softirq off events', c.softirqOffEvents);
    out += line('redundant softirq ons', c.redundantSoftirqOns);
    out += line('redundant softirq offs', c.redundantSoftirqOffs);
  }
  out += line('debug_locks', c.debugLocks);
  if (modern) {
    out += '\n';
    out += line('zapped classes', 0);
    out += line('zapped lock chains', 0);
    out += line('large chain blocks', 0);
  }
  return out;
}
