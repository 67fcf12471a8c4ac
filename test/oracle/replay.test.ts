/**
 * Oracle conformance: every case script of ../shared/oracle/replay (and its 6.12 twin in replay-6.12,
 * and our own probes in fixtures/probes) replayed in-process must print what the real kernel printed
 * (norm.py oracle mode) and leave the kernel's /proc/lockdep state. Known failures are listed in expected-failures.json; a listed case
 * that passes fails the suite (the list only shrinks). See README.md to regenerate the list.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { listCases, runCase } from './harness.js';

const expectedFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'expected-failures.json');
const expected: Record<string, string> = JSON.parse(readFileSync(expectedFile, 'utf8'));
const UPDATE = process.env.UPDATE_ORACLE_EXPECTED === '1';
const NEW_REASON = process.env.UPDATE_ORACLE_REASON;

const cases = listCases();
const allKeys = new Set(cases.map((c) => c.key));
const results = new Map<string, string[]>();

describe('oracle replay cases', () => {
  test('the oracle directory has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  test('expected-failures.json lists only existing cases', () => {
    expect(Object.keys(expected).filter((k) => !allKeys.has(k))).toEqual([]);
  });

  for (const c of cases) {
    const { key } = c;
    test(key, () => {
      const run = runCase(c);
      results.set(key, run.problems);
      if (UPDATE) return;
      if (key in expected) {
        expect(
          run.problems,
          `${key} is listed in expected-failures.json ("${expected[key]}") but now agrees with the kernel: remove it`,
        ).not.toEqual([]);
      } else {
        expect(run.problems, `${key} disagrees with the kernel`).toEqual([]);
      }
    });
  }

  afterAll(() => {
    if (!UPDATE) return;
    // Cases not run this time (a filtered run) keep their entries; entries of vanished cases go.
    const next: Record<string, string> = {};
    for (const key of [...allKeys].sort()) {
      const problems = results.get(key);
      if (problems === undefined) {
        if (key in expected) next[key] = expected[key]!;
      } else if (problems.length > 0) {
        next[key] = expected[key] ?? NEW_REASON ?? problems[0]!.split('\n')[0]!.slice(0, 200);
      }
    }
    writeFileSync(expectedFile, `${JSON.stringify(next, null, 2)}\n`);
  });
});
