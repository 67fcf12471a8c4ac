/**
 * The trace importer at scale (deterministic checks only; the timings are in `npm run bench`):
 *  - the real workload trace (oracle/workload, 4.5M events): no report, as the kernel printed none,
 *    and every derived dependency is in the kernel's own /proc/lockdep of that run;
 *  - a cycle hit over and over is reported once, with a count;
 *  - memory does not grow with events: a long repeated trace keeps the same classes and chains.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compareGraphs, graphFromProc, graphFromReport } from '../../src/importers/proc/graph-json.js';
import { parseProcLockdep } from '../../src/importers/proc/parse.js';
import { TraceImporter } from '../../src/importers/trace/importer.js';

const WORKLOAD = path.resolve(__dirname, '../../../shared/oracle/workload');

/** ftrace lines in the /sys/kernel/tracing/trace layout. */
function line(comm: string, pid: number, op: 'acquire' | 'release', addr: string, name: string, ts: number): string {
  const secs = `${Math.floor(ts / 1e6)}.${String(ts % 1e6).padStart(6, '0')}`;
  return `${comm.padStart(16)}-${String(pid).padEnd(7)} [000] ...1. ${secs.padStart(12)}: lock_${op}: ${addr} ${name}\n`;
}

describe('import trace at scale', () => {
  it.skipIf(!existsSync(path.join(WORKLOAD, 'workload-trace.txt.gz')))(
    'the workload trace (4.5M events): no report, and only dependencies the kernel recorded',
    () => {
      const imp = new TraceImporter({ file: 'workload-trace.txt.gz' });
      imp.push(gunzipSync(readFileSync(path.join(WORKLOAD, 'workload-trace.txt.gz'))));
      const r = imp.end();
      expect(r.stats).toMatchObject({ events: 4_494_777, badLines: 0, lostEvents: 0 });
      expect(r.report.findings).toEqual([]);
      const kernel = graphFromProc(parseProcLockdep(readFileSync(path.join(WORKLOAD, 'workload-lockdep.txt'), 'utf8'), 'workload-lockdep.txt'), undefined, {
        format: 'proc',
        file: 'workload-lockdep.txt',
      });
      const cmp = compareGraphs(graphFromReport(r.report, { format: 'trace', file: 'workload-trace.txt.gz' }), kernel);
      expect(cmp.extra).toEqual([]);
      expect(cmp.recall).toBeGreaterThan(0.95);
      for (const [a] of cmp.excluded) expect(a).toMatch(/^\(wq_completion\)/);
      // the chain cache: almost every validated acquisition repeats a known chain
      expect(r.report.stats.chainHits / (r.report.stats.chainHits + r.report.stats.chainMisses)).toBeGreaterThan(0.99);
    },
    60_000,
  );

  it('a cycle hit a hundred thousand times is reported once, with a count', () => {
    const A = 'ffff888000001000';
    const B = 'ffff888000002000';
    let ts = 1_000_000;
    let text = line('warm', 1, 'release', 'ffff888000000010', 'w', ts++);
    // 100,000 ABBA pairs by 50 tasks; half of them under one of 100 outer locks (new chains)
    for (let i = 0; i < 100_000; i++) {
      const pid = 100 + (i % 50);
      const k = (i >> 2) % 100;
      const outer = i % 4 === 1 ? `ffff88800010${String(k).padStart(4, '0')}` : undefined;
      const [x, y] = i % 2 ? [[A, 'lock_a'], [B, 'lock_b']] : [[B, 'lock_b'], [A, 'lock_a']];
      if (outer) text += line('t', pid, 'acquire', outer, `outer_${k}`, ts++);
      text += line('t', pid, 'acquire', x![0]!, x![1]!, ts++) + line('t', pid, 'acquire', y![0]!, y![1]!, ts++);
      text += line('t', pid, 'release', y![0]!, y![1]!, ts++) + line('t', pid, 'release', x![0]!, x![1]!, ts++);
      if (outer) text += line('t', pid, 'release', outer, `outer_${k}`, ts++);
    }
    const imp = new TraceImporter({ file: 'abba.trace' });
    imp.push(Buffer.from(text));
    const r = imp.end();
    expect(r.report.findings).toHaveLength(1);
    const f = r.report.findings[0]!;
    expect(f.kind).toBe('circular');
    // counted once per distinct acquisition chain that hit it (a repeated chain is a cache hit)
    expect(f.count).toBeGreaterThan(50);
    expect(r.report.stats.classes).toBe(102);
  });

  it('memory grows with classes and chains, not with events: a trace repeated 20 times', () => {
    const one = Buffer.from(
      Array.from({ length: 2000 }, (_, i) => {
        const pid = 10 + (i % 7);
        const a = `ffff8880000${String(1000 + (i % 13)).padStart(5, '0')}`;
        const b = `ffff8880000${String(2000 + (i % 11)).padStart(5, '0')}`;
        return [
          line('w', pid, 'acquire', a, `a_${i % 13}`, 1_000_000 + 4 * i),
          line('w', pid, 'acquire', b, `b_${i % 11}`, 1_000_001 + 4 * i),
          line('w', pid, 'release', b, `b_${i % 11}`, 1_000_002 + 4 * i),
          line('w', pid, 'release', a, `a_${i % 13}`, 1_000_003 + 4 * i),
        ].join('');
      }).join(''),
    );
    const imp = new TraceImporter({ file: 'rep.trace' });
    imp.push(Buffer.from(line('warm', 1, 'release', 'ffff888000000010', 'w', 999_999)));
    let after1: { classes: number; chains: number; deps: number } | undefined;
    for (let k = 0; k < 20; k++) {
      imp.push(one);
      const e = imp.session.engine;
      if (k === 0) after1 = { classes: e.classes.length, chains: e.chains.chains, deps: e.graph.size };
    }
    const r = imp.end();
    expect(r.stats.events).toBe(20 * 8000 + 1);
    expect({ classes: r.report.stats.classes, chains: r.report.stats.chains, deps: r.report.stats.dependencies }).toEqual(after1);
  });
});
