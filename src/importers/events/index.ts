/** The JSON-lines event log (docs/events-jsonl.md): parse into a Scenario, or stream into the validator. */
export { EVENTS_JSONL_VERSION, EventsDecoder, type Decoded, type EventsMeta } from './decode.js';
export { DEFAULT_EVENTS_KERNEL, parseEventsJsonl, replayOrder, scenarioToEventsJsonl } from './parse.js';
export { EventsImporter, importEvents, type EventsImportOptions, type EventsImportResult, type EventsImportStats } from './stream.js';
