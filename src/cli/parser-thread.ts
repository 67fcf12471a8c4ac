/**
 * The trace parser thread of `lockdep-sim import trace`, seen from the main thread: it runs
 * importers/trace/parse-worker.ts, which reads, decompresses, splits and parses the input into
 * record batches (importers/trace/records.ts) while the main thread validates them.
 *
 * The thread can be started speculatively by main.ts from the raw argv, before the argument parser
 * and the validator are even loaded (that takes ~0.15 s, a quarter of a whole-boot import): what it
 * says meanwhile is queued until the command's handler adopts it. A thread nobody adopts (a usage
 * error, another file after all) does not keep the process alive and is terminated.
 *
 * Imports nothing but a few of Node's modules, so that starting it costs nothing.
 */
import { isatty } from 'node:tty';
import { Worker } from 'node:worker_threads';
import type { FromParser } from '../importers/trace/parse-worker.js';

/** What a parser thread says: a message, an uncaught error, or that it exited. */
export type ThreadEvent = { m: FromParser } | { error: Error } | { exit: number };

/** A parser thread, and what it said before anyone listened. */
export class ParserThread {
  readonly worker: Worker;
  private queue: ThreadEvent[] = [];
  private sink: ((e: ThreadEvent) => void) | undefined;

  constructor(
    readonly file: string,
    readonly verifyCrc = false,
  ) {
    this.worker = new Worker(new URL('../importers/trace/parse-worker.js', import.meta.url), { workerData: { file, verifyCrc } });
    this.worker.unref();
    const put = (e: ThreadEvent) => (this.sink ? this.sink(e) : this.queue.push(e));
    this.worker.on('message', (m: FromParser) => put({ m }));
    this.worker.on('error', (error: Error) => put({ error }));
    this.worker.on('exit', (exit: number) => put({ exit }));
  }

  /** Starts delivering: first what was queued, then as it comes. The thread now keeps the process alive. */
  listen(sink: (e: ThreadEvent) => void): void {
    this.worker.ref();
    const queued = this.queue;
    this.queue = [];
    this.sink = sink;
    for (const e of queued) sink(e);
  }

  /** Gives a records buffer back to the thread for reuse. */
  recycle(records: Int32Array): void {
    this.worker.postMessage(records, [records.buffer as ArrayBuffer]);
  }

  /**
   * Stops the thread. One blocked in a read of a quiet live source cannot stop (see
   * importers/trace/input.ts) until the read returns: `stopping` tracks it for main.ts.
   */
  stop(): Promise<void> {
    const done = this.worker.terminate().then(() => undefined);
    const tracked = done.finally(() => stopping.delete(tracked));
    stopping.add(tracked);
    return done;
  }
}

/** Threads told to stop that have not yet. */
const stopping = new Set<Promise<void>>();

/** main.ts, at the end: true when every parser thread has stopped within `ms`. */
export async function parserThreadsStopped(ms: number): Promise<boolean> {
  if (!stopping.size) return true;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  const all = Promise.all([...stopping]).then(() => true as const);
  const r = await Promise.race([all, late]);
  clearTimeout(timer);
  return r;
}

/** A worker can run only from compiled JavaScript (not under a TS loader), and not on a terminal's stdin. */
export function canUseParserThread(file: string): boolean {
  return import.meta.url.endsWith('.js') && (file !== '-' || !isatty(0));
}

let prestarted: ParserThread | undefined;

/**
 * The options of `import trace` (commands/import-trace.ts) that take one value: the file is the first
 * word that is neither an option nor such an option's value. Array options (which take every word
 * up to the next option) and anything unknown make the guess unsafe: then nothing is started.
 */
const TRACE_VALUE_OPTIONS = new Set(['--kernel', '--format', '--graph-out', '--proc-out']);
const TRACE_FLAG_OPTIONS = new Set(['--debug-lockdep', '--stop-at-first', '--quiet', '-q', '--lenient', '--keep-selftests', '--worker']);

/** The file of an `import trace FILE …` command line, when it is certain; else undefined. */
export function traceFileOf(argv: readonly string[]): string | undefined {
  if (argv[0] !== 'import' || argv[1] !== 'trace') return undefined;
  let file: string | undefined;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-' || !a.startsWith('-')) {
      if (file !== undefined) return undefined; // a second positional: a usage error follows
      file = a;
    } else if (TRACE_VALUE_OPTIONS.has(a)) i++;
    else if (a.includes('=') && TRACE_VALUE_OPTIONS.has(a.slice(0, a.indexOf('=')))) continue;
    else if (!TRACE_FLAG_OPTIONS.has(a)) return undefined; // --no-worker, --help, arrays, unknown
  }
  return file;
}

/** main.ts: starts the parser thread for an `import trace FILE` command line, before anything else loads. */
export function prestartParserThread(argv: readonly string[]): void {
  const file = traceFileOf(argv);
  if (file !== undefined && canUseParserThread(file)) prestarted = new ParserThread(file);
}

/** The handler: the prestarted thread if it reads FILE the same way, else a new one. */
export function parserThreadFor(file: string, verifyCrc = false): ParserThread {
  const p = prestarted;
  prestarted = undefined;
  if (p && p.file === file && p.verifyCrc === verifyCrc) return p;
  void p?.stop();
  return new ParserThread(file, verifyCrc);
}

/** main.ts, once the command is done: a thread nobody adopted is stopped. */
export function stopUnadoptedParserThread(): void {
  const p = prestarted;
  prestarted = undefined;
  void p?.stop();
}
