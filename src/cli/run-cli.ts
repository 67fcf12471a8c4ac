import yargs from 'yargs';
import { LockdepSimError, formatIssue } from '../diag/error.js';
import { EXIT, picked, type CliContext, type CliIO, type RegisterCommand } from './context.js';

export { EXIT, type CliIO } from './context.js';

/**
 * Every command, one module each (src/cli/commands/*.ts), loaded on demand: a run of one command
 * loads only its module (start-up time matters for `import trace` on large traces); help and
 * unknown commands load them all.
 */
const COMMANDS: Record<string, (argv: string[]) => Promise<RegisterCommand>> = {
  run: async () => (await import('./commands/run.js')).registerRun,
  check: async () => (await import('./commands/check.js')).registerCheck,
  graph: async () => (await import('./commands/graph.js')).registerGraph,
  explain: async () => (await import('./commands/explain.js')).registerExplain,
  explore: async () => (await import('./commands/explore.js')).registerExplore,
  import: async (argv) => (await import('./commands/import.js')).loadImport(argv),
  selftest: async () => (await import('./commands/selftest.js')).registerSelftest,
  html: async () => (await import('./commands/html.js')).registerHtml,
};

async function commandsFor(argv: string[]): Promise<RegisterCommand[]> {
  return Promise.all(picked(COMMANDS, argv.find((a) => !a.startsWith('-'))).map((load) => load(argv)));
}

/** A command line yargs rejected (its message is the usage error). */
class UsageError extends Error {}

/** Runs the CLI on argv; returns the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let code: number = EXIT.clean;
  const ctx: CliContext = { io, setExit: (c) => (code = c) };
  const usage = (msg: string) => {
    io.stderr(`error[usage]: ${msg}\n  hint: lockdep-sim --help lists the commands and options\n`);
    return EXIT.input;
  };
  let parser = yargs(argv)
    .scriptName('lockdep-sim')
    .usage('$0 <command> [options]')
    .demandCommand(1, 'name a command (try: lockdep-sim run scenarios/mm-hotremove-2019.yaml)')
    .strict()
    .help()
    .version(false)
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      // Stop here: yargs would otherwise go on and run the handler of a command it found invalid.
      throw new UsageError(msg);
    });
  try {
    for (const register of await commandsFor(argv)) parser = register(parser, ctx);
    let helpText: string | undefined;
    await parser.parseAsync(argv, {}, (_err, _argv, output) => {
      if (output) helpText = output;
    });
    if (helpText) io.stdout(`${helpText}\n`);
    return code;
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message);
    if (e instanceof LockdepSimError) {
      for (const i of e.issues) io.stderr(`${formatIssue(i)}\n`);
      return EXIT.input;
    }
    io.stderr(`lockdep-sim: internal error, please report: ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.internal;
  }
}
