/**
 * Runs one oracle case in-process: script → Scenario → replay (stop after the first report, like the
 * kernel's debug_locks = 0) → kernel text, then compares with what the real kernel printed (`.dmesg`,
 * normalized as ../shared/hooks/lib/norm.py does in oracle mode) and with its `/proc/lockdep` (`.deps`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCaseScript } from '../../src/importers/script.js';
import { kernelProfile, parseKernelVersion } from '../../src/model/kernel.js';
import type { Report } from '../../src/model/findings.js';
import { renderFindings } from '../../src/reporters/text/index.js';
import type { TextContext } from '../../src/reporters/text/index.js';
import { replay } from '../../src/validator/replay.js';
import { compareClasses, parseProcLockdep } from './deps.js';
import { normOracle as normPy } from './norm.js';

/**
 * norm.py's oracle normalization plus the one thing it misses that the issue says is normalized
 * away: the pid in a dump_stack `CPU: n PID: p` line (kept by norm.py in the banner-less
 * MAX_LOCK_DEPTH report, whose first pid differs from boot to boot).
 */
function normOracle(text: string): string[] {
  return normPy(text).map((l) => l.replace(/\bPID: \d+/, 'PID: PID'));
}
import { probesDir, sharedOracle } from './paths.js';


/** A set of cases: where the scripts and the kernel's outputs are, and the version to replay with. */
export interface OracleSet {
  kernel: string;
  /** Directory of the `*.script` files. */
  scripts: string;
  /** Directory of the kernel's `.dmesg` / `.deps` for them. */
  outputs: string;
  /** Prefix of this set's keys in expected-failures.json (`''` for the 6.1 replay cases). */
  prefix: string;
}

const replay61 = path.join(sharedOracle, 'replay');

export const ORACLE_SETS: OracleSet[] = [
  { kernel: '6.1.192', scripts: replay61, outputs: replay61, prefix: '' },
  { kernel: '6.12.117', scripts: replay61, outputs: path.join(sharedOracle, 'replay-6.12'), prefix: 'replay-6.12/' },
  // Our own questions to the 6.1 kit (see fixtures/probes/README.md).
  { kernel: '6.1.192', scripts: probesDir, outputs: probesDir, prefix: 'probes/' },
];

export interface OracleCase {
  /** Key in expected-failures.json: the set's prefix and the case name. */
  key: string;
  name: string;
  set: OracleSet;
}

/**
 * Every case, enumerated at test time (cases added to the oracle directories later are included): each
 * `*.script` of a set whose outputs directory has the case's `.dmesg`.
 */
export function listCases(): OracleCase[] {
  const out: OracleCase[] = [];
  for (const set of ORACLE_SETS) {
    if (!existsSync(set.scripts)) continue;
    const names = readdirSync(set.scripts)
      .filter((f) => f.endsWith('.script'))
      .map((f) => f.slice(0, -'.script'.length))
      .sort();
    for (const name of names) {
      if (existsSync(path.join(set.outputs, `${name}.dmesg`))) out.push({ key: `${set.prefix}${name}`, name, set });
    }
  }
  return out;
}

export interface CaseRun {
  key: string;
  /** One line per disagreement with the kernel; empty when the case passes. */
  problems: string[];
  /** Both sides of the dmesg comparison (normalized), for diagnosis. */
  want: string[];
  got: string[];
  report?: Report;
}

export function runCase({ key, name, set }: OracleCase): CaseRun {
  const scriptFile = path.join(set.scripts, `${name}.script`);
  const problems: string[] = [];
  const wantText = readFileSync(path.join(set.outputs, `${name}.dmesg`), 'utf8');
  const want = normOracle(wantText);
  let got: string[] = [];
  let report: Report | undefined;
  try {
    const scenario = parseCaseScript(readFileSync(scriptFile, 'utf8'), scriptFile, { kernel: set.kernel });
    report = replay(scenario, { kernel: set.kernel, stopAfterFirst: true });
    const ctx: TextContext = {
      profile: kernelProfile(parseKernelVersion(scenario.kernel)!, scenario.config),
      taint: scenario.taint ?? 'Not tainted',
    };
    if (scenario.hardware !== undefined) ctx.hardware = scenario.hardware;
    if (scenario.kernelFrames !== undefined) ctx.kernelFrames = scenario.kernelFrames;
    got = normOracle(renderFindings(report.findings, ctx));
  } catch (e) {
    problems.push(`threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
  if (problems.length === 0) {
    problems.push(...diffLines(want, got));
    const depsFile = path.join(set.outputs, `${name}.deps`);
    if (existsSync(depsFile) && report) {
      problems.push(...compareClasses(parseProcLockdep(readFileSync(depsFile, 'utf8')), report.classes));
    }
  }
  const run: CaseRun = { key, problems, want, got };
  if (report) run.report = report;
  return run;
}

/** The first difference of two normalized reports, as one problem line (or none). */
function diffLines(want: string[], got: string[]): string[] {
  const verdict = (ls: string[]) => (ls.length === 0 ? 'none' : ls.find((l) => !/^=+$/.test(l)) ?? ls[0]!);
  if (verdict(want) !== verdict(got)) return [`dmesg: verdict "${verdict(got)}", kernel "${verdict(want)}"`];
  const n = Math.max(want.length, got.length);
  for (let i = 0; i < n; i++) {
    if (want[i] !== got[i]) {
      return [`dmesg: normalized line ${i + 1}: "${got[i] ?? '<end>'}", kernel "${want[i] ?? '<end>'}"`];
    }
  }
  return [];
}
