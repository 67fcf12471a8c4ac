import { writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { inputError, LockdepSimError } from '../../diag/error.js';
import { DEFAULT_MAX_STATES, exploreReport, type ExploreResult } from '../../explore/explore.js';
import { renderHtmlPage } from '../../html/index.js';
import { INPUT_FORMATS, parseInput, type InputFormat } from '../../input.js';
import { replay } from '../../validator/replay.js';
import { EXIT, readInput, textContextFor, type CliContext, type RegisterCommand } from '../context.js';

export interface HtmlArgs {
  file: string;
  /** Output file; stdout when absent or `-`. */
  output?: string;
  kernel?: string;
  inputFormat?: InputFormat;
  title?: string;
  /** One line shown before the first step (default: the YAML's `description:`). */
  description?: string;
  /** Run the interleaving explorer on each cycle and show its verdict (default true). */
  explore?: boolean;
  /** The explorer's state budget (default DEFAULT_MAX_STATES). */
  exploreStates?: number;
}

/** The `description:` line of a YAML scenario, if it has one (the page shows it before the first step). */
export function scenarioDescription(text: string, file: string): string | undefined {
  if (!/\.ya?ml$/i.test(file)) return undefined;
  try {
    const d = (parseYaml(text) as { description?: unknown } | null)?.description;
    return typeof d === 'string' && d.trim() ? d.trim() : undefined;
  } catch {
    return undefined;
  }
}

function plural(n: number, w: string): string {
  return `${n} ${w}${n === 1 ? '' : 's'}`;
}

/** `; explorer: 1 confirmed, 1 refuted` (nothing when there was no cycle to explore). */
function exploreSummary(results: readonly ExploreResult[]): string {
  const parts = (['confirmed', 'refuted', 'unknown'] as const).map((v) => [v, results.filter((r) => r.verdict === v).length] as const).filter(([, n]) => n > 0);
  return parts.length ? `; explorer: ${parts.map(([v, n]) => `${n} ${v}`).join(', ')}` : '';
}

/** Replays one scenario with a timeline and writes its teaching page. Exit 0 when the page is written (reports are content, not failures). */
export function htmlCommand(a: HtmlArgs, ctx: CliContext): void {
  const maxStates = a.exploreStates ?? DEFAULT_MAX_STATES;
  if (!Number.isInteger(maxStates) || maxStates < 1) {
    throw inputError('usage', `--explore-states must be a positive integer, got ${maxStates}`, undefined, 'e.g. --explore-states 100000, or --no-explore');
  }
  const text = readInput(a.file);
  const scenario = parseInput(text, a.file, a.inputFormat, a.kernel);
  const report = replay(scenario, { timeline: true, ...(a.kernel ? { kernel: a.kernel } : {}) });
  const description = a.description ?? scenarioDescription(text, a.file);
  // The explorer is deterministic under a state budget (no clock), so the page stays reproducible.
  const explore: ExploreResult[] | undefined = a.explore === false ? undefined : exploreReport(scenario, report, { maxStates, ...(a.kernel ? { kernel: a.kernel } : {}) });
  const page = renderHtmlPage(scenario, report, {
    text: textContextFor(scenario, a.kernel),
    ...(a.title ? { title: a.title } : {}),
    ...(description ? { description } : {}),
    ...(explore ? { explore } : {}),
  });
  if (!a.output || a.output === '-') ctx.io.stdout(page);
  else {
    try {
      writeFileSync(a.output, page);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new LockdepSimError([
        { code: 'io', message: `cannot write ${a.output}${code ? ` (${code})` : ''}`, span: { file: a.output, line: 1, col: 1 }, hint: 'check that the folder exists and is writable' },
      ]);
    }
  }
  const steps = report.timeline?.filter((e) => e.type === 'step').length ?? 0;
  const where = !a.output || a.output === '-' ? 'stdout' : a.output;
  ctx.io.stderr(`lockdep-sim: ${a.file}: page written to ${where} (${plural(steps, 'step')}, ${plural(report.findings.length, 'report')}${explore ? exploreSummary(explore) : ''})\n`);
  ctx.setExit(EXIT.clean);
}

export const registerHtml: RegisterCommand = (y, ctx) =>
  y.command(
    'html <file>',
    'write a self-contained HTML page that replays a scenario step by step (a teaching aid)',
    (c) =>
      c
        .positional('file', { type: 'string', demandOption: true, describe: 'scenario file (.yaml, .script) or - for stdin' })
        .option('output', { alias: 'o', type: 'string', describe: 'the HTML file to write (default: stdout)' })
        .option('kernel', { type: 'string', describe: 'kernel version to emulate (overrides the scenario), e.g. 6.1.192' })
        .option('input-format', { choices: INPUT_FORMATS, describe: 'input format (default: from the file extension)' })
        .option('title', { type: 'string', describe: 'page title (default: the file name)' })
        .option('description', { type: 'string', describe: "one line on what the scenario shows (default: the scenario's description)" })
        .option('explore', { type: 'boolean', default: true, describe: 'run the interleaving explorer on each cycle and show its verdict and schedule (--no-explore skips it)' })
        .option('explore-states', { type: 'number', default: DEFAULT_MAX_STATES, describe: "the explorer's budget: distinct states to search at most (deterministic)" }),
    (args) => {
      const a: HtmlArgs = { file: args.file as string };
      if (args.output !== undefined) a.output = args.output;
      if (args.kernel !== undefined) a.kernel = args.kernel;
      if (args['input-format'] !== undefined) a.inputFormat = args['input-format'];
      if (args.title !== undefined) a.title = args.title;
      if (args.description !== undefined) a.description = args.description;
      a.explore = args.explore;
      a.exploreStates = args['explore-states'];
      htmlCommand(a, ctx);
    },
  );
