/**
 * `lockdep-sim import trace FILE|-`: validate an ftrace lock_acquire/lock_release trace (text, or
 * gzip-compressed: detected by its magic bytes) as the kernel's lockdep would, streaming, and print
 * the reports like `run`. Also the streaming helpers the other import commands share: chunked
 * reading with transparent gunzip, a progress bar on a terminal, the summary line, file output.
 */
import { writeFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { LockdepSimError } from '../../diag/error.js';
import type { Finding, Report } from '../../model/findings.js';
import { graphFromReport, serializeGraph, type GraphSource } from '../../importers/proc/graph-json.js';
import { TraceImporter, type TraceImportStats } from '../../importers/trace/importer.js';
import { renderProcLockdep } from '../../reporters/proc.js';
import { renderFindings } from '../../reporters/text/index.js';
import { profileOf } from '../../validator/replay.js';
import { EXIT, type CliContext } from '../context.js';
import { canUseParserThread, parserThreadFor } from '../parser-thread.js';

// ---------------------------------------------------------------------------------------------------
// Shared by the import commands

import { ioError, openInput, type InputStream } from '../../importers/trace/input.js';

export { openInput, type InputStream } from '../../importers/trace/input.js';

/** A one-line progress bar on stderr, only on a terminal; redrawn at most every 200 ms. */
export class ProgressBar {
  private last = 0;
  private shown = false;
  constructor(
    private readonly ctx: CliContext,
    private readonly label: string,
  ) {}

  update(read: number, total: number | undefined, events: number, startedAt: number): void {
    if (!this.ctx.io.isTTY) return;
    const now = Date.now();
    if (now - this.last < 200) return;
    this.last = now;
    const secs = Math.max((now - startedAt) / 1000, 1e-3);
    const rate = `${fmtCount(Math.round(events / secs))} events/s`;
    let bar = '';
    if (total) {
      const frac = Math.min(1, read / total);
      const width = 30;
      const full = Math.round(frac * width);
      bar = `[${'#'.repeat(full)}${' '.repeat(width - full)}] ${String(Math.round(frac * 100)).padStart(3)}% `;
    }
    this.ctx.io.stderr(`\r${this.label}: ${bar}${fmtCount(events)} events, ${rate}\u001b[K`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.ctx.io.stderr('\r\u001b[K');
    this.shown = false;
  }
}

/** The file argument: yargs turns a lone `-` (stdin) into an empty string. */
export function inputName(arg: unknown): string {
  const s = String(arg ?? '');
  return s === '' ? '-' : s;
}

/** 1234567 → `1,234,567` */
export function fmtCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function plural(n: number, w: string, many = `${w}s`): string {
  return `${fmtCount(n)} ${n === 1 ? w : many}`;
}

/** `2 findings (1 circular, 1 inconsistent)` or `no findings`. */
export function findingsSummary(findings: readonly Finding[]): string {
  if (!findings.length) return 'no findings';
  const kinds = new Map<string, number>();
  for (const f of findings) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  return `${plural(findings.length, 'finding')} (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')})`;
}

/** Writes an output file; a failure is an input error with a hint. */
export function writeFile(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw ioError(file, e, 'write');
  }
}

/** --graph-out / --proc-out / findings on stdout / exit code: what every validating import does. */
export function emitReport(
  ctx: CliContext,
  report: Report,
  o: { kernel: string; debugLockdep: boolean; graphOut?: string; procOut?: string; format: 'text' | 'json'; source: GraphSource },
): void {
  const profile = profileOf(o.kernel, { debugLockdep: o.debugLockdep });
  if (o.graphOut) writeFile(o.graphOut, serializeGraph(graphFromReport(report, o.source)));
  if (o.procOut) writeFile(o.procOut, renderProcLockdep(report, { debugLockdep: o.debugLockdep }));
  if (o.format === 'json') ctx.io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else ctx.io.stdout(renderFindings(report.findings, { profile, taint: 'Not tainted' }));
  ctx.setExit(report.findings.length ? EXIT.findings : EXIT.clean);
}

/** `--verify-crc`, for the imports that read gzip. */
export const VERIFY_CRC_OPTION = {
  type: 'boolean',
  default: false,
  describe: "check the CRC-32 of gzip input (zlib's gunzip; by default only each member's header and length are checked, which is faster)",
} as const;

/**
 * Ctrl-C, once: `interrupted` resolves on the first SIGINT (a second one ends the process, Node's
 * default); `dispose()` stops listening.
 */
export function onceInterrupted(): { interrupted: Promise<'interrupted'>; dispose(): void } {
  let onSigint: (() => void) | undefined;
  const interrupted = new Promise<'interrupted'>((resolve) => {
    onSigint = () => resolve('interrupted');
    process.once('SIGINT', onSigint);
  });
  return { interrupted, dispose: () => process.removeListener('SIGINT', onSigint!) };
}

/**
 * Feeds every chunk to `each` until the input ends (false) or Ctrl-C (true): then reading stops at
 * once, even while waiting for a quiet live source, and the caller prints what was found so far.
 */
export async function untilInterrupted(input: InputStream, each: (chunk: Buffer) => void): Promise<boolean> {
  const it = input.chunks[Symbol.asyncIterator]();
  const ctrlC = onceInterrupted();
  try {
    for (;;) {
      const r = await Promise.race([it.next(), ctrlC.interrupted]);
      if (r === 'interrupted') {
        input.close?.();
        return true;
      }
      if (r.done) return false;
      each(r.value);
    }
  } finally {
    ctrlC.dispose();
  }
}

/** The options every validating import shares. */
export function validateOptions<T>(c: Argv<T>, kernelDefault?: string) {
  return c
    .option('kernel', {
      type: 'string',
      ...(kernelDefault ? { default: kernelDefault } : {}),
      describe: `kernel version whose lockdep to imitate (semantics and report format)${kernelDefault ? '' : "; default: the log's meta line, else 6.1.192"}`,
    })
    .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'findings as kernel text, or the whole report as JSON' })
    .option('graph-out', { type: 'string', describe: 'write the dependency graph as graph JSON (docs/graph-json.md) to FILE' })
    .option('proc-out', { type: 'string', describe: 'write the simulated /proc/lockdep to FILE' })
    .option('debug-lockdep', { type: 'boolean', default: false, describe: 'CONFIG_DEBUG_LOCKDEP: OPS: column in --proc-out and ops: in reports' })
    .option('stop-at-first', { type: 'boolean', default: false, describe: 'stop validating after the first report, as the kernel does' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no summary and notes on stderr' });
}

// ---------------------------------------------------------------------------------------------------
// Parsing in a worker thread (cli/parser-thread.ts): the main thread only validates. At most 16
// batches are queued, so memory stays flat however long the trace; the records buffers go back to
// the worker for reuse.

/** Resolves false when the input ended, true on Ctrl-C (the batches still coming are dropped). */
async function parseInWorker(file: string, verifyCrc: boolean, imp: TraceImporter, progress: (read: number, total?: number) => void): Promise<boolean> {
  const thread = parserThreadFor(file, verifyCrc);
  const ctrlC = onceInterrupted();
  let finished = false;
  try {
    return await new Promise<boolean>((resolve, reject) => {
      let stopped = false;
      void ctrlC.interrupted.then(() => {
        stopped = true;
        resolve(true);
      });
      thread.listen((e) => {
        if (stopped) return;
        if ('error' in e) reject(e.error);
        else if ('exit' in e) reject(new Error(`the trace parser thread stopped (exit code ${e.exit})`));
        else if (e.m.type === 'batch') {
          const m = e.m;
          try {
            imp.pushBatch(m.batch);
          } catch (err) {
            reject(err);
            return;
          }
          thread.recycle(m.batch.records);
          progress(m.read, m.total);
        } else if (e.m.type === 'done') {
          finished = true;
          resolve(false);
        } else reject(e.m.issues ? new LockdepSimError(e.m.issues) : new Error(e.m.message));
      });
    });
  } finally {
    ctrlC.dispose();
    // Unless it read the whole input, the thread may be in a read of a quiet live source, where it
    // cannot be stopped: not waited for here (main.ts sees to it), so that what was found, or the
    // error, is printed now.
    const stopped = thread.stop();
    if (finished) await stopped;
  }
}

// ---------------------------------------------------------------------------------------------------
// import trace

function traceSummary(file: string, s: TraceImportStats, secs: number, findings: readonly Finding[], interrupted: boolean): string {
  const rate = secs > 0 ? `, ${fmtCount(Math.round(s.events / secs))} events/s` : '';
  return (
    `lockdep-sim: ${file}: ${interrupted ? `interrupted (Ctrl-C) at line ${fmtCount(s.lines)}, the findings so far: ` : ''}` +
    `${plural(s.events, 'event')} (${fmtCount(s.acquires)} acquire, ${fmtCount(s.releases)} release) in ${secs.toFixed(2)} s${rate}; ` +
    `${plural(s.tasks, 'task')}, ${plural(s.classes, 'class', 'classes')}, ${plural(s.dependencies, 'dependency', 'dependencies')}, ` +
    `${plural(s.unbalancedReleases, 'unbalanced release')}; ${findingsSummary(findings)}\n`
  );
}

/** Exit code after Ctrl-C (128 + SIGINT), once what was found so far is printed. */
export const EXIT_INTERRUPTED = 130;

export function registerImportTrace(y: Argv, ctx: CliContext): Argv {
  return y.command(
    'trace <file>',
    'validate an ftrace lock_acquire/lock_release trace (text or .gz; - for stdin) and print the reports',
    (c) =>
      validateOptions(c, '6.1.192')
        .positional('file', { type: 'string', demandOption: true, describe: 'the trace: /sys/kernel/tracing/trace or trace-cmd report output, plain or gzip' })
        .option('lenient', { type: 'boolean', default: false, describe: 'skip malformed lines (counted) instead of stopping at the first' })
        .option('keep-selftests', { type: 'boolean', default: false, describe: 'keep the boot-time locking self-tests (skipped by default)' })
        .option('novalidate', { type: 'string', array: true, describe: 'map NAME is never validated (check=0), like rcu_read_lock (repeatable)' })
        .option('recursive-read', { type: 'string', array: true, describe: '"read" on map NAME means read=2, a recursive reader (repeatable)' })
        .option('rwlock', { type: 'string', array: true, describe: 'map NAME is an rwlock_t: read=2 in interrupt context, else 1 (repeatable)' })
        .option('verify-crc', VERIFY_CRC_OPTION)
        .option('worker', { type: 'boolean', default: true, describe: 'read and parse the input in a worker thread while validating (--no-worker: all on one thread)' }),
    async (args) => {
      const file = inputName(args.file);
      const kernel = args.kernel ?? '6.1.192';
      const started = Date.now();
      const rules = {
        ...(args.novalidate ? { novalidate: args.novalidate.map(String) } : {}),
        ...(args['recursive-read'] ? { recursiveRead: args['recursive-read'].map(String) } : {}),
        ...(args.rwlock ? { rwlock: args.rwlock.map(String) } : {}),
      };
      const imp = new TraceImporter({
        file,
        kernel,
        config: { debugLockdep: args['debug-lockdep'] },
        rules,
        keepSelftests: args['keep-selftests'],
        lenient: args.lenient,
        stopAfterFirst: args['stop-at-first'],
      });
      const bar = new ProgressBar(ctx, file);
      // Ctrl-C: stop reading and print what was found so far (a second Ctrl-C ends the process).
      let interrupted: boolean;
      try {
        if (args.worker && canUseParserThread(file)) {
          interrupted = await parseInWorker(file, args['verify-crc'], imp, (read, total) => bar.update(read, total, imp.stats.events, started));
        } else {
          const input = openInput(file, undefined, { verifyCrc: args['verify-crc'] });
          interrupted = await untilInterrupted(input, (chunk) => {
            imp.push(chunk);
            const p = input.progress();
            bar.update(p.read, p.total, imp.stats.events, started);
          });
        }
      } finally {
        bar.clear();
      }
      const r = imp.end({ interrupted });
      const secs = (Date.now() - started) / 1000;
      const notes = r.notes;
      emitReport(ctx, r.report, {
        kernel,
        debugLockdep: args['debug-lockdep'],
        format: args.format,
        source: { format: 'trace', file, kernel, notes },
        ...(args['graph-out'] ? { graphOut: args['graph-out'] } : {}),
        ...(args['proc-out'] ? { procOut: args['proc-out'] } : {}),
      });
      if (interrupted) ctx.setExit(EXIT_INTERRUPTED);
      if (!args.quiet || interrupted) {
        let err = traceSummary(file, r.stats, secs, r.report.findings, interrupted);
        if (!r.stats.events && !interrupted) err += 'lockdep-sim: no lock_acquire/lock_release events found; enable them with: echo 1 > /sys/kernel/tracing/events/lock/enable\n';
        for (const m of imp.badLineMessages) err += `lockdep-sim: skipped malformed line: ${m}\n`;
        r.report.findings.forEach((f, i) => {
          err += `lockdep-sim: report ${i + 1} (${f.kind}${f.count > 1 ? `, ${f.count} times` : ''}) at ${f.at.file}:${f.at.line} (${f.task.comm}/${f.task.pid})\n`;
        });
        if (!args.quiet) {
          err += 'lockdep-sim: what a trace cannot tell, and what was assumed:\n';
          for (const n of notes) err += `  - ${n}\n`;
        }
        ctx.io.stderr(err);
      }
    },
  );
}
