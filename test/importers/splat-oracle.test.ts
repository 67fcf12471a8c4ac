/**
 * `import splat` over real kernel output of another kind: every report the oracle kernels
 * (6.1.192, 6.12.117, shared/oracle) printed for the replay cases is imported, replayed and
 * printed again, and compared with what the kernel printed, line for line after the oracle
 * normalization (timestamps, addresses, build-specific frames: test/oracle/norm.ts). These reports
 * carry every usage trace, so this checks the reconstructed usage bits, stacks, dependencies and
 * irq contexts far beyond the round trip of the corpus.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { textContextFor } from '../../src/cli/context.js';
import { importSplat } from '../../src/importers/splat/index.js';
import { renderFindings } from '../../src/reporters/text/index.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { replay } from '../../src/validator/replay.js';
import { listCases } from '../oracle/harness.js';
import { normOracle } from '../oracle/norm.js';

/** Share of oracle reports printed again exactly. May only go up. */
const MIN_EXACT_RATIO = 0.98;

/** A case whose exact text differs, and why it cannot be helped. */
const KNOWN_DIFFERENT: Record<string, string> = {
  'probes/p12-exclusive-match-order':
    "the report's `which became HARDIRQ-irq-unsafe at:` trace is an IN-HARDIRQ-R trace (find_exclusive_match() pairs the backward lock's ENABLED bit with the forward lock's USED_IN_READ bit); read as the HARDIRQ-ON-R trace, it costs one extra acquisition (`ops:`)",
};

function firstDifference(want: string[], got: string[]): string | undefined {
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    if (want[i] !== got[i]) return `line ${i + 1}: kernel ${JSON.stringify(want[i])}, re-run ${JSON.stringify(got[i])}`;
  }
  return undefined;
}

describe('import splat over the oracle kernels’ reports', () => {
  const cases = listCases()
    .map((c) => ({ key: c.key, text: readFileSync(path.join(c.set.outputs, `${c.name}.dmesg`), 'utf8') }))
    .filter((c) => /^\[[^\]]*\] (?:WARNING: |\[ BUG: )/m.test(c.text));

  it('there are reports of every kind', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it(`prints at least ${MIN_EXACT_RATIO * 100}% of them again exactly, and the rest as the same report`, () => {
    const different: string[] = [];
    const wrong: string[] = [];
    for (const c of cases) {
      const imp = importSplat(c.text, c.key);
      const scenario = parseScenario(imp.yaml, `${c.key}.yaml`);
      const findings = replay(scenario, { stopAfterFirst: true }).findings;
      const want = normOracle(c.text);
      const got = normOracle(renderFindings(findings, textContextFor(scenario)));
      const diff = firstDifference(want, got);
      if (diff === undefined) continue;
      different.push(`${c.key}: ${diff}${KNOWN_DIFFERENT[c.key] ? ` (known: ${KNOWN_DIFFERENT[c.key]})` : ''}`);
      // Whatever the details, the title, the lock lines and the held locks must be the kernel's.
      const key = (lines: string[]) => lines.filter((l) => /^(?:WARNING: |\[ BUG: )|, at: |locks? held by|^-> #\d+ /.test(l)).map((l) => l.replace(/\{[.+\-?]+\}/g, '{}'));
      if (JSON.stringify(key(want)) !== JSON.stringify(key(got))) wrong.push(`${c.key}: ${firstDifference(key(want), key(got))}`);
    }
    console.log(`import splat over the oracle: ${cases.length - different.length}/${cases.length} printed again exactly${different.length ? `\n${different.join('\n')}` : ''}`);
    expect(wrong, 'reports that came back as a different report').toEqual([]);
    expect((cases.length - different.length) / cases.length, different.join('\n')).toBeGreaterThanOrEqual(MIN_EXACT_RATIO);
  });
});
