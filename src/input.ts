import type { Scenario } from './model/scenario.js';
import { inputError } from './diag/error.js';
import { parseCaseScript } from './importers/script.js';
import { parseEventsJsonl } from './importers/events/parse.js';
import { parseScenario } from './scenario/parse.js';

export const INPUT_FORMATS = ['yaml', 'script', 'events'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** Picks the input format from the file name (`.script` case script, `.yaml`/`.yml` scenario, `.jsonl` event log). */
export function detectFormat(file: string): InputFormat | undefined {
  if (/\.script$/i.test(file)) return 'script';
  if (/\.jsonl$/i.test(file)) return 'events';
  if (/\.ya?ml$/i.test(file)) return 'yaml';
  return undefined;
}

/** Parses any supported input text into a Scenario (pure: the caller reads the file). */
export function parseInput(text: string, file: string, format?: InputFormat, kernel?: string): Scenario {
  const f = format ?? detectFormat(file);
  switch (f) {
    case 'script':
      return parseCaseScript(text, file, kernel ? { kernel } : {});
    case 'yaml':
      return parseScenario(text, file);
    case 'events':
      return parseEventsJsonl(text, file);
    default:
      throw inputError('usage', `cannot tell the input format of ${file}`, undefined, `name it *.yaml, *.script or *.jsonl, or pass --input-format ${INPUT_FORMATS.join('|')}`);
  }
}
