// `npm run bench`: lockdep-sim's throughput, memory and fidelity on real and synthetic lock traces,
// side by side with the floor (finding the line ends of the same bytes) and with ThreadSanitizer's
// deadlock detector replaying the same events. Never part of the tests (timings are not asserted).
//
//   W1  the real boot trace          ../shared/oracle/boot/boot-trace.txt.gz
//   W2  the real workload trace      ../shared/oracle/workload/workload-trace.txt.gz
//   W3  W2 repeated and varied (bench/w3-gen.mjs), generated on the fly and streamed into the CLI's stdin
//   W4  synthetic graphs (bench/w4-graph.mjs), in process
//
// Each CLI run is `lockdep-sim import trace FILE` as a user runs it (a child process: read, gunzip,
// parse, validate, report), timed from spawn to exit, its peak RSS from /usr/bin/time (else polled
// from /proc/PID/status). The floor and TSan are timed the same way.
//
// Options:
//   --reps N          runs per measurement, the median is reported (default 3)
//   --only W1,W2,...  workloads to run (default all)
//   --no-tsan         skip ThreadSanitizer
//   --no-tsan-w3      skip TSan on W3 (about 20 s)
//   --helgrind        also run Valgrind Helgrind on W1 (minutes; or BENCH_HELGRIND=1)
//   --w3-reps N       repetitions of W2 in W3 (default 5, about 22M events)
//   --results FILE    also write the table as Markdown to FILE (e.g. bench/RESULTS.md)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const oracle = path.resolve(root, '../shared/oracle');
const CLI = path.join(root, 'dist/cli/main.js');

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const opt = (name, def) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : def;
};
const REPS = Number(opt('--reps', '3'));
const ONLY = new Set(opt('--only', 'W1,W2,W3,W4').split(','));
const TSAN = !flag('--no-tsan');
const TSAN_W3 = !flag('--no-tsan-w3');
const HELGRIND = flag('--helgrind') || process.env.BENCH_HELGRIND === '1';
const W3_REPS = Number(opt('--w3-reps', '5'));
const RESULTS = opt('--results', undefined);
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

if (!existsSync(CLI)) {
  console.error('bench: dist/ is missing; run `npm run build` first');
  process.exit(2);
}

const log = (s) => process.stderr.write(`${s}\n`);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'lockdep-bench-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------------
// Running and timing a process

/**
 * Runs cmd as a child process: wall seconds (spawn to exit), peak RSS in MB, exit code, and its
 * stdout/stderr (kept up to a limit); `stdin` as for spawn().
 */
async function timed(cmd, args, { env, keep = 1 << 20, stdin = 'ignore' } = {}) {
  const rssFile = path.join(tmp, `rss-${process.hrtime.bigint()}`);
  const [file, fargs] = TIME ? [TIME, ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const child = spawn(file, fargs, { env: { ...process.env, ...env }, stdio: [stdin, 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let hwm = 0;
  child.stdout.on('data', (d) => out.length < keep && (out += d));
  child.stderr.on('data', (d) => err.length < keep && (err += d));
  // without /usr/bin/time: poll VmHWM of the child
  const poll = TIME
    ? undefined
    : setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) hwm = Math.max(hwm, Number(m[1]));
        } catch {}
      }, 10);
  const code = await new Promise((res) => child.on('close', (c) => res(c)));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (poll) clearInterval(poll);
  let rssKB = hwm;
  if (TIME) {
    try {
      rssKB = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    } catch {}
  }
  return { secs, rssMB: rssKB / 1024, code, out, err };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs `fn` (a timed() run) REPS times; the median seconds, the largest RSS, the last result. */
async function repeat(label, fn, reps = REPS) {
  const runs = [];
  for (let i = 0; i < reps; i++) {
    const r = await fn();
    runs.push(r);
    log(`  ${label} #${i + 1}: ${r.secs.toFixed(2)} s, ${r.rssMB.toFixed(0)} MB${r.code ? ` (exit ${r.code})` : ''}`);
  }
  return { secs: median(runs.map((r) => r.secs)), rssMB: Math.max(...runs.map((r) => r.rssMB)), last: runs[runs.length - 1], all: runs.map((r) => r.secs) };
}

/**
 * W3 runs: the generator loads W2, then writes W3 to its stdout; the timed command reads it as its
 * stdin (`-`): a socket pair between the two processes (much faster than a FIFO here, whose 64 KiB
 * buffer caps the stream at about 0.5 GB/s).
 */
async function withW3(fn) {
  const gen = spawn(process.execPath, [path.join(here, 'w3-gen.mjs'), '--reps', String(W3_REPS), '--ready'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise((res, rej) => {
    gen.stderr.on('data', (d) => String(d).includes('ready') && res());
    gen.on('exit', (c) => rej(new Error(`w3-gen exited (${c})`)));
  });
  try {
    return await fn(gen.stdout);
  } finally {
    gen.kill();
  }
}

// ---------------------------------------------------------------------------------------------------
// The measurements

const SUMMARY_RE = /: ([\d,]+) events? .*?; ([\d,]+) tasks?, ([\d,]+) class(?:es)?, ([\d,]+) dependenc(?:y|ies), .*?; (no findings|[\d,]+ findings? \(([^)]*)\))/;
const num = (s) => Number(String(s).replace(/,/g, ''));

async function measureCli(label, input, opts = {}) {
  const run = () => timed(process.execPath, [CLI, 'import', 'trace', input], opts);
  const r = await repeat(`${label} lockdep-sim`, opts.stream ? () => withW3((stdin) => timed(process.execPath, [CLI, 'import', 'trace', '-'], { stdin })) : run);
  const m = SUMMARY_RE.exec(r.last.err);
  if (!m) throw new Error(`${label}: no summary line in the CLI's stderr:\n${r.last.err.slice(0, 2000)}`);
  return { ...r, events: num(m[1]), tasks: num(m[2]), classes: num(m[3]), deps: num(m[4]), findings: m[5], exit: r.last.code };
}

/** The floor (zlib's gunzip, as the issue defines it) and, for gzip input, the floor with the CLI's own reader (raw inflate). */
async function measureFloor(label, input, stream) {
  const floor = path.join(here, 'floor.mjs');
  if (stream) {
    // plain text: no gunzip; read as the CLI's parser thread reads (blocking reads, 4 MiB buffers)
    const r = await repeat(`${label} floor`, () => withW3((stdin) => timed(process.execPath, [floor, '-'], { stdin })));
    return { ...r, raw: r };
  }
  const r = await repeat(`${label} floor (zlib gunzip)`, () => timed(process.execPath, [floor, input, '--zlib']));
  const raw = await repeat(`${label} floor (raw inflate)`, () => timed(process.execPath, [floor, input]));
  return { ...r, raw };
}

let tsanBin;
let plainBin;
async function tsanPrograms() {
  if (tsanBin !== undefined) return tsanBin;
  const { compile } = await import('./tsan.mjs');
  const t = compile(tmp, { sanitize: true });
  tsanBin = t.bin ?? null;
  if (t.error) log(`  TSan: ${t.error}`);
  const p = compile(tmp, { sanitize: false });
  plainBin = p.bin ?? null;
  return tsanBin;
}

async function convertFor(label, chunks) {
  const { convertTrace } = await import('./tsan.mjs');
  const file = path.join(tmp, `${label}.bin`);
  const info = await convertTrace(chunks, file);
  log(`  ${label} replay program input: ${info.streams} streams (threads), ${info.locks} rwlocks, ${info.ops} lock ops; ${info.unbalanced} unbalanced events dropped, ${info.releasedAtEnd} locks released at the end of their stream`);
  return { file, info };
}

async function measureTsan(label, chunks) {
  const bin = await tsanPrograms();
  if (!bin) return undefined;
  const { file, info } = await convertFor(label, chunks);
  const r = await repeat(`${label} TSan`, () => timed(bin, [file], { env: { TSAN_OPTIONS: 'detect_deadlocks=1' }, keep: 1 << 30 }), 1);
  const reports = (r.last.err.match(/WARNING: ThreadSanitizer: lock-order-inversion/g) ?? []).length;
  rmSync(file, { force: true });
  return { ...r, reports, info };
}

async function measureHelgrind(label, chunks) {
  await tsanPrograms();
  if (!plainBin) return undefined;
  if (spawnSync('valgrind', ['--version']).error) {
    log('  Helgrind: valgrind is not installed');
    return undefined;
  }
  const { file, info } = await convertFor(`${label}-helgrind`, chunks);
  const r = await repeat(`${label} Helgrind`, () => timed('valgrind', ['--tool=helgrind', '--error-limit=no', plainBin, file], { keep: 1 << 30 }), 1);
  const m = /ERROR SUMMARY: (\d+) errors/.exec(r.last.err);
  rmSync(file, { force: true });
  return { ...r, errors: m ? Number(m[1]) : undefined, info };
}

/** In process, untimed: no report on W1/W2, derived dependencies against the kernel's /proc/lockdep, chain-cache hit rate. */
async function fidelity(label, trace, procLockdep) {
  const { TraceImporter } = await import('../dist/importers/trace/importer.js');
  const { compareGraphs, graphFromProc, graphFromReport } = await import('../dist/importers/proc/graph-json.js');
  const { parseProcLockdep } = await import('../dist/importers/proc/parse.js');
  const imp = new TraceImporter({ file: path.basename(trace) });
  imp.push(gunzipSync(readFileSync(trace)));
  const r = imp.end();
  const kernel = graphFromProc(parseProcLockdep(readFileSync(procLockdep, 'utf8'), path.basename(procLockdep)), undefined, { format: 'proc', file: procLockdep });
  const cmp = compareGraphs(graphFromReport(r.report, { format: 'trace', file: trace }), kernel);
  const s = r.report.stats;
  return {
    label,
    circular: r.report.findings.filter((f) => f.kind === 'circular').length,
    findings: r.report.findings.length,
    matched: cmp.matched.length,
    extra: cmp.extra,
    missing: cmp.missing.length,
    excluded: cmp.excluded.map((p) => p.join(' -> ')),
    hitRate: s.chainHits / (s.chainHits + s.chainMisses),
    hits: s.chainHits,
    misses: s.chainMisses,
  };
}

/** A cycle hit a million times: one finding with a count (in process). */
async function millionHits() {
  const { TraceImporter } = await import('../dist/importers/trace/importer.js');
  const line = (pid, op, addr, name, ts) =>
    `${'t'.padStart(16)}-${String(pid).padEnd(7)} [000] ...1. ${`${Math.floor(ts / 1e6)}.${String(ts % 1e6).padStart(6, '0')}`.padStart(12)}: lock_${op}: ${addr} ${name}\n`;
  const A = ['ffff888000001000', 'lock_a'];
  const B = ['ffff888000002000', 'lock_b'];
  const imp = new TraceImporter({ file: 'abba-million' });
  let ts = 1_000_000;
  let text = line(1, 'release', 'ffff888000000010', 'w', ts++);
  let ns = 0n;
  const push = (b) => {
    const t = process.hrtime.bigint();
    imp.push(b);
    ns += process.hrtime.bigint() - t;
  };
  for (let i = 0; i < 1_000_000; i++) {
    const pid = 100 + (i % 64);
    const [x, y] = i % 2 ? [A, B] : [B, A];
    const outer = i % 8 === 1 ? [`ffff8880001${String((i >> 3) % 1000).padStart(5, '0')}`, `outer_${(i >> 3) % 1000}`] : undefined;
    if (outer) text += line(pid, 'acquire', outer[0], outer[1], ts++);
    text += line(pid, 'acquire', x[0], x[1], ts++) + line(pid, 'acquire', y[0], y[1], ts++) + line(pid, 'release', y[0], y[1], ts++) + line(pid, 'release', x[0], x[1], ts++);
    if (outer) text += line(pid, 'release', outer[0], outer[1], ts++);
    if (text.length > 1 << 22) {
      push(Buffer.from(text));
      text = '';
    }
  }
  push(Buffer.from(text));
  const t = process.hrtime.bigint();
  const r = imp.end();
  const secs = Number(ns + process.hrtime.bigint() - t) / 1e9;
  return { events: r.stats.events, findings: r.report.findings.map((f) => ({ kind: f.kind, count: f.count })), secs };
}

// ---------------------------------------------------------------------------------------------------

const machine = {
  cores: os.cpus().length,
  cpu: os.cpus()[0]?.model ?? '?',
  node: process.version,
  memGB: Math.round(os.totalmem() / 2 ** 30),
  loadBefore: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  commit: spawnSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim(),
};
log(`bench: ${machine.cores} cores (${machine.cpu}), ${machine.memGB} GB, node ${machine.node}, load ${machine.loadBefore}, ${REPS} runs each (median)`);

const rows = [];
const notes = [];
const W = {
  W1: { trace: path.join(oracle, 'boot/boot-trace.txt.gz'), proc: path.join(oracle, 'boot/boot-lockdep.txt') },
  W2: { trace: path.join(oracle, 'workload/workload-trace.txt.gz'), proc: path.join(oracle, 'workload/workload-lockdep.txt') },
};
const fileChunks = async function* (file) {
  const { createReadStream } = await import('node:fs');
  const { createGunzip } = await import('node:zlib');
  yield* createReadStream(file).pipe(createGunzip());
};

for (const w of ['W1', 'W2']) {
  if (!ONLY.has(w)) continue;
  const { trace } = W[w];
  if (!existsSync(trace)) {
    notes.push(`${w}: ${trace} is missing, skipped`);
    continue;
  }
  log(`${w}: ${path.relative(root, trace)}`);
  const floor = await measureFloor(w, trace);
  const cli = await measureCli(w, trace);
  const tsan = TSAN ? await measureTsan(w, fileChunks(trace)) : undefined;
  const helgrind = w === 'W1' && HELGRIND ? await measureHelgrind(w, fileChunks(trace)) : undefined;
  rows.push({ w, input: `${path.basename(trace)} (${(statSync(trace).size / 2 ** 20).toFixed(1)} MB gz)`, cli, floor, tsan, helgrind });
}

if (ONLY.has('W3') && existsSync(W.W2.trace)) {
  log(`W3: W2 x ${W3_REPS}, varied, generated on the fly and streamed to stdin`);
  const floor = await measureFloor('W3', undefined, true);
  const cli = await measureCli('W3', undefined, { stream: true });
  let tsan;
  if (TSAN && TSAN_W3) {
    const { loadSource, w3Chunks } = await import('./w3-gen.mjs');
    const src = loadSource();
    tsan = await measureTsan('W3', (function* () {
      for (const c of w3Chunks(src, W3_REPS)) yield Buffer.from(c);
    })());
  }
  rows.push({ w: 'W3', input: `W2 x ${W3_REPS}, varied (plain text, streamed to stdin)`, cli, floor, tsan, tsanSkipped: TSAN && !TSAN_W3 });
}

let w4;
if (ONLY.has('W4')) {
  log('W4: synthetic graph (10,000 classes, 100,000 dependencies), in process');
  // a separate process per run; the median of each measure
  const runs = [];
  for (let i = 0; i < REPS; i++) {
    const r = spawnSync(process.execPath, ['--expose-gc', path.join(here, 'w4-graph.mjs'), '--json'], { encoding: 'utf8' });
    if (r.status !== 0) {
      notes.push(`W4 failed: ${r.stderr}`);
      break;
    }
    const run = JSON.parse(r.stdout);
    // adding a dependency and checking it for a cycle: the new dependency's four events minus the
    // same four events once cached (the acquisitions and releases themselves)
    run.addCheckUs = run.agreeingUsPerDep - run.repeatUsPerPair;
    runs.push(run);
    log(`  W4 #${i + 1}: ${run.agreeingUsPerDep.toFixed(2)} µs per agreeing dependency (four events), ${run.addCheckUs.toFixed(2)} µs of it adding and checking the dependency`);
  }
  if (runs.length) {
    w4 = { ...runs[0] };
    for (const k of Object.keys(w4)) if (typeof w4[k] === 'number') w4[k] = median(runs.map((r) => r[k]));
    w4.runs = runs.map((r) => r.agreeingUsPerDep);
    w4.addCheckRuns = runs.map((r) => r.addCheckUs);
  }
}

const fid = [];
for (const w of ['W1', 'W2']) if (ONLY.has(w) && existsSync(W[w].trace)) fid.push(await fidelity(w, W[w].trace, W[w].proc));
const million = ONLY.has('W2') ? await millionHits() : undefined;
machine.loadAfter = os.loadavg().map((x) => x.toFixed(2)).join(' ');

// ---------------------------------------------------------------------------------------------------
// The table

const fmt = (n) => n.toLocaleString('en-US');
const rate = (e, s) => `${(e / s / 1e6).toFixed(2)}M`;
const lines = [];
lines.push(`| workload | events | lockdep-sim s | events/s | floor s | × floor | floor s (raw inflate) | × that floor | TSan s | TSan ÷ lockdep-sim | peak RSS |`);
lines.push(`|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`);
for (const r of rows) {
  const tsan = r.tsan ? `${r.tsan.secs.toFixed(2)}` : r.tsanSkipped || !TSAN ? 'skipped' : 'n/a';
  const ratio = r.tsan ? `${(r.tsan.secs / r.cli.secs).toFixed(1)}×` : '—';
  lines.push(
    `| ${r.w}: ${r.input} | ${fmt(r.cli.events)} | ${r.cli.secs.toFixed(2)} | ${rate(r.cli.events, r.cli.secs)} | ${r.floor.secs.toFixed(2)} | ${(r.cli.secs / r.floor.secs).toFixed(2)} | ${r.floor.raw.secs.toFixed(2)} | ${(r.cli.secs / r.floor.raw.secs).toFixed(2)} | ${tsan} | ${ratio} | ${r.cli.rssMB.toFixed(0)} MB |`,
  );
}
const out = [];
out.push(`Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memGB} GB RAM, Node ${machine.node}; load average ${machine.loadBefore} before, ${machine.loadAfter} after; commit ${machine.commit}; ${machine.date}`);
out.push('');
out.push(...lines);
out.push('');
out.push(
  `lockdep-sim s: \`lockdep-sim import trace FILE\` as a process (read, gunzip, parse, validate, report), median of ${REPS}. ` +
    `× floor: lockdep-sim time ÷ floor time, the floor being bench/floor.mjs, a process that reads the same bytes and only finds the line ends (Buffer#indexOf), ` +
    `gunzipping with zlib (which computes the CRC-32) or, in the next column, with the CLI's own reader (raw inflate, no CRC-32). ` +
    `TSan ÷ lockdep-sim: how many times longer ThreadSanitizer's deadlock detector takes on the same events (one run, the program's input prepared beforehand).`,
);
for (const r of rows) {
  out.push(`- ${r.w}: lockdep-sim runs ${r.cli.all.map((s) => s.toFixed(2)).join(', ')} s; ${fmt(r.cli.tasks)} tasks, ${fmt(r.cli.classes)} classes, ${fmt(r.cli.deps)} dependencies, ${r.cli.findings}; floor runs ${r.floor.all.map((s) => s.toFixed(2)).join(', ')} s, ${r.floor.rssMB.toFixed(0)} MB.`);
  if (r.tsan) {
    const i = r.tsan.info;
    out.push(
      `  TSan: ${r.tsan.secs.toFixed(2)} s, ${r.tsan.rssMB.toFixed(0)} MB, ${fmt(r.tsan.reports)} lock-order-inversion reports; ${fmt(i.streams)} threads, ${fmt(i.locks)} rwlocks, ${fmt(i.ops)} lock operations (${fmt(i.unbalanced)} unbalanced events dropped, ${fmt(i.releasedAtEnd)} released at stream end); ${rate(i.events, r.tsan.secs)} events/s.`,
    );
  }
  if (r.helgrind) out.push(`  Valgrind Helgrind (the same program, built without TSan): ${r.helgrind.secs.toFixed(1)} s, ${(r.helgrind.secs / r.cli.secs).toFixed(0)}× lockdep-sim (${fmt(Math.round(r.helgrind.info.ops / r.helgrind.secs))} lock ops/s), ${r.helgrind.rssMB.toFixed(0)} MB, ${fmt(r.helgrind.errors ?? 0)} errors reported.`);
  if (r.w === 'W3') out.push(`  W3 peak RSS ${r.cli.rssMB.toFixed(0)} MB: ${r.cli.rssMB < 300 ? 'under' : 'OVER'} the 300 MB target.`);
}
if (TSAN && !TSAN_W3 && ONLY.has('W3')) out.push('- TSan on W3 was skipped (`--no-tsan-w3`).');
if (!HELGRIND) out.push('- Valgrind Helgrind on W1 is opt-in (`--helgrind` or BENCH_HELGRIND=1): it takes minutes.');
if (w4) {
  out.push('');
  out.push(
    `W4 (synthetic, in process, four events per dependency: acquire a, acquire b, release b, release a): ${fmt(w4.classes)} classes, ${fmt(w4.dependencies)} dependencies at the end; ` +
      `${w4.agreeingUsPerDep.toFixed(2)} µs per new dependency that agrees with the maintained order (median of ${w4.runs.map((x) => x.toFixed(2)).join(', ')}; ${fmt(w4.agreeingDeps)} of them; the same four events again on the existing dependencies, all chain-cache hits: ${w4.repeatUsPerPair.toFixed(2)} µs); ` +
      `so adding a dependency and checking it for a cycle (a new chain-cache entry, check_prev_add(): the cycle and irq checks, recording both list entries, the order kept) costs ${w4.addCheckUs.toFixed(2)} µs (median of ${w4.addCheckRuns.map((x) => x.toFixed(2)).join(', ')}); ` +
      `${w4.acyclicUsPerDep.toFixed(2)} µs per dependency in random order (the order is repaired as needed); ${w4.cycleUsPerDep.toFixed(0)} µs per cycle-closing dependency (BFS and report: ${w4.cycleFindings} reports); ` +
      `${w4.deepStackMsEach.toFixed(2)} ms per 47-deep nesting with cycles present; ${w4.circularFindings} circular reports in all.`,
  );
}
out.push('');
for (const f of fid) {
  out.push(
    `Fidelity ${f.label}: ${f.circular === 0 ? 'no circular report' : `${f.circular} CIRCULAR REPORTS`} (${f.findings} findings; the kernel printed none); ` +
      `${f.matched} derived distance-1 dependencies are in the kernel's /proc/lockdep, ${f.extra.length} are not${f.extra.length ? ` (${f.extra.map((p) => p.join(' -> ')).join('; ')})` : ''}, ${f.missing} of the kernel's are not derived, ` +
      `${f.excluded.length} name classes the kernel zapped (${f.excluded.join('; ')}); chain cache ${(f.hitRate * 100).toFixed(2)}% hits (${fmt(f.hits)} hits, ${fmt(f.misses)} misses).`,
  );
}
if (million) {
  const ok = million.findings.length === 1;
  out.push(
    `A cycle hit 1,000,000 times (${fmt(million.events)} events; importing them took ${million.secs.toFixed(2)} s in process): ${ok ? 'reported once' : 'NOT REPORTED ONCE'} — ${million.findings.map((f) => `${f.kind} ×${f.count}`).join(', ')} (the count is per distinct acquisition chain that hit it, 1,001 here: a repeated chain is a chain-cache hit and is not validated again, as in the kernel).`,
  );
}
for (const n of notes) out.push(`- ${n}`);
// The issue's targets, met or not
const targets = [];
const evs = (w) => rows.find((r) => r.w === w);
const t = (ok, what) => targets.push(`- ${ok ? 'met' : 'NOT MET'}: ${what}`);
if (evs('W1')) t(evs('W1').cli.events / evs('W1').cli.secs >= 1.1e6, `W1 end to end ≥ 1.1M events/s (${rate(evs('W1').cli.events, evs('W1').cli.secs)})`);
if (evs('W2')) t(evs('W2').cli.events / evs('W2').cli.secs >= 4e6, `W2 end to end ≥ 4M events/s (${rate(evs('W2').cli.events, evs('W2').cli.secs)}, ${evs('W2').cli.secs.toFixed(2)} s)`);
if (evs('W2')) t(evs('W2').cli.secs <= 2.5 * evs('W2').floor.secs, `W2 within ~2.5× of the floor (${(evs('W2').cli.secs / evs('W2').floor.secs).toFixed(2)}×)`);
if (evs('W3')) t(evs('W3').cli.events / evs('W3').cli.secs >= 4e6, `W3 at the same rate (${rate(evs('W3').cli.events, evs('W3').cli.secs)})`);
if (evs('W3')) t(evs('W3').cli.rssMB < 300, `W3 under 300 MB peak RSS (${evs('W3').cli.rssMB.toFixed(0)} MB)`);
if (w4) t(w4.addCheckUs < 2, `W4 < 2 µs to add a dependency that agrees with the order and check it for a cycle (${w4.addCheckUs.toFixed(2)} µs; ${w4.agreeingUsPerDep.toFixed(2)} µs with the four events that carry it)`);
for (const f of fid) t(!f.circular && !f.extra.length, `${f.label}: no circular report, every derived dependency in the kernel's /proc/lockdep`);
if (million) t(million.findings.length === 1, 'a cycle hit a million times is reported once, with a count');
if (targets.length) out.push('', 'Targets (issue 9):', ...targets);
const text = out.join('\n');
console.log(text);

const failed = fid.some((f) => f.circular || f.extra.length) || (million && million.findings.length !== 1) || rows.some((r) => r.w === 'W3' && r.cli.rssMB >= 300);
if (RESULTS) {
  writeFileSync(
    path.resolve(RESULTS),
    `# Benchmark results\n\n\`npm run bench -- --helgrind --results bench/RESULTS.md\` (bench/run.mjs), ${machine.date}, on an otherwise quiet machine (the load average below includes the benchmark's own processes).\n\n${text}\n`,
  );
  log(`bench: wrote ${RESULTS}`);
}
if (failed) {
  log('bench: a fidelity or memory check FAILED (see above)');
  process.exitCode = 1;
}
