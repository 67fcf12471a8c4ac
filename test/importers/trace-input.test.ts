// The parser thread's reader (openBlockingInput): whole files in large chunks; live sources (a FIFO,
// a pipe on stdin) handed out as they give, so nothing waits for a quiet source to say more; a FIFO
// without a writer yet waited for rather than taken as empty.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
  it('reads a file whole, plain or gzip, with its size for progress; not live', async () => {
    const text = 'line one\nline two\n'.repeat(1000);
    for (const [name, data] of [
      ['plain.txt', Buffer.from(text)],
      ['z.txt.gz', gzipSync(text)],
    ] as const) {
      const f = path.join(dir, name);
      writeFileSync(f, data);
      const input = openBlockingInput(f);
      let got = '';
      for await (const c of input.chunks) got += c.toString();
      expect(got).toBe(text);
      expect(input.live).toBe(false);
      expect(input.progress()).toEqual({ read: data.length, total: data.length });
    }
  });

  it('a FIFO: live, what a writer gave comes out while it is quiet, the rest at its close', async () => {
    const f = mkfifo('live');
    const writer = spawn('sh', ['-c', `{ printf 'first\\n'; sleep 0.5; printf 'second\\n'; } > '${f}'`], { stdio: 'ignore' });
    const input = openBlockingInput(f); // waits for the writer to open the FIFO
    expect(input.live).toBe(true);
    const got: string[] = [];
    for await (const c of input.chunks) got.push(c.toString());
    await waitExit(writer);
    expect(got).toEqual(['first\n', 'second\n']);
  });

  it('a FIFO opened before any writer: waits for one instead of reading it as empty', async () => {
    const f = mkfifo('late');
    const writer = spawn('sh', ['-c', `sleep 0.3; printf 'late line\\n' > '${f}'`], { stdio: 'ignore' });
    const input = openBlockingInput(f); // opens before the writer does
    let got = '';
    for await (const c of input.chunks) got += c.toString();
    await waitExit(writer);
    expect(got).toBe('late line\n');
  });

  it('stdin from a pipe: a gzip stream too, read as it comes', async () => {
    const text = 'a line\n'.repeat(5000);
    // a child process whose stdin is a pipe, running the compiled reader
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', `const { openBlockingInput } = await import('${path.resolve(__dirname, '../../dist/importers/trace/input.js')}'); const i = openBlockingInput('-'); let n = 0; for await (const c of i.chunks) n += c.length; console.log(i.live, n);`],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stdin.end(gzipSync(text));
    await waitExit(child);
    expect(out.trim()).toBe(`true ${text.length}`);
  });
});
