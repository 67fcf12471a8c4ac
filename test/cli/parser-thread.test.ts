// The built CLI's `import trace`: parsed in a worker thread that main.ts starts before the argument
// parser loads (cli/parser-thread.ts). Its output must be the one-thread import's, byte for byte, and
// a thread nobody adopts must neither hang the process nor hide an error.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { traceFileOf } from '../../src/cli/parser-thread.js';
import { traceLine } from '../fixtures/trace/lines.js';

const BIN = path.resolve(__dirname, '../../dist/cli/main.js');

function cli(args: string[], input?: string | Buffer) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000, ...(input !== undefined ? { input } : {}) });
  return { code: r.status, out: r.stdout, err: r.stderr, signal: r.signal };
}

const L = traceLine;

/** An AB-BA inversion, and an irq-unsafe → irq-safe inversion, among a few thousand balanced pairs. */
function trace(): string {
  let s = L('x-1', 'release', 'ff', 'warmup', 1);
  let t = 2;
  for (let i = 0; i < 3000; i++) {
    s += L(`w${i % 7}-${100 + (i % 7)}`, 'acquire', 'c0', 'lock_c', t++);
    s += L(`w${i % 7}-${100 + (i % 7)}`, 'acquire', `d${i % 5}0`, `lock_d`, t++);
    s += L(`w${i % 7}-${100 + (i % 7)}`, 'release', `d${i % 5}0`, `lock_d`, t++);
    s += L(`w${i % 7}-${100 + (i % 7)}`, 'release', 'c0', 'lock_c', t++);
  }
  s += L('t1-10', 'acquire', 'a0', 'lock_a', t++);
  s += L('t1-10', 'acquire', 'b0', 'lock_b', t++);
  s += L('t1-10', 'release', 'b0', 'lock_b', t++);
  s += L('t1-10', 'release', 'a0', 'lock_a', t++);
  s += L('t2-11', 'acquire', 'b0', 'lock_b', t++);
  s += L('t2-11', 'acquire', 'a0', 'lock_a', t++);
  return s;
}

function tmp(name: string, data: string | Buffer): string {
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'lockdep-sim-thread-')), name);
  writeFileSync(f, data);
  return f;
}

describe('traceFileOf(): the file of an import trace command line, when certain', () => {
  it.each([
    [['import', 'trace', 'f.txt'], 'f.txt'],
    [['import', 'trace', '-'], '-'],
    [['import', 'trace', '--kernel', '5.1.0', 'f.txt', '-q'], 'f.txt'],
    [['import', 'trace', '--kernel=5.1.0', '--stop-at-first', 'f.txt'], 'f.txt'],
    [['import', 'trace', 'f.txt', '--graph-out', 'g.json', '--proc-out', 'p.txt'], 'f.txt'],
  ])('%j → %s', (argv, file) => expect(traceFileOf(argv)).toBe(file));

  it.each([
    [['run', 'f.yaml']],
    [['import', 'splat', 'f.txt']],
    [['import', 'trace']],
    [['import', 'trace', 'f.txt', 'g.txt']],
    [['import', 'trace', '--novalidate', 'rcu', 'f.txt']], // an array option takes every word after it
    [['import', 'trace', 'f.txt', '--no-worker']],
    [['import', 'trace', 'f.txt', '--help']],
    [['import', 'trace', 'f.txt', '--bogus']],
  ])('%j → none', (argv) => expect(traceFileOf(argv)).toBeUndefined());
});

describe('the built CLI parses in a worker thread started before the argument parser', () => {
  const text = trace();

  it('reports what the one-thread import reports, byte for byte (text, gzip, stdin, options before the file)', () => {
    const f = tmp('t.trace', text);
    const gz = tmp('t.trace.gz', gzipSync(text));
    const one = cli(['import', 'trace', f, '--no-worker', '-q']);
    expect(one.code).toBe(1);
    expect(one.out).toContain('WARNING: possible circular locking dependency detected');
    for (const r of [
      cli(['import', 'trace', f, '-q']),
      cli(['import', 'trace', gz, '-q']),
      cli(['import', 'trace', '--kernel', '6.1.192', '-q', gz]),
      cli(['import', 'trace', '-', '-q'], text),
    ]) {
      expect(r.err).toBe('');
      expect(r.code).toBe(1);
      expect(r.out).toBe(one.out);
    }
  });

  it('a usage error after the thread started: exit 2 with the usage message, no hang', () => {
    const f = tmp('t.trace', text);
    const r = cli(['import', 'trace', f, '--format', 'xml']);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error\[usage\]: Invalid values:\n  Argument: format, Given: "xml"/);
    expect(r.out).toBe('');
  });

  it('a missing file: the error the thread found, with its hint, exit 2', () => {
    const r = cli(['import', 'trace', path.join(tmpdir(), 'lockdep-sim-no-such-file.trace')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error\[io\]: cannot read .*no-such-file\.trace \(ENOENT\)/);
    expect(r.err).toContain('hint: check the path');
    expect(r.err).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
  });

  it('a malformed line: file:line:col from the thread, exit 2', () => {
    const f = tmp('bad.trace', `${text.split('\n').slice(0, 5).join('\n')}\nthis is not a trace line\n`);
    const r = cli(['import', 'trace', f]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`${path.basename(f).replace('.', '\\.')}:6:1: `));
  });

  it('--verify-crc: a wrong CRC-32 is an input error; without it the data is read (only header and length checked)', () => {
    const z = gzipSync(text);
    z[z.length - 5]! ^= 1; // a byte of the trailer's CRC-32
    const f = tmp('badcrc.trace.gz', z);
    const checked = cli(['import', 'trace', f, '--verify-crc', '-q']);
    expect(checked.code).toBe(2);
    expect(checked.err).toMatch(/error\[io\]: cannot decompress .*badcrc\.trace\.gz: incorrect data check/);
    expect(checked.out).toBe('');
    const unchecked = cli(['import', 'trace', f, '-q']);
    expect(unchecked.code).toBe(1);
    expect(unchecked.out).toContain('WARNING: possible circular locking dependency detected');
  });
});
