/**
 * A TypeScript port of ../shared/hooks/lib/norm.py (the `oracle` and `seed` modes and `header()`), so the
 * oracle conformance tests compare exactly what the oracle-check hook compares, in-process.
 * Python's `re` is Unicode-aware for \w, \d, \s and \b; the JS patterns below use the `u` flag and
 * Unicode classes to match (the inputs are ASCII in practice). str.splitlines() and str.strip() are
 * ported too, since they split and strip on more characters than '\n' and ' '.
 */

/** Python's \w for str patterns: str.isalnum() (letters and numbers of any script) or `_`. */
const W = String.raw`[\p{L}\p{N}_]`;
/** Python's \s for str patterns: the characters str.isspace() accepts (JS \s differs: it has U+FEFF, lacks \x1c-\x1f and \x85). */
const S = String.raw`[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]`;
const D = String.raw`\p{Nd}`;
/** Python's \b: boundary between a \w and a non-\w character. */
const B = String.raw`(?:(?<=${W})(?!${W})|(?<!${W})(?=${W}))`;

const re = (src: string, flags = ''): RegExp => new RegExp(src, `u${flags}`);

const TS = re(String.raw`^${S}*(?:<${D}>)?\[${S}*[+]?${D}+\.${D}+\]${S}?(?:\[${S}*[TC]${D}+\]${S}?)?`);
const HEX = re(String.raw`${B}(?:0x)?[0-9a-f]{8,16}${B}`, 'g');
const FRAME = re(
  String.raw`^${S}*(?:\[<[0-9a-f]+>\]${S}*)?(?:\?${S}*)?[A-Za-z_.$](?:${W}|[.$])*\+0x[0-9a-f]+/0x[0-9a-f]+(?:${S}+\[(?:${W}|-)+\])?${S}*$`,
);
const REGS = re(String.raw`^${S}*(RIP|Code|RSP|RAX|RDX|RBP|R10|R13|Hardware name):`);
const BANNER = re(String.raw`^${S}*={20,}${S}*$`);
const BANNERLESS = re(String.raw`^${S}*BUG: MAX_LOCK_DEPTH too low!`);

/** str.splitlines(): splits on \n, \r\n, \r, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029; no trailing empty line. */
export function splitlines(text: string): string[] {
  if (text === '') return [];
  const parts = text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/u);
  if (/(?:\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029])$/u.test(text)) parts.pop();
  return parts;
}

/** str.strip() */
function strip(s: string): string {
  return s.replace(re(String.raw`^${S}+|${S}+$`, 'g'), '');
}

function linesOf(text: string): string[] {
  return splitlines(text).map((l) => l.replace(TS, ''));
}

/** Splits into reports: each starts at a `=====` line (or at the banner-less MAX_LOCK_DEPTH report). */
export function reports(lines: string[]): string[][] {
  const starts: number[] = [];
  lines.forEach((l, i) => {
    if (BANNER.test(l) || BANNERLESS.test(l)) starts.push(i);
  });
  return starts.map((s, k) => lines.slice(s, k + 1 < starts.length ? starts[k + 1] : lines.length));
}

function squeeze(l: string): string {
  return strip(l.replace(re(`${S}+`, 'g'), ' '));
}

/** norm.py `seed` mode. */
export function normSeed(text: string): string[] {
  const reps = reports(linesOf(text));
  if (reps.length === 0) return [];
  const out: string[] = [];
  for (let l of reps[0]!) {
    if (REGS.test(l)) continue;
    if (re(String.raw`^${S}*\?${S}`).test(l)) continue;
    l = l.replace(HEX, 'ADDR');
    l = squeeze(l);
    if (l) out.push(l);
  }
  return out;
}

/** norm.py `oracle` mode: first report only, up to `stack backtrace:`, without frames, addresses, pids. */
export function normOracle(text: string): string[] {
  const reps = reports(linesOf(text));
  if (reps.length === 0) return [];
  const out: string[] = [];
  const rep = reps[0]!;
  const bannerless = BANNERLESS.test(rep[0]!);
  for (let i = 0; i < rep.length; i++) {
    let l = rep[i]!;
    if (re(String.raw`^${S}*stack backtrace:`).test(l) || (bannerless && !strip(l))) break;
    if (i === 2 && !bannerless) continue; // the version line
    if (re(String.raw`^${S}*(hard|soft)irqs last${S}+(en|dis)abled at`).test(l)) continue;
    l = l.replace(re(String.raw`irq event stamp: ${D}+`, 'g'), 'irq event stamp: N');
    if (FRAME.test(l)) continue;
    l = l.replace(/, at: .*$/u, '');
    l = l.replace(HEX, 'ADDR');
    l = l.replace(re(String.raw`([^${S.slice(1, -1)}])/${D}+${B}`, 'g'), '$1/PID');
    l = l.replace(re(String.raw`(?<=[^${S.slice(1, -1)}#])#${D}+`, 'g'), '');
    l = squeeze(l);
    if (l) out.push(l);
  }
  return out;
}

/** norm.py header(): the first report's headline, or `none`. */
export function header(text: string): string {
  const reps = reports(linesOf(text));
  if (reps.length === 0) return 'none';
  const rep = reps[0]!;
  if (BANNERLESS.test(rep[0]!)) return squeeze(rep[0]!);
  for (const l of rep.slice(1, 3)) if (strip(l)) return squeeze(l);
  return 'none';
}

/** What `python3 norm.py MODE FILE` prints for this text. */
export function normPrint(mode: 'oracle' | 'seed', text: string): string {
  return `${(mode === 'oracle' ? normOracle : normSeed)(text).join('\n')}\n`;
}
