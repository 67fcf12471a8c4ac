// Bundles the command line (dist/cli/main.js, as tsc wrote it) with everything it imports, yargs
// included, into that one file. Node's ES module loader costs ~1 ms per module on a cold start and
// the CLI loads ~90 of them: bundled, `lockdep-sim import trace` on the 6.1 boot trace takes 0.41 s
// instead of 0.46 s (bench/RESULTS.md), and every command starts ~0.04 s sooner.
//
// Everything else under dist/ stays as tsc wrote it: the library (dist/index.js) and the trace
// parser thread (dist/importers/trace/parse-worker.js), which the bundle starts by its path
// relative to dist/cli/ (src/cli/parser-thread.ts lives in src/cli/ too, so the path is the same).
//
//   node scripts/bundle-cli.mjs        (part of `npm run build`)
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const BANNER = "import { createRequire as __lockdepSimRequire } from 'node:module'; const require = __lockdepSimRequire(import.meta.url);";

// Bundling the bundle again would keep the modules it holds, however stale: tsc must write main.js first.
if (readFileSync(main, 'utf8').includes('__lockdepSimRequire')) {
  console.error('bundle-cli: dist/cli/main.js is already bundled; run tsc -p tsconfig.json first (npm run build does both)');
  process.exit(2);
}

await build({
  entryPoints: [main],
  outfile: main,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies bundled into an ES module may call require() for Node's built-ins
  banner: { js: BANNER },
  legalComments: 'eof',
  logLevel: 'warning',
});
