import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { LockdepSimError, formatIssue } from '../diag/error.js';
import { INPUT_FORMATS, parseInput, type InputFormat } from '../input.js';
import type { Finding, Report } from '../model/findings.js';
import type { Scenario } from '../model/scenario.js';
import { renderProcLockdep } from '../reporters/proc.js';
import { renderFindings } from '../reporters/text/index.js';
import { profileFor, replay } from '../validator/replay.js';

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** Exit codes: 0 no findings, 1 findings, 2 bad input, 3 internal error. */
export const EXIT = { clean: 0, findings: 1, input: 2, internal: 3 } as const;

function readInput(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LockdepSimError([
      {
        code: 'io',
        message: `cannot read ${file}${code ? ` (${code})` : ''}`,
        span: { file, line: 1, col: 1 },
        hint: code === 'ENOENT' ? 'check the path; scenarios ship in scenarios/' : 'check the file permissions',
      },
    ]);
  }
}

function plural(n: number, w: string): string {
  return `${n} ${w}${n === 1 ? '' : 's'}`;
}

function summarize(file: string, findings: Finding[]): string {
  if (!findings.length) return `lockdep-sim: ${file}: no findings\n`;
  const kinds = new Map<string, number>();
  for (const f of findings) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  const parts = [...kinds].map(([k, n]) => `${n} ${k}`).join(', ');
  return `lockdep-sim: ${file}: ${plural(findings.length, 'finding')} (${parts})\n`;
}

interface RunArgs {
  files: string[];
  kernel?: string;
  inputFormat?: InputFormat;
  format: 'text' | 'json';
  stopAtFirst: boolean;
  proc: boolean;
  maxLockDepth?: number;
  maxClasses?: number;
  maxEntries?: number;
  maxChains?: number;
}

function runCommand(a: RunArgs, io: CliIO): number {
  const runs: { scenario: Scenario; report: Report }[] = [];
  for (const file of a.files) {
    const scenario = parseInput(readInput(file), file, a.inputFormat, a.kernel);
    const limits: Record<string, number> = {};
    if (a.maxLockDepth !== undefined) limits.maxLockDepth = a.maxLockDepth;
    if (a.maxClasses !== undefined) limits.maxClasses = a.maxClasses;
    if (a.maxEntries !== undefined) limits.maxEntries = a.maxEntries;
    if (a.maxChains !== undefined) limits.maxChains = a.maxChains;
    const opts = { stopAfterFirst: a.stopAtFirst, limits, ...(a.kernel ? { kernel: a.kernel } : {}) };
    runs.push({ scenario, report: replay(scenario, opts) });
  }
  let total = 0;
  if (a.format === 'json') {
    io.stdout(`${JSON.stringify(runs.length === 1 ? runs[0]!.report : runs.map((r) => r.report), null, 2)}\n`);
  }
  for (const { scenario, report } of runs) {
    total += report.findings.length;
    if (a.format === 'text') {
      const profile = profileFor(scenario, a.kernel);
      const ctx = {
        profile,
        taint: scenario.taint ?? 'Not tainted',
        ...(scenario.hardware ? { hardware: scenario.hardware } : {}),
        ...(scenario.kernelFrames ? { kernelFrames: scenario.kernelFrames } : {}),
      };
      io.stdout(renderFindings(report.findings, ctx));
      if (a.proc) io.stdout(renderProcLockdep(report, { debugLockdep: profile.config.debugLockdep }));
    }
    io.stderr(summarize(scenario.file, report.findings));
  }
  return total ? EXIT.findings : EXIT.clean;
}

/** Runs the CLI on argv; returns the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let code: number = EXIT.clean;
  let usageError: string | undefined;
  const parser = yargs(argv)
    .scriptName('lockdep-sim')
    .usage('$0 <command> [options]')
    .command(
      'run <files..>',
      'replay scenarios through the lock validator and print every report',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, demandOption: true, describe: 'scenario files (.yaml, .script) or - for stdin' })
          .option('kernel', { type: 'string', describe: 'kernel version to emulate (overrides the scenario), e.g. 6.1.192' })
          .option('input-format', { choices: INPUT_FORMATS, describe: 'input format (default: from the file extension)' })
          .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'output format' })
          .option('stop-at-first', { type: 'boolean', default: false, describe: 'stop validating after the first report, as the kernel does' })
          .option('proc', { type: 'boolean', default: false, describe: 'also print the simulated /proc/lockdep' })
          .option('max-lock-depth', { type: 'number', describe: 'MAX_LOCK_DEPTH (default 48)' })
          .option('max-classes', { type: 'number', describe: 'MAX_LOCKDEP_KEYS (default 8192; 8191 before 5.3)' })
          .option('max-entries', { type: 'number', describe: 'MAX_LOCKDEP_ENTRIES (default 32768)' })
          .option('max-chains', { type: 'number', describe: 'MAX_LOCKDEP_CHAINS (default 65536)' }),
      (args) => {
        const a: RunArgs = {
          files: args.files as string[],
          format: args.format,
          stopAtFirst: args['stop-at-first'],
          proc: args.proc,
        };
        if (args.kernel !== undefined) a.kernel = args.kernel;
        if (args['input-format'] !== undefined) a.inputFormat = args['input-format'];
        if (args['max-lock-depth'] !== undefined) a.maxLockDepth = args['max-lock-depth'];
        if (args['max-classes'] !== undefined) a.maxClasses = args['max-classes'];
        if (args['max-entries'] !== undefined) a.maxEntries = args['max-entries'];
        if (args['max-chains'] !== undefined) a.maxChains = args['max-chains'];
        code = runCommand(a, io);
      },
    )
    .demandCommand(1, 'name a command (try: lockdep-sim run scenarios/mm-hotremove-2019.yaml)')
    .strict()
    .help()
    .version(false)
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      usageError = msg;
    });
  try {
    let helpText: string | undefined;
    await parser.parseAsync(argv, {}, (_err, _argv, output) => {
      if (output) helpText = output;
    });
    if (usageError !== undefined) {
      io.stderr(`error[usage]: ${usageError}\n  hint: lockdep-sim --help lists the commands and options\n`);
      return EXIT.input;
    }
    if (helpText) io.stdout(`${helpText}\n`);
    return code;
  } catch (e) {
    if (e instanceof LockdepSimError) {
      for (const i of e.issues) io.stderr(`${formatIssue(i)}\n`);
      return EXIT.input;
    }
    io.stderr(`lockdep-sim: internal error, please report: ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.internal;
  }
}
