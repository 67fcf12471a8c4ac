/**
 * The teaching page: one self-contained HTML file (inline CSS and script, no network) that replays
 * a scenario step by step. The markup here is fixed; every scenario string reaches the page only
 * as JSON inside `<script type="application/json">` (escaped by jsonForScript) and is rendered by
 * the client with textContent. A Content-Security-Policy allows exactly the page's own script and
 * stylesheet (by hash) and no network at all, so even a name that got past the escaping could not
 * run script or load anything.
 */
import { createHash } from 'node:crypto';
import type { Report } from '../model/findings.js';
import type { Scenario } from '../model/scenario.js';
import { CLIENT_JS } from './client-script.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { buildPageData, type PageData, type PageDataOptions } from './page-data.js';
import { PAGE_CSS } from './styles.js';

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/** The Content-Security-Policy of the page: its own inline script and style, nothing else. */
export function pageCsp(): string {
  return [
    "default-src 'none'",
    `script-src ${sha256(CLIENT_JS)}`,
    `style-src ${sha256(PAGE_CSS)}`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const LEGEND = `      <li><span class="sw"></span>dependency (label: kinds · step that recorded it)</li>
      <li><span class="sw sw-new"></span>new at this step</li>
      <li><span class="sw sw-refused"></span>refused (would close a cycle)</li>
      <li><span class="sw sw-cycle"></span>cycle of the report</li>
      <li><span class="sw sw-bfs"></span>visited by the cycle search (in order)</li>
      <li><span class="sw sw-held"></span>held by the current task</li>
      <li>S/E: prev shared/exclusive · R/N: next recursive/non-recursive read</li>`;

const HELP_KEYS: [string, string][] = [
  ['→  n', 'next step'],
  ['←  p', 'previous step'],
  ['Space', 'play / pause (stops at each report)'],
  ['r', 'jump to the next report'],
  ['Shift+R', 'back to the previous report'],
  ['Home  End', 'start / end'],
  ['s  e', 'Step tab / Report tab'],
  ['↑  ↓', 'move between the steps of a task (Enter goes there)'],
  ['g', 'enlarge the graph (hides the tasks)'],
  ['t', 'light / dark theme'],
  ['?', 'this help'],
];

/** Renders the page for already-built page data. */
export function renderPageHtml(data: PageData): string {
  const help = HELP_KEYS.map(([k, v]) => `<tr><th scope="row">${k.split('  ').map((x) => `<kbd>${escapeHtml(x)}</kbd>`).join(' ')}</th><td>${escapeHtml(v)}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en" data-theme="light">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(pageCsp())}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="lockdep-sim">
<title>${escapeHtml(`lockdep-sim · ${data.title}`)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<a class="skip" href="#btn-next">Skip to the controls</a>
<header class="top">
  <div class="brand">
    <h1><span class="tool">lockdep-sim</span> · <span id="title"></span></h1>
    <p class="sub" id="subtitle"></p>
  </div>
  <nav class="controls" aria-label="Step through the scenario">
    <button type="button" id="btn-start" aria-label="Back to the start (Home)" title="Start (Home)">⇤</button>
    <button type="button" id="btn-prev" aria-label="Previous step (Left arrow)" title="Previous step (←)">◀ Prev</button>
    <button type="button" id="btn-play" aria-pressed="false" aria-label="Play (Space)" title="Play / pause (Space)">▶ Play</button>
    <button type="button" id="btn-next" aria-label="Next step (Right arrow)" title="Next step (→)">Next ▶</button>
    <button type="button" id="btn-report" aria-label="Jump to the next report (R)" title="Jump to the next report (R)">Next report ⚠</button>
    <span id="counter" class="counter">Step 0 / 0</span>
    <input type="range" id="scrub" min="0" max="0" value="0" aria-label="Step">
    <button type="button" id="btn-theme" aria-pressed="false">☾ Dark</button>
    <button type="button" id="btn-help" aria-haspopup="dialog" aria-label="Keyboard shortcuts (?)" title="Keyboard shortcuts (?)">?</button>
  </nav>
</header>
<p id="narration" class="narration" aria-live="polite" aria-atomic="true"></p>
<p id="announce" class="sr-only" aria-live="assertive"></p>
<main>
  <div id="tasks" role="region" aria-label="Tasks, their held locks and their steps"></div>
  <section id="graph-panel" class="panel" aria-labelledby="graph-h">
    <div class="panel-h"><h2 id="graph-h">Dependency graph</h2><span id="bfs-caption" aria-live="polite"></span><button type="button" id="btn-graph-max" class="btn-small" aria-pressed="false" title="Give the graph the whole height (G)">Enlarge</button></div>
    <div class="graph-wrap">
      <svg id="graph" role="img" aria-labelledby="graph-h graph-desc" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg"><desc id="graph-desc">Lock classes and the dependencies recorded between them; the list below reads them out.</desc></svg>
    </div>
    <ul class="legend" aria-label="Legend">
${LEGEND}
    </ul>
    <ul id="edge-list" class="sr-only" aria-label="Dependencies recorded so far"></ul>
  </section>
  <section id="side" class="panel" aria-label="Details">
    <div class="tabs" role="tablist" aria-label="Details">
      <button type="button" role="tab" id="tab-step" aria-controls="panel-step" aria-selected="true" class="tab">This step</button>
      <button type="button" role="tab" id="tab-report" aria-controls="panel-report" aria-selected="false" class="tab" tabindex="-1">Report</button>
    </div>
    <div id="panel-step" class="tabpanel" role="tabpanel" aria-labelledby="tab-step" tabindex="0"></div>
    <div id="panel-report" class="tabpanel" role="tabpanel" aria-labelledby="tab-report" tabindex="0" hidden></div>
  </section>
</main>
<dialog id="help" aria-labelledby="help-h">
  <h2 id="help-h">Keyboard shortcuts</h2>
  <table>
${help}
  </table>
  <h2>Graph legend</h2>
  <ul class="legend legend-help">
${LEGEND}
  </ul>
  <p>Click a step to go there. In a report, click a <code>-&gt; #N</code> entry or a held lock to see the step that recorded it.
  Above the report, the interleaving explorer says whether the cycle can really deadlock; when it can, unfold its schedule
  and click an operation to see that step.</p>
  <button type="button" id="help-close" class="btn-small">Close</button>
</dialog>
<script type="application/json" id="lockdep-data">${jsonForScript(data)}</script>
<script>${CLIENT_JS}</script>
</body>
</html>
`;
}

/** Scenario + its replay (with a timeline) → the page. */
export function renderHtmlPage(scenario: Scenario, report: Report, opts: PageDataOptions): string {
  return renderPageHtml(buildPageData(scenario, report, opts));
}
