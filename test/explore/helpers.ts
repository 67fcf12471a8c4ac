/**
 * Small scenarios for explorer tests, written as YAML (so the parser's `on_fail`/`repeat` are
 * exercised too): `scen({ A: 'mutex', S: 'rw_semaphore' }, { t1: ['lock A', 'lock B', 'unlock B', 'unlock A'] })`.
 * A step is `<op> <lock>[@N] [on_fail]`; tasks get a one-frame stack named after them.
 */
import type { ExploreOptions, ExploreResult } from '../../src/explore/explore.js';
import { exploreReport } from '../../src/explore/explore.js';
import type { Report } from '../../src/model/findings.js';
import type { Scenario } from '../../src/model/scenario.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { replay } from '../../src/validator/replay.js';

export interface ScenOpts {
  kernel?: string;
  repeat?: Record<string, number>;
}

function stepYaml(s: string): string {
  const m = /^\s*(hardirq|softirq)\s*:\s*\[(.*)\]\s*$/.exec(s);
  if (m) return `{ ${m[1]}: [${m[2]!.split(';').map((x) => stepYaml(x.trim())).join(', ')}] }`;
  const [op, lock, onFail] = s.trim().split(/\s+/);
  return `{ ${op}: ${lock}${onFail ? `, on_fail: ${onFail}` : ''} }`;
}

export function scenYaml(classes: Record<string, string>, tasks: Record<string, string[]>, opts: ScenOpts = {}): string {
  const lines = [`kernel: "${opts.kernel ?? '6.1.0 #1'}"`, 'classes:'];
  for (const [id, kind] of Object.entries(classes)) lines.push(`  ${id}: ${kind}`);
  lines.push('tasks:');
  let pid = 100;
  for (const [name, steps] of Object.entries(tasks)) {
    const sym = name.replace(/\W/g, '_');
    lines.push(`  - name: ${name}`, `    pid: ${pid++}`, `    stack: [${sym}_fn+0x10/0x100]`);
    if (opts.repeat?.[name]) lines.push(`    repeat: ${opts.repeat[name]}`);
    lines.push('    steps:');
    for (const s of steps) lines.push(`      - ${stepYaml(s)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function scen(classes: Record<string, string>, tasks: Record<string, string[]>, opts: ScenOpts = {}): Scenario {
  return parseScenario(scenYaml(classes, tasks, opts), 'case.yaml');
}

export function explore(s: Scenario, opts: ExploreOptions = {}): { report: Report; results: ExploreResult[] } {
  const report = replay(s);
  return { report, results: exploreReport(s, report, opts) };
}

/** The only result (asserting there is exactly one cycle). */
export function only(results: ExploreResult[]): ExploreResult {
  if (results.length !== 1) throw new Error(`expected one cycle, got ${results.length}`);
  return results[0]!;
}

/** Nested lock/unlock steps: `nest('A', 'B')` = lock A, lock B, unlock B, unlock A. */
export function nest(...locks: string[]): string[] {
  return [...locks.map((l) => `lock ${l}`), ...[...locks].reverse().map((l) => `unlock ${l}`)];
}
