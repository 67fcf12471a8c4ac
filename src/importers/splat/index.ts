/**
 * `lockdep-sim import splat`: a lockdep report as pasted from dmesg, a mail or a syzbot page →
 * a scenario YAML whose replay prints the same report (same kind, same cycle, same held locks).
 *
 * Pure: text in, `{ yaml, warnings }` out. The pipeline is lines.ts (tolerant line reader) →
 * parse.ts (the report) → plan.ts (classes and tasks) → emit.ts (YAML with comments).
 */
import { inputError, LockdepSimError } from '../../diag/error.js';
import { emitPlan } from './emit.js';
import { readLogLines } from './lines.js';
import { parseSplat } from './parse.js';
import { NoLockLines, Planner } from './plan.js';
import type { SplatReport } from './report.js';

export { readLogLines, stripPrefixes, type LogLine } from './lines.js';
export { parseSplat } from './parse.js';
export type { SplatKind, SplatReport } from './report.js';

export interface SplatImport {
  /** The scenario, ready for parseScenario(). */
  yaml: string;
  /** What could not be reproduced exactly (cut reports, guesses the model cannot express). */
  warnings: string[];
  /** The report as read (for tools and tests). */
  report: SplatReport;
}

/**
 * Imports the first lockdep report in `text`. `file` names the input in messages and spans.
 * @throws LockdepSimError (`schema`) when the text is not a lockdep report or has nothing to
 *   reproduce (no lock line at all).
 */
export function importSplat(text: string, file: string): SplatImport {
  try {
    const report = parseSplat(readLogLines(text), file);
    let plan;
    try {
      plan = new Planner(report, file).build();
    } catch (e) {
      if (e instanceof NoLockLines) {
        throw inputError(
          'schema',
          `the ${report.kind} report at line ${report.titleLine} lacks ${e.what}; there is nothing to reproduce`,
          { file, line: report.lastLine, col: 1 },
          'paste the whole report, from the `=====` ruler to the end of `stack backtrace:`',
        );
      }
      throw e;
    }
    return { yaml: emitPlan(plan), warnings: plan.warnings, report };
  } catch (e) {
    if (e instanceof LockdepSimError) throw e;
    throw inputError(
      'internal',
      `internal error while importing the report: ${e instanceof Error ? e.message : String(e)}`,
      { file, line: 1, col: 1 },
      'please report this with the input text',
    );
  }
}
