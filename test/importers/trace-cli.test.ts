import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseGraphJson } from '../../src/check/graph-json.js';
import { ABBA_TRACE } from '../fixtures/trace/lines.js';
import { runCliCapture } from '../fixtures/run-cli.js';

const cli = (argv: string[], isTTY = false) => runCliCapture(argv, { isTTY });

const ABBA = ABBA_TRACE;

function tmp(name: string, data: string | Buffer): string {
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'lockdep-sim-trace-')), name);
  writeFileSync(f, data);
  return f;
}

describe('lockdep-sim import trace', () => {
  it('prints the kernel report, the summary and what the trace cannot tell; exit 1 on findings', async () => {
    const f = tmp('abba.trace', ABBA);
    const r = await cli(['import', 'trace', f]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('WARNING: possible circular locking dependency detected');
    expect(r.out).toContain('t2/11 is trying to acquire lock:');
    expect(r.err).toMatch(/7 events \(4 acquire, 3 release\) in [\d.]+ s.*; 3 tasks, 2 classes, 1 dependency, 1 unbalanced release; 1 finding \(1 circular\)\n/);
    expect(r.err).toContain('what a trace cannot tell, and what was assumed:\n  - the lock tracepoints do not record the subclass');
    expect(r.err).toContain(`lockdep-sim: report 1 (circular) at ${f}:7 (t2/11)\n`);
  });

  it('reads gzip, writes graph JSON (a check baseline) and /proc/lockdep', async () => {
    const f = tmp('abba.trace.gz', gzipSync(ABBA));
    const dir = path.dirname(f);
    const r = await cli(['import', 'trace', f, '--graph-out', path.join(dir, 'g.json'), '--proc-out', path.join(dir, 'p.txt'), '--debug-lockdep', '-q']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    const text = readFileSync(path.join(dir, 'g.json'), 'utf8');
    const g = JSON.parse(text);
    expect(g.source).toMatchObject({ format: 'trace', kernel: '6.1.192' });
    expect(g.source.notes.length).toBeGreaterThan(5);
    expect(g.dependencies).toEqual([{ from: 'lock_a', to: 'lock_b', kinds: ['EN'], distance: 1, recordedAt: { file: f, line: 3, col: 1 }, recordedBy: 't1/10' }]);
    expect(parseGraphJson(text, 'g.json').dependencies).toHaveLength(1);
    expect(readFileSync(path.join(dir, 'p.txt'), 'utf8')).toMatch(/^all lock classes:\n[0-9a-f]{16} OPS:       2 FD:    2 BD:    1 \+\.\+\.: lock_a\n -> \[[0-9a-f]{16}\] lock_b\n/);
  });

  it('prints the report as JSON with --format json', async () => {
    const r = await cli(['import', 'trace', tmp('abba.trace', ABBA), '--format', 'json', '-q']);
    expect(JSON.parse(r.out).findings[0].kind).toBe('circular');
  });

  it('shows a progress bar on a terminal only', async () => {
    const f = tmp('abba.trace', ABBA);
    expect((await cli(['import', 'trace', f, '-q'], false)).err).toBe('');
    // one chunk is read in well under the redraw interval: at most a bar and its clearing
    expect((await cli(['import', 'trace', f, '-q'], true)).err).toMatch(/^(\r.*events\/s\u001b\[K\r\u001b\[K)?$/);
  });

  it('exits 2 with a located message on a bad line, a missing file or a damaged gzip', async () => {
    const bad = await cli(['import', 'trace', tmp('bad.trace', `${ABBA}what is this\n`)]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/bad\.trace:8:1: error\[script-syntax\]: not an ftrace event line/);
    expect((await cli(['import', 'trace', '/nonexistent/x.trace'])).err).toMatch(/error\[io\]: cannot read \/nonexistent\/x\.trace \(ENOENT\)/);
    const gz = gzipSync(ABBA);
    expect((await cli(['import', 'trace', tmp('cut.gz', gz.subarray(0, 30))])).err).toMatch(/error\[io\]: cannot decompress/);
  });

  it('passes name rules and the kernel version through', async () => {
    const f = tmp('abba.trace', ABBA);
    const r = await cli(['import', 'trace', f, '--novalidate', 'lock_a', '-q']);
    expect(r.code).toBe(0);
    const old = await cli(['import', 'trace', f, '--kernel', '5.1.0-rc7+ #13', '-q']);
    expect(old.out).toContain('5.1.0-rc7+ #13');
  });
});
