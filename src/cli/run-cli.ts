import yargs from 'yargs';
import { LockdepSimError, formatIssue } from '../diag/error.js';
import { registerRun } from './commands/run.js';
import { registerSelftest } from './commands/selftest.js';
import { registerHtml } from './commands/html.js';
import { registerCheck } from './commands/check.js';
import { registerGraph } from './commands/graph.js';
import { registerExplain } from './commands/explain.js';
import { registerExplore } from './commands/explore.js';
import { registerImport } from './commands/import.js';
import { EXIT, type CliContext, type CliIO, type RegisterCommand } from './context.js';

export { EXIT, type CliIO } from './context.js';

/** Every command, one module each (src/cli/commands/*.ts). */
const COMMANDS: RegisterCommand[] = [registerRun, registerCheck, registerGraph, registerExplain, registerExplore, registerImport, registerSelftest, registerHtml];

/** Runs the CLI on argv; returns the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let code: number = EXIT.clean;
  let usageError: string | undefined;
  const ctx: CliContext = { io, setExit: (c) => (code = c) };
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
      usageError = msg;
    });
  for (const register of COMMANDS) parser = register(parser, ctx);
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
