/**
 * What the kernel version string selects: the semantics era (reference §2.2 / §2.3) and the report
 * format era (§4.12). Pure data derived from `kernel:` in a scenario or `--kernel`.
 */
export interface KernelVersion {
  major: number;
  minor: number;
  patch: number;
  /** The release as printed, e.g. `5.1.0-rc7+` or `6.1.192`. */
  release: string;
  /** The build tag printed after the release, e.g. `#13`. */
  build: string;
}

/** Kernel build options that change what lockdep prints or checks. */
export interface KernelConfig {
  /** CONFIG_DEBUG_LOCKDEP: `ops: N` in class headers, OPS: in /proc/lockdep. */
  debugLockdep: boolean;
  /** CONFIG_LOCK_STAT: the "Please attach the output of /proc/lock_stat" line of limit messages. */
  lockStat: boolean;
  /** CONFIG_PROVE_RAW_LOCK_NESTING: spinlock_t gets its own wait type (mutex prints {4:4}). */
  proveRawLockNesting: boolean;
}

export interface KernelProfile {
  version: KernelVersion;
  /** `v5.1`: before the recursive-read rework (< 5.10); `modern`: 5.10 and later. */
  era: 'v5.1' | 'modern';
  /** `-{O:I}` after usage strings (5.7+). */
  waitSuffix: boolean;
  /** How lock-instance addresses print: absent (< 4.17), hashed %p (< 5.3), raw %px. */
  addressFormat: 'none' | 'hashed' | 'raw';
  /** `[ INFO: ... ]` titles before 4.14, `WARNING: ...` after. */
  titleStyle: 'info' | 'warning';
  /** Circular scenario prints `rlock(` for reader prev/next (6.4+, and the 6.1.y stable backport). */
  rlockScenario: boolean;
  /**
   * The July 2021 fixes of the irq-dependency path (69c7a5fb2482 and 7b1f8c617976, v5.14, backported to
   * 5.4.132, 5.10.50, 5.12.17, 5.13.2): safe→unsafe reports print the backward half with
   * print_shortest_lock_dependencies_backwards(), and check_irq_usage() keeps only the ENABLED bits of
   * the forward lock when it searches backwards again.
   */
  irqPathFix2021: boolean;
  /** USED_READ is a separate usage bit (modern) and is listed as `INITIAL READ USE`. */
  usedRead: boolean;
  /** read-ness is mixed into chain keys (5.10+). */
  readInChainKey: boolean;
  /** ` <TASK>` / ` </TASK>` around call traces (x86, ~5.16+). */
  taskMarkers: boolean;
  /** `CPU: n UID: u PID: ...` in dump_stack (6.12+). */
  dumpStackUid: boolean;
  /** MAX_LOCKDEP_KEYS: 8191 up to ~5.2, 8192 later. */
  maxKeys: number;
  config: KernelConfig;
}

const VERSION_RE = /^(\d+)\.(\d+)(?:\.(\d+))?(\S*)(?:\s+(#\S+))?/;

/** Parses `5.1.0-rc7+ #13`, `6.1.192`, `6.15.0-rc7-dirty #2`. Returns undefined when it is not a version. */
export function parseKernelVersion(text: string): KernelVersion | undefined {
  const m = VERSION_RE.exec(text.trim());
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const patch = m[3] !== undefined ? Number(m[3]) : 0;
  const release = `${m[1]}.${m[2]}${m[3] !== undefined ? `.${m[3]}` : ''}${m[4] ?? ''}`;
  return { major, minor, patch, release, build: m[5] ?? '#1' };
}

function atLeast(v: KernelVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/** A stable series at or after the given sublevel (a backport), e.g. 5.10.50+. */
function stableFrom(v: KernelVersion, from: Record<string, number>): boolean {
  const p = from[`${v.major}.${v.minor}`];
  return p !== undefined && v.patch >= p;
}

/** Derives the profile of a kernel version (reference §4.12 gives the history table). */
export function kernelProfile(v: KernelVersion, config: Partial<KernelConfig> = {}): KernelProfile {
  const modern = atLeast(v, 5, 10);
  return {
    version: v,
    era: modern ? 'modern' : 'v5.1',
    waitSuffix: atLeast(v, 5, 7),
    addressFormat: atLeast(v, 5, 3) ? 'raw' : atLeast(v, 4, 17) ? 'hashed' : 'none',
    titleStyle: atLeast(v, 4, 14) ? 'warning' : 'info',
    // 6.4 upstream; the oracle 6.1.192 stable kernel prints rlock( too (backport, reference §4.1).
    rlockScenario: atLeast(v, 6, 4) || (v.major === 6 && v.minor === 1 && v.patch >= 192),
    irqPathFix2021: atLeast(v, 5, 14) || stableFrom(v, { '5.4': 132, '5.10': 50, '5.12': 17, '5.13': 2 }),
    usedRead: modern,
    readInChainKey: modern,
    taskMarkers: atLeast(v, 5, 16),
    dumpStackUid: atLeast(v, 6, 12),
    maxKeys: atLeast(v, 5, 3) ? 8192 : 8191,
    config: {
      debugLockdep: config.debugLockdep ?? false,
      lockStat: config.lockStat ?? false,
      proveRawLockNesting: config.proveRawLockNesting ?? atLeast(v, 6, 13),
    },
  };
}
