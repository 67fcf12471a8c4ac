// Ctrl-C on a streaming import whose live source went quiet (a trace_pipe, a program's event pipe):
// the findings so far are printed and the status is 130, at once — whether the trace is parsed by
// the parser thread (which sits in a read of the pipe that cannot be stopped) or on the main
// thread, and for events.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ABBA_TRACE } from '../fixtures/trace/lines.js';

const BIN = path.resolve(__dirname, '../../dist/cli/main.js');

/** A first release (acquisitions count from there), then an AB-BA inversion: 7 lines. */
const TRACE = ABBA_TRACE;

const EVENTS = [
  { type: 'acquire', task: 't1', lock: 'a' },
  { type: 'acquire', task: 't1', lock: 'b' },
  { type: 'release', task: 't1', lock: 'b' },
  { type: 'release', task: 't1', lock: 'a' },
  { type: 'acquire', task: 't2', lock: 'b' },
  { type: 'acquire', task: 't2', lock: 'a' },
]
  .map((e) => JSON.stringify({ v: 1, ...e }))
  .join('\n');

/** Writes `input` to the CLI's stdin, keeps the pipe open, sends SIGINT after a while. */
async function interruptLive(args: string[], input: string) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  // the status a shell sees: the exit code, or 128 + the signal's number (a parser thread stuck in a
  // read of the quiet pipe makes the CLI end by the signal, once it has printed its findings)
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : -1))));
  child.stdin.write(input);
  await new Promise((r) => setTimeout(r, 3000)); // ample time to start and read the lines
  child.kill('SIGINT');
  const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 8000).unref())]);
  if (code === 'hung') child.kill('SIGKILL');
  child.stdin.end();
  return { code, out, err };
}

describe('Ctrl-C while a live input is quiet', () => {
  it.each([
    ['import trace (parser thread)', ['import', 'trace', '-'], TRACE, /interrupted \(Ctrl-C\) at line 7, the findings so far: 7 events/],
    ['import trace --no-worker', ['import', 'trace', '-', '--no-worker'], TRACE, /interrupted \(Ctrl-C\) at line 7, the findings so far: 7 events/],
    // the last line has no newline yet: it is not read (it may be unfinished)
    ['import events', ['import', 'events', '-'], `${EVENTS}\n{"v":1,"type":"rel`, /interrupted \(Ctrl-C\) at line 6, the findings so far: 6 events/],
  ])('%s: the findings so far, exit 130', async (_what, args, input, summary) => {
    const r = await interruptLive(args, input);
    expect(r.code).toBe(130);
    expect(r.out).toContain('WARNING: possible circular locking dependency detected');
    expect(r.err).toMatch(summary);
  }, 20_000);

  it('an error on a live input that stays open is printed at once, and Ctrl-C then ends the process', async () => {
    const child = spawn(process.execPath, [BIN, 'import', 'trace', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : -1))));
    child.stdin.write(`${TRACE.split('\n')[0]}\nthis is not a trace line\n`);
    for (let waited = 0; !err.includes('still open') && waited < 8000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    expect(err).toMatch(/^-:2:1: error\[script-syntax\]: /);
    expect(err).toContain('the input is still open and its reader cannot stop before it gives more or ends: press Ctrl-C to stop');
    child.kill('SIGINT');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 8000).unref())]);
    if (code === 'hung') child.kill('SIGKILL');
    child.stdin.end();
    expect(code).toBe(130);
  }, 20_000);
});
