/**
 * Runs the CLI in-process with the check / graph / explain commands registered, the way
 * src/cli/run-cli.ts does for the registered ones (the lead wires them into runCli; until then the
 * tests build the same parser here).
 */
import yargs from 'yargs';
import { registerCheck } from '../../src/cli/commands/check.js';
import { registerExplain } from '../../src/cli/commands/explain.js';
import { registerGraph } from '../../src/cli/commands/graph.js';
import { EXIT, type CliContext, type CliIO } from '../../src/cli/context.js';
import { formatIssue, LockdepSimError } from '../../src/diag/error.js';

async function runCliWith(argv: string[], io: CliIO): Promise<number> {
  let code: number = EXIT.clean;
  let usageError: string | undefined;
  const ctx: CliContext = { io, setExit: (c) => (code = c) };
  let parser = yargs(argv)
    .scriptName('lockdep-sim')
    .strict()
    .help()
    .version(false)
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      usageError = msg;
    });
  for (const register of [registerCheck, registerGraph, registerExplain]) parser = register(parser, ctx);
  try {
    await parser.parseAsync(argv, {}, () => {});
    if (usageError !== undefined) {
      io.stderr(`error[usage]: ${usageError}\n`);
      return EXIT.input;
    }
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

export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  let code: number;
  // Use the real runCli once it knows the commands; else the local copy.
  const { runCli } = await import('../../src/cli/run-cli.js');
  let help = '';
  await runCli(['--help'], { stdout: (s: string) => (help += s), stderr: () => {} });
  const registered = /lockdep-sim check\b/.test(help);
  const io = { stdout: (s: string) => (out += s), stderr: (s: string) => (err += s) };
  code = registered ? await runCli(argv, io) : await runCliWith(argv, io);
  return { code, out, err };
}
