/**
 * What the text reporter needs besides the findings: the kernel being imitated and the build
 * details that a simulator cannot observe (taint, DMI name, lockdep's own frames, code addresses).
 */
import type { Frame } from '../../model/frame.js';
import type { KernelProfile } from '../../model/kernel.js';
import { KernelFrames } from './kernel-frames.js';

export interface TextContext {
  /** From kernelProfile(parseKernelVersion(...)) in src/model/kernel.ts. */
  profile: KernelProfile;
  /** print_tainted() text, e.g. `Not tainted` or `Tainted: G           O      ` (trailing spaces are part of it). */
  taint: string;
  /** The `Hardware name:` value; the line is omitted when absent. */
  hardware?: string;
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
  frames: KernelFrames;
}

export function makeEnv(ctx: TextContext): Env {
  return { ctx, profile: ctx.profile, frames: new KernelFrames(ctx.profile, ctx.kernelFrames) };
}
