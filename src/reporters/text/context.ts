/**
 * What the text reporter needs besides the findings: the kernel being imitated and the build
 * details that a simulator cannot observe (taint, DMI name, lockdep's own frames, code addresses).
 */
import type { Frame } from '../../model/frame.js';
import type { KernelProfile } from '../../model/kernel.js';
import type { Scenario } from '../../model/scenario.js';
import { KernelFrames } from './kernel-frames.js';

/** The architectures whose dump_stack() output the reporter imitates. */
export type Arch = NonNullable<Scenario['arch']>;

export interface TextContext {
  /** From kernelProfile(parseKernelVersion(...)) in src/model/kernel.ts. */
  profile: KernelProfile;
  /** print_tainted() text, e.g. `Not tainted` or `Tainted: G           O      ` (trailing spaces are part of it). */
  taint: string;
  /** The `Hardware name:` value; the line is omitted when absent. */
  hardware?: string;
  /** The architecture whose `Call Trace:` shapes are printed. Default `x86_64`. */
  arch?: Arch;
  /**
   * What dump_stack_print_info() prints after the build tag in the `CPU:` line of this build: the
   * preempt model (`PREEMPT(full)`, 6.15+) or a build ID. See kernelBuildInfo().
   */
  buildInfo?: string;
  /**
   * Build-specific overrides of lockdep's own frames, replacing the era defaults of
   * kernel-frames.ts. Keys: `lock_acquire` (prefix of the `-> #0` chain entry), `usage` (prefix of
   * usage traces), `mark_lock` (prefix of traces saved inside mark_lock(): the root block of an
   * irq-inversion report), a finding kind (the report-path frames dump_stack() prints before the
   * finding's stack; for `misuse` the first frame is the WARN site), `nested-not-taken#2` (the
   * second dump of that report) and `limit:<NAME>` (one limit message).
   */
  kernelFrames?: Record<string, Frame[]>;
  /**
   * Code addresses (16 hex digits) printed as `[<addr>] sym` by print_ip_sym() (bad unlock balance)
   * and print_irqtrace_events(), keyed by the formatted frame (`sym+0xoff/0xsize [mod]`). A frame
   * without an entry gets a deterministic made-up address (kernel text or module area).
   */
  ipAddresses?: Record<string, string>;
}

/** One rendering's resolved settings. */
export interface Env {
  ctx: TextContext;
  profile: KernelProfile;
  arch: Arch;
  frames: KernelFrames;
}

export function makeEnv(ctx: TextContext): Env {
  const arch = ctx.arch ?? 'x86_64';
  return { ctx, profile: ctx.profile, arch, frames: new KernelFrames(ctx.profile, ctx.kernelFrames, arch) };
}

/**
 * The text after the build tag of a scenario's `kernel:` string (`6.15.0-rc7 #2 PREEMPT(full)` →
 * `PREEMPT(full)`): what this build's dump_stack() prints after `<release> <build>`.
 */
export function kernelBuildInfo(kernel: string): string | undefined {
  const m = /^\s*\d+\.\d+\S*\s+#\S+\s+(\S.*?)\s*$/.exec(kernel);
  return m?.[1];
}
