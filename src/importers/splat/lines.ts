/**
 * The tolerant line reader: pasted kernel-log text → the logical lines of the log, with everything
 * that is not printk output taken off (reference §4.0, "record/line rule"), so the report parser
 * only ever sees what lockdep printed.
 *
 * Taken off, in this order, per physical line: mail quoting (`> `, `>> `, `> >> `, ` > `, any
 * depth), syslog / `dmesg -x` prefixes, `<N>` log levels, timestamps (`[  254.403407]`,
 * `[ +0.004886]`, `[Mon Jan  1 10:00:00 2024]`) and printk caller ids (`[T1234]`, `[ C0]`).
 * Then wrapped lines are joined again:
 *
 * - mail wrapping: in a log whose lines carry prefixes, a line without any prefix that follows a
 *   non-empty line ending in white space (a soft line break) continues that line (this is also how
 *   a mailer re-wraps quoted text: the continuation loses the `> `). A printk continuation line
 *   (the second line of a multi-line record, no timestamp of its own) follows an *empty* record
 *   start and is left alone.
 * - structure: a lock line cut before its `){usage}` or right after `at:` is completed from the
 *   next line in any log (mail archives without prefixes wrap there too).
 *
 * Pure and total: any string in, lines out; never throws.
 */

/** One logical line of the log. */
export interface LogLine {
  /** The content after all prefixes (leading white space kept, trailing white space kept). */
  text: string;
  /** 1-based line of the input where it starts. */
  line: number;
  /** 1-based column where the content starts. */
  col: number;
  /** Physical lines it spans (> 1 when wrapped lines were joined). */
  span: number;
  /** printk caller id (`T1234`, `C0`) when the log prints them. */
  caller?: string;
  /** Carried a timestamp / log level / syslog prefix. */
  stamped: boolean;
  /** Mail quote depth (number of `>`). */
  quote: number;
}

const QUOTE_RE = /^[ \t]{0,4}((?:>[ \t]*)+)/;
const SYSLOG_RE = /^(?:(?:[A-Z][a-z]{2}\s+\d{1,2}\s+\d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)?)\s+\S+\s+)?kernel:\s?/;
const FACILITY_RE = /^(?:kern|user|mail|daemon|auth|syslog|lpr|news|local\d)\s*:\s*(?:emerg|alert|crit|err|warn|notice|info|debug)\s*:\s?/;
const LEVEL_RE = /^<\d{1,2}>/;
const STAMP_RE = /^\[\s*\+?\d+\.\d+\]|^\[[A-Z][a-z]{2}\s?\d{1,2} \d\d:\d\d\]|^\[[A-Z][a-z]{2} [A-Z][a-z]{2}\s+\d{1,2} \d\d:\d\d(?::\d\d)? \d{4}\]|^\[\s*\+?\d+\.\d+\s*<\s*\d+\.\d+\s*>\]/;
const CALLER_RE = /^\[\s*([TC]\d+)\]/;

interface Stripped {
  text: string;
  col: number;
  caller?: string;
  stamped: boolean;
  quote: number;
}

/** Takes the prefixes off one physical line. */
export function stripPrefixes(raw: string): Stripped {
  let pos = 0;
  let rest = raw;
  let quote = 0;
  let stamped = false;
  let caller: string | undefined;
  const take = (n: number) => {
    pos += n;
    rest = rest.slice(n);
  };
  const q = QUOTE_RE.exec(rest);
  if (q) {
    quote = (q[1]!.match(/>/g) ?? []).length;
    take(q[0].length);
  }
  // Each prefix kind at most once, in the order logs combine them; a few rounds for `<4>[ts][T1]`.
  for (let round = 0; round < 4; round++) {
    let m: RegExpExecArray | null;
    if ((m = SYSLOG_RE.exec(rest)) && m[0].length > 0) {
      take(m[0].length);
      stamped = true;
      continue;
    }
    if ((m = FACILITY_RE.exec(rest))) {
      take(m[0].length);
      stamped = true;
      continue;
    }
    if ((m = LEVEL_RE.exec(rest))) {
      take(m[0].length);
      stamped = true;
      continue;
    }
    if ((m = STAMP_RE.exec(rest))) {
      take(m[0].length);
      stamped = true;
      const c = CALLER_RE.exec(rest);
      if (c) {
        caller = c[1];
        take(c[0].length);
      }
      continue;
    }
    if ((m = CALLER_RE.exec(rest)) && stamped) {
      caller = m[1];
      take(m[0].length);
      continue;
    }
    break;
  }
  // printk puts one space between the prefix and the text.
  if (stamped && rest.startsWith(' ')) take(1);
  const out: Stripped = { text: rest, col: pos + 1, stamped, quote };
  if (caller !== undefined) out.caller = caller;
  return out;
}

/** `-&gt;` and friends, when the text was copied from an HTML page without decoding. */
function decodeEntities(text: string): string {
  if (!/&(?:gt|lt|amp|quot|#39|nbsp);/.test(text)) return text;
  return text
    .replace(/&gt;/g, '>')
    .replace(/&lt;/g, '<')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

/** A lock line (or chain entry, or class line) that stops before `){usage}`: the name was wrapped. */
const OPEN_CLASS_RE = /^\s*(?:#\d+:\s*|->\s*(?:#\d+\s*)?)?(?:[0-9a-f]{8,16}\s+)?\(/;
const USAGE_CLOSE_RE = /\)\{[.+\-?]{4,6}\}/;
/** A lock line that stops after its class (`…}, `), after `at:`, or after the ip's `[<addr>]`. */
const OPEN_AT_RE = /\)\{[.+\-?]{4,6}\}(?:-\{\d+:\d+\})?,(?:\s*at:(?:\s*\[<[0-9a-fA-Fx]+>\])?)?\s*$/;
/** `is trying to release lock (` without the closing `) at:`. */
const OPEN_RELEASE_RE = /is trying to release lock \((?!.*\) at:)/;
/** The ident line cut inside its taint text (`6.19.0-rc1 #1 Not` / `tainted`). */
const OPEN_TAINT_RE = /^\s*\S+\s+#\S+\s+Not\s*$/;
/** dump_stack()'s `CPU: … Comm: x Not tainted` cut before the release. */
const OPEN_CPU_RE = /^\s*CPU:\s*\d+.*\b(?:Not tainted|Tainted:.*)\s*$/;

function isOpen(text: string, next: string): boolean {
  if (OPEN_AT_RE.test(text)) return true;
  if (OPEN_TAINT_RE.test(text) && /^\s*tainted\b/.test(next)) return true;
  if (OPEN_CPU_RE.test(text) && /^\s*\d+\.\d+\S*\s+#\S+/.test(next)) return true;
  if (OPEN_RELEASE_RE.test(text)) return true;
  if (OPEN_CLASS_RE.test(text) && !USAGE_CLOSE_RE.test(text) && !/\)\s*$/.test(text.trimEnd().replace(/:$/, ''))) return true;
  return false;
}

function join(a: string, b: string): string {
  const bt = b.trimStart();
  if (/\s$/.test(a)) return a + bt;
  if (/[:,]$/.test(a)) return `${a} ${bt}`;
  return a + bt;
}

/**
 * Splits a pasted log into logical lines (see the module comment). `text` may be anything; the
 * result may be empty.
 */
export function readLogLines(input: string): LogLine[] {
  const text = decodeEntities(input.replace(/^\uFEFF/, ''));
  const raw = text.split(/\r\n|\r|\n/);
  const stripped = raw.map(stripPrefixes);
  const nonEmpty = stripped.filter((_, i) => raw[i]!.trim() !== '');
  const prefixedCount = nonEmpty.filter((s) => s.stamped || s.quote > 0).length;
  // A log "has prefixes" when most of its lines do; only then can a missing prefix mean a wrap.
  const prefixedLog = nonEmpty.length > 0 && prefixedCount * 2 > nonEmpty.length;

  const out: LogLine[] = [];
  for (let i = 0; i < raw.length; i++) {
    const s = stripped[i]!;
    const prefixed = s.stamped || s.quote > 0;
    const prev = out[out.length - 1];
    // Mail soft wrap: the continuation lost its prefix, the line before ended in white space.
    if (
      prefixedLog &&
      !prefixed &&
      prev !== undefined &&
      raw[i]!.trim() !== '' &&
      prev.text.trim() !== '' &&
      /[ \t]$/.test(prev.text) &&
      !/^\s{6,}/.test(raw[i]!.replace(/^\s*$/, '')) // an indented printk continuation starts a new line
    ) {
      prev.text = join(prev.text, s.text);
      prev.span++;
      continue;
    }
    const l: LogLine = { text: s.text, line: i + 1, col: s.col, span: 1, stamped: s.stamped, quote: s.quote };
    if (s.caller !== undefined) l.caller = s.caller;
    out.push(l);
  }
  // Structural joins: complete lock lines cut inside the class name or after `at:`.
  const joined: LogLine[] = [];
  for (let i = 0; i < out.length; i++) {
    const l = out[i]!;
    let rounds = 0;
    while (rounds < 3 && i + 1 < out.length && out[i + 1]!.text.trim() !== '' && isOpen(l.text, out[i + 1]!.text)) {
      const n = out[i + 1]!;
      // Never swallow a line from another printk caller.
      if (l.caller !== undefined && n.caller !== undefined && n.caller !== l.caller) break;
      l.text = join(l.text, n.text);
      l.span += n.span;
      i++;
      rounds++;
    }
    joined.push(l);
  }
  return joined;
}
