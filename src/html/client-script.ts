/**
 * The page's script, inlined as text. It reads the page data from the
 * `<script type="application/json" id="lockdep-data">` element and renders everything with
 * textContent and DOM/SVG element creation: no data ever goes through innerHTML or an attribute
 * that runs code. Plain ES2017 for any current browser; kept free of backquotes and dollar-brace
 * so it can live in a raw template literal.
 */
export const CLIENT_JS = String.raw`(function () {
'use strict';
var D = JSON.parse(document.getElementById('lockdep-data').textContent);
var SVGNS = 'http://www.w3.org/2000/svg';
var N = D.frames.length;
var reduceMotion = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
var BFS_STEP_MS = reduceMotion ? 0 : 420;

var S = {
  pos: 0,              // steps run: frames[pos - 1] is the current step
  playing: false,
  timer: 0,
  anim: [],            // pending BFS animation timers
  finding: -1,         // report shown in the Report tab
  linkEdge: -1,        // edge highlighted from a splat link
  linkLine: -1,
  schedOpen: {},       // per report: is its explorer schedule unfolded
  tab: 'step'
};

function $(id) { return document.getElementById(id); }
function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
function svg(tag, attrs, cls) {
  var e = document.createElementNS(SVGNS, tag);
  if (attrs) for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k]));
  if (cls) e.setAttribute('class', cls);
  return e;
}
function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
/** Text with line-break opportunities after . _ > / in long kernel names (text nodes and <wbr>, no markup parsing). */
function breakable(cls, text) {
  var e = el('span', cls);
  var parts = String(text).split(/(?<=[.>\/])/);
  parts.forEach(function (p, i) {
    if (i) e.appendChild(document.createElement('wbr'));
    e.appendChild(document.createTextNode(p));
  });
  return e;
}
function cname(i) { var c = D.classes[i]; return c ? c.name : '?'; }
function readMode(r) { return r === 2 ? 'R' : r === 1 ? 'r' : 'W'; }
function readWord(r) { return r === 2 ? 'recursive read' : r === 1 ? 'read' : 'write'; }
function stepName(f) { var t = D.tasks[f.task]; return t.label + ' step ' + (f.step + 1); }

// ---------------------------------------------------------------------------------------------
// Cumulative state at a position: edges recorded, usage strings, latest held stack per task.

function stateAt(pos) {
  var usage = {}, prevUsage = {}, held = [], chain = [], kinds = {};
  for (var t = 0; t < D.tasks.length; t++) { held.push([]); chain.push(null); }
  for (var i = 0; i < pos; i++) {
    var f = D.frames[i];
    held[f.task] = f.held;
    if (f.chain) chain[f.task] = { chain: f.chain, frame: i };
    for (var u = 0; u < f.usage.length; u++) {
      var x = f.usage[u];
      if (i === pos - 1 && !(x.cls in prevUsage)) prevUsage[x.cls] = usage[x.cls] || '....';
      usage[x.cls] = x.usage;
    }
    for (var d = 0; d < f.deps.length; d++) kinds[f.deps[d].edge] = f.deps[d].kinds;
  }
  return { usage: usage, prevUsage: prevUsage, held: held, chain: chain, kinds: kinds };
}

// ---------------------------------------------------------------------------------------------
// Tasks: columns with the held-lock stack, the last chain lookup and the steps.

var taskEls = [];
function buildTasks() {
  var root = $('tasks');
  D.tasks.forEach(function (t, ti) {
    var col = el('section', 'task');
    col.setAttribute('aria-labelledby', 'task-h-' + ti);
    var head = el('header', 'task-head');
    var h = el('h2', 'task-name', t.label);
    h.id = 'task-h-' + ti;
    head.appendChild(h);
    var meta = el('p', 'task-meta');
    meta.appendChild(el('span', null, 'pid ' + t.pid + ' · cpu ' + t.cpu + ' · '));
    var ctx = el('span', 'task-ctx', 'process · irqs on');
    meta.appendChild(ctx);
    head.appendChild(meta);
    col.appendChild(head);

    var heldBox = el('div', 'held-box');
    var heldH = el('h3', 'held-h', 'Held locks');
    heldH.id = 'held-h-' + ti;
    heldBox.appendChild(heldH);
    var held = el('ol', 'held');
    held.id = 'held-' + ti;
    held.setAttribute('aria-labelledby', heldH.id);
    held.setAttribute('start', '0');
    heldBox.appendChild(held);
    var chain = el('p', 'chain-line');
    chain.id = 'chain-' + ti;
    heldBox.appendChild(chain);
    col.appendChild(heldBox);

    var list = el('ol', 'steps');
    list.setAttribute('aria-label', 'Steps of ' + t.label);
    var btns = [];
    t.steps.forEach(function (s, si) {
      var li = el('li', 'step-li');
      var b = el('button', 'step');
      b.type = 'button';
      b.tabIndex = -1;
      b.dataset.frame = String(s.frame);
      if (s.frame < 0) b.disabled = true;
      b.appendChild(el('span', 'step-num', String(si + 1)));
      var body = el('span', 'step-body');
      body.appendChild(breakable('step-label', s.label));
      var tail = s.path.slice(-2).join(' › ');
      body.appendChild(el('span', 'step-path', (s.path.length > 2 ? '… › ' : '') + tail));
      b.appendChild(body);
      b.title = s.path.join(' › ') + (s.at ? '\nat: ' + s.at : '') + '\nline ' + s.line;
      b.setAttribute('aria-label', 'Step ' + (si + 1) + ': ' + s.label + (s.path.length ? ', in ' + s.path[s.path.length - 1] : ''));
      b.addEventListener('click', function () { if (s.frame >= 0) go(s.frame + 1, { from: 'step' }); });
      b.addEventListener('keydown', function (ev) {
        var k = ev.key, j = -1;
        if (k === 'ArrowDown') j = si + 1; else if (k === 'ArrowUp') j = si - 1;
        else if (k === 'Home' && ev.ctrlKey) j = 0; else return;
        ev.preventDefault(); ev.stopPropagation();
        if (j >= 0 && j < btns.length) { btns[si].tabIndex = -1; btns[j].tabIndex = 0; btns[j].focus(); }
      });
      li.appendChild(b);
      list.appendChild(li);
      btns.push(b);
    });
    if (btns.length) btns[0].tabIndex = 0;
    col.appendChild(list);
    root.appendChild(col);
    taskEls.push({ col: col, ctx: ctx, held: held, heldH: heldH, chain: chain, list: list, btns: btns });
  });
}

function ensureVisible(container, item) {
  var c = container.getBoundingClientRect(), r = item.getBoundingClientRect();
  if (r.top < c.top) container.scrollTop -= c.top - r.top + 4;
  else if (r.bottom > c.bottom) container.scrollTop += r.bottom - c.bottom + 4;
}

function renderTasks(st) {
  var cur = S.pos > 0 ? D.frames[S.pos - 1] : null;
  D.tasks.forEach(function (t, ti) {
    var te = taskEls[ti];
    te.col.classList.toggle('is-active', !!cur && cur.task === ti);
    // Context: from the task's last frame at or before the cursor.
    var ctx = 'process · irqs on';
    for (var i = S.pos - 1; i >= 0; i--) if (D.frames[i].task === ti) { ctx = D.frames[i].ctx; break; }
    te.ctx.textContent = ctx;
    te.ctx.classList.toggle('is-irq', ctx.indexOf('irqs on') < 0);
    // Held locks, bottom (#0) first, as lockdep_print_held_locks() lists them.
    clear(te.held);
    var held = st.held[ti];
    te.heldH.textContent = 'Held locks (' + held.length + ')';
    if (!held.length) te.held.appendChild(el('li', 'held-empty', 'none'));
    held.forEach(function (h, k) {
      var li = el('li', 'held-item');
      if (cur && h.since === S.pos - 1 && cur.task === ti) li.classList.add('is-fresh');
      li.appendChild(el('span', 'held-idx', '#' + k));
      li.appendChild(el('span', 'held-name', cname(h.cls)));
      var m = el('span', 'held-mode mode-' + readMode(h.read), readMode(h.read));
      m.title = readWord(h.read);
      li.appendChild(m);
      li.title = '#' + k + ': ' + cname(h.cls) + ' (' + readWord(h.read) + '), at: ' + h.at;
      li.setAttribute('aria-label', '#' + k + ' ' + cname(h.cls) + ', ' + readWord(h.read) + ', at ' + h.at);
      te.held.appendChild(li);
      if (li.classList.contains('is-fresh')) ensureVisible(te.held, li);
    });
    // The task's last chain-cache lookup.
    var c = st.chain[ti];
    clear(te.chain);
    if (c) {
      var fresh = c.frame === S.pos - 1;
      te.chain.classList.toggle('is-fresh', fresh);
      te.chain.appendChild(el('span', 'chain-k', 'chain'));
      te.chain.appendChild(el('code', 'chain-key', c.chain.key));
      var badge = el('span', 'badge ' + (c.chain.hit ? 'badge-hit' : 'badge-miss'), c.chain.hit ? 'hit' : 'miss');
      badge.title = c.chain.hit ? 'chain cache hit: validated before, nothing checked' : 'chain cache miss: new chain, validated now';
      te.chain.appendChild(badge);
      te.chain.title = 'chain: ' + c.chain.classes.map(cname).join(' → ');
    } else {
      te.chain.appendChild(el('span', 'chain-k muted', 'no chain lookup yet'));
    }
    // Steps: done / current / pending.
    var curIdx = -1, lastDone = -1;
    te.btns.forEach(function (b, si) {
      var fr = t.steps[si].frame;
      var state = fr < 0 ? 'never' : fr < S.pos - 1 ? 'done' : fr === S.pos - 1 ? 'current' : 'pending';
      b.className = 'step is-' + state;
      if (state === 'current') { b.setAttribute('aria-current', 'step'); curIdx = si; }
      else b.removeAttribute('aria-current');
      if (state === 'done') lastDone = si;
    });
    var focusIdx = curIdx >= 0 ? curIdx : Math.min(lastDone + 1, te.btns.length - 1);
    var hasFocus = te.list.contains(document.activeElement);
    if (!hasFocus) te.btns.forEach(function (b, si) { b.tabIndex = si === focusIdx ? 0 : -1; });
    var target = te.btns[focusIdx];
    if (target) ensureVisible(te.list, target.parentNode);
  });
}

// ---------------------------------------------------------------------------------------------
// The dependency graph (positions come from the page generator's dagre layout).

var nodeEls = [], edgeEls = [];
function curvePath(pts) {
  if (!pts.length) return '';
  var d = 'M' + pts[0][0] + ',' + pts[0][1];
  if (pts.length === 2) return d + 'L' + pts[1][0] + ',' + pts[1][1];
  for (var i = 1; i < pts.length - 1; i++) {
    var mx = (pts[i][0] + pts[i + 1][0]) / 2, my = (pts[i][1] + pts[i + 1][1]) / 2;
    if (i === pts.length - 2) { mx = pts[i + 1][0]; my = pts[i + 1][1]; }
    d += 'Q' + pts[i][0] + ',' + pts[i][1] + ' ' + mx + ',' + my;
  }
  return d;
}

function buildGraph() {
  var g = $('graph');
  var pad = 8;
  g.setAttribute('viewBox', (-pad) + ' ' + (-pad) + ' ' + (D.graph.width + 2 * pad) + ' ' + (D.graph.height + 2 * pad));
  // Fit the panel, but never blow a small graph up past 1.4x (text would get huge).
  g.style.maxWidth = Math.round((D.graph.width + 2 * pad) * 1.4) + 'px';
  g.style.maxHeight = Math.round((D.graph.height + 2 * pad) * 1.4) + 'px';
  var defs = svg('defs');
  ['plain', 'new', 'cycle', 'link', 'path'].forEach(function (k) {
    var m = svg('marker', { id: 'arrow-' + k, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse', markerUnits: 'strokeWidth' });
    m.appendChild(svg('path', { d: 'M0,0 L10,5 L0,10 z' }, 'arrow arrow-' + k));
    defs.appendChild(m);
  });
  g.appendChild(defs);
  var edges = svg('g', null, 'edges'), labels = svg('g', null, 'edge-labels'), nodes = svg('g', null, 'nodes');
  D.edges.forEach(function (e, i) {
    var d = curvePath(e.points);
    if (e.self && e.points.length === 2) {
      var a = e.points[0], b = e.points[1], reach = 72;
      d = 'M' + a[0] + ',' + a[1] + 'C' + (a[0] + reach) + ',' + (a[1] - 34) + ' ' + (b[0] + reach) + ',' + (b[1] + 34) + ' ' + b[0] + ',' + b[1];
    }
    var path = svg('path', { d: d }, 'edge');
    edges.appendChild(path);
    var lg = svg('g', { transform: 'translate(' + e.labelX + ',' + e.labelY + ')' }, 'elabel');
    var rect = svg('rect', { x: -20, y: -11, width: 40, height: 22, rx: 5 });
    var text = svg('text', { 'text-anchor': 'middle', 'dominant-baseline': 'central', y: 1 });
    lg.appendChild(rect); lg.appendChild(text);
    labels.appendChild(lg);
    edgeEls.push({ path: path, label: lg, rect: rect, text: text, lastText: null });
  });
  D.classes.forEach(function (c, i) {
    var n = svg('g', { transform: 'translate(' + c.x + ',' + c.y + ')' }, 'node');
    var r = svg('rect', { x: -c.width / 2, y: -c.height / 2, width: c.width, height: c.height, rx: 9 });
    var t = svg('text', { 'text-anchor': 'middle', 'dominant-baseline': 'central', y: 1 }, 'node-text');
    var nm = svg('tspan', null, 'node-name');
    nm.textContent = c.name + ' ';
    var u = svg('tspan', null, 'node-usage');
    t.appendChild(nm); t.appendChild(u);
    var badge = svg('g', { transform: 'translate(' + (c.width / 2 - 2) + ',' + (-c.height / 2 + 2) + ')' }, 'bfs-badge');
    badge.appendChild(svg('circle', { r: 12 }));
    var bt = svg('text', { 'text-anchor': 'middle', 'dominant-baseline': 'central', y: 1 });
    badge.appendChild(bt);
    var title = svg('title'); title.textContent = c.name;
    n.appendChild(title); n.appendChild(r); n.appendChild(t); n.appendChild(badge);
    nodes.appendChild(n);
    nodeEls.push({ g: n, usage: u, badge: badge, badgeText: bt, lastUsage: null });
  });
  g.appendChild(edges); g.appendChild(labels); g.appendChild(nodes);
}

function setUsage(ne, usage, prev) {
  var key = usage + '|' + (prev || '');
  if (ne.lastUsage === key) return;
  ne.lastUsage = key;
  clear(ne.usage);
  ne.usage.appendChild(document.createTextNode('{'));
  for (var i = 0; i < usage.length; i++) {
    var ts = document.createElementNS(SVGNS, 'tspan');
    ts.textContent = usage[i];
    if (prev && prev[i] !== usage[i]) ts.setAttribute('class', 'flip');
    ne.usage.appendChild(ts);
  }
  ne.usage.appendChild(document.createTextNode('}'));
}

function edgeLabel(e, kinds) {
  if (e.added < 0 || e.added >= S.pos) return 'refused';
  return (kinds && kinds.length ? kinds.join('/') : '?') + ' · ' + e.by;
}

function renderGraph(st) {
  var cur = S.pos > 0 ? D.frames[S.pos - 1] : null;
  var heldNow = {};
  if (cur) st.held[cur.task].forEach(function (h) { heldNow[h.cls] = true; });
  var cyc = cycleSets();
  var newEdges = {}, seenEdges = {};
  if (cur) cur.deps.forEach(function (d) { if (d.added) newEdges[d.edge] = true; else seenEdges[d.edge] = true; });
  D.classes.forEach(function (c, i) {
    var ne = nodeEls[i];
    var shown = c.first >= 0 && c.first < S.pos;
    var cl = 'node';
    if (!shown) cl += ' is-hidden';
    if (heldNow[i]) cl += ' is-held';
    if (shown && c.first === S.pos - 1) cl += ' is-fresh';
    if (cyc.nodes[i]) cl += ' is-cycle';
    ne.g.setAttribute('class', cl);
    setUsage(ne, st.usage[i] || '....', st.prevUsage[i]);
    var flips = st.prevUsage[i] !== undefined && st.prevUsage[i] !== (st.usage[i] || '....');
    ne.g.setAttribute('aria-hidden', shown ? 'false' : 'true');
    if (flips) ne.g.classList.add('is-flipped');
  });
  D.edges.forEach(function (e, i) {
    var ee = edgeEls[i];
    var recorded = e.added >= 0 && e.added < S.pos;
    var attempted = e.attempted >= 0 && e.attempted < S.pos && !recorded;
    var cl = 'edge';
    var marker = 'plain';
    if (!recorded && !attempted) cl += ' is-hidden';
    if (attempted) { cl += ' is-attempted'; marker = 'cycle'; }
    if (newEdges[i]) { cl += ' is-new'; marker = 'new'; }
    if (seenEdges[i]) cl += ' is-seen';
    if (cyc.edges[i]) { cl += ' is-cycle'; marker = 'cycle'; }
    if (S.linkEdge === i) { cl += ' is-link'; marker = 'link'; }
    ee.path.setAttribute('class', cl);
    ee.path.setAttribute('marker-end', 'url(#arrow-' + marker + ')');
    ee.label.setAttribute('class', 'elabel' + (cl.indexOf('is-hidden') >= 0 ? ' is-hidden' : '') + (attempted ? ' is-attempted' : '') + (newEdges[i] ? ' is-new' : '') + (S.linkEdge === i ? ' is-link' : '') + (cyc.edges[i] ? ' is-cycle' : ''));
    var txt = attempted ? 'refused · ' + e.refusedBy : edgeLabel(e, st.kinds[i]);
    if (ee.lastText !== txt) {
      ee.lastText = txt;
      ee.text.textContent = txt;
      var w = txt.length * 7.9 + 12;
      ee.rect.setAttribute('x', String(-w / 2));
      ee.rect.setAttribute('width', String(w));
    }
  });
  renderEdgeList(st);
  clearBfs();
  if (cur && cur.bfs.length) showBfs(cur, S.animate);
}

/** Classes and edges of the report in view (only the parts that exist at the cursor). */
function cycleSets() {
  var out = { nodes: {}, edges: {} };
  if (S.finding < 0) return out;
  var f = D.findings[S.finding];
  if (!f.cycle) return out;
  var fired = f.frame < S.pos;
  f.cycle.edges.forEach(function (ei) {
    var e = D.edges[ei];
    if ((e.added >= 0 && e.added < S.pos) || (fired && e.attempted >= 0 && e.attempted < S.pos)) { out.edges[ei] = true; out.nodes[e.from] = true; out.nodes[e.to] = true; }
  });
  return out;
}

// Cycle search (BFS) animation: visited classes light up in order, then the path found.
function clearBfs() {
  S.anim.forEach(function (t) { clearTimeout(t); });
  S.anim = [];
  nodeEls.forEach(function (ne) { ne.g.classList.remove('bfs-visited', 'bfs-root', 'bfs-path'); });
  edgeEls.forEach(function (ee) { ee.path.classList.remove('bfs-path'); });
  setCaption('');
}

function setCaption(text) {
  var c = $('bfs-caption');
  c.textContent = text;
  c.title = text;
}

function bfsPathEdges(path) {
  var out = [];
  for (var i = 0; i + 1 < path.length; i++) {
    for (var k = 0; k < D.edges.length; k++) if (D.edges[k].from === path[i] && D.edges[k].to === path[i + 1]) out.push(k);
  }
  return out;
}

function showBfs(frame, animate) {
  var searches = frame.bfs;
  var delay = 0;
  searches.forEach(function (b, si) {
    var last = si === searches.length - 1;
    var start = delay;
    var stepMs = animate ? BFS_STEP_MS : 0;
    S.anim.push(setTimeout(function () {
      nodeEls.forEach(function (ne) { ne.g.classList.remove('bfs-visited', 'bfs-root', 'bfs-path'); });
      edgeEls.forEach(function (ee) { ee.path.classList.remove('bfs-path'); });
      nodeEls[b.root].g.classList.add('bfs-root');
      setCaption('Cycle search ' + (si + 1) + '/' + searches.length + ' from ' + cname(b.root) + '…');
    }, start));
    b.visited.forEach(function (v, k) {
      S.anim.push(setTimeout(function () {
        var ne = nodeEls[v];
        ne.g.classList.add('bfs-visited');
        ne.badgeText.textContent = String(k + 1);
      }, start + (animate ? (k + 1) * stepMs : 0)));
    });
    delay = start + (animate ? (b.visited.length + 1) * stepMs : 0);
    S.anim.push(setTimeout(function () {
      if (b.path) {
        b.path.forEach(function (v) { nodeEls[v].g.classList.add('bfs-path'); });
        bfsPathEdges(b.path).forEach(function (k) { edgeEls[k].path.classList.add('bfs-path'); });
        setCaption('Cycle search from ' + cname(b.root) + ' found: ' + b.path.map(cname).join(' → '));
      } else {
        setCaption('Cycle search from ' + cname(b.root) + ': ' + b.visited.length + ' visited, no path back' + (last ? '' : '; next search…'));
      }
    }, delay));
    if (!last) delay += animate ? stepMs * 2 : 0;
  });
  return delay;
}

function bfsDuration(frame) {
  if (!frame || !frame.bfs.length || !BFS_STEP_MS) return 0;
  var d = 0;
  frame.bfs.forEach(function (b) { d += (b.visited.length + 3) * BFS_STEP_MS; });
  return d;
}

function renderEdgeList(st) {
  var ul = $('edge-list');
  clear(ul);
  var any = false;
  D.edges.forEach(function (e, i) {
    if (!(e.added >= 0 && e.added < S.pos)) return;
    any = true;
    ul.appendChild(el('li', null, cname(e.from) + ' → ' + cname(e.to) + ' (' + (st.kinds[i] || []).join('/') + '), recorded at ' + e.by));
  });
  if (!any) ul.appendChild(el('li', null, 'No dependencies recorded yet.'));
}

// ---------------------------------------------------------------------------------------------
// Narration, the Step tab and the Report tab.

function renderNarration() {
  var n = $('narration');
  clear(n);
  if (S.pos === 0) {
    n.appendChild(el('strong', null, 'Ready. '));
    if (D.description) n.appendChild(document.createTextNode(D.description + ' — '));
    n.appendChild(document.createTextNode(N + ' steps in ' + D.tasks.length + ' task' + (D.tasks.length === 1 ? '' : 's') + '. Press Next (→) to run the first step.'));
    return;
  }
  var f = D.frames[S.pos - 1];
  var s = D.tasks[f.task].steps[f.step];
  n.appendChild(el('strong', null, stepName(f) + ': '));
  n.appendChild(el('span', 'narr-label', s.label));
  // The most telling note of the step goes into the headline; the Step tab lists them all.
  var rank = { report: 0, cycle: 1, dep: 2, miss: 3, hit: 4, info: 5, seen: 6, bfs: 7, usage: 8 };
  var key = null;
  for (var i = 0; i < f.notes.length; i++) if (!key || rank[f.notes[i].tone] < rank[key.tone]) key = f.notes[i];
  if (key) {
    n.appendChild(document.createTextNode(' — '));
    n.appendChild(el('span', 'tone-' + key.tone, key.text));
  }
}

function renderStepTab(st) {
  var p = $('panel-step');
  clear(p);
  if (S.pos === 0) {
    p.appendChild(el('p', null, 'Nothing has run yet. Each step of each task is one lockdep event (lock_acquire, lock_release, an irq toggle…).'));
    p.appendChild(el('p', null, 'Watch the held-lock stacks, the chain cache and the dependency graph as the steps run.'));
    return;
  }
  var f = D.frames[S.pos - 1];
  var t = D.tasks[f.task], s = t.steps[f.step];
  p.appendChild(el('h3', 'step-title', stepName(f) + ': ' + s.label));
  var meta = el('p', 'step-meta');
  if (s.at) { meta.appendChild(document.createTextNode('at: ')); meta.appendChild(el('code', null, s.at)); meta.appendChild(document.createTextNode(' · ')); }
  meta.appendChild(document.createTextNode(D.file + ':' + s.line + ' · ' + f.ctx));
  p.appendChild(meta);
  if (s.path.length) {
    p.appendChild(el('h4', null, 'Call path'));
    var ol = el('ol', 'callpath');
    s.path.forEach(function (fn) { ol.appendChild(el('li', null, fn)); });
    p.appendChild(ol);
  }
  if (f.chain) {
    p.appendChild(el('h4', null, 'Chain cache'));
    var cp = el('p', 'chain-detail');
    cp.appendChild(el('code', 'chain-key', f.chain.key));
    cp.appendChild(el('span', 'badge ' + (f.chain.hit ? 'badge-hit' : 'badge-miss'), f.chain.hit ? 'cache hit' : 'cache miss'));
    p.appendChild(cp);
    p.appendChild(el('p', 'chain-classes', f.chain.classes.map(cname).join(' → ')));
  }
  if (f.notes.length) {
    p.appendChild(el('h4', null, 'What lockdep did'));
    var ul = el('ul', 'notes');
    f.notes.forEach(function (nt) { ul.appendChild(el('li', 'note tone-' + nt.tone, nt.text)); });
    p.appendChild(ul);
  }
  // Usage bits of every class seen so far; the ones this step set are highlighted.
  var seen = D.classes.map(function (c, i) { return i; }).filter(function (i) { return D.classes[i].first >= 0 && D.classes[i].first < S.pos; });
  if (seen.length) {
    p.appendChild(el('h4', null, 'Usage bits'));
    var tbl = el('table', 'usage-table');
    var cap = el('caption', null, 'Per class: + taken with irqs enabled, - taken in an irq handler, ? both, . neither');
    tbl.appendChild(cap);
    var thead = el('thead'), hr = el('tr');
    ['class', 'hardirq W', 'hardirq R', 'softirq W', 'softirq R'].forEach(function (h) { var th = el('th', null, h); th.scope = 'col'; hr.appendChild(th); });
    thead.appendChild(hr); tbl.appendChild(thead);
    var tb = el('tbody');
    seen.forEach(function (i) {
      var tr = el('tr');
      var th = el('th', null, cname(i)); th.scope = 'row'; tr.appendChild(th);
      var u = st.usage[i] || '....', pu = st.prevUsage[i];
      for (var k = 0; k < 4; k++) {
        var td = el('td', null, u[k] || '.');
        if (pu !== undefined && pu[k] !== u[k]) { td.className = 'flip'; td.title = 'changed at this step'; }
        tr.appendChild(td);
      }
      tb.appendChild(tr);
    });
    tbl.appendChild(tb);
    p.appendChild(tbl);
  }
}

function firedFindings() {
  var out = [];
  D.findings.forEach(function (f, i) { if (f.frame < S.pos) out.push(i); });
  return out;
}

function renderReportTab() {
  var p = $('panel-report');
  clear(p);
  var fired = firedFindings();
  var tabBtn = $('tab-report');
  tabBtn.textContent = 'Report' + (fired.length ? ' (' + fired.length + ')' : '');
  if (S.finding < 0) {
    p.appendChild(el('p', null, D.findings.length ? 'No report yet. Use “Next report” (R) to run up to the first one.' : 'This scenario produces no report: every dependency lockdep records is consistent.'));
    return;
  }
  if (fired.length > 1 || (fired.length === 1 && fired[0] !== S.finding)) {
    var nav = el('div', 'report-list');
    nav.setAttribute('role', 'group');
    nav.setAttribute('aria-label', 'Reports so far');
    fired.forEach(function (i) {
      var b = el('button', 'report-pick' + (i === S.finding ? ' is-on' : ''), (i + 1) + '. ' + D.findings[i].title + (D.findings[i].explore ? ' · ' + D.findings[i].explore.verdict : ''));
      b.type = 'button';
      b.setAttribute('aria-pressed', i === S.finding ? 'true' : 'false');
      b.addEventListener('click', function () { S.finding = i; S.linkEdge = -1; S.linkLine = -1; render(); });
      nav.appendChild(b);
    });
    p.appendChild(nav);
  }
  var f = D.findings[S.finding];
  var fr = D.frames[f.frame];
  if (S.pos - 1 !== f.frame) {
    var ban = el('div', 'banner');
    ban.setAttribute('role', 'status');
    ban.appendChild(document.createTextNode(f.frame < S.pos
      ? 'This report fired at step ' + (f.frame + 1) + ' (' + stepName(fr) + '); you are at step ' + S.pos + '. '
      : 'This report fires later, at step ' + (f.frame + 1) + ' (' + stepName(fr) + '); you are at step ' + S.pos + '. '));
    var back = el('button', 'btn-small', 'Go to the report');
    back.type = 'button';
    back.addEventListener('click', function () { S.linkEdge = -1; S.linkLine = -1; go(f.frame + 1, { from: 'link' }); });
    ban.appendChild(back);
    p.appendChild(ban);
  }
  renderVerdict(p, f, S.finding);
  var pre = el('pre', 'splat');
  pre.id = 'splat';
  pre.setAttribute('aria-label', 'Kernel report: ' + f.title);
  f.lines.forEach(function (ln, li) {
    var line;
    if (ln.link) {
      line = el('a', 'splat-line splat-link' + (S.linkLine === li ? ' is-on' : ''), ln.text || ' ');
      line.href = '#step=' + (ln.link.frame + 1);
      line.title = 'Go to ' + ln.link.what + ' (step ' + (ln.link.frame + 1) + ')';
      line.setAttribute('aria-label', ln.text.trim() + ' — go to ' + ln.link.what);
      (function (lk, idx) {
        line.addEventListener('click', function (ev) {
          ev.preventDefault();
          S.linkEdge = lk.edge !== undefined ? lk.edge : -1;
          S.linkLine = idx;
          go(lk.frame + 1, { from: 'link' });
          var again = document.querySelector('#splat .splat-line[data-line="' + idx + '"]');
          if (again) again.focus();
        });
        var hi = function () { if (lk.edge !== undefined) highlightEdge(lk.edge, true); };
        var lo = function () { if (lk.edge !== undefined) highlightEdge(lk.edge, false); };
        line.addEventListener('mouseenter', hi); line.addEventListener('mouseleave', lo);
        line.addEventListener('focus', hi); line.addEventListener('blur', lo);
      })(ln.link, li);
    } else {
      line = el('span', 'splat-line', ln.text);
    }
    line.setAttribute('data-line', String(li));
    pre.appendChild(line);
    pre.appendChild(document.createTextNode('\n'));
  });
  p.appendChild(pre);
}

// The interleaving explorer's verdict on a reported cycle, and for a confirmed one the schedule
// that deadlocks: one column per task, each operation a link to the scenario step it is.
var VERDICT_WORD = { confirmed: 'CONFIRMED', refuted: 'REFUTED', unknown: 'UNKNOWN' };
function renderVerdict(p, f, fi) {
  var v = f.explore;
  if (!v) {
    if (!D.explore && f.cycle) {
      p.appendChild(el('p', 'verdict-none', 'Real deadlock or false positive? This page was built without the interleaving explorer (--no-explore); “lockdep-sim explore ' + D.file + '” answers it.'));
    }
    return;
  }
  var box = el('section', 'verdict verdict-' + v.verdict);
  box.id = 'verdict';
  box.setAttribute('aria-labelledby', 'verdict-h');
  var h = el('h3', 'verdict-h');
  h.id = 'verdict-h';
  h.appendChild(document.createTextNode('Real deadlock? The explorer: '));
  h.appendChild(el('span', 'badge verdict-badge', VERDICT_WORD[v.verdict] || v.verdict));
  box.appendChild(h);
  var sum = el('p', 'verdict-summary');
  sum.appendChild(el('strong', null, v.title + ' — '));
  sum.appendChild(breakable('verdict-why', v.summary));
  box.appendChild(sum);
  v.detail.forEach(function (d) { box.appendChild(el('p', 'verdict-detail', d)); });
  if (v.schedule) box.appendChild(scheduleBlock(v.schedule, fi));
  p.appendChild(box);
}

function scheduleBlock(sch, fi) {
  var det = el('details', 'schedule');
  det.id = 'schedule';
  det.open = !!S.schedOpen[fi];
  det.addEventListener('toggle', function () { S.schedOpen[fi] = det.open; });
  var deadlocked = sch.tasks.filter(function (t) { return t.deadlocked; }).length;
  det.appendChild(el('summary', 'schedule-summary', 'The schedule that deadlocks: ' + sch.rows.length + ' lock operation' + (sch.rows.length === 1 ? '' : 's') + ', ' + sch.tasks.length + ' task' + (sch.tasks.length === 1 ? '' : 's') + (deadlocked === sch.tasks.length ? '' : ' (' + deadlocked + ' deadlocked)')));
  var wrap = el('div', 'schedule-wrap');
  var tbl = el('table', 'schedule-table');
  tbl.id = 'schedule-table';
  tbl.appendChild(el('caption', null, 'One column per task; each row is one lock operation, in the order they run (click one to see that step in the replay, where the validator ran it). The last row shows what each task waits for and who holds it.'));
  var thead = el('thead'), hr = el('tr');
  var th0 = el('th', 'sched-num', '#'); th0.scope = 'col'; hr.appendChild(th0);
  sch.tasks.forEach(function (t) {
    var th = el('th', 'sched-task' + (t.deadlocked ? ' is-deadlocked' : ''));
    th.scope = 'col';
    th.appendChild(breakable(null, t.name));
    if (t.task >= 0) th.title = 'Task ' + D.tasks[t.task].label;
    hr.appendChild(th);
  });
  thead.appendChild(hr); tbl.appendChild(thead);
  var tb = el('tbody');
  var cur = S.pos - 1;
  sch.rows.forEach(function (r, ri) {
    var tr = el('tr', 'sched-row');
    if (r.frame >= 0 && r.frame === cur) { tr.classList.add('is-current'); tr.setAttribute('aria-current', 'step'); }
    var th = el('th', 'sched-num', String(ri + 1)); th.scope = 'row'; tr.appendChild(th);
    for (var c = 0; c < sch.tasks.length; c++) {
      var td = el('td', 'sched-cell');
      if (c === r.column) {
        td.classList.add('is-op');
        var op;
        if (r.frame >= 0) {
          op = el('a', 'sched-link');
          op.href = '#step=' + (r.frame + 1);
          op.setAttribute('data-row', String(ri));
          op.title = 'Go to ' + r.step + ' (step ' + (r.frame + 1) + ' of the replay)';
          op.setAttribute('aria-label', r.text + ' — go to ' + r.step + ', step ' + (r.frame + 1) + ' of the replay');
          (function (row, idx) {
            op.addEventListener('click', function (ev) {
              ev.preventDefault();
              S.linkEdge = -1; S.linkLine = -1;
              go(row.frame + 1, { from: 'link' });
              var again = document.querySelector('#schedule-table .sched-link[data-row="' + idx + '"]');
              if (again) again.focus();
            });
          })(r, ri);
        } else {
          op = el('span', 'sched-op');
        }
        op.appendChild(breakable('sched-text', r.text));
        td.appendChild(op);
        td.appendChild(el('span', 'sched-where', r.where));
      }
      tr.appendChild(td);
    }
    tb.appendChild(tr);
  });
  tbl.appendChild(tb);
  var tf = el('tfoot'), fr = el('tr', 'sched-end');
  var thE = el('th', 'sched-num', 'end'); thE.scope = 'row'; fr.appendChild(thE);
  sch.blocked.forEach(function (lines) {
    var td = el('td', 'sched-blocked');
    lines.forEach(function (ln, k) { td.appendChild(k ? breakable('sched-bline', ln) : el('strong', 'sched-bline', ln)); });
    fr.appendChild(td);
  });
  tf.appendChild(fr); tbl.appendChild(tf);
  wrap.appendChild(tbl);
  det.appendChild(wrap);
  return det;
}

function highlightEdge(i, on) {
  var ee = edgeEls[i];
  if (!ee) return;
  ee.path.classList.toggle('is-hover', on);
  ee.label.classList.toggle('is-hover', on);
}

function selectTab(name, focus) {
  S.tab = name;
  ['step', 'report'].forEach(function (k) {
    var b = $('tab-' + k), panel = $('panel-' + k);
    var on = k === name;
    b.setAttribute('aria-selected', on ? 'true' : 'false');
    b.tabIndex = on ? 0 : -1;
    panel.hidden = !on;
  });
  if (focus) $('tab-' + name).focus();
}

// ---------------------------------------------------------------------------------------------
// Navigation.

function nextReportFrame(from) {
  for (var i = from; i < N; i++) if (D.frames[i].findings.length) return i;
  return -1;
}
function prevReportFrame(before) {
  for (var i = before; i >= 0; i--) if (D.frames[i].findings.length) return i;
  return -1;
}

function go(pos, opts) {
  opts = opts || {};
  pos = Math.max(0, Math.min(N, pos));
  var forward = pos === S.pos + 1;
  S.animate = !!opts.animate || forward || opts.from === 'report';
  if (opts.from !== 'link') { S.linkEdge = -1; S.linkLine = -1; }
  S.pos = pos;
  var cur = pos > 0 ? D.frames[pos - 1] : null;
  // The report in view is sticky: it stays (with a "fires later" banner) when the cursor goes
  // back to look at the steps behind it, and is replaced when another report fires.
  if (opts.from !== 'link') {
    if (cur && cur.findings.length) {
      S.finding = cur.findings[cur.findings.length - 1];
      selectTab('report');
    } else if (pos === 0) {
      S.finding = -1;
    } else if (S.finding < 0) {
      var ff = firedFindings();
      if (ff.length) S.finding = ff[ff.length - 1];
    }
  }
  render();
  try { history.replaceState(null, '', '#step=' + pos); } catch (e) { /* file: URLs in some browsers */ }
}

function render() {
  var st = stateAt(S.pos);
  renderTasks(st);
  renderGraph(st);
  renderNarration();
  renderStepTab(st);
  renderReportTab();
  $('counter').textContent = 'Step ' + S.pos + ' / ' + N;
  var scrub = $('scrub');
  scrub.value = String(S.pos);
  scrub.setAttribute('aria-valuetext', S.pos === 0 ? 'start' : 'step ' + S.pos + ': ' + stepName(D.frames[S.pos - 1]));
  $('btn-prev').disabled = S.pos === 0;
  $('btn-start').disabled = S.pos === 0;
  $('btn-next').disabled = S.pos === N;
  $('btn-report').disabled = nextReportFrame(S.pos) < 0;
  if (S.pos === N && S.playing) stop();
  S.animate = false;
}

function stop() {
  S.playing = false;
  clearTimeout(S.timer);
  var b = $('btn-play');
  b.setAttribute('aria-pressed', 'false');
  b.textContent = '▶ Play';
  b.setAttribute('aria-label', 'Play (Space)');
}
function tick() {
  if (!S.playing) return;
  if (S.pos >= N) { stop(); return; }
  go(S.pos + 1);
  var cur = D.frames[S.pos - 1];
  if (cur && cur.findings.length) { stop(); return; }   // pause at reports
  S.timer = setTimeout(tick, 900 + bfsDuration(cur));
}
function play() {
  if (S.playing) { stop(); return; }
  if (S.pos >= N) go(0);
  S.playing = true;
  var b = $('btn-play');
  b.setAttribute('aria-pressed', 'true');
  b.textContent = '❚❚ Pause';
  b.setAttribute('aria-label', 'Pause (Space)');
  tick();
}
function nextReport() {
  var r = nextReportFrame(S.pos);
  if (r < 0) { announce('No further report.'); return; }
  stop();
  go(r + 1, { from: 'report' });
}
function prevReport() {
  var r = prevReportFrame(S.pos - 2);
  if (r < 0) { announce('No earlier report.'); return; }
  stop();
  go(r + 1, { from: 'report' });
}
function announce(msg) {
  var a = $('announce');
  a.textContent = '';
  setTimeout(function () { a.textContent = msg; }, 30);
}

// ---------------------------------------------------------------------------------------------
// Theme, keyboard, start-up.

function setTheme(t, save) {
  document.documentElement.setAttribute('data-theme', t);
  var b = $('btn-theme');
  b.setAttribute('aria-pressed', t === 'dark' ? 'true' : 'false');
  b.textContent = t === 'dark' ? '☀ Light' : '☾ Dark';
  b.setAttribute('aria-label', t === 'dark' ? 'Switch to the light theme (T)' : 'Switch to the dark theme (T)');
  if (save) try { localStorage.setItem('lockdep-sim-theme', t); } catch (e) { /* storage disabled */ }
}

function onKey(ev) {
  if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  var tg = ev.target;
  var tag = tg && tg.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return;
  var onControl = tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY';
  var k = ev.key;
  if ((k === ' ' || k === 'Enter') && onControl) return;
  if ($('help').open && k !== '?') return;
  var handled = true;
  switch (k) {
    case 'ArrowRight': case 'n': case 'j': stop(); go(S.pos + 1); break;
    case 'ArrowLeft': case 'p': case 'k': stop(); go(S.pos - 1); break;
    case ' ': play(); break;
    case 'r': nextReport(); break;
    case 'R': prevReport(); break;
    case 'Home': stop(); go(0); break;
    case 'End': stop(); go(N); break;
    case 't': setTheme(document.documentElement.getAttribute('data-theme') === 'dark' ? 'light' : 'dark', true); break;
    case 's': selectTab('step', true); break;
    case 'e': selectTab('report', true); break;
    case 'g': toggleGraphMax(); break;
    case '?': toggleHelp(); break;
    default: handled = false;
  }
  if (handled) ev.preventDefault();
}

function toggleGraphMax() {
  var on = !document.body.classList.contains('is-graph-max');
  document.body.classList.toggle('is-graph-max', on);
  var b = $('btn-graph-max');
  b.setAttribute('aria-pressed', on ? 'true' : 'false');
  b.textContent = on ? 'Show tasks' : 'Enlarge';
}

function toggleHelp() {
  var d = $('help');
  if (d.open) d.close(); else d.showModal();
}

function init() {
  $('title').textContent = D.title;
  $('subtitle').textContent = D.file + ' · kernel ' + D.kernel + ' · ' + D.tasks.length + ' tasks · ' + N + ' steps · ' + D.findings.length + ' report' + (D.findings.length === 1 ? '' : 's');
  var th = null;
  try { th = localStorage.getItem('lockdep-sim-theme'); } catch (e) { /* storage disabled */ }
  var hashTheme = /(?:^#|&)theme=(light|dark)/.exec(location.hash);
  if (hashTheme) th = hashTheme[1];
  if (th !== 'light' && th !== 'dark') th = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  setTheme(th, false);
  buildTasks();
  buildGraph();
  var scrub = $('scrub');
  scrub.max = String(N);
  scrub.addEventListener('input', function () { stop(); go(parseInt(scrub.value, 10) || 0, { from: 'scrub' }); });
  $('btn-start').addEventListener('click', function () { stop(); go(0); });
  $('btn-prev').addEventListener('click', function () { stop(); go(S.pos - 1); });
  $('btn-next').addEventListener('click', function () { stop(); go(S.pos + 1); });
  $('btn-play').addEventListener('click', play);
  $('btn-report').addEventListener('click', nextReport);
  $('btn-theme').addEventListener('click', function () { setTheme(document.documentElement.getAttribute('data-theme') === 'dark' ? 'light' : 'dark', true); });
  $('btn-help').addEventListener('click', toggleHelp);
  $('btn-graph-max').addEventListener('click', toggleGraphMax);
  $('help-close').addEventListener('click', function () { $('help').close(); });
  ['step', 'report'].forEach(function (k) {
    var b = $('tab-' + k);
    b.addEventListener('click', function () { selectTab(k); });
    b.addEventListener('keydown', function (ev) {
      if (ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') { ev.preventDefault(); ev.stopPropagation(); selectTab(k === 'step' ? 'report' : 'step', true); }
    });
  });
  document.addEventListener('keydown', onKey);
  selectTab('step');
  var m = /(?:^#|&)step=(\d+)/.exec(location.hash);
  go(m ? parseInt(m[1], 10) : 0, { from: 'scrub' });
  document.documentElement.classList.add('is-ready');
}

init();
})();
`;
