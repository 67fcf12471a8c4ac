/**
 * `lockdep-sim import events FILE|-`: validate a JSON-lines event log (docs/events-jsonl.md) as it
 * streams in — from a file, a pipe or a program's stdout — and print the reports like `run`, with
 * the same --graph-out / --proc-out outputs as `import trace`. (`run FILE.jsonl` replays a log as a
 * scenario instead; both give the same reports.)
 */
import type { Argv } from 'yargs';
import { EventsImporter } from '../../importers/events/stream.js';
import type { CliContext } from '../context.js';
import { emitReport, EXIT_INTERRUPTED, findingsSummary, fmtCount, openInput, ProgressBar, validateOptions, inputName, untilInterrupted, VERIFY_CRC_OPTION } from './import-trace.js';

export function registerImportEvents(y: Argv, ctx: CliContext): Argv {
  return y.command(
    'events <file>',
    'validate a JSON-lines lock event log (docs/events-jsonl.md; - for stdin, .gz accepted) and print the reports',
    (c) => validateOptions(c).positional('file', { type: 'string', demandOption: true, describe: 'the event log' }).option('verify-crc', VERIFY_CRC_OPTION),
    async (args) => {
      const file = inputName(args.file);
      const started = Date.now();
      const imp = new EventsImporter({
        file,
        ...(args.kernel !== undefined ? { kernel: args.kernel } : {}),
        config: { debugLockdep: args['debug-lockdep'] },
        stopAfterFirst: args['stop-at-first'],
      });
      const input = openInput(file, undefined, { verifyCrc: args['verify-crc'] });
      const bar = new ProgressBar(ctx, file);
      const interrupted = await untilInterrupted(input, (chunk) => {
        imp.push(chunk);
        const p = input.progress();
        bar.update(p.read, p.total, imp.stats.events, started);
      }).finally(() => bar.clear());
      const r = imp.end({ interrupted });
      const secs = (Date.now() - started) / 1000;
      emitReport(ctx, r.report, {
        kernel: r.kernel,
        debugLockdep: args['debug-lockdep'],
        format: args.format,
        source: { format: 'events', file, kernel: r.kernel },
        ...(args['graph-out'] ? { graphOut: args['graph-out'] } : {}),
        ...(args['proc-out'] ? { procOut: args['proc-out'] } : {}),
      });
      if (interrupted) ctx.setExit(EXIT_INTERRUPTED);
      if (!args.quiet || interrupted) {
        const s = r.stats;
        ctx.io.stderr(
          `lockdep-sim: ${file}: ${interrupted ? `interrupted (Ctrl-C) at line ${fmtCount(s.lines)}, the findings so far: ` : ''}${fmtCount(s.events)} events in ${secs.toFixed(2)} s; ${fmtCount(s.tasks)} tasks, ${fmtCount(s.classes)} classes, ` +
            `${fmtCount(s.dependencies)} dependencies; ${findingsSummary(r.report.findings)}\n`,
        );
      }
    },
  );
}
