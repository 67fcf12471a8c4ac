/** Runs the CLI in-process (src/cli/run-cli.ts) and collects what it prints. */
import { runCliCapture } from '../fixtures/run-cli.js';

export const cli = (...argv: string[]) => runCliCapture(argv);
