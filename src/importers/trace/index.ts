/** ftrace `lock:lock_acquire` / `lock:lock_release` text → lockdep validation (streaming). */
export { TraceImporter, importTrace, type TraceImportOptions, type TraceImportResult, type TraceImportStats } from './importer.js';
export { nameRules, TRACE_LIMITS, type NameRuleOptions, type NameRules, type ReadRule } from './assumptions.js';
export { parseTraceLine, traceTimestamp, TraceEvent, LineKind, IrqCtx } from './line-parser.js';
export { LineSplitter, type LineHandler } from './line-splitter.js';
export { ByteInterner } from './intern.js';
