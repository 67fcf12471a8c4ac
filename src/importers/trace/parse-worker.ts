/**
 * The trace parser thread of `lockdep-sim import trace`: reads the input (a file, a FIFO, or stdin
 * for `-`), gunzips it when it is gzip, and parses it into record batches (records.ts) that it posts
 * to the main thread, which validates them. At most IN_FLIGHT batches are unanswered at a time; the
 * main thread answers each with its records buffer, which is reused. Imports only what parsing
 * needs, so the thread starts quickly.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LockdepSimError } from '../../diag/error.js';
import { CHUNK, openBlockingInput, type InputOptions } from './input.js';
import { TraceRecordParser, type TraceBatch } from './records.js';
import { warmUpParser } from './warm-up.js';

/** Messages from the parser thread. */
export type FromParser =
  | { type: 'batch'; batch: TraceBatch; read: number; total?: number }
  | { type: 'done' }
  | { type: 'error'; issues: LockdepSimError['issues'] | undefined; message: string };

/**
 * Batches the thread may run ahead of validation: enough to parse a whole boot trace while the main
 * thread is still loading (the thread is started first, cli/parser-thread.ts), bounded so memory
 * stays flat on long traces (16 batches of 32,768 records: 12 MB).
 */
const IN_FLIGHT = 16;

async function main(file: string, opts: InputOptions): Promise<void> {
  const port = parentPort!;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  let parser: TraceRecordParser | undefined;
  port.on('message', (records: Int32Array) => {
    inFlight--;
    parser?.recycle(records);
    wake?.();
    wake = undefined;
  });
  try {
    const input = openBlockingInput(file, opts);
    warmUpParser();
    parser = new TraceRecordParser((batch) => {
      inFlight++;
      const p = input.progress();
      port.postMessage({ type: 'batch', batch, read: p.read, ...(p.total !== undefined ? { total: p.total } : {}) } satisfies FromParser, [batch.records.buffer as ArrayBuffer]);
    });
    for await (const chunk of input.chunks) {
      parser.push(chunk);
      // A live source that had no more to give may stay quiet now: what it gave is validated at
      // once, not when a batch fills up (the next read may wait for a long time).
      if (input.live && chunk.length < CHUNK) parser.drain();
      while (inFlight >= IN_FLIGHT) await new Promise<void>((r) => (wake = r));
    }
    parser.end();
    port.postMessage({ type: 'done' } satisfies FromParser);
  } catch (e) {
    port.postMessage({ type: 'error', issues: e instanceof LockdepSimError ? e.issues : undefined, message: String((e as Error)?.stack ?? e) } satisfies FromParser);
  }
}

if (parentPort) {
  const d = workerData as { file: string; verifyCrc?: boolean };
  void main(d.file, { verifyCrc: d.verifyCrc === true });
}
