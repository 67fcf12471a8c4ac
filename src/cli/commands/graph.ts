/**
 * `lockdep-sim graph FILES... --format dot|mermaid|json [--policy P] [--focus CLASS --depth N]`:
 * the observed-dependency graph (docs/check.md): edge kinds, read/write modes, cycle edges
 * highlighted, clusters by policy level. `--format json` writes graph JSON (docs/graph-json.md),
 * which `check --baseline` reads back.
 */
import { findCycles } from '../../check/cycles.js';
import { focusGraph, graphModel } from '../../check/graph-model.js';
import { toGraphJson } from '../../check/graph-json.js';
import { mergeGraphs, observe } from '../../check/observe.js';
import { compilePolicy } from '../../check/policy.js';
import { INPUT_FORMATS } from '../../input.js';
import { renderDot } from '../../reporters/check/dot.js';
import { renderMermaid } from '../../reporters/check/mermaid.js';
import { EXIT, type RegisterCommand } from '../context.js';
import { readPolicy, readScenarios, writeOutput } from './check-shared.js';

export const GRAPH_FORMATS = ['dot', 'mermaid', 'json'] as const;

export const registerGraph: RegisterCommand = (y, ctx) =>
  y.command(
    'graph <files..>',
    'the lock dependency graph as Graphviz DOT, Mermaid or graph JSON (a baseline for check)',
    (c) =>
      c
        .positional('files', { type: 'string', array: true, demandOption: true, describe: 'scenario files (.yaml, .script)' })
        .option('format', { choices: GRAPH_FORMATS, default: 'dot' as const, describe: 'output format' })
        .option('policy', { type: 'string', describe: 'cluster classes by the levels of this policy' })
        .option('focus', { type: 'string', array: true, describe: 'only the classes near this one (repeatable)' })
        .option('depth', { type: 'number', default: 1, describe: 'with --focus: how many dependencies away (either direction)' })
        .option('output', { alias: 'o', type: 'string', describe: 'write the output to FILE instead of stdout' })
        .option('kernel', { type: 'string', describe: 'kernel version to emulate (overrides the scenarios)' })
        .option('input-format', { choices: INPUT_FORMATS, describe: 'input format (default: from the file extension)' }),
    (args) => {
      const scenarios = readScenarios(args.files as string[], args['input-format'], args.kernel);
      const graph = mergeGraphs(scenarios.map((s) => observe(s, args.kernel !== undefined ? { kernel: args.kernel } : {}).graph));
      const comps = findCycles(graph);
      const focus = args.focus?.map(String);
      let text: string;
      if (args.format === 'json') {
        const g = focus?.length ? focusGraph(graph, focus, args.depth).graph : graph;
        text = `${JSON.stringify(toGraphJson(g, comps), null, 2)}\n`;
      } else {
        const model = graphModel(graph, comps, {
          ...(args.policy !== undefined ? { policy: compilePolicy(readPolicy(args.policy)) } : {}),
          ...(focus?.length ? { focus, depth: args.depth } : {}),
        });
        text = args.format === 'dot' ? renderDot(model) : renderMermaid(model);
      }
      if (!writeOutput(args.output, text)) ctx.io.stdout(text);
      ctx.setExit(EXIT.clean);
    },
  );
