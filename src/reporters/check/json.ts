/**
 * JSON output of `lockdep-sim check --format json`: the CheckResult as is (version 1, described by
 * schema/check-result.schema.json and docs/check.md). Key order is the construction order and every
 * list is sorted, so the same inputs give the same bytes.
 */
import type { CheckResult } from '../../check/result.js';

export function renderCheckJson(r: CheckResult): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
