/**
 * Lockdep's own stack frames, which a simulator cannot observe: the frames of the report path that
 * dump_stack() prints above the caller's stack, and the first frames of traces saved inside lockdep.
 * Values are build-specific (inlining, offsets); the defaults reproduce the oracle builds exactly
 * (6.1.192 and 6.12.117 from shared/oracle, the 5.1.0-rc7 seed splat for circular) and are
 * approximate for the other report kinds of an era. `TextContext.kernelFrames` overrides them.
 */
import type { Finding } from '../../model/findings.js';
import type { Frame } from '../../model/frame.js';
import type { KernelProfile } from '../../model/kernel.js';
import type { Arch } from './context.js';
import { arm64ShowStackFirst, genericDumpInfo, s390ParenFirstFrame } from './era.js';

function fr(symbol: string, offset: number, size: number): Frame {
  return { symbol, offset, size };
}

/** The frames of one kernel build. */
interface BuildFrames {
  /** `-> #0` chain entry: the trace is saved from deep inside __lock_acquire(). */
  chainCurrent: Frame[];
  /** First frames of usage traces (`state was registered at`, `which became … at`, class headers). */
  usage: Frame[];
  /**
   * The `__lock_acquire+off` return address after each mark_lock() call site in mark_usage(),
   * keyed by the usage bit being set. Sites not observed on this build fall back by direction.
   */
  markSites: Record<string, Frame>;
  markSiteUsedIn: Frame;
  markSiteEnabled: Frame;
  /** lock_acquire's own frame (the caller of __lock_acquire). */
  lockAcquire: Frame;
  /** Report-path frames printed by dump_stack() before the caller's stack (mark-site reports get the site appended). */
  dump: {
    circular: Frame[];
    recursive: Frame[];
    'bad-unlock': Frame[];
    'wait-context': Frame[];
    /** followed by the mark site and lock_acquire */
    inconsistent: Frame[];
    /** followed by the mark site and lock_acquire */
    'irq-inversion': Frame[];
    'irq-safe-unsafe': Frame[];
    'held-lock-freed': Frame[];
    'nested-not-taken': Frame[];
    /** the second dump_stack() of print_lock_nested_lock_not_held() */
    'nested-not-taken#2': Frame[];
    limit: Frame[];
    /** [WARN site, ...callers inside lockdep] */
    misuse: Frame[];
  };
}

/** 6.1.192 oracle build (x86-64, ORC), verified against every shared/oracle/replay case. */
function build61(): BuildFrames {
  const dsl = fr('dump_stack_lvl', 0x6a, 0x9b);
  const la = fr('lock_acquire', 0x109, 0x22f);
  const __la = (off: number) => fr('__lock_acquire', off, 0x120f);
  return {
    chainCurrent: [__la(0xe9c), la],
    usage: [la],
    markSites: { 'IN-HARDIRQ-W': __la(0x566), 'HARDIRQ-ON-W': __la(0x5c7) },
    markSiteUsedIn: __la(0x566),
    markSiteEnabled: __la(0x5c7),
    lockAcquire: la,
    dump: {
      circular: [dsl, fr('check_noncircular', 0xae, 0xc0), __la(0xe9c), la],
      recursive: [dsl, __la(0xd19), la],
      'bad-unlock': [dsl, fr('lock_release', 0x107, 0x25d)],
      'wait-context': [dsl, __la(0x4ce), la],
      inconsistent: [dsl, fr('mark_lock', 0x1af, 0x334)],
      'irq-inversion': [dsl, fr('mark_lock', 0x2cf, 0x334)],
      'irq-safe-unsafe': [dsl, fr('check_irq_usage', 0x4d3, 0x4f2), __la(0xed8), la],
      'held-lock-freed': [dsl, fr('debug_check_no_locks_freed', 0xeb, 0x116)],
      'nested-not-taken': [dsl, __la(0x7e6), la],
      'nested-not-taken#2': [dsl, __la(0x11d6), la],
      limit: [dsl, __la(0x11d6), la],
      misuse: [la],
    },
  };
}

/** 6.12.117 oracle build (shared/oracle/replay-6.12): the print_* functions are no longer inlined. */
function build612(): BuildFrames {
  const dsl = fr('dump_stack_lvl', 0xb0, 0xc6);
  const la = fr('lock_acquire', 0x131, 0x245);
  const __la = (off: number) => fr('__lock_acquire', off, 0x122d);
  return {
    chainCurrent: [__la(0xeb1), la],
    usage: [la],
    markSites: { 'IN-HARDIRQ-W': __la(0x56c), 'HARDIRQ-ON-W': __la(0x5c9) },
    markSiteUsedIn: __la(0x56c),
    markSiteEnabled: __la(0x5c9),
    lockAcquire: la,
    dump: {
      circular: [dsl, fr('print_circular_bug', 0x21b, 0x237), fr('check_noncircular', 0xad, 0xbf), __la(0xeb1), la],
      recursive: [dsl, fr('print_deadlock_bug', 0x186, 0x19c), __la(0xd2e), la],
      'bad-unlock': [dsl, fr('print_unlock_imbalance_bug', 0xd8, 0xe6), fr('lock_release', 0x132, 0x27d)],
      'wait-context': [dsl, __la(0x4d9), la],
      inconsistent: [dsl, fr('print_usage_bug', 0x1c0, 0x1da), fr('mark_lock', 0x1af, 0x33e)],
      'irq-inversion': [dsl, fr('print_irq_inversion_bug', 0x1ac, 0x1c8), fr('mark_lock', 0x2cf, 0x33e)],
      'irq-safe-unsafe': [dsl, fr('check_irq_usage', 0x501, 0x525), __la(0xeed), la],
      'held-lock-freed': [dsl, fr('debug_check_no_locks_freed', 0xef, 0x11f)],
      'nested-not-taken': [dsl, __la(0x7e7), la],
      'nested-not-taken#2': [dsl, __la(0x11ef), la],
      limit: [dsl, __la(0x11ef), la],
      misuse: [la],
    },
  };
}

/**
 * 5.1.0-rc7 (the seed splat's build, frame-pointer unwinder). Only the circular report path is
 * known from a real splat; the other report paths reuse its __lock_acquire/lock_acquire frames, and
 * the offsets of lock_release, mark_lock and debug_check_no_locks_freed are placeholders. 5.1 saves chain-entry and usage traces from the locking primitive on, so only
 * the `#0` entry (saved from the report path) starts with lock_acquire.
 */
function build51(): BuildFrames {
  const ds = fr('dump_stack', 0x85, 0xc0);
  const la = fr('lock_acquire', 0x9e, 0x180);
  const __la = fr('__lock_acquire', 0xcee, 0xfd0);
  return {
    chainCurrent: [la],
    usage: [],
    markSites: {},
    markSiteUsedIn: la,
    markSiteEnabled: la,
    lockAcquire: la,
    dump: {
      circular: [
        ds,
        fr('print_circular_bug.isra.41.cold.60', 0x15c, 0x195),
        fr('check_prev_add.constprop.50', 0x5fd, 0xbe0),
        __la,
        la,
      ],
      recursive: [ds, __la, la],
      'bad-unlock': [ds, fr('lock_release', 0x94, 0x2a0)],
      'wait-context': [ds, __la, la],
      inconsistent: [ds, fr('mark_lock', 0x26a, 0x6a0)],
      'irq-inversion': [ds, fr('mark_lock', 0x26a, 0x6a0)],
      'irq-safe-unsafe': [ds, fr('check_prev_add.constprop.50', 0x5fd, 0xbe0), __la, la],
      'held-lock-freed': [ds, fr('debug_check_no_locks_freed', 0x152, 0x180)],
      'nested-not-taken': [ds, __la, la],
      'nested-not-taken#2': [ds, __la, la],
      limit: [ds, __la, la],
      misuse: [la],
    },
  };
}

function atLeast(p: KernelProfile, major: number, minor: number): boolean {
  const v = p.version;
  return v.major > major || (v.major === major && v.minor >= minor);
}

function buildFor(p: KernelProfile): BuildFrames {
  if (p.era === 'v5.1') return build51();
  return atLeast(p, 6, 12) ? build612() : build61();
}

/**
 * The frames an architecture's unwinder prints above dump_stack() itself (x86 and ppc64 start at
 * dump_stack). Offsets are placeholders of typical builds; imported scenarios bring their own.
 */
function unwinderFrames(p: KernelProfile, arch: Arch): Frame[] {
  switch (arch) {
    case 'arm64':
      return arm64ShowStackFirst(p) ? [fr('show_stack', 0x18, 0x24)] : [fr('dump_backtrace', 0x0, 0x1e0), fr('show_stack', 0x18, 0x24)];
    case 'arm':
      return [fr('unwind_backtrace', 0x0, 0xf8), fr('show_stack', 0x10, 0x14)];
    case 's390':
      if (!s390ParenFirstFrame(p)) return [];
      return genericDumpInfo(p) ? [fr('show_stack', 0x8a, 0xd0)] : [fr('show_trace', 0xee, 0x144)];
    default:
      return [];
  }
}

/** Names of the overridable frame sets (keys of `TextContext.kernelFrames`). */
export type KernelFrameKey =
  | 'lock_acquire'
  | 'usage'
  | 'mark_lock'
  | Finding['kind']
  | 'nested-not-taken#2'
  | `limit:${string}`;

/**
 * Resolves lockdep's own frames for one report: overrides from the context first, then the
 * defaults of the build the profile selects.
 */
export class KernelFrames {
  private readonly build: BuildFrames;
  private readonly unwinder: Frame[];

  constructor(
    profile: KernelProfile,
    private readonly overrides: Readonly<Record<string, Frame[]>> = {},
    arch: Arch = 'x86_64',
  ) {
    this.build = buildFor(profile);
    this.unwinder = unwinderFrames(profile, arch);
  }

  /** Prefix of the `-> #0` entry (override key `lock_acquire`). */
  chainCurrent(): Frame[] {
    return this.overrides['lock_acquire'] ?? this.build.chainCurrent;
  }

  /** lock_acquire's frame: from the `lock_acquire` override when one is given. */
  private lockAcquireFrame(): Frame {
    const o = this.overrides['lock_acquire'];
    return o?.find((f) => f.symbol === 'lock_acquire') ?? this.build.lockAcquire;
  }

  /** Prefix of usage traces (override key `usage`; else lock_acquire's frame of an overridden `#0` prefix). */
  usage(): Frame[] {
    const o = this.overrides['usage'];
    if (o) return o;
    if (this.overrides['lock_acquire'] && this.build.usage.length > 0) return [this.lockAcquireFrame()];
    return this.build.usage;
  }

  /** The `__lock_acquire` frame that called mark_lock() to set `usageBit`. */
  private markSite(usageBit: string): Frame {
    const known = this.build.markSites[usageBit];
    if (known) return known;
    return usageBit.startsWith('IN-') ? this.build.markSiteUsedIn : this.build.markSiteEnabled;
  }

  /**
   * A trace saved inside mark_lock() while setting `usageBit` (the root block of an irq-inversion
   * report): override key `mark_lock`.
   */
  markLock(usageBit: string): Frame[] {
    const o = this.overrides['mark_lock'];
    if (o) return o;
    const la = this.lockAcquireFrame();
    const site = this.markSite(usageBit);
    return site.symbol === la.symbol ? [la] : [site, la];
  }

  /** The `%pS` of a class's static key (override key `key:<class as printed>`), when known. */
  keySymbol(printedName: string): Frame | undefined {
    return this.overrides[`key:${printedName}`]?.[0];
  }

  /** A trace saved by the BFS root of print_bad_irq_dependency(): starts at lock_acquire. */
  bfsRoot(): Frame[] {
    return this.overrides['usage'] ?? [this.lockAcquireFrame()];
  }

  /**
   * dump_stack() report-path frames of a report kind. `usageBit` selects the mark_lock() call site
   * for inconsistent / irq-inversion; `limit` allows a `limit:<NAME>` override. Without an override
   * the architecture's own unwinder frames come first (arm64 `show_stack`, ARM32 `unwind_backtrace`).
   */
  dump(key: keyof BuildFrames['dump'], opts: { usageBit?: string; limit?: string } = {}): Frame[] {
    if (opts.limit !== undefined) {
      const o = this.overrides[`limit:${opts.limit}`];
      if (o) return o;
    }
    const o = this.overrides[key];
    if (o) return o;
    const base = key === 'misuse' ? this.build.dump[key] : [...this.unwinder, ...this.build.dump[key]];
    if ((key === 'inconsistent' || key === 'irq-inversion') && opts.usageBit !== undefined) {
      return [...base, ...this.markLock(opts.usageBit)];
    }
    return base;
  }
}
