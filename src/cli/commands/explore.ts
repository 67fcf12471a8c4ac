/**
 * `lockdep-sim explore`: the validator's cycles, each searched for a schedule that really
 * deadlocks (src/explore/). This module only parses options, reads files, owns the clock (the
 * optional time budget) and prints; the elapsed time goes to stderr so stdout stays reproducible.
 */
import { inputError } from '../../diag/error.js';
import { DEFAULT_MAX_STATES, exploreAll, type Exploration, type ExploreResult } from '../../explore/explore.js';
import { formatExplore } from '../../explore/format.js';
import { INPUT_FORMATS, parseInput, type InputFormat } from '../../input.js';
import { replay } from '../../validator/replay.js';
import { EXIT, readInput, type CliContext, type RegisterCommand } from '../context.js';

export interface ExploreArgs {
  files: string[];
  kernel?: string;
  inputFormat?: InputFormat;
  format: 'text' | 'json';
  budgetStates: number;
  budgetMs?: number;
  seed: number;
}

function plural(n: number, w: string): string {
  return `${n} ${w}${n === 1 ? '' : 's'}`;
}

/** The stderr summary of one file (the only place the elapsed time appears: it is not deterministic). */
function summarize(file: string, x: Exploration, ms: number): string {
  const { results, unreported, search: s } = x;
  const by = (v: ExploreResult['verdict']) => results.filter((r) => r.verdict === v).length;
  const parts = (['confirmed', 'refuted', 'unknown'] as const).filter((v) => by(v) > 0).map((v) => `${by(v)} ${v}`);
  const cycles = results.length ? `${plural(results.length, 'cycle')} (${parts.join(', ')})` : 'no cycles';
  const more = unreported.length ? `, ${plural(unreported.length, 'deadlock')} lockdep did not report` : '';
  return `lockdep-sim explore: ${file}: ${cycles}${more}; ${s.states} states in ${(ms / 1000).toFixed(1)} s${s.complete || s.stoppedBy === 'goal' ? '' : ' (incomplete)'}\n`;
}

function exploreCommand(a: ExploreArgs, ctx: CliContext): void {
  if (!Number.isInteger(a.budgetStates) || a.budgetStates < 1) {
    throw inputError('usage', `--budget-states must be a positive integer, got ${a.budgetStates}`, undefined, 'e.g. --budget-states 1000000');
  }
  if (a.budgetMs !== undefined && !(a.budgetMs > 0)) {
    throw inputError('usage', `--budget-ms must be a positive number of milliseconds, got ${a.budgetMs}`, undefined, 'e.g. --budget-ms 10000');
  }
  if (!Number.isInteger(a.seed) || a.seed < 0) throw inputError('usage', `--seed must be a non-negative integer, got ${a.seed}`, undefined, 'e.g. --seed 7');
  const runs = a.files.map((file) => {
    const scenario = parseInput(readInput(file), file, a.inputFormat, a.kernel);
    const report = replay(scenario, a.kernel ? { kernel: a.kernel } : {});
    const start = Date.now();
    const budgetMs = a.budgetMs;
    const x = exploreAll(scenario, report, {
      maxStates: a.budgetStates,
      seed: a.seed,
      ...(budgetMs !== undefined ? { deadline: () => Date.now() - start > budgetMs } : {}),
      ...(a.kernel ? { kernel: a.kernel } : {}),
    });
    return { file: scenario.file, x, ms: Date.now() - start };
  });
  if (a.format === 'json') {
    const data = runs.map((r) => ({ file: r.file, results: r.x.results, unreported: r.x.unreported, search: r.x.search }));
    ctx.io.stdout(`${JSON.stringify(data.length === 1 ? data[0] : data, null, 2)}\n`);
  }
  let unsafe = 0;
  for (const r of runs) {
    if (a.format === 'text') ctx.io.stdout(formatExplore(r.file, r.x.results, { unreported: r.x.unreported, search: r.x.search }));
    ctx.io.stderr(summarize(r.file, r.x, r.ms));
    unsafe += r.x.results.filter((x) => x.verdict !== 'refuted').length + r.x.unreported.length;
  }
  ctx.setExit(unsafe ? EXIT.findings : EXIT.clean);
}

/**
 * `lockdep-sim explore FILE…`: for each cycle the validator reports, search the interleavings of
 * the scenario's tasks for a schedule that deadlocks, and list deadlocks lockdep did not report.
 * Exit 1 when a cycle is confirmed or the budget left it unknown, or an unreported deadlock was
 * found; 0 when every cycle is refuted (or there is none) and no other deadlock exists.
 */
export const registerExplore: RegisterCommand = (y, ctx) =>
  y.command(
    'explore <files..>',
    'real or false positive? search the interleavings of each reported cycle for a schedule that deadlocks',
    (c) =>
      c
        .positional('files', { type: 'string', array: true, demandOption: true, describe: 'scenario files (.yaml, .script) or - for stdin' })
        .option('budget-states', { type: 'number', default: DEFAULT_MAX_STATES, describe: 'distinct states to search at most (deterministic)' })
        .option('budget-ms', { type: 'number', describe: 'wall-clock budget in milliseconds (off by default; when it hits, verdicts may depend on the machine)' })
        .option('seed', { type: 'number', default: 0, describe: 'order in which tasks are tried (0: scenario order); the verdict does not depend on it, the schedule shown may' })
        .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'output format' })
        .option('kernel', { type: 'string', describe: 'kernel version to emulate (overrides the scenario), e.g. 6.1.192' })
        .option('input-format', { choices: INPUT_FORMATS, describe: 'input format (default: from the file extension)' }),
    (args) => {
      const a: ExploreArgs = {
        files: args.files as string[],
        format: args.format,
        budgetStates: args['budget-states'],
        seed: args.seed,
      };
      if (args['budget-ms'] !== undefined) a.budgetMs = args['budget-ms'];
      if (args.kernel !== undefined) a.kernel = args.kernel;
      if (args['input-format'] !== undefined) a.inputFormat = args['input-format'];
      exploreCommand(a, ctx);
    },
  );
