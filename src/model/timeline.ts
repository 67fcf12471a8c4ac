import type { DepKind, HeldLockDesc } from './findings.js';
import type { SourceSpan } from './span.js';

/**
 * What the validator did, step by step (recorded only on request): for teaching views and
 * debugging. Class names are printed names.
 */
export type TimelineEvent =
  /** A step is about to run. */
  | { type: 'step'; task: number; step: number; span: SourceSpan }
  /** The task's held-lock stack after the step. */
  | { type: 'held'; task: number; held: HeldLockDesc[] }
  /** A chain-cache lookup: `chain` lists the classes of the chain (bottom first). */
  | { type: 'chain'; task: number; chain: string[]; hit: boolean }
  /** A dependency recorded (or an existing one seen again). */
  | { type: 'dependency'; from: string; to: string; kinds: DepKind[]; added: boolean; span: SourceSpan }
  /** A graph search: classes visited in order, and the path found (root first) if any. */
  | { type: 'bfs'; purpose: 'circular' | 'irq' | 'redundant'; root: string; visited: string[]; path?: string[] }
  /** A usage bit newly set on a class. */
  | { type: 'usage'; cls: string; bit: string; usage: string }
  /** A finding was recorded (index into Report.findings). */
  | { type: 'finding'; index: number };
