/**
 * `lockdep-sim check FILES... [--policy P.yaml] [--baseline G.json] [--format text|json|sarif]
 * [--fail-on error|warning|none] [-o FILE] [--explore [--explore-states N] [--explore-refuted-pass]]`:
 * the CI mode (docs/check.md). Exit 0 when nothing at or above --fail-on is found, 1 when something
 * is, 2 on bad input, 3 on an internal error.
 */
import { runCheck, type CheckOptions } from '../../check/check.js';
import { inputError } from '../../diag/error.js';
import { DEFAULT_MAX_STATES } from '../../explore/explore.js';
import { parseGraphJson } from '../../check/graph-json.js';
import { countsFor, type Level } from '../../check/result.js';
import { INPUT_FORMATS } from '../../input.js';
import { renderCheckJson } from '../../reporters/check/json.js';
import { renderSarif } from '../../reporters/check/sarif.js';
import { renderCheckText } from '../../reporters/check/text.js';
import { renderFinding } from '../../reporters/text/index.js';
import { EXIT, readInput, textContextFor, type RegisterCommand } from '../context.js';
import { displayPath, readPolicy, readScenarios, toolVersion, writeOutput } from './check-shared.js';

export const CHECK_FORMATS = ['text', 'json', 'sarif'] as const;
export const FAIL_ON = ['error', 'warning', 'none'] as const;

export const registerCheck: RegisterCommand = (y, ctx) =>
  y.command(
    'check <files..>',
    'CI mode: every cycle, policy violations and a baseline diff, as text, JSON or SARIF',
    (c) =>
      c
        .positional('files', { type: 'string', array: true, demandOption: true, describe: 'scenario files (.yaml, .script)' })
        .option('policy', { type: 'string', describe: 'lock-ordering policy (YAML, docs/policy.md)' })
        .option('baseline', { type: 'string', describe: 'baseline graph JSON (from `lockdep-sim graph --format json`)' })
        .option('format', { choices: CHECK_FORMATS, default: 'text' as const, describe: 'output format' })
        .option('fail-on', { choices: FAIL_ON, default: 'error' as const, describe: 'exit 1 when a finding at or above this level is found' })
        .option('output', { alias: 'o', type: 'string', describe: 'write the output to FILE instead of stdout' })
        .option('kernel', { type: 'string', describe: 'kernel version to emulate (overrides the scenarios)' })
        .option('input-format', { choices: INPUT_FORMATS, describe: 'input format (default: from the file extension)' })
        .option('max-cycles', { type: 'number', default: 100, describe: 'cycles listed per strongly connected component' })
        .option('exact-limit', { type: 'number', default: 20, describe: 'exact minimum feedback arc set up to this many dependencies per component' })
        .option('instances', { type: 'boolean', default: true, describe: 'replay per lock instance to tell whether each cycle holds for the same locks (--no-instances skips it)' })
        .option('explore', { type: 'boolean', default: false, describe: 'search the interleavings of each input for a real deadlock: a verdict per cycle, and deadlocks lockdep did not report' })
        .option('explore-states', { type: 'number', default: DEFAULT_MAX_STATES, describe: 'with --explore: distinct states searched at most per input (deterministic)' })
        .option('explore-refuted-pass', {
          type: 'boolean',
          default: false,
          describe: 'lower cycles the explorer refutes to notes, so they do not fail the check (implies --explore)',
        }),
    (args) => {
      const files = args.files as string[];
      const scenarios = readScenarios(files, args['input-format'], args.kernel);
      const opts: CheckOptions = { toolVersion: toolVersion(), maxCycles: args['max-cycles'], exactLimit: args['exact-limit'], instances: args.instances };
      if (args.kernel !== undefined) opts.kernel = args.kernel;
      const states = args['explore-states'];
      if (!Number.isInteger(states) || states < 1) {
        throw inputError('usage', `--explore-states must be a positive integer, got ${states}`, undefined, 'e.g. --explore-states 1000000');
      }
      if (args.explore || args['explore-refuted-pass']) opts.explore = { maxStates: states, refutedPass: args['explore-refuted-pass'] };
      if (args.policy !== undefined) opts.policy = readPolicy(args.policy);
      if (args.baseline !== undefined) {
        const file = displayPath(args.baseline);
        opts.baseline = { file, graph: parseGraphJson(readInput(args.baseline), file) };
      }
      const run = runCheck(scenarios, opts);
      const r = run.result;
      let text: string;
      if (args.format === 'json') text = renderCheckJson(r);
      else if (args.format === 'sarif') text = renderSarif(r);
      else {
        text = renderCheckText(r, {
          splat: (input, index) => {
            const o = run.observations[input];
            const f = o?.report.findings[index];
            return o && f ? renderFinding(f, textContextFor(o.scenario, args.kernel)) : undefined;
          },
        });
      }
      if (!writeOutput(args.output, text)) ctx.io.stdout(text);
      const failOn = args['fail-on'] as Level | 'none';
      const failing = r.findings.filter((f) => countsFor(f, failOn)).length;
      const s = r.summary;
      const x = r.explore;
      ctx.io.stderr(
        `lockdep-sim check: ${s.error} error(s), ${s.warning} warning(s), ${s.note} note(s)` +
          `${s.suppressed ? `, ${s.suppressed} suppressed` : ''}${s.unchanged ? `, ${s.unchanged} unchanged from the baseline` : ''}` +
          `${x ? `; explore: ${x.confirmed} confirmed, ${x.refuted} refuted, ${x.unknown} unknown, ${x.unreported} unreported deadlock(s)` : ''}` +
          `${failing ? `: failing (--fail-on ${failOn})` : ''}${args.output ? `; wrote ${args.output}` : ''}\n`,
      );
      ctx.setExit(failing ? EXIT.findings : EXIT.clean);
    },
  );
