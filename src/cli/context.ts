import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { LockdepSimError } from '../diag/error.js';
import type { Scenario } from '../model/scenario.js';
import { kernelBuildInfo, type TextContext } from '../reporters/text/index.js';
import { profileFor } from '../validator/replay.js';

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Is stdout/stderr a terminal (progress bars only then). */
  isTTY?: boolean;
}

/** Exit codes: 0 no findings, 1 findings, 2 bad input, 3 internal error. */
export const EXIT = { clean: 0, findings: 1, input: 2, internal: 3 } as const;

/** What a command module gets: output channels and a way to set the exit code. */
export interface CliContext {
  io: CliIO;
  setExit(code: number): void;
}

/** A command module registers itself on the yargs instance (one file per command in commands/). */
export type RegisterCommand = (y: Argv, ctx: CliContext) => Argv;

/** The entries of `table` that `name` picks: its own, or all of them when it names none there. */
export function picked<T>(table: Record<string, T>, name: string | undefined): T[] {
  return name !== undefined && Object.hasOwn(table, name) ? [table[name]!] : Object.values(table);
}

/** Reads a file (or stdin for `-`); a failure is an input error with a hint, never a stack trace. */
export function readInput(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LockdepSimError([
      {
        code: 'io',
        message: `cannot read ${file}${code ? ` (${code})` : ''}`,
        span: { file, line: 1, col: 1 },
        hint: code === 'ENOENT' ? 'check the path; scenarios ship in scenarios/' : 'check the file permissions',
      },
    ]);
  }
}

/** The text-report context of a scenario (its kernel, taint, hardware line, architecture, build frames). */
export function textContextFor(scenario: Scenario, kernel?: string): TextContext {
  const buildInfo = kernelBuildInfo(kernel ?? scenario.kernel);
  return {
    profile: profileFor(scenario, kernel),
    taint: scenario.taint ?? 'Not tainted',
    ...(scenario.hardware ? { hardware: scenario.hardware } : {}),
    ...(scenario.arch ? { arch: scenario.arch } : {}),
    ...(buildInfo ? { buildInfo } : {}),
    ...(scenario.kernelFrames ? { kernelFrames: scenario.kernelFrames } : {}),
  };
}
