#!/usr/bin/env node
// The lockdep-sim command line: argument parsing, file I/O, exit codes. Everything else is pure.
// `import trace FILE` starts its parser thread first, so that reading the trace overlaps with loading
// the argument parser and the validator (cli/parser-thread.ts).
import { parserThreadsStopped, prestartParserThread, stopUnadoptedParserThread } from './parser-thread.js';

const argv = process.argv.slice(2);
prestartParserThread(argv);
const { runCli } = await import('./run-cli.js');
process.exitCode = await runCli(argv, {
  isTTY: Boolean(process.stderr.isTTY),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});
stopUnadoptedParserThread();
// A parser thread still in a read of a quiet live source (trace_pipe, a pipe) cannot be stopped, and
// Node waits for it before exiting. After Ctrl-C (exit code 130) the findings are printed: end as
// the signal would have (the shell sees 130). Otherwise (an error) say why the process does not end.
if (!(await parserThreadsStopped(300))) {
  if (process.exitCode === 130) {
    process.removeAllListeners('SIGINT');
    process.kill(process.pid, 'SIGINT');
  } else process.stderr.write('lockdep-sim: the input is still open and its reader cannot stop before it gives more or ends: press Ctrl-C to stop\n');
}
