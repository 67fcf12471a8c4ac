/**
 * How many real reports print again exactly: every complete report of ../shared/corpus/splats is
 * imported (import splat), replayed and printed, and the printed text is compared with the original
 * under norm.py's `seed` normalization, which keeps every line from the `=====` ruler to the end of
 * the call trace (frames included) and drops only timestamps, addresses, white-space runs, `? `
 * frames, register dumps and the `Hardware name:` line.
 *
 * The original is taken as the importer reads it: mail quoting, log prefixes and mailer wrapping
 * removed, from the report's ruler to the last line the importer counts as the report's. Lines
 * another printk wrote into the middle of the report stay, so such a report never counts.
 *
 * Why the others differ (for the record; run with --reporter=verbose to see the first difference of
 * each): syzbot's post-processing (` file.c:NN` suffixes and `[inline]` frames: 025, 032, 034, 037,
 * 071, 076); printk lines of other subsystems inside the report (014, 064, 074: counted apart); build
 * facts a scenario does not carry (`ops:` counts of CONFIG_DEBUG_LOCKDEP: 067; the irq-event stamps
 * of the reporting task: 049, 050, 052; a worker's description in `Workqueue:`: 005); register and
 * raw stack dumps (ARM32 frame-pointer builds: 052); states the validator does not model
 * (RECLAIM_FS: 016, 053; NMI: 047); HE of a report raised while IRQs come on (055, 056, validator);
 * a 4.16 merge-window build that already prints lock instances (044) and a 4.15 build with
 * backports (049); a hand-edited report whose call trace disagrees with its `-> #0` entry (008).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { textContextFor } from '../../src/cli/context.js';
import { importSplat, readLogLines } from '../../src/importers/splat/index.js';
import { renderFindings } from '../../src/reporters/text/index.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { replay } from '../../src/validator/replay.js';
import { normSeed } from '../oracle/norm.js';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus/splats');

/** Complete reports that print again line for line. May only go up. */
const MIN_EQUAL = 19;
/** … and those whose only difference is lines another printk wrote into the middle of the report. */
const MIN_EQUAL_BUT_INTERLEAVED = 3;

interface Meta {
  id: string;
  file: string;
  truncated: boolean;
}

interface Outcome {
  id: string;
  /** The re-run reports the kind of the original. */
  reproduced: boolean;
  equal: boolean;
  /** Not equal, but ours is the original minus lines of other kernel messages (`usb 1-1: …`). */
  interleavedOnly: boolean;
  /** First differing line (original / ours), 1-based in the normalized text. */
  diff?: { line: number; theirs: string; ours: string };
}

/** The report region as the importer reads it, from a little before the title to its last line. */
function originalRegion(text: string, titleLine: number, lastLine: number): string {
  const lines = readLogLines(text);
  const start = Math.max(0, lines.findIndex((l) => l.line >= titleLine) - 2);
  const end = lines.findIndex((l) => l.line > lastLine);
  return lines
    .slice(start, end < 0 ? undefined : end)
    .map((l) => l.text)
    .join('\n');
}

/** A line some other printk wrote (`usb 3-1: …`, `binder: …`, `xt_TCPMSS: …`), not lockdep's. */
const FOREIGN_RE = /^[a-z][\w-]*(?: \d+-[\d.]+)?: \S/;

/** `ours` is `theirs` without some foreign lines. */
function onlyInterleaved(theirs: string[], ours: string[]): boolean {
  let j = 0;
  const extra: string[] = [];
  for (const l of theirs) {
    if (j < ours.length && l === ours[j]) j++;
    else extra.push(l);
  }
  return j === ours.length && extra.length > 0 && extra.every((l) => FOREIGN_RE.test(l));
}

function rerun(meta: Meta, text: string): Outcome {
  const imp = importSplat(text, meta.file);
  const scenario = parseScenario(imp.yaml, `${meta.file}.yaml`);
  const findings = replay(scenario, { stopAfterFirst: true }).findings;
  const reproduced = findings[0]?.kind === imp.report.kind;
  const theirs = normSeed(originalRegion(text, imp.report.titleLine, imp.report.lastLine));
  const ours = normSeed(renderFindings(findings.slice(0, 1), textContextFor(scenario)));
  const n = Math.max(theirs.length, ours.length);
  for (let i = 0; i < n; i++) {
    if (theirs[i] !== ours[i]) {
      return {
        id: meta.id,
        reproduced,
        equal: false,
        interleavedOnly: onlyInterleaved(theirs, ours),
        diff: { line: i + 1, theirs: theirs[i] ?? '(end)', ours: ours[i] ?? '(end)' },
      };
    }
  }
  return { id: meta.id, reproduced, equal: true, interleavedOnly: false };
}

function loadComplete(): { meta: Meta; text: string }[] {
  return readdirSync(CORPUS)
    .filter((f) => f.endsWith('.meta.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(CORPUS, f), 'utf8')) as Meta)
    .filter((m) => !m.truncated)
    .map((meta) => ({ meta, text: readFileSync(path.join(CORPUS, meta.file), 'utf8') }));
}

describe('corpus reports printed again (seed normalization: frames and call traces kept)', () => {
  it(`at least ${MIN_EQUAL} complete reports print line for line as the kernel printed them`, () => {
    const outcomes = loadComplete().map(({ meta, text }) => rerun(meta, text));
    const reproduced = outcomes.filter((o) => o.reproduced);
    const equal = reproduced.filter((o) => o.equal);
    const interleaved = reproduced.filter((o) => o.interleavedOnly);
    const listing = reproduced
      .filter((o) => !o.equal)
      .map((o) => `${o.id} line ${o.diff!.line}${o.interleavedOnly ? ' (only interleaved messages)' : ''}:\n  kernel: ${o.diff!.theirs}\n  ours:   ${o.diff!.ours}`)
      .join('\n');
    // The figure for the record (visible with --reporter=verbose).
    console.log(
      `seed-normalized re-run: ${equal.length}/${reproduced.length} reproduced complete reports equal, ` +
        `${interleaved.length} more but for other kernel messages in the middle (${outcomes.length} complete)\n${listing}`,
    );
    expect(equal.length, listing).toBeGreaterThanOrEqual(MIN_EQUAL);
    expect(interleaved.length, listing).toBeGreaterThanOrEqual(MIN_EQUAL_BUT_INTERLEAVED);
  });
});
