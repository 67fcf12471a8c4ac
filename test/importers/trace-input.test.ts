// The parser thread's reader (openBlockingInput): whole files in large chunks; live sources (a FIFO
// here, like trace_pipe) read without ever blocking in the kernel, what they gave handed out as soon
// as they pause (idle()), a FIFO without a writer yet waited for rather than taken as empty.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openBlockingInput } from '../../src/importers/trace/input.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lockdep-sim-input-'));

function mkfifo(name: string): string {
  const f = path.join(dir, name);
  expect(spawnSync('mkfifo', [f]).status).toBe(0);
  return f;
}

async function waitExit(p: ReturnType<typeof spawn>): Promise<void> {
  if (p.exitCode !== null) return;
  await new Promise((r) => p.on('exit', r));
}

describe('openBlockingInput', () => {
  it('reads a file whole, plain or gzip, with its size for progress; never idle', async () => {
    const text = 'line one\nline two\n'.repeat(1000);
    for (const [name, data] of [
      ['plain.txt', Buffer.from(text)],
      ['z.txt.gz', gzipSync(text)],
    ] as const) {
      const f = path.join(dir, name);
      writeFileSync(f, data);
      const input = openBlockingInput(f);
      let got = '';
      for await (const c of input.chunks) {
        got += c.toString();
        expect(input.idle()).toBe(false);
      }
      expect(got).toBe(text);
      expect(input.progress()).toEqual({ read: data.length, total: data.length });
    }
  });

  it('a FIFO: what a writer gave comes out when it pauses (idle), the rest at its close', async () => {
    const f = mkfifo('live');
    const input = openBlockingInput(f); // O_NONBLOCK: does not wait for a writer
    const w = openSync(f, 'w'); // a reader is open: does not block either
    writeSync(w, 'first\n');
    const it = input.chunks[Symbol.asyncIterator]();
    const a = await it.next();
    expect(a.done).toBe(false);
    expect(a.value!.toString()).toBe('first\n');
    expect(input.idle()).toBe(true);
    writeSync(w, 'second\n');
    closeSync(w);
    const b = await it.next();
    expect(b.value!.toString()).toBe('second\n');
    expect((await it.next()).done).toBe(true);
  });

  it('a FIFO opened before any writer: waits for one instead of reading it as empty', async () => {
    const f = mkfifo('late');
    const input = openBlockingInput(f);
    const writer = spawn('sh', ['-c', `sleep 0.3; printf 'late line\\n' > '${f}'`], { stdio: 'ignore' });
    let got = '';
    for await (const c of input.chunks) got += c.toString();
    await waitExit(writer);
    expect(got).toBe('late line\n');
  });
});
