/**
 * lockdep-sim as a library: parse a scenario, replay it through the lockdep model, render reports.
 * Pure functions only; the CLI (src/cli) does the I/O.
 */
export * from './model/index.js';
export { LockdepSimError, formatIssue, type Issue, type IssueCode } from './diag/error.js';
export { parseScenario } from './scenario/parse.js';
export { parseCaseScript } from './importers/script.js';
export { parseInput, detectFormat, INPUT_FORMATS, type InputFormat } from './input.js';
export { replay, profileFor, type ReplayOptions } from './validator/replay.js';
export type { Limits } from './validator/lockdep.js';
export { renderFinding, renderFindings, type TextContext } from './reporters/text/index.js';
export { renderProcLockdep } from './reporters/proc.js';
export { renderHtmlPage, buildPageData, type PageData } from './html/index.js';
export { runCheck, type CheckOptions, type CheckRun } from './check/check.js';
export { parsePolicy, type Policy } from './check/policy.js';
export { explain } from './check/explain.js';
export { renderSarif } from './reporters/check/sarif.js';
export { renderCheckJson } from './reporters/check/json.js';
export { exploreReport, exploreAll, type ExploreOptions } from './explore/explore.js';
export { formatExploreLine, formatSchedule } from './explore/format.js';
export { importSplat, type SplatImport } from './importers/splat/index.js';
export { TraceImporter, importTrace, type TraceImportOptions, type TraceImportResult } from './importers/trace/index.js';
export { parseProcLockdep, parseProcLockdepChains } from './importers/proc/index.js';
export { parseEventsJsonl, scenarioToEventsJsonl, EventsImporter, importEvents } from './importers/events/index.js';
export { renderProcChains, renderProcStats } from './reporters/proc-chains.js';
