// The parser warm-up (importers/trace/warm-up.ts) is only worth its lines if they take the parser's
// fast path (the exact /sys/kernel/tracing/trace layout) and its branches: checked here, so that a
// change of the layout code cannot quietly turn it into a warm-up of the slow path.
import { describe, expect, it, vi } from 'vitest';
import { F_BH_OFF, F_IRQS_OFF, F_READ, F_TRY, RECORD_SIZE, TraceRecordParser } from '../../src/importers/trace/records.js';
import { warmUpText } from '../../src/importers/trace/warm-up.js';

describe('the trace parser warm-up', () => {
  it('takes the fast path on every event line, through try, read, irqs-off, BH-off, and new tasks', () => {
    const general = vi.spyOn(TraceRecordParser.prototype as unknown as { generalLine: () => void }, 'generalLine');
    const words: number[] = [];
    const comms = new Set<string>();
    const p = new TraceRecordParser((b) => {
      for (let i = 0; i < b.count; i++) words.push(b.records[i * RECORD_SIZE]!);
      for (const c of b.comms) comms.add(c);
    });
    p.push(Buffer.from(warmUpText()));
    p.end();
    expect(words).toHaveLength(600);
    expect(general).toHaveBeenCalledTimes(3); // the three header lines only
    general.mockRestore();
    for (const f of [F_TRY, F_READ, F_IRQS_OFF, F_BH_OFF]) expect(words.some((w) => (w & f) !== 0)).toBe(true);
    expect(comms.size).toBeGreaterThanOrEqual(8);
  });
});
