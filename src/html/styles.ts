/**
 * The page's stylesheet, inlined. Two themes as custom properties (`data-theme` on <html>), sized
 * for a projector: 17px base text, 15px monospace class names, every colour pair at least WCAG AA
 * (4.5:1) against its background, and state never shown by colour alone (dashes, borders, badges).
 */
export const PAGE_CSS = String.raw`
:root {
  --bg: #eef0f4; --panel: #ffffff; --panel2: #f5f6f8; --fg: #14171c; --muted: #505866; --border: #c3c9d2;
  --accent: #1d4ed8; --accent-bg: #dbe6ff;
  --cur-bg: #fff1b8; --cur-border: #a15c07;
  --pending: #5d6470;
  --edge: #55606e; --edge-new: #03704f; --cycle: #b42318; --cycle-bg: #fde4e1; --link: #6d28d9;
  --bfs: #9a4a04; --bfs-bg: #ffedc2; --node-bg: #ffffff; --node-border: #7a8594; --held-bg: #e3ecff;
  --hit: #03704f; --hit-bg: #d5f5e6; --miss: #8a3c00; --miss-bg: #ffe7c2; --flip-bg: #ffd84d; --flip-fg: #1a1300;
  --splat-bg: #f7f8fa; --focus: #1d4ed8;
  color-scheme: light;
}
[data-theme="dark"] {
  --bg: #0d0f13; --panel: #161a21; --panel2: #1c2129; --fg: #e9ecf1; --muted: #a7b0bd; --border: #39404c;
  --accent: #8fb0ff; --accent-bg: #22324f;
  --cur-bg: #433510; --cur-border: #f3c04f;
  --pending: #9aa3b1;
  --edge: #a2acba; --edge-new: #4ade9b; --cycle: #ff8a80; --cycle-bg: #3d1714; --link: #c8b4ff;
  --bfs: #ffc44d; --bfs-bg: #3a2c07; --node-bg: #1b2029; --node-border: #8893a3; --held-bg: #1f3157;
  --hit: #5ee3a6; --hit-bg: #0f3326; --miss: #ffb870; --miss-bg: #3d2608; --flip-bg: #ffd84d; --flip-fg: #1a1300;
  --splat-bg: #11141a; --focus: #8fb0ff;
  color-scheme: dark;
}
* { box-sizing: border-box; }
html { font-size: 17px; }
body {
  margin: 0; height: 100vh; display: flex; flex-direction: column; overflow: hidden;
  background: var(--bg); color: var(--fg); line-height: 1.35;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
}
code, pre, .mono, .step-label, .held-name, .chain-key, .node text, .elabel text, .chain-classes, .callpath, .usage-table td, .usage-table tbody th {
  font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace;
}
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.skip { position: absolute; left: -999px; top: 0; background: var(--panel); color: var(--fg); padding: 6px 10px; z-index: 10; }
.skip:focus { left: 8px; }
.muted { color: var(--muted); }

/* Header and controls */
.top { display: flex; align-items: center; gap: 16px; padding: 8px 14px; background: var(--panel); border-bottom: 1px solid var(--border); flex-wrap: wrap; }
.brand { min-width: 0; flex: 1 1 320px; }
.brand h1 { margin: 0; font-size: 1.25rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.brand .tool { color: var(--accent); }
.brand .sub { margin: 0; color: var(--muted); font-size: 0.85rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.controls { display: flex; align-items: center; gap: 6px; flex-wrap: wrap; }
button { font: inherit; color: inherit; }
.controls button, .btn-small, .report-pick {
  background: var(--panel2); border: 1px solid var(--border); border-radius: 8px; padding: 6px 12px; cursor: pointer; font-size: 0.95rem;
}
.controls button:hover:not(:disabled), .btn-small:hover, .report-pick:hover { border-color: var(--accent); }
.controls button:disabled { opacity: 0.45; cursor: default; }
#btn-play[aria-pressed="true"] { background: var(--accent-bg); border-color: var(--accent); }
#btn-report { border-color: var(--cycle); color: var(--cycle); font-weight: 600; }
.counter { font-variant-numeric: tabular-nums; min-width: 8.5em; text-align: center; font-weight: 600; }
#scrub { width: 160px; accent-color: var(--accent); }

.narration { margin: 0; padding: 8px 14px; background: var(--panel2); border-bottom: 1px solid var(--border); min-height: 2.6em; font-size: 1rem; }
.narr-label { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.tone-report, .note.tone-report { color: var(--cycle); font-weight: 700; }
.tone-cycle { color: var(--cycle); }
.tone-hit { color: var(--hit); }
.tone-miss { color: var(--miss); }
.tone-dep { color: var(--edge-new); }

main {
  flex: 1; min-height: 0; display: grid; gap: 10px; padding: 10px 12px 12px;
  grid-template-columns: minmax(0, 1.3fr) minmax(0, 1fr); grid-template-rows: minmax(0, 42fr) minmax(0, 58fr);
}
.panel { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; min-height: 0; }
h2, h3, h4 { margin: 0; }

/* Tasks */
#tasks { grid-column: 1 / -1; display: flex; gap: 10px; overflow-x: auto; min-height: 0; }
.task { flex: 1 1 0; min-width: 235px; display: flex; flex-direction: column; min-height: 0; background: var(--panel); border: 1px solid var(--border); border-radius: 10px; transition: flex-grow .2s; }
.task.is-active { flex-grow: 1.45; border: 2px solid var(--cur-border); }
.task-head { padding: 4px 10px 3px; border-bottom: 1px solid var(--border); }
.task-name { font-size: 1.05rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.task-meta { margin: 0; color: var(--muted); font-size: 0.78rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.task-ctx { color: var(--muted); }
.task-ctx.is-irq { color: var(--miss); font-weight: 600; }
.held-box { padding: 4px 10px 6px; border-bottom: 1px solid var(--border); background: var(--panel2); max-height: 48%; display: flex; flex-direction: column; flex: none; min-height: 0; }
.held-h { font-size: 0.8rem; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .04em; }
.held { list-style: none; margin: 2px 0 0; padding: 0; overflow-y: auto; min-height: 1.4em; flex: 0 1 auto; position: relative; }
.held-item { display: flex; align-items: center; gap: 6px; padding: 1px 4px; border-radius: 5px; font-size: 0.88rem; }
.held-item.is-fresh { background: var(--accent-bg); outline: 1px solid var(--accent); }
.held-idx { color: var(--muted); font-size: 0.78rem; min-width: 1.8em; font-variant-numeric: tabular-nums; }
.held-name { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.held-mode { font-size: 0.72rem; font-weight: 700; border: 1px solid var(--border); border-radius: 4px; padding: 0 4px; }
.held-empty { color: var(--muted); font-size: 0.85rem; font-style: italic; }
.chain-line { margin: 4px 0 0; font-size: 0.8rem; display: flex; align-items: center; gap: 6px; flex-wrap: wrap; }
.chain-line .chain-key { font-size: 0.78rem; }
.chain-line:not(.is-fresh) { opacity: 0.75; }
.badge { display: inline-block; font-size: 0.75rem; font-weight: 700; padding: 1px 7px; border-radius: 999px; border: 1px solid currentColor; }
.badge-hit { color: var(--hit); background: var(--hit-bg); }
.badge-miss { color: var(--miss); background: var(--miss-bg); }
.steps { list-style: none; margin: 0; padding: 4px; overflow-y: auto; flex: 1; min-height: 0; }
.step { display: flex; gap: 8px; width: 100%; text-align: left; background: none; border: 1px solid transparent; border-radius: 6px; padding: 3px 6px; cursor: pointer; align-items: baseline; }
.step:hover:not(:disabled) { border-color: var(--border); }
.step-num { color: var(--muted); font-size: 0.78rem; min-width: 2.9em; text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.step-body { display: flex; flex-direction: column; min-width: 0; }
.step-label { font-size: 0.9rem; overflow-wrap: anywhere; }
.step-path { font-size: 0.74rem; color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.step.is-pending .step-label, .step.is-never .step-label { color: var(--pending); }
.step.is-never { cursor: default; font-style: italic; }
.step.is-current { background: var(--cur-bg); border: 2px solid var(--cur-border); }
.step.is-current .step-num::before { content: "▶ "; color: var(--cur-border); }
.step.is-done .step-num::after { content: " ✓"; }

/* Graph */
#graph-panel { display: flex; flex-direction: column; padding: 6px 8px; position: relative; }
.panel-h { display: flex; align-items: baseline; gap: 12px; padding: 0 4px 4px; }
.panel-h h2 { font-size: 1rem; white-space: nowrap; }
#bfs-caption { color: var(--bfs); font-weight: 600; font-size: 0.9rem; flex: 1; min-width: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#btn-graph-max { margin-left: auto; }
body.is-graph-max #tasks { display: none; }
body.is-graph-max #graph-panel, body.is-graph-max #side { grid-row: 1 / -1; }
.graph-wrap { flex: 1; min-height: 0; display: flex; align-items: center; justify-content: center; }
#graph { width: 100%; height: 100%; display: block; }
.node rect { fill: var(--node-bg); stroke: var(--node-border); stroke-width: 1.5; }
.node .node-text { font-size: 15px; }
.node .node-name { fill: var(--fg); font-weight: 600; }
.node .node-usage { fill: var(--muted); }
.node .node-usage .flip { fill: var(--cycle); font-weight: 800; text-decoration: underline; }
.node.is-hidden, .edge.is-hidden, .elabel.is-hidden { display: none; }
.node.is-held rect { fill: var(--held-bg); stroke: var(--accent); stroke-width: 2.5; }
.node.is-fresh rect { stroke-dasharray: 6 3; stroke-width: 2.5; }
.node.is-flipped .node-usage { fill: var(--fg); }
.node.is-cycle rect { stroke: var(--cycle); stroke-width: 3.5; fill: var(--cycle-bg); }
.node.bfs-visited rect { fill: var(--bfs-bg); stroke: var(--bfs); stroke-width: 3; }
.node.bfs-root rect { stroke: var(--bfs); stroke-width: 4; stroke-dasharray: 3 2; }
.node.bfs-path rect { stroke: var(--cycle); stroke-width: 4; }
.bfs-badge { display: none; }
.node.bfs-visited .bfs-badge { display: inline; }
.bfs-badge circle { fill: var(--bfs); }
.bfs-badge text { fill: var(--panel); font-size: 13px; font-weight: 800; }
.edge { fill: none; stroke: var(--edge); stroke-width: 2; }
.edge.is-new { stroke: var(--edge-new); stroke-width: 4; }
.edge.is-seen { stroke-dasharray: 2 4; stroke-width: 3; }
.edge.is-attempted { stroke: var(--cycle); stroke-dasharray: 9 5; stroke-width: 3; }
.edge.is-cycle { stroke: var(--cycle); stroke-width: 4.5; }
.edge.bfs-path { stroke: var(--cycle); stroke-width: 4; }
.edge.is-link, .edge.is-hover { stroke: var(--link); stroke-width: 6; }
.arrow-plain { fill: var(--edge); }
.arrow-new { fill: var(--edge-new); }
.arrow-cycle, .arrow-path { fill: var(--cycle); }
.arrow-link { fill: var(--link); }
.elabel rect { fill: var(--panel); stroke: var(--border); }
.elabel text { font-size: 13px; fill: var(--fg); }
.legend-help { display: block; margin: 8px 0; padding: 0; }
.legend-help li { display: block; margin: 2px 0; }
.elabel.is-new rect { stroke: var(--edge-new); stroke-width: 2; }
.elabel.is-attempted text, .elabel.is-cycle text { fill: var(--cycle); font-weight: 700; }
.elabel.is-link rect, .elabel.is-hover rect { stroke: var(--link); stroke-width: 2.5; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 2px 12px; margin: 4px 0 0; padding: 0 4px; font-size: 0.74rem; color: var(--muted); }
.legend .sw { display: inline-block; width: 22px; height: 0; border-top: 3px solid var(--edge); vertical-align: middle; margin-right: 4px; }
.legend .sw-new { border-top-color: var(--edge-new); border-top-width: 4px; }
.legend .sw-cycle { border-top-color: var(--cycle); border-top-width: 4px; }
.legend .sw-refused { border-top: 3px dashed var(--cycle); }
.legend .sw-bfs { width: 14px; height: 14px; border: 3px solid var(--bfs); background: var(--bfs-bg); border-radius: 4px; }
.legend .sw-held { width: 14px; height: 14px; border: 2px solid var(--accent); background: var(--held-bg); border-radius: 4px; }

/* Details: tabs, step, report */
#side { display: flex; flex-direction: column; }
.tabs { display: flex; gap: 4px; padding: 6px 8px 0; border-bottom: 1px solid var(--border); }
.tab { background: none; border: 1px solid transparent; border-bottom: none; border-radius: 8px 8px 0 0; padding: 6px 14px; cursor: pointer; font-weight: 600; color: var(--muted); }
.tab[aria-selected="true"] { background: var(--panel2); border-color: var(--border); color: var(--fg); }
.tabpanel { flex: 1; min-height: 0; overflow: auto; padding: 8px 12px 12px; }
.tabpanel h3 { font-size: 1rem; margin-bottom: 2px; }
.tabpanel h4 { font-size: 0.82rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 10px 0 3px; }
.step-meta { margin: 0; font-size: 0.85rem; color: var(--muted); }
.callpath { margin: 0; padding-left: 1.6em; font-size: 0.85rem; }
.chain-detail { display: flex; gap: 8px; align-items: center; margin: 0; }
.chain-classes { margin: 2px 0 0; font-size: 0.82rem; overflow-wrap: anywhere; }
.notes { margin: 0; padding-left: 1.2em; }
.note { margin: 2px 0; }
.usage-table { border-collapse: collapse; font-size: 0.85rem; margin-top: 2px; }
.usage-table caption { text-align: left; color: var(--muted); font-size: 0.78rem; padding-bottom: 3px; }
.usage-table th, .usage-table td { border: 1px solid var(--border); padding: 2px 8px; }
.usage-table thead th { font-size: 0.75rem; color: var(--muted); }
.usage-table tbody th { text-align: left; font-weight: 500; }
.usage-table td { text-align: center; }
.usage-table td.flip { background: var(--flip-bg); color: var(--flip-fg); font-weight: 800; }
.banner { position: sticky; top: 0; z-index: 1; background: var(--accent-bg); border: 1px solid var(--accent); border-radius: 8px; padding: 6px 10px; margin-bottom: 8px; font-size: 0.9rem; }
.btn-small { padding: 2px 10px; font-size: 0.85rem; margin-left: 6px; }
.report-list { display: flex; flex-direction: column; gap: 4px; margin-bottom: 8px; }
.report-pick { text-align: left; }
.report-pick.is-on { border-color: var(--cycle); color: var(--cycle); font-weight: 600; }
.splat { margin: 0; padding: 8px 10px; background: var(--splat-bg); border: 1px solid var(--border); border-radius: 8px; font-size: 0.8rem; line-height: 1.35; overflow-x: auto; }
.splat-line { white-space: pre; }
.splat-link { color: var(--link); text-decoration: underline dotted; text-decoration-thickness: 1px; text-underline-offset: 0.38em; cursor: pointer; border-radius: 3px; }
.splat-link:hover { background: var(--accent-bg); }
.splat-link.is-on { background: var(--accent-bg); outline: 2px solid var(--link); }

/* The explorer's verdict and schedule (Report tab) */
.verdict { margin: 0 0 8px; padding: 6px 10px 8px; background: var(--panel2); border: 1px solid var(--border); border-left: 5px solid var(--muted); border-radius: 8px; font-size: 0.9rem; }
.verdict-confirmed { border-left-color: var(--cycle); }
.verdict-refuted { border-left-color: var(--hit); }
.verdict-unknown { border-left-color: var(--miss); }
.verdict .verdict-h { font-size: 0.95rem; margin: 0 0 3px; display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.verdict-badge { font-size: 0.8rem; letter-spacing: .04em; }
.verdict-confirmed .verdict-badge { color: var(--cycle); background: var(--cycle-bg); }
.verdict-refuted .verdict-badge { color: var(--hit); background: var(--hit-bg); }
.verdict-unknown .verdict-badge { color: var(--miss); background: var(--miss-bg); }
.verdict-summary { margin: 2px 0; }
.verdict-why { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; font-size: 0.86rem; }
.verdict-detail { margin: 2px 0; color: var(--muted); font-size: 0.85rem; }
.verdict-none { margin: 0 0 8px; color: var(--muted); font-size: 0.85rem; font-style: italic; }
.schedule { margin-top: 6px; }
.schedule-summary { cursor: pointer; font-weight: 600; color: var(--accent); padding: 2px 0; }
.schedule-wrap { overflow-x: auto; margin-top: 4px; }
.schedule-table { border-collapse: collapse; width: 100%; font-size: 0.84rem; background: var(--panel); }
.schedule-table caption { text-align: left; color: var(--muted); font-size: 0.78rem; padding-bottom: 4px; caption-side: top; }
.schedule-table th, .schedule-table td { border: 1px solid var(--border); padding: 3px 6px; vertical-align: top; text-align: left; }
.schedule-table thead th { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; font-size: 0.84rem; background: var(--panel2); }
.schedule-table thead th.is-deadlocked { border-bottom: 3px solid var(--cycle); }
.schedule-table .sched-num { width: 2.6em; white-space: nowrap; text-align: right; color: var(--muted); font-weight: 500; font-variant-numeric: tabular-nums; font-size: 0.78rem; }
.sched-link, .sched-op { display: block; font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.sched-link { color: var(--link); text-decoration: underline dotted; text-decoration-thickness: 1px; text-underline-offset: 0.3em; border-radius: 3px; }
.sched-link:hover { background: var(--accent-bg); }
.sched-where { display: block; color: var(--muted); font-size: 0.74rem; }
.sched-row.is-current td, .sched-row.is-current th { background: var(--cur-bg); }
.sched-row.is-current td.is-op { outline: 2px solid var(--cur-border); outline-offset: -2px; }
.sched-row.is-current .sched-num::before { content: "▶ "; color: var(--cur-border); }
.sched-end th, .sched-end td { border-top: 3px double var(--border); background: var(--panel2); }
.sched-blocked .sched-bline { display: block; font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; font-size: 0.8rem; overflow-wrap: anywhere; }
.sched-blocked strong.sched-bline { color: var(--cycle); }

dialog { background: var(--panel); color: var(--fg); border: 1px solid var(--border); border-radius: 12px; max-width: 560px; }
dialog::backdrop { background: rgb(0 0 0 / 45%); }
dialog h2 { font-size: 1.1rem; margin-bottom: 8px; }
dialog table { border-collapse: collapse; }
dialog th, dialog td { text-align: left; padding: 3px 10px 3px 0; }
kbd { font-family: ui-monospace, "DejaVu Sans Mono", monospace; border: 1px solid var(--border); border-bottom-width: 2px; border-radius: 4px; padding: 0 5px; background: var(--panel2); }

@media (max-height: 820px) {
  html { font-size: 15px; }
  .narration { min-height: 0; padding: 5px 14px; }
  .top { padding: 4px 12px; }
  main { padding: 6px 8px 8px; gap: 6px; }
  .legend { display: none; }
  main { grid-template-rows: minmax(0, 39fr) minmax(0, 61fr); }
}
@media (max-width: 900px) {
  body { height: auto; overflow: auto; }
  main { display: flex; flex-direction: column; }
  #tasks { height: 60vh; }
  #graph-panel { height: 70vh; }
  #side { height: 80vh; }
}
@media (prefers-reduced-motion: reduce) { * { transition: none !important; } }
`;
