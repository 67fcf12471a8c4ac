#!/usr/bin/env node
// Builds the teaching pages in docs/pages/ from the shipped scenarios (run `npm run build` first:
// this uses dist/), an index page, and docs/pages/seed.png (the seed at its report, for the
// README) with headless Chromium. Each page carries the interleaving explorer's verdict on its
// cycles (state budget only, no clock). Output is deterministic: rerunning on the same sources
// gives the same bytes, so the pages can be committed and diffed.
//
//   node scripts/build-pages.mjs                 # pages + screenshot (screenshot skipped, with a warning, without chromium)
//   node scripts/build-pages.mjs --no-screenshot
//   node scripts/build-pages.mjs --check         # exit 1 if a committed page differs from what the sources give
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'docs/pages');
const CHROMIUM = process.env.LOCKDEP_SIM_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

if (!existsSync(path.join(ROOT, 'dist/html/index.js'))) {
  console.error('build-pages: dist/ is missing: run `npm run build` first (or `npm run pages`, which does)');
  process.exit(2);
}
const { renderHtmlPage, escapeHtml } = await import(pathToFileURL(path.join(ROOT, 'dist/html/index.js')).href);
const { parseInput } = await import(pathToFileURL(path.join(ROOT, 'dist/input.js')).href);
const { replay } = await import(pathToFileURL(path.join(ROOT, 'dist/validator/replay.js')).href);
const { textContextFor } = await import(pathToFileURL(path.join(ROOT, 'dist/cli/context.js')).href);
const { scenarioDescription } = await import(pathToFileURL(path.join(ROOT, 'dist/cli/commands/html.js')).href);
const { exploreReport } = await import(pathToFileURL(path.join(ROOT, 'dist/explore/explore.js')).href);

/** The pages: the seed before and after the fix first, then the small teaching scenarios. */
const PAGES = [
  {
    scenario: 'scenarios/mm-hotremove-2019.yaml',
    title: 'Hot-removing persistent memory, 5.1-rc7 (2019)',
    description:
      'The seed: four code paths of memory hot-remove build kn->count#424 → cpu_hotplug_lock → mem_hotplug_lock → mem_sysfs_mutex, and daxctl closes the cycle.',
  },
  {
    scenario: 'scenarios/mm-hotremove-2019-no-gate.yaml',
    title: 'Hot-remove without the gate: a real deadlock (counterfactual)',
    description:
      'The seed with lock_device_hotplug_sysfs() taken out of the sysfs path: lockdep prints the same splat, and this time the explorer finds the schedule that deadlocks (bash and daxctl on kn->count#424 and mem_hotplug_lock).',
  },
  {
    scenario: 'scenarios/mm-hotremove-2020-fixed.yaml',
    title: 'Hot-remove after the fixes (4c4b7f9ba948, f1037ec0cc8a)',
    description:
      'The same paths after the fixes: the memory block is drained before the hotplug locks are taken, so nothing leads from them back to kn->count and lockdep stays quiet.',
  },
  { scenario: 'scenarios/abba.yaml' },
  { scenario: 'scenarios/abba-rwsem-readers.yaml' },
  { scenario: 'scenarios/aa-recursive.yaml' },
  { scenario: 'scenarios/trylock-no-cycle.yaml' },
];

const args = new Set(process.argv.slice(2));
const check = args.has('--check');
mkdirSync(OUT, { recursive: true });

const built = [];
let stale = 0;
for (const p of PAGES) {
  const file = p.scenario; // relative to the root: the page shows this path
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const scenario = parseInput(text, file);
  const report = replay(scenario, { timeline: true });
  const description = p.description ?? scenarioDescription(text, file);
  const explore = exploreReport(scenario, report); // the default state budget: deterministic
  const html = renderHtmlPage(scenario, report, {
    text: textContextFor(scenario),
    ...(p.title ? { title: p.title } : {}),
    ...(description ? { description } : {}),
    explore,
  });
  const name = `${path.basename(file).replace(/\.ya?ml$/, '')}.html`;
  const out = path.join(OUT, name);
  const steps = report.timeline.filter((e) => e.type === 'step').length;
  built.push({ name, title: p.title ?? path.basename(file), description, steps, findings: report.findings, explore, file });
  if (check) {
    if (!existsSync(out) || readFileSync(out, 'utf8') !== html) {
      console.error(`build-pages: docs/pages/${name} is out of date`);
      stale++;
    }
  } else {
    writeFileSync(out, html);
    const verdicts = explore.map((r) => r.verdict).join(', ');
    console.error(`build-pages: docs/pages/${name} (${steps} steps, ${report.findings.length} report${report.findings.length === 1 ? '' : 's'}${verdicts ? `; explorer: ${verdicts}` : ''})`);
  }
}

const index = indexPage(built);
if (check) {
  if (!existsSync(path.join(OUT, 'index.html')) || readFileSync(path.join(OUT, 'index.html'), 'utf8') !== index) {
    console.error('build-pages: docs/pages/index.html is out of date');
    stale++;
  }
  if (stale) console.error('build-pages: run `npm run pages` and commit docs/pages/');
  process.exit(stale ? 1 : 0);
}
writeFileSync(path.join(OUT, 'index.html'), index);
console.error('build-pages: docs/pages/index.html');

if (!args.has('--no-screenshot')) await screenshot();

/** A plain list of the pages (static: no script, every text escaped). */
function indexPage(pages) {
  const items = pages
    .map((p) => {
      const kinds = [...new Set(p.findings.map((f) => f.kind))];
      const what = p.findings.length ? `${p.findings.length} report${p.findings.length === 1 ? '' : 's'} (${kinds.join(', ')})` : 'no report';
      const verdicts = ['confirmed', 'refuted', 'unknown'].map((v) => [v, p.explore.filter((r) => r.verdict === v).length]).filter(([, n]) => n > 0);
      const explored = verdicts.length ? ` · explorer: ${verdicts.map(([v, n]) => (p.explore.length === 1 ? v : `${n} ${v}`)).join(', ')}` : '';
      return `  <li><a href="${escapeHtml(p.name)}">${escapeHtml(p.title)}</a> <span class="meta">${escapeHtml(`${p.file} · ${p.steps} steps · ${what}${explored}`)}</span>${
        p.description ? `<br><span class="desc">${escapeHtml(p.description)}</span>` : ''
      }</li>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'self'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lockdep-sim · teaching pages</title>
<style>
  :root { color-scheme: light dark; font-size: 18px; }
  body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
  li { margin: 0.8rem 0; }
  a { font-weight: 600; }
  .meta { color: GrayText; font-size: 0.85rem; }
  img { max-width: 100%; border: 1px solid GrayText; border-radius: 8px; }
</style>
</head>
<body>
<h1>lockdep-sim: watch lockdep validate a scenario</h1>
<p>Each page replays one scenario through the simulated lock validator, step by step: the tasks and their held locks,
the chain cache, the dependency graph growing, the cycle search, usage bits, and the kernel's report with each part
linked to the step it came from, beside the interleaving explorer's verdict on it: a real deadlock (with the schedule
that reaches it) or a false positive (and why). Open a page from disk; it needs no network. Keys: → next, ← previous, Space play,
R next report, ? help.</p>
<ul>
${items}
</ul>
<p><img src="seed.png" alt="The 2019 hot-remove scenario at its report: five tasks with their held locks, the dependency graph with the cycle highlighted, the explorer's verdict (refuted: device_hotplug_lock keeps the paths apart) and the kernel's splat"></p>
</body>
</html>
`;
}

async function screenshot() {
  if (!existsSync(CHROMIUM)) {
    console.error(`build-pages: no Chromium at ${CHROMIUM}: docs/pages/seed.png not updated (apt-get update && apt-get install -y chromium)`);
    return;
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 }, reducedMotion: 'reduce', colorScheme: 'light' });
    await page.goto(pathToFileURL(path.join(OUT, 'mm-hotremove-2019.html')).href);
    await page.waitForSelector('html.is-ready');
    await page.keyboard.press('r'); // to the report
    await page.waitForFunction(() => document.querySelectorAll('#graph .node.bfs-path').length > 0);
    await page.screenshot({ path: path.join(OUT, 'seed.png') });
    console.error('build-pages: docs/pages/seed.png');
  } finally {
    await browser.close();
  }
}
