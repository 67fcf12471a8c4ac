/**
 * What `check`, `graph` and `explain` share: reading the inputs (paths inside the working directory
 * are shown relative to it, so SARIF locations resolve against the repository root), the policy,
 * the version string, and writing to -o FILE.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePolicy, type Policy } from '../../check/policy.js';
import { LockdepSimError } from '../../diag/error.js';
import { parseInput, type InputFormat } from '../../input.js';
import type { Scenario } from '../../model/scenario.js';
import { readInput } from '../context.js';

/** `/repo/scenarios/a.yaml` run from `/repo` is shown as `scenarios/a.yaml`. */
export function displayPath(file: string, cwd = process.cwd()): string {
  if (file === '-' || !path.isAbsolute(file)) return file;
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

export function readScenarios(files: readonly string[], inputFormat?: InputFormat, kernel?: string): Scenario[] {
  return files.map((f) => parseInput(readInput(f), displayPath(f), inputFormat, kernel));
}

export function readPolicy(file: string): Policy {
  return parsePolicy(readInput(file), displayPath(file));
}

/**
 * The package version: from the nearest package.json above this module that is lockdep-sim's (the
 * module may be src/cli/commands/, dist/cli/commands/ or the bundled dist/cli/main.js).
 */
export function toolVersion(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'lockdep-sim' && pkg.version) return pkg.version;
    } catch {
      // no package.json here (or not JSON): look further up
    }
    if (path.dirname(dir) === dir) return '0.0.0';
  }
}

/** Writes the output to -o FILE, or returns false when there is none (the caller prints it). */
export function writeOutput(file: string | undefined, text: string): boolean {
  if (file === undefined || file === '-') return false;
  try {
    writeFileSync(file, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LockdepSimError([{ code: 'io', message: `cannot write ${file}${code ? ` (${code})` : ''}`, hint: 'check that the directory exists and is writable' }]);
  }
  return true;
}
