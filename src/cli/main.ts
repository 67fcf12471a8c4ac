#!/usr/bin/env node
// The lockdep-sim command line: argument parsing, file I/O, exit codes. Everything else is pure.
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  isTTY: Boolean(process.stderr.isTTY),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});
