/**
 * The result of `lockdep-sim check` as plain data: what the JSON output prints (versioned, schema
 * in schema/check-result.schema.json, documented in docs/check.md) and what the text and SARIF
 * reporters render. Every finding names a stable rule id and the scenario step that created the
 * offending dependency, with its call path.
 */
import type { DepKind, FindingKind } from '../model/findings.js';
import type { SourceSpan } from '../model/span.js';
import type { RejectedBy } from './observe.js';
import type { BlockedTask, ScheduleRow } from '../explore/explore.js';
import type { SearchStats } from '../explore/search.js';

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

/** One column of a deadlocking schedule (`index` into the scenario's tasks, `name` = `comm/pid`). */
export interface ExploreScheduleTask {
  index: number;
  name: string;
  /** One of the tasks that end up waiting for each other. */
  deadlocked: boolean;
}

/** One lock operation of a schedule, in order (the explorer's own ScheduleRow, docs/explore.md). */
export type ExploreScheduleRow = ScheduleRow;

/** How a deadlocked task ends (the explorer's BlockedTask), plus the acquisition it waits at when found. */
export interface ExploreBlocked extends BlockedTask {
  /** The acquisition it waits at (the task's next step taking that object), when it is found. */
  at?: SourceSpan;
  fn?: string;
}

export interface ExploreSchedule {
  tasks: ExploreScheduleTask[];
  rows: ExploreScheduleRow[];
  blocked: ExploreBlocked[];
}

export type ExploreVerdict = 'confirmed' | 'refuted' | 'unknown';

/**
 * `check --explore`: the interleaving explorer's verdict on a cycle finding (or the deadlock of a
 * `lockdep-sim/unreported-deadlock` finding). docs/check.md, "Real or false positive: --explore".
 */
export interface ExploreRef {
  verdict: ExploreVerdict;
  /** The input whose scenario was searched (absent when no single input holds the whole cycle). */
  input?: number;
  /**
   * Where the verdict comes from: `report` the explorer's verdict on the validator's report of
   * this cycle (the same classes); `deadlock` a deadlock the search found on this cycle's classes
   * (or some of them: a shortcut); `search` the search visited every state and no deadlock has
   * its waiters on these classes only; `none` not searched (`note` says why).
   */
  basis: 'report' | 'deadlock' | 'search' | 'none';
  /** The verdict in one line (text and SARIF add it to the message): `refuted for every interleaving (gate: ...)`. */
  summary: string;
  /** refuted (and sometimes unknown): why, in words; `proof`: holds for every interleaving. */
  reason?: { kind: string; text: string; lock?: string; locks?: string[]; tasks?: string[]; proof: boolean };
  /** confirmed: the classes the deadlocked tasks wait on. */
  deadlockClasses?: string[];
  /** confirmed: a schedule that ends with those tasks blocked. */
  schedule?: ExploreSchedule;
  note?: string;
  /** With --explore-refuted-pass: the level this refuted finding had before it was lowered to `note`. */
  demotedFrom?: Level;
}

/** `check --explore`: the settings and, per input, what the search did. */
export interface ExploreSummary {
  maxStates: number;
  seed: number;
  /** --explore-refuted-pass: refuted cycle findings are lowered to `note`. */
  refutedPass: boolean;
  /** Per input: the explorer's search statistics, and what it covered. */
  inputs: (SearchStats & {
    input: number;
    /** Cycles the validator reported in this input (circular and recursive findings). */
    cycles: number;
    /** Deadlocks on locks no reported cycle covers (at most 10 per input). */
    unreported: number;
  })[];
  /** Verdicts over the findings that carry one (unreported deadlocks excluded). */
  confirmed: number;
  refuted: number;
  unknown: number;
  /** `lockdep-sim/unreported-deadlock` findings. */
  unreported: number;
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
  /** With --explore: the interleaving explorer's verdict. */
  explore?: ExploreRef;
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
  /** With --explore. */
  explore?: ExploreSummary;
  /** Counts of findings that count for --fail-on (not suppressed, not unchanged), and the others. */
  summary: { error: number; warning: number; note: number; suppressed: number; unchanged: number };
}

/** Does a finding count for `--fail-on level`? */
export function countsFor(f: CheckFinding, failOn: Level | 'none'): boolean {
  if (failOn === 'none' || f.suppressed || f.baselineState === 'unchanged') return false;
  return LEVELS.indexOf(f.level) <= LEVELS.indexOf(failOn);
}
