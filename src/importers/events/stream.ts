/**
 * Streaming validation of a JSON-lines event log: chunks in, one ReplaySession fed line by line, a
 * Report out. Memory grows with classes, tasks and chains, not with the number of events, so a
 * program can pipe an unbounded log into `lockdep-sim import events -`.
 */
import type { Report } from '../../model/findings.js';
import type { KernelConfig } from '../../model/kernel.js';
import type { Limits } from '../../validator/lockdep.js';
import { ReplaySession, profileOf } from '../../validator/replay.js';
import { LineSplitter } from '../trace/line-splitter.js';
import { EventsDecoder, type EventsMeta } from './decode.js';
import { DEFAULT_EVENTS_KERNEL } from './parse.js';

export interface EventsImportOptions {
  file: string;
  /** Overrides the log's meta kernel. */
  kernel?: string;
  /** Overrides (merged over) the log's meta config. */
  config?: Partial<KernelConfig>;
  stopAfterFirst?: boolean;
  limits?: Partial<Limits>;
}

export interface EventsImportStats {
  lines: number;
  /** Event lines (acquire, release, ...). */
  events: number;
  tasks: number;
  classes: number;
  dependencies: number;
}

export interface EventsImportResult {
  report: Report;
  meta: EventsMeta;
  /** The kernel that was imitated. */
  kernel: string;
  stats: EventsImportStats;
}

export class EventsImporter {
  readonly stats: EventsImportStats = { lines: 0, events: 0, tasks: 0, classes: 0, dependencies: 0 };
  private readonly dec: EventsDecoder;
  private readonly splitter: LineSplitter;
  private readonly text = new TextDecoder('utf-8', { fatal: false });
  private session: ReplaySession | undefined;
  private meta: EventsMeta = {};

  constructor(private readonly opts: EventsImportOptions) {
    this.dec = new EventsDecoder(opts.file);
    this.splitter = new LineSplitter((buf, s, e, line) => this.onLine(buf, s, e, line));
  }

  get bytes(): number {
    return this.splitter.bytes;
  }

  push(chunk: Uint8Array): void {
    this.splitter.push(chunk);
  }

  /** Ends the input; `interrupted`: it stopped early (Ctrl-C), an unfinished last line is dropped. */
  end(o: { interrupted?: boolean } = {}): EventsImportResult {
    this.splitter.end(o.interrupted);
    const session = this.open();
    const report = session.finish();
    this.stats.lines = this.splitter.line;
    this.stats.tasks = session.taskCount;
    this.stats.classes = report.stats.classes;
    this.stats.dependencies = report.stats.dependencies;
    return { report, meta: this.meta, kernel: this.kernel(), stats: { ...this.stats } };
  }

  private kernel(): string {
    return this.opts.kernel ?? this.meta.kernel ?? DEFAULT_EVENTS_KERNEL;
  }

  /** The session starts at the first line that is not the meta line (which may set the kernel). */
  private open(): ReplaySession {
    if (!this.session) {
      const config = { ...this.meta.config, ...this.opts.config };
      this.session = new ReplaySession(this.opts.file, profileOf(this.kernel(), config), [], {
        stopAfterFirst: this.opts.stopAfterFirst ?? false,
        ...(this.opts.limits ? { limits: this.opts.limits } : {}),
      });
    }
    return this.session;
  }

  private onLine(buf: Uint8Array, start: number, end: number, line: number): void {
    let e = end;
    if (e > start && buf[e - 1] === 0x0d) e--;
    const d = this.dec.decode(this.text.decode(buf.subarray(start, e)), line);
    switch (d.kind) {
      case 'blank':
        return;
      case 'meta':
        this.meta = d.meta;
        return;
      case 'class':
        this.open().declareClass(d.decl);
        return;
      case 'task':
        this.open().addTask(d.def);
        return;
      case 'steps': {
        const session = this.open();
        for (const c of d.newClasses) session.declareClass(c);
        if (d.newTask) session.addTask(d.newTask);
        this.stats.events++;
        for (const s of d.steps) session.step(d.index, s);
        return;
      }
    }
  }
}

/** Validates a whole event log held in memory. */
export function importEvents(input: string | Uint8Array, opts: EventsImportOptions): EventsImportResult {
  const imp = new EventsImporter(opts);
  imp.push(typeof input === 'string' ? Buffer.from(input, 'utf8') : input);
  return imp.end();
}
