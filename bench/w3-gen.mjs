// W3: the W2 workload trace repeated and varied, streamed (the bench never writes it to disk).
// Repetition k (0-based) of W2's event lines:
//   - pids shifted: pid p > 0 becomes p + k * PID_SHIFT; the idle task of CPU c (pid 0) becomes
//     pid k * PID_SHIFT + IDLE + c for k > 0 (so no task carries held locks from one repetition into
//     the next);
//   - lock instances renamed consistently: a map address outside the kernel image (not ffffffff…)
//     gets its first four hex digits ffff replaced by ffff - k (fffe…, fffd…), so each repetition
//     has its own lock objects, the same ones throughout the repetition; static locks stay shared;
//   - timestamps shifted by k * TS_SHIFT seconds.
// The header comes once, and so do the acquisitions before the first lock_release (tracing starts
// with lock_acquire enabled first: their releases are not in the trace, and the importer skips them
// at the start of a trace only). Every field keeps its width: the lines keep ftrace's fixed layout.
// Deterministic: the same bytes every run.
//
//   node bench/w3-gen.mjs [--reps 5] [--src W2.txt.gz] [--out FILE|-] [--ready]
// writes the stream to FILE (a FIFO, for the bench) or stdout; --ready prints "ready" on stderr once
// the source is loaded, before the first byte is written.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
export const W2_PATH = path.resolve(here, '../../shared/oracle/workload/workload-trace.txt.gz');
export const PID_SHIFT = 10000;
export const TS_SHIFT = 40;
const IDLE = 9000;
const BLOCK = 4 << 20;

/**
 * The W2 text, the start of each line after the header, and per line what a repetition rewrites:
 * the pid, the timestamp's whole seconds, and flags (1: fixed layout, 2: a static lock address).
 */
export function loadSource(src = W2_PATH) {
  const raw = readFileSync(src);
  const text = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
  const starts = [];
  let headerEnd = 0;
  for (let p = 0; p < text.length; ) {
    const nl = text.indexOf(10, p);
    const e = nl < 0 ? text.length : nl;
    if (text[p] === 0x23 /* # */ && headerEnd === p) headerEnd = e + 1;
    else starts.push(p);
    p = e + 1;
  }
  const n = starts.length;
  const pid = new Int32Array(n);
  const cpu = new Int32Array(n);
  const secs = new Int32Array(n);
  const flags = new Uint8Array(n);
  const b = text;
  for (let l = 0; l < n; l++) {
    const s = starts[l];
    const e = l + 1 < n ? starts[l + 1] - 1 : text.length;
    if (!(e - s > 82 && b[s + 16] === 0x2d && b[s + 25] === 0x5b && b[s + 42] === 0x2e && b[s + 49] === 0x3a && b[s + 64] === 0x20 && b[s + 81] === 0x20)) continue;
    let v = 0;
    for (let q = s + 17; b[q] >= 0x30 && b[q] <= 0x39; q++) v = v * 10 + (b[q] - 0x30);
    pid[l] = v;
    cpu[l] = (b[s + 26] - 0x30) * 100 + (b[s + 27] - 0x30) * 10 + (b[s + 28] - 0x30);
    v = 0;
    for (let q = s + 37; q < s + 42; q++) if (b[q] !== 0x20) v = v * 10 + (b[q] - 0x30);
    secs[l] = v;
    let stat = 2;
    for (let q = s + 65; q < s + 73; q++) if (b[q] !== 0x66 /* f */) stat = 0;
    flags[l] = 1 | stat;
  }
  let firstRelease = 0;
  while (firstRelease < n && text.indexOf('lock_release: ', starts[firstRelease]) !== starts[firstRelease] + 51) firstRelease++;
  return { text, starts: Int32Array.from(starts), headerEnd, pid, cpu, secs, flags, firstRelease: firstRelease < n ? firstRelease : 0 };
}

/** Field texts of the numbers 0..max for repetition k: width bytes each, padded with spaces. */
function fieldTable(max, width, shift, left) {
  const t = new Uint8Array((max + 1) * width);
  for (let v = 0; v <= max; v++) {
    const str = String(v + shift);
    const padded = left ? str.padEnd(width, ' ') : str.padStart(width, ' ');
    for (let i = 0; i < width; i++) t[v * width + i] = padded.charCodeAt(i);
  }
  return t;
}

/**
 * The W3 stream as chunks of whole lines (about BLOCK bytes). The source text is rewritten in place
 * for each repetition (repetition 0 restores the original fields), so a chunk is valid until the
 * next one is asked for.
 */
export function* w3Chunks(source, reps = 5) {
  const { text, starts, headerEnd, pid, cpu, secs, flags, firstRelease } = source;
  if (headerEnd) yield text.subarray(0, headerEnd);
  const n = starts.length;
  const maxPid = pid.reduce((a, b) => Math.max(a, b), 0);
  const maxSecs = secs.reduce((a, b) => Math.max(a, b), 0);
  const maxCpu = cpu.reduce((a, b) => Math.max(a, b), 0);
  const end = text[text.length - 1] === 10 ? text.length : -1;
  for (let k = 0; k < reps; k++) {
    const hex = Buffer.from((0xffff - k).toString(16));
    const pids = fieldTable(maxPid, 7, k * PID_SHIFT, true);
    const idle = fieldTable(maxCpu, 7, k ? k * PID_SHIFT + IDLE : 0, true); // by CPU; "0" for k = 0
    const tss = fieldTable(maxSecs, 5, k * TS_SHIFT, false);
    for (let i = k ? firstRelease : 0; i < n; ) {
      const s0 = starts[i];
      let j = i;
      while (j < n && starts[j] - s0 < BLOCK) j++;
      for (let l = i; l < j; l++) {
        const f = flags[l];
        if (!f) continue;
        const s = starts[l];
        const p = pid[l];
        if (p > 0) for (let q = 0, o = p * 7; q < 7; q++) text[s + 17 + q] = pids[o + q];
        else if (k) for (let q = 0, o = cpu[l] * 7; q < 7; q++) text[s + 17 + q] = idle[o + q];
        else for (let q = 0; q < 7; q++) text[s + 17 + q] = q ? 0x20 : 0x30; // "0", as in the source
        for (let q = 0, o = secs[l] * 5; q < 5; q++) text[s + 37 + q] = tss[o + q];
        if (!(f & 2)) {
          text[s + 65] = hex[0];
          text[s + 66] = hex[1];
          text[s + 67] = hex[2];
          text[s + 68] = hex[3];
        }
      }
      if (j < n) yield text.subarray(s0, starts[j]);
      else if (end > 0) yield text.subarray(s0, end);
      else yield Buffer.concat([text.subarray(s0), Buffer.from('\n')]); // the source's last line
      i = j;
    }
  }
}

/** writeSync until all is written (a non-blocking pipe answers EAGAIN when full). */
function writeAll(fd, buf) {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, def) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : def;
  };
  const reps = Number(arg('--reps', '5'));
  const source = loadSource(arg('--src', W2_PATH));
  if (process.argv.includes('--ready')) process.stderr.write('ready\n');
  const out = arg('--out', '-');
  const fd = out === '-' ? 1 : openSync(out, 'w');
  try {
    for (const chunk of w3Chunks(source, reps)) writeAll(fd, chunk);
  } catch (e) {
    if (e.code !== 'EPIPE') throw e;
  } finally {
    if (fd !== 1) closeSync(fd);
  }
}
