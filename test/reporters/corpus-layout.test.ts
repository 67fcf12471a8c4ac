/**
 * The text layout of every report kind, modelled on real reports from ../shared/corpus/splats: each
 * report is imported (import splat), replayed and printed again, and the sequence of structural
 * lines (rulers, titles, section headings, chain entries, scenario lines, held-lock lines, class
 * header blocks …) must be the same as the original's. Values (names, usage strings, frames,
 * addresses, ops counts) are compared by other tests; here a real report of each kind fixes the
 * skeleton, including lines a mail or console interleaved with the report being ignored.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { textContextFor } from '../../src/cli/context.js';
import { importSplat } from '../../src/importers/splat/index.js';
import { renderFindings } from '../../src/reporters/text/index.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { replay } from '../../src/validator/replay.js';
import { normOracle } from '../oracle/norm.js';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus/splats');

/** Structural line patterns → the token they stand for (first match wins). */
const LAYOUT: [RegExp, string | ((m: RegExpMatchArray) => string)][] = [
  [/^=+$/, '====='],
  [/^-{20,}$/, '-----'],
  [/^(WARNING|\[ BUG|\[ INFO|BUG): (.*?)( \])?$/, (m) => `title ${m[2]!.replace(/\b(HARDIRQ|SOFTIRQ)(-READ)?\b/g, 'S')}`],
  [/ is trying to acquire lock:$/, 'trying to acquire lock'],
  [/ is trying to acquire:$/, 'trying to acquire (irq state)'],
  [/ is trying to lock:$/, 'trying to lock'],
  [/ is trying to release lock \(.*\) at:$/, 'trying to release'],
  [/^but there are no more locks to release!$/, 'no more locks'],
  [/^but task is already holding lock:$/, 'already holding'],
  [/^and this task is already holding:$/, 'this task is already holding'],
  [/^which lock already depends on the new lock\.$/, 'already depends'],
  [/^the existing dependency chain \(in reverse order\) is:$/, 'existing chain'],
  [/^-> #\d+ \(.*\):$/, '-> #N'],
  [/^other info that might help us debug this:$/, 'other info'],
  [/^Chain exists of:$/, 'chain exists'],
  [/^\S.* --> .* --> \S.*$/, 'a --> b --> c'],
  [/^Possible (interrupt )?unsafe locking scenario:$/, 'scenario'],
  [/^CPU0( CPU1)?$/, 'cpu header'],
  [/^----( ----)?$/, 'cpu ruler'],
  [/^(r?lock|sync|local_irq_disable)\(.*\);$/, 'op'],
  [/^<Interrupt>$/, '<Interrupt>'],
  [/^\*\*\* DEADLOCK \*\*\*$/, 'DEADLOCK'],
  [/^May be due to missing lock nesting notation$/, 'nesting notation'],
  [/^(\d+ locks?|no locks) held by .*[:.]$/, 'held'],
  [/^#\d+: /, '#i'],
  [/^inconsistent \{.*\} -> \{.*\} usage\.$/, 'inconsistent usage'],
  [/ takes:$/, 'takes'],
  [/^\{.*\} state was registered at:$/, 'registered at'],
  [/^irq event stamp: /, 'irq event stamp'],
  [/ just changed the state of lock:$/, 'changed state'],
  [/^but this lock (took|was taken by) another, .* lock in the past:$/, 'in the past'],
  [/^and interrupts could create inverse lock ordering between them\.$/, 'inverse ordering'],
  [/^the shortest dependencies between 2nd lock and 1st lock:$/, 'shortest dependencies'],
  [/^which would create a new lock dependency:$/, 'new dependency'],
  [/^but this new dependency connects a .*-irq-safe lock:$/, 'connects safe'],
  [/^\.\.\. which became .*-irq-(un)?safe at:$/, 'which became'],
  [/^to a .*-irq-unsafe lock:$/, 'to unsafe'],
  [/^the dependencies between .*$/, 'dependencies between'],
  [/^and .*-irq-unsafe lock:$/, 'and unsafe'],
  [/^-> \(.*\)\{.*\}.* \{$/, 'class block'],
  [/^(IN-(HARDIRQ|SOFTIRQ)-[WR]|(HARDIRQ|SOFTIRQ)-ON-[WR]|INITIAL( READ)? USE) at:$/, 'usage at'],
  [/^\.\.\. key at: /, 'key at'],
  [/^\.\.\. acquired at:$/, 'acquired at'],
  [/ is freeing memory .*, with a lock still held there!$/, 'freeing memory'],
  [/ is leaving the kernel with locks still held!$/, 'leaving the kernel'],
  [/^context-\{\d:\d\}$/, 'context'],
  [/^but this task is not holding:$/, 'not holding'],
];

function layout(text: string): string[] {
  const out: string[] = [];
  for (const line of normOracle(text)) {
    for (const [re, tok] of LAYOUT) {
      const m = line.match(re);
      if (m) {
        out.push(typeof tok === 'string' ? tok : tok(m));
        break;
      }
    }
  }
  return out;
}

/** One real report per kind (x86 console or syzbot renderings of modern kernels where the corpus has one). */
const MODELS: { file: string; kind: string; truncated?: boolean }[] = [
  { file: '004-circular-blkdev-reread-part-loop.txt', kind: 'circular' },
  { file: '001-circular-pmem-hotremove-mem-sysfs-seed.txt', kind: 'circular' },
  { file: '041-recursive-pci-bus-sem-intel-ci.txt', kind: 'recursive' },
  { file: '050-inconsistent-io-file-data-ref-zero-x86.txt', kind: 'inconsistent' },
  { file: '062-irq-inversion-usb-ether-xmit-irq-inversion-517-arm64.txt', kind: 'irq-inversion' },
  { file: '067-irq-safe-unsafe-hardirq-test-clear-page-writeback-2.txt', kind: 'irq-safe-unsafe' },
  { file: '070-bad-unlock-arm64-restore-fpsimd-context.txt', kind: 'bad-unlock' },
  { file: '076-held-lock-freed-bpf-prog-free-wq-completion-613.txt', kind: 'held-lock-freed' },
  { file: '082-other-invalid-wait-context-ipv6-setsockopt.txt', kind: 'wait-context' },
  { file: '085-other-lock-held-returning-fuse.txt', kind: 'lock-held-user' },
  { file: '086-other-nested-lock-not-taken-evict.txt', kind: 'nested-not-taken', truncated: true },
];

describe('text layout of every report kind, modelled on real reports', () => {
  for (const m of MODELS) {
    it(`${m.kind}: ${m.file}`, () => {
      const original = readFileSync(path.join(CORPUS, m.file), 'utf8');
      const imported = importSplat(original, m.file);
      const scenario = parseScenario(imported.yaml, `${m.file}.yaml`);
      const report = replay(scenario);
      expect(report.findings[0]?.kind).toBe(m.kind);
      const ours = layout(renderFindings(report.findings.slice(0, 1), textContextFor(scenario)));
      const theirs = layout(original);
      expect(theirs.length).toBeGreaterThan(4);
      if (m.truncated) expect(ours.slice(0, theirs.length)).toEqual(theirs);
      else expect(ours).toEqual(theirs);
    });
  }
});
