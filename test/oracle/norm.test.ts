/**
 * The TypeScript port of norm.py must print what the Python original prints. Checked against
 * `python3 ../shared/hooks/lib/norm.py MODE FILE` on real dmesg files and on a synthetic text with
 * the edge cases (timestamps with caller ids, CRLF, subclass names, #N suffixes, bannerless reports).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { header, normOracle, normPrint, splitlines } from './norm.js';
import { sharedOracle } from './paths.js';

const NORM_PY = path.resolve(sharedOracle, '../hooks/lib/norm.py');
const replayDir = path.join(sharedOracle, 'replay');

function hasPython(): boolean {
  try {
    execFileSync('python3', ['-c', 'pass'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const python = hasPython();

function py(mode: string, file: string): string {
  return execFileSync('python3', [NORM_PY, mode, file], { encoding: 'utf8' });
}

const SYNTHETIC = [
  '[    0.000000] boot noise',
  '<4>[   12.345678] [  T123] ======================================================',
  '[   12.345678] [  C1] WARNING: possible circular locking dependency detected',
  '[   12.345678] 6.1.192 #2 Tainted: G           O      ',
  '[ +0.000001] ------------------------------------------------------\r',
  'T2/39 is trying to acquire lock:\r',
  'ffffc90000015050 (A/1){+.+.}-{3:3}, at: rp_task_fn+0x9c/0x217 [lockdep_replay]',
  ' (sb_writers#6){.+.+}-{0:0} and #3 and x#12y and 0xdeadbeef00 and deadbeef',
  '   ? rp_task_fn+0x9c/0x217 [lockdep_replay]',
  ' [<ffffffff81000000>] kthread+0xb3/0xbb',
  'irq event stamp: 21',
  'hardirqs last  enabled at (21): [<ffffffff8107ed24>] __up_console_sem+0x5b/0x6a',
  '\tmixed   \t whitespace  \u00a0 here\u2028split here',
  'stack backtrace:',
  'CPU: 1 PID: 39 Comm: T2',
  '======================================================',
  'WARNING: second report',
  '',
].join('\n');

describe('norm.ts (port of norm.py)', () => {
  test('splitlines follows str.splitlines()', () => {
    expect(splitlines('')).toEqual([]);
    expect(splitlines('a\n')).toEqual(['a']);
    expect(splitlines('a\r\nb\rc\n\nd')).toEqual(['a', 'b', 'c', '', 'd']);
    expect(splitlines('a\u2028b\x0cc')).toEqual(['a', 'b', 'c']);
  });

  test('oracle mode drops frames, addresses, pids, the version line and #N', () => {
    const out = normOracle(SYNTHETIC);
    expect(out).toContain('T2/PID is trying to acquire lock:');
    expect(out).toContain('ADDR (A/PID){+.+.}-{3:3}');
    expect(out).toContain('irq event stamp: N');
    expect(out.some((l) => l.includes('6.1.192'))).toBe(false);
    expect(out.some((l) => l.includes('kthread'))).toBe(false);
    expect(out.at(-1)).not.toContain('CPU:');
  });

  test('header is the first report headline', () => {
    expect(header(SYNTHETIC)).toBe('WARNING: possible circular locking dependency detected');
    expect(header('no report here\n')).toBe('none');
    expect(header(readFileSync(path.join(replayDir, '079-max-lock-depth.dmesg'), 'utf8'))).toBe('BUG: MAX_LOCK_DEPTH too low!');
  });

  describe.skipIf(!python)('agrees with python3 norm.py', () => {
    const files = [
      '001-abba-2tasks.dmesg',
      '039-inconsistent-in-hardirq-then-irqs-on.dmesg',
      '079-max-lock-depth.dmesg',
      '005-aa-recursive-recursive.dmesg',
    ].map((f) => path.join(replayDir, f));
    const tmp = mkdtempSync(path.join(tmpdir(), 'norm-'));
    const synthetic = path.join(tmp, 'synthetic.dmesg');
    writeFileSync(synthetic, SYNTHETIC);
    files.push(synthetic);

    for (const file of files) {
      for (const mode of ['oracle', 'seed'] as const) {
        test(`${mode}: ${path.basename(file)}`, () => {
          expect(normPrint(mode, readFileSync(file, 'utf8'))).toBe(py(mode, file));
        });
      }
    }
  });
});
