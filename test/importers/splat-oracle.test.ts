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

/** Share of oracle reports printed again exactly, or differing for a reason listed below. May only go up. */
const MIN_EXACT_RATIO = 0.98;

const OPS_PATH =
  'a path of length 2+ is rebuilt one dependency per task, so a middle lock of the path is taken once per dependency it is in and its `ops:` count is one higher (the kernel took the path nested, in one acquisition)';

/** A case whose exact text differs, and why. */
const KNOWN_DIFFERENT: Record<string, string> = {
  'probes/p12-exclusive-match-order':
    "the report's `which became HARDIRQ-irq-unsafe at:` trace is an IN-HARDIRQ-R trace (find_exclusive_match() pairs the backward lock's ENABLED bit with the forward lock's USED_IN_READ bit); read as the HARDIRQ-ON-R trace, it costs one extra acquisition (`ops:`)",
  'probes/p13-read-hardirq-and-irqs-on-self-inversion':
    "the kit takes an rwlock_t class with lock_acquire(read=1) inside a hardirq, which no kernel primitive does (read_lock() is a recursive read there); a scenario's `read:` of an rwlock is read_lock(), so the root's own HARDIRQ-ON-R is not an inversion and nothing is reported",
  'probes/p28-irq-safe-unsafe-read-len2': OPS_PATH,
  'probes/p29-softirq-read-safe-via-next': 'the usage tasks take S once more than the kernel run did (`ops:`)',
  'probes/p30-inversion-forward-len3': OPS_PATH,
  'probes/p31-inversion-backward-len3': OPS_PATH,
  'probes/p32-irqon-marks-held-inconsistent': 'validator: HE of a usage bug raised by mark_held_locks() at irq enable (test/oracle/expected-failures.json)',
  'probes/p33-bhon-marks-held-inconsistent': 'validator: HE of a usage bug raised at bh enable (test/oracle/expected-failures.json)',
  'probes/p34-bhon-with-irqs-off-enables-irqs': 'validator: local_bh_enable() with irqs off (test/oracle/expected-failures.json)',
  'probes/p42-bfs-tiebreak-backward-safe': 'the usage tasks take P once less than the kernel run did (`ops:`)',
};

/** Cases that come back as a different report (or none), and why. */
const KNOWN_WRONG = new Set(['probes/p13-read-hardirq-and-irqs-on-self-inversion']);

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
    const unexplained: string[] = [];
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
      if (JSON.stringify(key(want)) !== JSON.stringify(key(got)) && !KNOWN_WRONG.has(c.key)) wrong.push(`${c.key}: ${firstDifference(key(want), key(got))}`);
      if (!KNOWN_DIFFERENT[c.key]) unexplained.push(c.key);
    }
    console.log(`import splat over the oracle: ${cases.length - different.length}/${cases.length} printed again exactly${different.length ? `\n${different.join('\n')}` : ''}`);
    expect(wrong, 'reports that came back as a different report').toEqual([]);
    expect((cases.length - unexplained.length) / cases.length, different.join('\n')).toBeGreaterThanOrEqual(MIN_EXACT_RATIO);
  });
});
