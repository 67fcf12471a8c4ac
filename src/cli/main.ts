#!/usr/bin/env node
// The lockdep-sim command line: argument parsing, file I/O, exit codes. Everything else is pure.
// `import trace FILE` starts its parser thread first, so that reading the trace overlaps with loading
// the argument parser and the validator (cli/parser-thread.ts).
import { prestartParserThread, stopUnadoptedParserThread } from './parser-thread.js';

const argv = process.argv.slice(2);
prestartParserThread(argv);
const { runCli } = await import('./run-cli.js');
process.exitCode = await runCli(argv, {
  isTTY: Boolean(process.stderr.isTTY),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});
await stopUnadoptedParserThread();
