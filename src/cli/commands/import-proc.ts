/**
 * `lockdep-sim import proc FILE [--chains FILE] [-o OUT]`: the kernel's /proc/lockdep (and
 * /proc/lockdep_chains) as graph JSON (docs/graph-json.md): a baseline for `check --baseline`, or the
 * reference to compare an imported trace with.
 */
import type { Argv } from 'yargs';
import { graphFromProc, serializeGraph } from '../../importers/proc/graph-json.js';
import { parseProcLockdep, parseProcLockdepChains } from '../../importers/proc/parse.js';
import { EXIT, readInput, type CliContext } from '../context.js';
import { fmtCount, writeFile, inputName } from './import-trace.js';

export function registerImportProc(y: Argv, ctx: CliContext): Argv {
  return y.command(
    'proc <file>',
    "convert the kernel's /proc/lockdep (and /proc/lockdep_chains) into graph JSON",
    (c) =>
      c
        .positional('file', { type: 'string', demandOption: true, describe: 'a copy of /proc/lockdep (- for stdin)' })
        .option('chains', { type: 'string', describe: 'a copy of /proc/lockdep_chains, added as "chains"' })
        .option('output', { alias: 'o', type: 'string', describe: 'write the graph JSON to FILE instead of stdout' })
        .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no summary on stderr' }),
    (args) => {
      const file = inputName(args.file);
      const classes = parseProcLockdep(readInput(file), file);
      const chains = args.chains !== undefined ? parseProcLockdepChains(readInput(args.chains), args.chains) : undefined;
      const graph = graphFromProc(classes, chains, {
        format: 'proc',
        file,
        notes: ['/proc/lockdep lists only distance-1 dependencies and not their kinds (readers take EN)'],
      });
      const text = serializeGraph(graph);
      if (args.output !== undefined && args.output !== '-') writeFile(args.output, text);
      else ctx.io.stdout(text);
      if (!args.quiet) {
        const chainPart = chains ? `, ${fmtCount(chains.length)} chains` : '';
        ctx.io.stderr(`lockdep-sim: ${file}: ${fmtCount(graph.classes.length)} classes, ${fmtCount(graph.dependencies.length)} dependencies${chainPart}\n`);
      }
      ctx.setExit(EXIT.clean);
    },
  );
}
