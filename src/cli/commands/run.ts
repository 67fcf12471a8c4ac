import { INPUT_FORMATS, parseInput, type InputFormat } from '../../input.js';
import type { Finding, Report } from '../../model/findings.js';
import type { Scenario } from '../../model/scenario.js';
import { renderProcLockdep } from '../../reporters/proc.js';
import { renderProcChains, renderProcStats } from '../../reporters/proc-chains.js';
import { renderFindings } from '../../reporters/text/index.js';
import type { Limits } from '../../validator/lockdep.js';
import { replay } from '../../validator/replay.js';
import { exploreReport } from '../../explore/explore.js';
import { formatExploreLine } from '../../explore/format.js';
import { EXIT, readInput, textContextFor, type CliContext, type RegisterCommand } from '../context.js';

function plural(n: number, w: string): string {
  return `${n} ${w}${n === 1 ? '' : 's'}`;
}

/** The one-line stderr summary of a run. */
export function summarize(file: string, findings: Finding[]): string {
  if (!findings.length) return `lockdep-sim: ${file}: no findings\n`;
  const kinds = new Map<string, number>();
  for (const f of findings) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  const parts = [...kinds].map(([k, n]) => `${n} ${k}`).join(', ');
  return `lockdep-sim: ${file}: ${plural(findings.length, 'finding')} (${parts})\n`;
}

export interface RunArgs {
  files: string[];
  kernel?: string;
  inputFormat?: InputFormat;
  format: 'text' | 'json';
  stopAtFirst: boolean;
  proc: boolean;
  explore: boolean;
  limits: Partial<Limits>;
}

/** Loads and replays each file (shared by commands that need the replay of scenarios). */
export function loadAndReplay(a: Pick<RunArgs, 'files' | 'kernel' | 'inputFormat' | 'stopAtFirst' | 'limits'>): { scenario: Scenario; report: Report }[] {
  return a.files.map((file) => {
    const scenario = parseInput(readInput(file), file, a.inputFormat, a.kernel);
    const report = replay(scenario, { stopAfterFirst: a.stopAtFirst, limits: a.limits, ...(a.kernel ? { kernel: a.kernel } : {}) });
    return { scenario, report };
  });
}

function runCommand(a: RunArgs, ctx: CliContext): void {
  const runs = loadAndReplay(a).map((r) => ({ ...r, explore: a.explore ? exploreReport(r.scenario, r.report) : undefined }));
  let total = 0;
  if (a.format === 'json') {
    const out = runs.map((r) => (r.explore ? { ...r.report, explore: r.explore } : r.report));
    ctx.io.stdout(`${JSON.stringify(out.length === 1 ? out[0] : out, null, 2)}\n`);
  }
  for (const { scenario, report, explore } of runs) {
    total += report.findings.length;
    if (a.format === 'text') {
      const tctx = textContextFor(scenario, a.kernel);
      ctx.io.stdout(renderFindings(report.findings, tctx));
      if (explore) for (const e of explore) ctx.io.stdout(`${formatExploreLine(e)}\n`);
      if (a.proc) {
        ctx.io.stdout(renderProcLockdep(report, { debugLockdep: tctx.profile.config.debugLockdep }));
        ctx.io.stdout(renderProcChains(report, tctx.profile));
        ctx.io.stdout(renderProcStats(report, tctx.profile));
      }
    }
    ctx.io.stderr(summarize(scenario.file, report.findings));
  }
  ctx.setExit(total ? EXIT.findings : EXIT.clean);
}

export const registerRun: RegisterCommand = (y, ctx) =>
  y.command(
    'run <files..>',
    'replay scenarios through the lock validator and print every report',
    (c) =>
      c
        .positional('files', { type: 'string', array: true, demandOption: true, describe: 'scenario files (.yaml, .script, .jsonl) or - for stdin (then give --input-format)' })
        .option('kernel', { type: 'string', describe: 'kernel version to emulate (overrides the scenario), e.g. 6.1.192' })
        .option('input-format', { choices: INPUT_FORMATS, describe: 'input format (default: from the file extension)' })
        .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'output format' })
        .option('stop-at-first', { type: 'boolean', default: false, describe: 'stop validating after the first report, as the kernel does' })
        .option('explore', { type: 'boolean', default: false, describe: 'for each cycle, search the interleavings for a real deadlock (one verdict line per cycle)' })
        .option('proc', { type: 'boolean', default: false, describe: 'also print the simulated /proc/lockdep, /proc/lockdep_chains and /proc/lockdep_stats' })
        .option('max-lock-depth', { type: 'number', describe: 'MAX_LOCK_DEPTH (default 48)' })
        .option('max-classes', { type: 'number', describe: 'MAX_LOCKDEP_KEYS (default 8192; 8191 before 5.3)' })
        .option('max-entries', { type: 'number', describe: 'MAX_LOCKDEP_ENTRIES (default 32768)' })
        .option('max-chains', { type: 'number', describe: 'MAX_LOCKDEP_CHAINS (default 65536)' })
        .option('max-chain-hlocks', { type: 'number', describe: 'MAX_LOCKDEP_CHAIN_HLOCKS (default 327680)' }),
    (args) => {
      const limits: Partial<Limits> = {};
      if (args['max-lock-depth'] !== undefined) limits.maxLockDepth = args['max-lock-depth'];
      if (args['max-classes'] !== undefined) limits.maxClasses = args['max-classes'];
      if (args['max-entries'] !== undefined) limits.maxEntries = args['max-entries'];
      if (args['max-chains'] !== undefined) limits.maxChains = args['max-chains'];
      if (args['max-chain-hlocks'] !== undefined) limits.maxChainHlocks = args['max-chain-hlocks'];
      // yargs hands a lone `-` (stdin) over as an empty string, or drops it from a variadic positional
      const given = args.files as string[];
      const files = given.length ? given.map((f) => (f === '' ? '-' : f)) : ['-'];
      const a: RunArgs = { files, format: args.format, stopAtFirst: args['stop-at-first'], proc: args.proc, explore: args.explore, limits };
      if (args.kernel !== undefined) a.kernel = args.kernel;
      if (args['input-format'] !== undefined) a.inputFormat = args['input-format'];
      runCommand(a, ctx);
    },
  );
