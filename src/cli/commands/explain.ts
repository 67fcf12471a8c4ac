/**
 * `lockdep-sim explain FILES... CLASS_A CLASS_B`: every recorded path between two classes (both
 * ways), the step and call path that created each dependency, its kinds, and whether the path is
 * strong (docs/check.md).
 */
import { explain } from '../../check/explain.js';
import { mergeGraphs, observe } from '../../check/observe.js';
import { inputError } from '../../diag/error.js';
import { INPUT_FORMATS } from '../../input.js';
import { renderExplainText } from '../../reporters/check/explain.js';
import { EXIT, type RegisterCommand } from '../context.js';
import { readScenarios } from './check-shared.js';

export const registerExplain: RegisterCommand = (y, ctx) =>
  y.command(
    'explain <args..>',
    'every recorded path between two lock classes: FILES... CLASS_A CLASS_B',
    (c) =>
      c
        .positional('args', { type: 'string', array: true, demandOption: true, describe: 'scenario files, then the two class names' })
        .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'output format' })
        .option('max-paths', { type: 'number', default: 20, describe: 'paths listed per direction' })
        .option('kernel', { type: 'string', describe: 'kernel version to emulate (overrides the scenarios)' })
        .option('input-format', { choices: INPUT_FORMATS, describe: 'input format (default: from the file extension)' }),
    (args) => {
      const all = (args.args as (string | number)[]).map(String);
      if (all.length < 3) throw inputError('usage', 'explain needs at least one file and two class names', undefined, 'e.g. lockdep-sim explain scenarios/abba.yaml A B');
      const files = all.slice(0, -2);
      const [a, b] = all.slice(-2) as [string, string];
      const scenarios = readScenarios(files, args['input-format'], args.kernel);
      const graph = mergeGraphs(scenarios.map((s) => observe(s, args.kernel !== undefined ? { kernel: args.kernel } : {}).graph));
      const e = explain(graph, a, b, { maxPaths: args['max-paths'] });
      ctx.io.stdout(args.format === 'json' ? `${JSON.stringify(e, null, 2)}\n` : renderExplainText(e));
      ctx.setExit(EXIT.clean);
    },
  );
