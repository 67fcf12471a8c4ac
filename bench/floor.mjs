// The floor: a pass over the same bytes that only finds the line ends — read (and gunzip when the
// file is gzip, as `import trace` does), then Buffer#indexOf('\n') over 1 MiB chunks. Timed by the
// bench as a whole process, like the CLI; prints the line and byte counts.
//
//   node bench/floor.mjs FILE|-
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

const file = process.argv[2] ?? '-';
const CHUNK = 1 << 20;
const raw = file === '-' ? createReadStream('', { fd: 0, highWaterMark: CHUNK }) : createReadStream(file, { highWaterMark: CHUNK });
let lines = 0;
let bytes = 0;
const it = raw[Symbol.asyncIterator]();
const first = await it.next();
if (!first.done) {
  const rest = async function* () {
    yield first.value;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  };
  // gzip by its magic bytes, as the CLI does
  const input = first.value[0] === 0x1f && first.value[1] === 0x8b ? Readable.from(rest()).pipe(createGunzip({ chunkSize: CHUNK })) : rest();
  for await (const c of input) count(c);
}
process.stdout.write(`${lines} lines, ${bytes} bytes\n`);

function count(c) {
  bytes += c.length;
  for (let p = c.indexOf(10); p >= 0; p = c.indexOf(10, p + 1)) lines++;
}
