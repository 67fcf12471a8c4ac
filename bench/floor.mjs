// The floor: a pass over the same bytes that only finds the line ends — read (and decompress when
// the input is gzip) with the same reader as `import trace`'s parser thread (blocking 4 MiB reads,
// raw inflate without CRC-32), then Buffer#indexOf('\n') over the chunks. Timed by the bench as a
// whole process, like the CLI. `--zlib` reads with Node's streams and zlib's own gunzip instead
// (which also computes the CRC-32).
//
//   node bench/floor.mjs FILE|- [--zlib]
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CHUNK, openBlockingInput } from '../dist/importers/trace/input.js';

const file = process.argv[2] ?? '-';
let lines = 0;
let bytes = 0;
const count = (c) => {
  bytes += c.length;
  for (let p = c.indexOf(10); p >= 0; p = c.indexOf(10, p + 1)) lines++;
};
if (process.argv.includes('--zlib')) {
  const raw = file === '-' ? createReadStream('', { fd: 0, highWaterMark: CHUNK }) : createReadStream(file, { highWaterMark: CHUNK });
  const it = raw[Symbol.asyncIterator]();
  const first = await it.next();
  if (!first.done) {
    const rest = async function* () {
      yield first.value;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    };
    const gz = first.value[0] === 0x1f && first.value[1] === 0x8b;
    for await (const c of gz ? Readable.from(rest()).pipe(createGunzip({ chunkSize: CHUNK })) : rest()) count(c);
  }
} else {
  for await (const c of openBlockingInput(file).chunks) count(c);
}
process.stdout.write(`${lines} lines, ${bytes} bytes\n`);
