/**
 * The result of `lockdep-sim check` as plain data: what the JSON output prints (versioned, schema
 * in schema/check-result.schema.json, documented in docs/check.md) and what the text and SARIF
 * reporters render. Every finding names a stable rule id and the scenario step that created the
 * offending dependency, with its call path.
 */
import type { DepKind, FindingKind } from '../model/findings.js';
import type { SourceSpan } from '../model/span.js';
import type { RejectedBy } from './observe.js';

export const CHECK_RESULT_VERSION = 1;

export type Level = 'error' | 'warning' | 'note';
export const LEVELS: readonly Level[] = ['error', 'warning', 'note'];

/** One observed dependency with the step that first created it. */
export interface DependencyRef {
  from: string;
  to: string;
  kinds: DepKind[];
  /** The scenario step (file:line:col). */
  at: SourceSpan;
  /** `comm/pid` of the task. */
  task: string;
  /** Stack at that step, innermost first (`symbol+0xoff/0xsize`). */
  stack: string[];
  /** Call-path labels, outermost first. */
  path?: string[];
  /** The validator refused to store it (it reported a cycle or an irq problem there). */
  rejected?: RejectedBy;
  /** With --baseline: absent from the baseline (`new`) or with new kinds (`widened`). */
  baseline?: 'new' | 'widened';
}

export interface InstanceVerdictRef {
  /** The cycle also exists between lock instances (X@i): the same locks really are taken in both orders. */
  survives: boolean;
  /** Instance-level witness cycle (`X@i` names), when it survives. */
  witness?: string[];
  /** How many times the witness goes round the class cycle. */
  windings?: number;
}

export interface CycleReport {
  /** Canonical id: classes from the smallest rotation, ` -> `-joined. */
  id: string;
  classes: string[];
  /** A strong cycle (reference §2.3): a possible deadlock. */
  strong: boolean;
  component: number;
  /** `classes[i] -> classes[i+1]` (wrapping), each with its witness. */
  dependencies: DependencyRef[];
  /** Absent with --no-instances. */
  instance?: InstanceVerdictRef;
  /** With --baseline. */
  baselineState?: 'new' | 'unchanged';
  /** New cycles: the new dependency that closed it. */
  closedBy?: DependencyRef;
}

export interface ComponentReport {
  index: number;
  classes: string[];
  dependencies: number;
  /** Cycles listed for it. */
  cycles: number;
  /** Why the listing stopped early. */
  truncated?: string;
}

export interface RelatedLocation {
  message: string;
  location: SourceSpan;
}

export interface CheckFinding {
  /** Stable rule id: `lockdep-sim/<rule>` or the validator's `lockdep/<kind>`. */
  ruleId: string;
  level: Level;
  message: string;
  /** The step that created the offending dependency (or triggered the report). */
  location: SourceSpan;
  task?: string;
  /** Stack at that step, innermost first. */
  stack: string[];
  /** Call-path labels, outermost first. */
  path?: string[];
  /** The offending dependencies (a cycle's, in order). */
  dependencies: DependencyRef[];
  /** Id of the cycle (in `cycles`; for a validator `circular` report, the cycle it reported). */
  cycle?: string;
  /** A validator finding: which input and which of its report's findings. */
  validator?: { input: number; index: number; kind: FindingKind; count: number };
  related?: RelatedLocation[];
  /** A policy exception allows it (it does not count for --fail-on). */
  suppressed?: { reason: string; at: SourceSpan };
  /** With --baseline: `unchanged` findings were there before and do not count for --fail-on. */
  baselineState?: 'new' | 'unchanged';
  /** Stable identity across runs (rule id and the classes involved). */
  fingerprint: string;
}

export interface CheckResult {
  version: typeof CHECK_RESULT_VERSION;
  tool: { name: 'lockdep-sim'; version: string };
  inputs: { file: string; kernel: string; era: 'modern' | 'v5.1'; classes: number; dependencies: number; findings: number }[];
  policy?: { file: string; levels: string[][]; rules: number; neverNested: number; exceptions: number };
  baseline?: {
    file: string;
    dependencies: number;
    added: DependencyRef[];
    removed: { from: string; to: string; kinds: DepKind[] }[];
    widened: { from: string; to: string; added: DepKind[] }[];
    newCycles: string[];
  };
  graph: { classes: number; dependencies: number; rejected: number; components: ComponentReport[] };
  cycles: CycleReport[];
  ordering: {
    consistent: boolean;
    feedback: DependencyRef[];
    components: { classes: string[]; dependencies: number; method: 'exact' | 'heuristic'; removed: number }[];
    levels: string[][];
  };
  findings: CheckFinding[];
  /** Counts of findings that count for --fail-on (not suppressed, not unchanged), and the others. */
  summary: { error: number; warning: number; note: number; suppressed: number; unchanged: number };
}

/** Does a finding count for `--fail-on level`? */
export function countsFor(f: CheckFinding, failOn: Level | 'none'): boolean {
  if (failOn === 'none' || f.suppressed || f.baselineState === 'unchanged') return false;
  return LEVELS.indexOf(f.level) <= LEVELS.indexOf(failOn);
}
