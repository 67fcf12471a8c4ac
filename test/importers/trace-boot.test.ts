/**
 * The real 6.1.192 boot trace (oracle/boot, 497,694 events) against the kernel's own /proc/lockdep at
 * the end of that boot. Matching rule (docs/graph-json.md): a dependency is a pair of map names — the
 * kernel's `#N` versions and `/N` subclasses are dropped, since a trace cannot tell them — taken from
 * our distance-1 dependencies (the only ones /proc/lockdep lists); pairs naming a class the kernel no
 * longer lists (it zaps the classes of destroyed workqueues) cannot be checked and are counted apart.
 */
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compareGraphs, graphFromProc, graphFromReport } from '../../src/importers/proc/graph-json.js';
import { parseProcLockdep } from '../../src/importers/proc/parse.js';
import { TraceImporter, type TraceImportResult } from '../../src/importers/trace/importer.js';

const BOOT = path.resolve(__dirname, '../../../shared/oracle/boot');

async function importBoot(): Promise<TraceImportResult> {
  const imp = new TraceImporter({ file: 'boot-trace.txt.gz' });
  for await (const chunk of createReadStream(path.join(BOOT, 'boot-trace.txt.gz')).pipe(createGunzip())) imp.push(chunk as Buffer);
  return imp.end();
}

describe('import trace: the real 6.1 boot trace', () => {
  it('derives only dependencies the kernel recorded (precision 100%), and most of them', async () => {
    const r = await importBoot();
    const kernel = graphFromProc(parseProcLockdep(readFileSync(path.join(BOOT, 'boot-lockdep.txt'), 'utf8'), 'boot-lockdep.txt'), undefined, {
      format: 'proc',
      file: 'boot-lockdep.txt',
    });
    const ours = graphFromReport(r.report, { format: 'trace', file: 'boot-trace.txt.gz' });
    const cmp = compareGraphs(ours, kernel);
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    console.log(
      `boot trace: ${r.stats.events} events, ${r.stats.tasks} tasks, ${r.stats.classes} classes, ${r.stats.dependencies} dependencies; ` +
        `by map name: ${cmp.matched.length} of the kernel's ${cmp.matched.length + cmp.missing.length} distance-1 dependencies found ` +
        `(recall ${pct(cmp.recall)}), ${cmp.extra.length} not in the kernel (precision ${pct(cmp.precision)}), ` +
        `${cmp.excluded.length} on classes the kernel zapped: ${cmp.excluded.map((p) => p.join(' -> ')).join('; ')}`,
    );
    expect(cmp.extra).toEqual([]);
    expect(cmp.precision).toBe(1);
    expect(cmp.recall).toBeGreaterThan(0.95);
    // destroyed workqueues only (eval_map_wq after tracer init)
    expect(cmp.excluded.length).toBeLessThanOrEqual(3);
    for (const [a] of cmp.excluded) expect(a).toMatch(/^\(wq_completion\)/);
    // The kernel printed no lockdep report during this boot; neither do we.
    expect(r.report.findings).toEqual([]);
    expect(r.stats).toMatchObject({ events: 497_694, acquires: 248_861, releases: 248_833, badLines: 0, lostEvents: 0 });
    expect(r.stats.selftestEvents).toBeGreaterThan(2000);
    expect(r.notes.join('\n')).toMatch(/subclass/);
  });
});
