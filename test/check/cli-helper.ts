/** Runs the CLI in-process (src/cli/run-cli.ts) and collects what it prints. */
import { runCli } from '../../src/cli/run-cli.js';

export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (s: string) => (out += s), stderr: (s: string) => (err += s) });
  return { code, out, err };
}
